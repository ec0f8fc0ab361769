"""Accounts app configuration."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Users, verification, agencies, memberships and roles."""

    name = "opengov.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        """Tell core who the platform operators are (core imports no app)."""
        from opengov.core.roles import register_operator_check

        from .permissions import is_moderator

        register_operator_check(is_moderator)
