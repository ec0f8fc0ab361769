"""spaces app configuration."""

from django.apps import AppConfig


class SpacesConfig(AppConfig):
    """Participation spaces, places, the regional revitalisation board."""

    name = "opengov.spaces"
    label = "spaces"

    def ready(self) -> None:
        """Resolve space keys for the other apps, and erase a closed account's statements."""
        from opengov.accounts.signals import user_closed
        from opengov.core import scopes

        from .services import forget_statements, scope_gate, scope_resolver

        scopes.register(resolver=scope_resolver, gate=scope_gate)
        user_closed.connect(forget_statements, dispatch_uid="spaces-forget-statements")
