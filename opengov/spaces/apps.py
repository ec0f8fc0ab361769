"""spaces app configuration."""

from django.apps import AppConfig


class SpacesConfig(AppConfig):
    """Participation spaces, places, the regional revitalisation board."""

    name = "opengov.spaces"
    label = "spaces"

    def ready(self) -> None:
        """Resolve space keys for the other apps, erase a closed account's statements, and let
        a space's moderators translate its name and description per field into every shipped
        language (`core.translations`)."""
        from opengov.accounts.signals import user_closed
        from opengov.core import scopes
        from opengov.core.translations import register_translatable

        from .models import Space
        from .permissions import can_moderate
        from .services import forget_statements, scope_gate, scope_resolver

        scopes.register(resolver=scope_resolver, gate=scope_gate)
        user_closed.connect(forget_statements, dispatch_uid="spaces-forget-statements")
        register_translatable(
            Space,
            TRANSLATABLE_FIELDS,
            may_translate=lambda user, space: can_moderate(user, space),
            max_length=5000,
        )


TRANSLATABLE_FIELDS = ("name", "description")
