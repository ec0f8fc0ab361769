"""registry app configuration."""

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    """Organisations and people shared by the transparency apps."""

    name = "opengov.registry"
    label = "registry"
