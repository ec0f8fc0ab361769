"""Core app configuration."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared building blocks: audit log, clock, calendars, identifiers, outbox, exporters."""

    name = "opengov.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        """Load the apps' registering modules: audit_events, exporters, personal_data, home..."""
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("audit_events")
        autodiscover_modules("exporters")
        autodiscover_modules("personal_data")
        autodiscover_modules("home")
        autodiscover_modules("worklist")
        autodiscover_modules("panels")
