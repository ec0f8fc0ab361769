"""`opengov show_jurisdiction`: print every legal number in force with its source."""

from django.core.management.base import BaseCommand

from opengov.core.jurisdiction import jurisdiction, sources


class Command(BaseCommand):
    help = "List the rules of the jurisdiction profile in force, with their legal sources."

    def handle(self, *args, **options):
        profile = jurisdiction()
        self.stdout.write(f"{profile.name} ({profile.code})")
        for section, name, value, source in sources(profile):
            self.stdout.write(f"{section}.{name} = {value}\n    {source}")
