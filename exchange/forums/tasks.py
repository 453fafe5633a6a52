"""Background work of the forums (django-tasks)."""

from django_tasks import task


@task()
def send_forum_digests(frequency: str) -> int:
    """Send every due e-mail digest of ``frequency`` ("daily" or "weekly"); returns how
    many e-mails went out (``digest.send_due_digests``)."""
    from .digest import send_due_digests

    return send_due_digests(frequency)
