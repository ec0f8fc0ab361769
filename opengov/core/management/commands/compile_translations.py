"""`opengov compile_translations`: compile every .po file to .mo with polib (no gettext needed)."""

from pathlib import Path

import polib
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the project's .po translation files into .mo files."

    def handle(self, *args, **options):
        root = Path(__file__).resolve().parents[3]
        count = 0
        for po_path in root.rglob("locale/*/LC_MESSAGES/*.po"):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            count += 1
        self.stdout.write(f"{count} translation file(s) compiled")
