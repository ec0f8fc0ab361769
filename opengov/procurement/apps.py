"""procurement app configuration."""

from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    """Open contracting (OCDS), large procurement, red flags, integrity-platform projects."""

    name = "opengov.procurement"
    label = "procurement"

    def ready(self) -> None:
        """Add the procurement section to the registry's company page."""
        from . import registry_pages

        registry_pages.register()
