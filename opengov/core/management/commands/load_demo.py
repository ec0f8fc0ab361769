"""`opengov load_demo`: demo data of every app, in INSTALLED_APPS order; safe to run twice.

Each app that has demo data provides `<app>/demo.py` with `load(*, stdout) -> None`.
"""

from importlib import import_module, util

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load demo data: agencies, officials, citizens and each app's examples (idempotent)."

    def handle(self, *args, **options):
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if not config.name.startswith("opengov.") or util.find_spec(module_name) is None:
                continue
            with transaction.atomic():
                import_module(module_name).load(stdout=self.stdout)
