"""ownership app configuration."""

from django.apps import AppConfig


class OwnershipConfig(AppConfig):
    """Beneficial ownership (BODS 0.4) and ultimate owners."""

    name = "opengov.ownership"
    label = "ownership"
