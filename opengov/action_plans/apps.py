"""action_plans app configuration."""

from django.apps import AppConfig


class ActionPlansConfig(AppConfig):
    """The action_plans app."""

    name = "opengov.action_plans"
    label = "action_plans"
