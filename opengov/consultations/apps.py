"""consultations app configuration."""

from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    """The consultations app."""

    name = "opengov.consultations"
    label = "consultations"

    def ready(self) -> None:
        """The title, summary and easy-read summary may be translated per field by the
        officials who may edit the consultation (`core.translations`)."""
        from opengov.core.translations import register_translatable

        from .models import Consultation
        from .permissions import can_manage

        register_translatable(
            Consultation,
            TRANSLATABLE_FIELDS,
            may_translate=lambda user, consultation: can_manage(user, consultation),
        )


TRANSLATABLE_FIELDS = ("title", "summary", "easy_read_summary")
