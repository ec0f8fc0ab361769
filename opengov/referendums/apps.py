"""referendums app configuration."""

from django.apps import AppConfig


class ReferendumsConfig(AppConfig):
    """Referendum petitions with citizen-certificate signatures and a verifiable tally."""

    name = "opengov.referendums"
    label = "referendums"
    verbose_name = "Referendums"
