"""The optional e-mail digest of forum notifications (daily or weekly).

A digest lists, per thread, how many replies, mentions, quotes and new posts the
member has not seen yet, with the thread's title and a link. It never carries a
post's text and names nobody: "2 new replies in „Title“". E-mails get forwarded
and read on shared computers, and an anonymous case must stay anonymous.

Only unread notifications that no digest carried yet (``digested_at`` is None)
in categories the member may *still* read, of threads they may still see, and of
threads or categories they have not muted since. Messages of the moderators about
content the member can no longer see are counted without a title.

Due-ness: a daily digest goes out at most once in 23 hours, a weekly one at most
once in 6 days 23 hours (the scheduler runs every hour, so the slack keeps the
time of day from drifting). A member with nothing new gets no e-mail, and their
clock does not restart.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .access import forum_viewer, may_see_thread, readable_categories_q
from .models import (
    Category,
    DigestFrequency,
    ForumProfile,
    Notification,
    NotificationKind,
    Subscription,
    WatchLevel,
)

logger = logging.getLogger(__name__)

INTERVALS = {
    DigestFrequency.DAILY: timedelta(hours=23),
    DigestFrequency.WEEKLY: timedelta(days=6, hours=23),
}
# The order of the kinds in a thread's line.
KIND_ORDER = (
    NotificationKind.MENTION,
    NotificationKind.QUOTE,
    NotificationKind.REPLY,
    NotificationKind.WATCHED,
    NotificationKind.MODERATION,
    NotificationKind.APPEAL,
)
# Moderators' messages are about the member's own content: counted even where the
# thread is out of sight (without its title).
ALWAYS_COUNTED = (NotificationKind.MODERATION, NotificationKind.APPEAL)


def kind_phrase(kind: str, n: int) -> str:
    """ "2 new replies" — counts only, never a name."""
    phrases = {
        NotificationKind.REPLY: ngettext("%(n)d new reply", "%(n)d new replies", n),
        NotificationKind.MENTION: ngettext("%(n)d mention of you", "%(n)d mentions of you", n),
        NotificationKind.QUOTE: ngettext(
            "%(n)d quote of your post", "%(n)d quotes of your posts", n
        ),
        NotificationKind.WATCHED: ngettext("%(n)d new post", "%(n)d new posts", n),
        NotificationKind.MODERATION: ngettext(
            "%(n)d message from the moderators", "%(n)d messages from the moderators", n
        ),
        NotificationKind.APPEAL: ngettext(
            "%(n)d answer to your appeal", "%(n)d answers to your appeals", n
        ),
    }
    return phrases[kind] % {"n": n}


def absolute(path: str) -> str:
    return settings.KOMMA_BASE_URL.rstrip("/") + path


@dataclass
class ThreadEntry:
    title: str
    url: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        return ", ".join(
            kind_phrase(kind, self.counts[kind]) for kind in KIND_ORDER if kind in self.counts
        )


@dataclass
class Digest:
    """What one member's digest says; ``notification_ids`` are marked on sending."""

    user: object
    threads: list[ThreadEntry] = field(default_factory=list)
    other_counts: dict[str, int] = field(default_factory=dict)  # without a thread title
    notification_ids: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.notification_ids)

    @property
    def other_summary(self) -> str:
        return ", ".join(
            kind_phrase(kind, self.other_counts[kind])
            for kind in KIND_ORDER
            if kind in self.other_counts
        )


def _muted(user) -> tuple[set[int], set[int], set[int]]:
    """(muted thread ids, muted category ids, thread ids explicitly not muted)."""
    muted_threads, muted_categories, unmuted_threads = set(), set(), set()
    for thread_id, category_id, level in Subscription.objects.filter(user=user).values_list(
        "thread_id", "category_id", "level"
    ):
        if thread_id is not None:
            (muted_threads if level == WatchLevel.MUTED else unmuted_threads).add(thread_id)
        elif level == WatchLevel.MUTED:
            muted_categories.add(category_id)
    return muted_threads, muted_categories, unmuted_threads


def pending_notifications(user):
    """The notifications a digest of ``user`` may carry (before the per-thread checks)."""
    viewer = forum_viewer(user)
    readable = Category.objects.filter(readable_categories_q(viewer)).values("pk")
    return (
        Notification.objects.filter(recipient=user, read_at__isnull=True, digested_at__isnull=True)
        .filter(
            Q(thread__isnull=True) | Q(thread__category__in=readable) | Q(kind__in=ALWAYS_COUNTED)
        )
        .select_related("thread__category")
        .order_by("created_at", "pk")
    )


