"""proposals app configuration."""

from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    """The proposals app."""

    name = "opengov.proposals"
    label = "proposals"

    def ready(self) -> None:
        """Forget a closed account's notice choices."""
        from opengov.accounts.signals import user_closed

        from .services import forget_notice_choices

        user_closed.connect(forget_notice_choices, dispatch_uid="proposals-forget-follows")
