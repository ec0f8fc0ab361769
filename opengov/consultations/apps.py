"""consultations app configuration."""

from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    """The consultations app."""

    name = "opengov.consultations"
    label = "consultations"
