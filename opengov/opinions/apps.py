"""opinions app configuration."""

from django.apps import AppConfig


class OpinionsConfig(AppConfig):
    """Opinion mapping (Polis-style) in consultations."""

    name = "opengov.opinions"
    label = "opinions"
