"""Accounts app configuration."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Users, verification, agencies, memberships and roles."""

    name = "opengov.accounts"
    label = "accounts"
    verbose_name = "Accounts"
