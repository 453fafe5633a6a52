"""Background work of the core (django-tasks)."""

from django.core.mail import EmailMessage
from django_tasks import task


@task()
def send_email(subject: str, body: str, to: list[str]) -> None:
    """Send one plain-text e-mail. Each recipient is a separate message: no shared To:."""
    for address in to:
        EmailMessage(subject=subject, body=body, to=[address]).send()
