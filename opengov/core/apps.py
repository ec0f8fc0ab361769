"""Core app configuration."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared building blocks: audit log, clock, calendars, identifiers, outbox, exporters."""

    name = "opengov.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        """Load every app's `exporters`, `personal_data`, `home` and `panels` modules (they
        register themselves)."""
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("exporters")
        autodiscover_modules("personal_data")
        autodiscover_modules("home")
        autodiscover_modules("panels")
