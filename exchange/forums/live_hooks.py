"""The forums' receivers of the hooks other plugins use to start a thread
(``forum_thread_targets``, ``submit_forum_thread``; the live sessions' forum draft).

Everything goes through the forum's own rules: the categories offered are those
``access`` lets the user write in, and a submission is ``actions.check_create_thread``
with all its checks (access, silencing, watched words, pre-moderation, rate limits).
An anonymous submission becomes a case ("Fall"), because the forum offers anonymity
for cases only: the text is the situation, the title the key question.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from plugins.hooks import ForumSubmission, ForumTarget, forum_thread_targets, submit_forum_thread

from . import actions
from .access import forum_viewer, readable_categories
from .models import Category, State

KEY_QUESTION_MAX_LENGTH = 300


@receiver(forum_thread_targets)
def thread_targets(sender, user, **kwargs):
    """The categories ``user`` may start a thread in (none while silenced)."""
    viewer = forum_viewer(user)
    if not viewer.is_authenticated or viewer.is_silenced():
        return []
    return [
        ForumTarget(id=category.pk, label=category.name, allows_anonymous=True)
        for category in readable_categories(user).order_by("position", "name")
    ]


def _messages(exc: ValidationError) -> tuple[str, ...]:
    return tuple(str(message) for message in exc.messages)


@receiver(submit_forum_thread)
def submit_thread(sender, user, category_id, title, body, anonymous=False, **kwargs):
    """Start the thread through ``actions.check_create_thread``; errors as strings."""
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        return [ForumSubmission(ok=False, errors=(_("You may not write in this category."),))]
    case = None
    if anonymous:
        case = actions.CaseDetails(
            situation=body, key_question=" ".join(title.split())[:KEY_QUESTION_MAX_LENGTH]
        )
    try:
        thread = actions.check_create_thread(
            user, category, title=title, body=body, case=case, anonymous=bool(anonymous)
        )
    except ValidationError as exc:
        return [ForumSubmission(ok=False, errors=_messages(exc))]
    except PermissionDenied as exc:
        return [ForumSubmission(ok=False, errors=(str(exc),))]
    return [
        ForumSubmission(
            ok=True,
            url=reverse("forums:thread", kwargs={"pk": thread.pk}),
            pending=thread.state == State.PENDING,
        )
    ]
