"""``manage.py forum_digest --frequency daily|weekly``: send the due e-mail digests.

Run it every hour (the scheduler service does): it only sends to members whose
digest is due, so running it more often sends nothing twice.
"""

from django.core.management.base import BaseCommand
from django_tasks import TaskResultStatus

from exchange.forums.models import DigestFrequency
from exchange.forums.tasks import send_forum_digests

FREQUENCIES = [DigestFrequency.DAILY.value, DigestFrequency.WEEKLY.value]


class Command(BaseCommand):
    help = "Send the due forum e-mail digests (as background work through django-tasks)."

    def add_arguments(self, parser):
        parser.add_argument("--frequency", choices=FREQUENCIES, required=True)

    def handle(self, *args, frequency, **options):
        result = send_forum_digests.enqueue(frequency)
        if result.status == TaskResultStatus.SUCCESSFUL:
            self.stdout.write(f"{result.return_value} {frequency} digest e-mail(s) sent.")
        elif result.status == TaskResultStatus.FAILED:
            self.stderr.write(f"The {frequency} digest failed; see the log.")
            raise SystemExit(1)
        else:
            self.stdout.write(f"The {frequency} digest is queued (task {result.id}).")
