"""ownership app configuration."""

from django.apps import AppConfig


class OwnershipConfig(AppConfig):
    """Beneficial ownership (BODS 0.4) and ultimate owners."""

    name = "opengov.ownership"
    label = "ownership"

    def ready(self) -> None:
        """Add the ownership sections to the registry's company and person pages."""
        from . import registry_pages

        registry_pages.register()
