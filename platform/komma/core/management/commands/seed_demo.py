"""``manage.py seed_demo``: idempotent demo content for development."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from komma.core.demo import seed_demo


class Command(BaseCommand):
    help = "Create demo municipalities, members and pages (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with DEBUG off (demo passwords are public: never on a live site).",
        )

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Refusing to seed demo accounts with DEBUG off; their passwords are public."
            )
        ctx = seed_demo()
        for message in ctx.messages:
            self.stdout.write(f"  {message}")
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))
