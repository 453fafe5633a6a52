"""Background work of the core (django-tasks)."""

from django.core.mail import EmailMessage
from django.db import transaction
from django_tasks import TaskResultStatus, task


@task()
def send_email(subject: str, body: str, to: list[str]) -> None:
    """Send one plain-text e-mail. Each recipient is a separate message: no shared To:."""
    for address in to:
        EmailMessage(subject=subject, body=body, to=[address]).send()


class MailDelivery:
    """An e-mail queued to go out when the surrounding transaction commits.

    ``failed`` tells the caller, after the commit, whether sending already failed
    (the immediate backend runs at once and records a failure instead of raising);
    with a queue backend the task is pending and ``failed`` stays False. Callers
    use it to say honestly that a notification did not go out.
    """

    def __init__(self, subject: str, body: str, to: list[str]):
        self.result = None
        transaction.on_commit(lambda: self._enqueue(subject, body, to))

    def _enqueue(self, subject, body, to):
        self.result = send_email.enqueue(subject, body, to)

    @property
    def failed(self) -> bool:
        return self.result is not None and self.result.status == TaskResultStatus.FAILED
