"""The e-mail digest: titles and counts only (no post text, no names), only what the
member may still read and has not muted, once per period, through django-tasks."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from exchange.forums import actions, digest
from exchange.forums.models import (
    Access,
    DigestFrequency,
    ForumProfile,
    ModAction,
    ModerationAction,
    Notification,
    WatchLevel,
)
from exchange.forums.notifications import notify_moderation
from exchange.forums.tasks import send_forum_digests
from komma.accounts.models import Membership
from plugins.models import PluginState
from plugins.registry import forget_states

from .conftest import IDENTITIES, NEEDLES

pytestmark = pytest.mark.django_db

SECRET_TEXT = "Schwarzdornhecke"  # only in post bodies: must never reach an e-mail
CASE = actions.CaseDetails(
    situation=f"Drohbriefe im Briefkasten. {SECRET_TEXT}.",
    key_question="Wie schützen wir die Kollegin?",
)


@pytest.fixture
def world(cast, categories):
    """The adviser has a daily digest: two replies to their thread, a new post in a
    watched anonymous case, a mention by the category moderator."""
    model = categories[Access.MODEL]
    adviser, giver = cast["adviser"], cast["case_giver"]
    ForumProfile.objects.filter(user=adviser).update(digest=DigestFrequency.DAILY)
    own = actions.check_create_thread(adviser, model, title="Schutzkonzept für das Bürgeramt",
                                      body="Wie fangt ihr an?")  # fmt: skip
    actions.check_reply(giver, own, body=f"Mit einer Gefährdungsanalyse. {SECRET_TEXT}")
    actions.check_reply(giver, own, body=f"Und einem Notfallplan. {SECRET_TEXT}")
    case = actions.check_create_thread(
        giver, model, title="Anonymer Fall: Fotos im Netz", case=CASE, anonymous=True
    )
    actions.do_set_watch_level(adviser, level=WatchLevel.WATCHING, thread=case)
    actions.check_reply(giver, case, body=f"Nachtrag: es gab neue Drohungen. {SECRET_TEXT}")
    actions.check_reply(
        cast["category_mod"], case, body=f"@RatGeber, wie habt ihr das gelöst? {SECRET_TEXT}"
    )
    mail.outbox.clear()
    return {"own": own, "case": case}


def digest_mail(to):
    mails = [message for message in mail.outbox if message.to == [to.email]]
    assert len(mails) == 1, [m.to for m in mail.outbox]
    return mails[0]


def test_digest_lists_titles_and_counts_but_no_text_and_no_names(cast, world):
    assert digest.send_due_digests("daily") == 1
    message = digest_mail(cast["adviser"])
    text = message.subject + "\n" + message.body
    assert "Schutzkonzept für das Bürgeramt" in message.body
    assert "Anonymer Fall: Fotos im Netz" in message.body
    assert "2" in message.body and f"/foren/thema/{world['own'].pk}/" in message.body
    assert message.body.count("http://") >= 3  # absolute links (KOMMA_BASE_URL)
    assert SECRET_TEXT not in text and "Drohbriefe" not in text
    for needle in NEEDLES + list(IDENTITIES):  # no real identity, not even a pseudonym
        assert needle not in text, needle
    # The subject carries nothing of the content.
    assert "Schutzkonzept" not in message.subject and "Fall" not in message.subject
    assert message.subject.startswith("[KomMA Netzwerk]")


def test_digest_counts_per_kind_and_thread(cast, world):
    built = digest.build_digest(cast["adviser"])
    by_title = {entry.title: entry.counts for entry in built.threads}
    assert by_title == {
        "Schutzkonzept für das Bürgeramt": {"reply": 2},
        "Anonymer Fall: Fotos im Netz": {"watched": 1, "mention": 1},
    }
    assert built.total == 4 and not built.other_counts


def test_sending_marks_digested_and_the_next_run_sends_nothing(cast, world):
    digest.send_due_digests("daily")
    notifications = Notification.objects.filter(recipient=cast["adviser"])
    assert notifications.count() == 4
    assert not notifications.filter(digested_at__isnull=True).exists()
    assert not notifications.filter(read_at__isnull=False).exists()  # still unread in-app
    assert ForumProfile.objects.get(user=cast["adviser"]).last_digest_at is not None
    mail.outbox.clear()
    assert digest.send_due_digests("daily") == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("frequency", "ago", "due"),
    [
        ("daily", None, True),
        ("daily", timedelta(hours=22, minutes=59), False),
        ("daily", timedelta(hours=23), True),
        ("weekly", timedelta(days=6, hours=22), False),
        ("weekly", timedelta(days=6, hours=23), True),
        ("off", None, False),
    ],
)
def test_due_ness(cast, world, frequency, ago, due):
    now = timezone.now()
    ForumProfile.objects.filter(user=cast["adviser"]).update(
        digest=frequency, last_digest_at=now - ago if ago else None
    )
    profile = ForumProfile.objects.get(user=cast["adviser"])
    assert digest.is_due(profile, now) is due
    if frequency != "off":
        assert digest.send_due_digests(frequency, now) == int(due)
        assert len(mail.outbox) == int(due)


def test_not_due_keeps_notifications_for_later(cast, world):
    ForumProfile.objects.filter(user=cast["adviser"]).update(
        last_digest_at=timezone.now() - timedelta(hours=2)
    )
    assert digest.send_due_digests("daily") == 0
    waiting = Notification.objects.filter(recipient=cast["adviser"], digested_at__isnull=True)
    assert waiting.count() == 4


def test_off_sends_nothing(cast, world):
    ForumProfile.objects.filter(user=cast["adviser"]).update(digest=DigestFrequency.OFF)
    assert digest.send_due_digests("daily") == 0
    assert digest.send_due_digests("weekly") == 0
    assert mail.outbox == []


def test_read_notifications_are_left_out(cast, world):
    Notification.objects.filter(thread=world["own"]).update(read_at=timezone.now())
    digest.send_due_digests("daily")
    body = digest_mail(cast["adviser"]).body
    assert "Schutzkonzept für das Bürgeramt" not in body
    assert "Anonymer Fall: Fotos im Netz" in body


def test_muted_thread_and_muted_category_are_left_out(cast, world, categories):
    actions.do_set_watch_level(cast["adviser"], level=WatchLevel.MUTED, thread=world["case"])
    built = digest.build_digest(cast["adviser"])
    assert [entry.title for entry in built.threads] == ["Schutzkonzept für das Bürgeramt"]
    actions.do_set_watch_level(
        cast["adviser"], level=WatchLevel.MUTED, category=categories[Access.MODEL]
    )
    # A thread's own row beats its category's: authors watch their own threads.
    titles = [entry.title for entry in digest.build_digest(cast["adviser"]).threads]
    assert titles == ["Schutzkonzept für das Bürgeramt"]
    actions.do_set_watch_level(cast["adviser"], level=WatchLevel.NORMAL, thread=world["case"])
    titles = [entry.title for entry in digest.build_digest(cast["adviser"]).threads]
    assert "Anonymer Fall: Fotos im Netz" in titles
    # Without any row of its own, the muted category silences the thread.
    world["case"].subscriptions.filter(user=cast["adviser"]).delete()
    titles = [entry.title for entry in digest.build_digest(cast["adviser"]).threads]
    assert titles == ["Schutzkonzept für das Bürgeramt"]


def test_category_no_longer_readable_is_left_out(cast, world):
    Membership.objects.filter(user=cast["adviser"]).delete()
    adviser = type(cast["adviser"]).objects.get(pk=cast["adviser"].pk)  # fresh viewer cache
    assert digest.build_digest(adviser).total == 0
    assert digest.send_due_digests("daily") == 0
    assert mail.outbox == []
    # Nothing was marked: the notifications stay as they are.
    assert Notification.objects.filter(digested_at__isnull=False).count() == 0


def test_moderators_message_is_counted_without_its_reason(cast, world):
    post = world["own"].posts.get(number=1)
    action = ModerationAction.objects.create(
        moderator=cast["moderator"], action=ModAction.EDIT, thread=world["own"], post=post,
        member=cast["adviser"], reason="Vertrauliche Begründung Holunderbeere",
    )  # fmt: skip
    notify_moderation(action, cast["adviser"].pk, post=post)
    digest.send_due_digests("daily")
    body = digest_mail(cast["adviser"]).body
    assert "Holunderbeere" not in body and "ModeratorIn" not in body
    built_kinds = Notification.objects.filter(kind="moderation", digested_at__isnull=False)
    assert built_kinds.count() == 1


def test_anonymous_case_stays_anonymous_for_the_case_givers_readers(cast, world):
    """Replies of the case giver in their anonymous case reach the watcher as counts."""
    digest.send_due_digests("daily")
    text = digest_mail(cast["adviser"]).body
    assert "FallGeberin" not in text and "Ottilie" not in text


def test_task_runs_through_django_tasks_and_command_reports(cast, world):
    result = send_forum_digests.enqueue("daily")
    assert result.return_value == 1
    assert len(mail.outbox) == 1
    Notification.objects.update(digested_at=None)
    ForumProfile.objects.filter(user=cast["adviser"]).update(last_digest_at=None)
    out = StringIO()
    call_command("forum_digest", "--frequency", "daily", stdout=out)
    assert out.getvalue().startswith("1 daily")
    assert len(mail.outbox) == 2


def test_switched_off_plugin_sends_nothing(cast, world):
    PluginState.objects.update_or_create(plugin_id="forums", defaults={"enabled": False})
    forget_states()
    try:
        assert digest.send_due_digests("daily") == 0
        assert mail.outbox == []
    finally:
        PluginState.objects.update_or_create(plugin_id="forums", defaults={"enabled": True})
        forget_states()


def test_site_language_whatever_is_active(cast, world):
    from django.utils import translation

    with translation.override("en"):
        digest.send_due_digests("daily")
    body = digest_mail(cast["adviser"]).body
    with translation.override("de"):
        expected_hello = translation.gettext("Hello,")
    assert body.startswith(expected_hello)
