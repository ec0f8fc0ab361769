"""open_data app configuration."""

from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    """The open_data app."""

    name = "opengov.open_data"
    label = "open_data"
