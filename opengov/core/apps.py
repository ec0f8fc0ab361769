"""Core app configuration."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared building blocks: audit log, clock, calendars, identifiers, outbox, exporters."""

    name = "opengov.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        """Load the apps' registering modules (audit_events, exporters, personal_data, home,
        worklist, panels); describe the languages Django does not know (`core.languages`);
        connect the job signals of request ids and metrics."""
        from django.utils.module_loading import autodiscover_modules

        from .languages import register_extra_languages

        register_extra_languages()

        autodiscover_modules("audit_events")
        autodiscover_modules("exporters")
        autodiscover_modules("personal_data")
        autodiscover_modules("home")
        autodiscover_modules("worklist")
        autodiscover_modules("panels")

        from . import metrics, requestid

        # jobs carry the request id of the request that queued them, and are counted
        requestid.connect_celery()
        metrics.connect_celery()
