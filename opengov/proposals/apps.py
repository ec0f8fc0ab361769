"""proposals app configuration."""

from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    """The proposals app."""

    name = "opengov.proposals"
    label = "proposals"