def build_digest(user) -> Digest:
    """The digest of ``user`` (possibly empty: ``total == 0``)."""
    viewer = forum_viewer(user)
    muted_threads, muted_categories, unmuted_threads = _muted(user)
    digest = Digest(user=user)
    entries: dict[int, ThreadEntry] = {}
    for notification in pending_notifications(user):
        thread = notification.thread
        visible = thread is not None and may_see_thread(viewer, thread)
        if notification.kind not in ALWAYS_COUNTED:
            if not visible:
                continue
            if thread.pk in muted_threads or (
                thread.category_id in muted_categories and thread.pk not in unmuted_threads
            ):
                continue
        digest.notification_ids.append(notification.pk)
        if not visible:
            digest.other_counts[notification.kind] = (
                digest.other_counts.get(notification.kind, 0) + 1
            )
            continue
        entry = entries.get(thread.pk)
        if entry is None:
            entry = entries[thread.pk] = ThreadEntry(
                title=thread.title,
                url=absolute(reverse("forums:first_unread", kwargs={"pk": thread.pk})),
            )
            digest.threads.append(entry)
        entry.counts[notification.kind] = entry.counts.get(notification.kind, 0) + 1
    return digest


def render_digest(digest: Digest) -> tuple[str, str]:
    """Subject and plain-text body, in the site language. The subject says only how
    many notifications there are."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + ngettext(
            "%(n)d new notification in the forums",
            "%(n)d new notifications in the forums",
            digest.total,
        ) % {"n": digest.total}
        frequency = (
            ForumProfile.objects.filter(user=digest.user).values_list("digest", flat=True).first()
        )
        body = render_to_string(
            "forums/email/digest.txt",
            {
                "threads": [
                    {"title": entry.title, "url": entry.url, "summary": entry.summary}
                    for entry in digest.threads
                ],
                "other_summary": digest.other_summary,
                "notifications_url": absolute(reverse("forums:notifications")),
                "preferences_url": absolute(reverse("forums:preferences")),
                "weekly": frequency == DigestFrequency.WEEKLY,
            },
        )
    return subject, body


def is_due(profile: ForumProfile, now=None) -> bool:
    interval = INTERVALS.get(profile.digest)
    if interval is None:
        return False
    now = now or timezone.now()
    return profile.last_digest_at is None or profile.last_digest_at <= now - interval


def due_profiles(frequency: str, now=None):
    """The profiles whose ``frequency`` digest is due (active accounts with an address)."""
    interval = INTERVALS[frequency]
    now = now or timezone.now()
    return (
        ForumProfile.objects.filter(digest=frequency)
        .filter(Q(last_digest_at__isnull=True) | Q(last_digest_at__lte=now - interval))
        .filter(user__is_active=True, user__deleted_at__isnull=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    )


def send_digest(profile: ForumProfile, now=None) -> bool:
    """Build and send the digest of ``profile``'s member; True if an e-mail went out.

    The notifications are marked digested only once the e-mail was handed to the
    mail server; a failure leaves them for the next run.
    """
    now = now or timezone.now()
    user = profile.user
    digest = build_digest(user)
    if not digest.total:
        return False
    subject, body = render_digest(digest)
    with transaction.atomic():
        EmailMessage(subject=subject, body=body, to=[user.email]).send()
        Notification.objects.filter(pk__in=digest.notification_ids).update(digested_at=now)
        ForumProfile.objects.filter(pk=profile.pk).update(last_digest_at=now)
    return True


def send_due_digests(frequency: str, now=None) -> int:
    """Send every due digest of ``frequency``; returns how many e-mails went out.

    Nothing when the forums plugin is switched off.
    """
    from plugins.registry import is_enabled

    if frequency not in INTERVALS:
        raise ValueError(_("Unknown digest frequency: %(frequency)s") % {"frequency": frequency})
    if not is_enabled("forums"):
        return 0
    now = now or timezone.now()
    sent = 0
    for profile in due_profiles(frequency, now):
        try:
            sent += send_digest(profile, now)
        except Exception:  # one bad address must not stop everyone else's digest
            logger.exception("forums: digest of member %s failed", profile.user_id)
    return sent
