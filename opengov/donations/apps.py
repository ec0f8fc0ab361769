"""donations app configuration."""

from django.apps import AppConfig


class DonationsConfig(AppConfig):
    """Political-donation disclosure and its verification."""

    name = "opengov.donations"
    label = "donations"

    def ready(self) -> None:
        """Add the donor section to the registry's company page; register the datasets."""
        from . import exporters, registry_pages  # noqa: F401

        registry_pages.register()
