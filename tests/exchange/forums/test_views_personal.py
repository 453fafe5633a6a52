"""The member's own forum pages: bookmarks, notifications, settings."""

import pytest
from django.urls import reverse

from exchange.forums import actions
from exchange.forums.models import (
    Access,
    Category,
    ForumProfile,
    ModAction,
    ModerationAction,
    Notification,
    NotificationKind,
)
from exchange.forums.notifications import notify_moderation

from .conftest import NEEDLES
from .test_views_reading import client_for, new_thread

pytestmark = pytest.mark.django_db


def test_bookmarks_list_only_what_the_member_may_still_read(cast, categories):
    visible = new_thread(cast["adviser"], categories[Access.MEMBERS], title="Sichtbares Thema")
    lost = new_thread(cast["adviser"], categories[Access.PARTNERS], title="Verlorenes Thema")
    for thread in (visible, lost):
        actions.do_toggle_bookmark(cast["applicant"], thread.posts.get())
    Category.objects.filter(pk=categories[Access.PARTNERS].pk).update(access=Access.MODEL)
    client = client_for(cast["applicant"])
    body = client.get(reverse("forums:bookmarks")).content.decode()
    assert "Sichtbares Thema" in body and "Verlorenes Thema" not in body
    # Removing from the list returns to the list.
    post = visible.posts.get()
    response = client.post(
        reverse("forums:bookmark", args=[post.pk]), {"next": reverse("forums:bookmarks")}
    )
    assert response["Location"] == reverse("forums:bookmarks")
    assert "Sichtbares Thema" not in client.get(reverse("forums:bookmarks")).content.decode()


def test_notifications_show_what_happened_and_mark_read(cast, categories):
    thread = new_thread(cast["case_giver"], categories[Access.MODEL], title="Thema mit Echo")
    actions.check_reply(cast["adviser"], thread, body="Eine Antwort an dich")
    notification = Notification.objects.get(recipient=cast["case_giver"])
    assert notification.kind == NotificationKind.REPLY
    client = client_for(cast["case_giver"])
    body = client.get(reverse("forums:notifications")).content.decode()
    assert "Thema mit Echo" in body and "RatGeber" in body
    assert reverse("forums:post", args=[notification.post_id]) in body
    for needle in NEEDLES:
        assert needle not in body
    response = client.post(reverse("forums:notifications"))
    assert response.status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_notification_of_anonymous_case_keeps_the_author_anonymous(cast, categories):
    case = actions.CaseDetails(situation="Lage", key_question="Frage?")
    thread = actions.check_create_thread(
        cast["case_giver"], categories[Access.MODEL], title="Anonymer Fall mit Antwort",
        case=case, anonymous=True,
    )  # fmt: skip
    actions.check_reply(cast["adviser"], thread, body="Ein Rat")
    actions.check_reply(cast["case_giver"], thread, body="Danke @RatGeber")
    body = client_for(cast["adviser"]).get(reverse("forums:notifications")).content.decode()
    assert "Anonymer Fall mit Antwort" in body
    assert "FallGeberin" not in body


def test_moderation_notice_shows_reason_and_appeal_link(cast, categories):
    thread = new_thread(cast["adviser"], categories[Access.MODEL], title="Moderiertes Thema")
    action = ModerationAction.objects.create(
        moderator=cast["moderator"], action=ModAction.LOCK, reason="Bitte sachlich bleiben",
        thread=thread, category=thread.category, member=cast["adviser"],
    )  # fmt: skip
    notify_moderation(action, cast["adviser"].pk)
    body = client_for(cast["adviser"]).get(reverse("forums:notifications")).content.decode()
    assert "Bitte sachlich bleiben" in body
    assert reverse("forums:appeal", args=[action.pk]) in body
    assert "ModeratorIn" not in body


def test_notifications_of_unreadable_categories_are_not_shown(cast, categories):
    thread = new_thread(cast["applicant"], categories[Access.MEMBERS], title="Bald verborgen")
    actions.check_reply(cast["adviser"], thread, body="Antwort")
    Category.objects.filter(pk=categories[Access.MEMBERS].pk).update(access=Access.MODEL)
    body = client_for(cast["applicant"]).get(reverse("forums:notifications")).content.decode()
    assert "Bald verborgen" not in body


def test_preferences_digest(cast, categories):
    client = client_for(cast["adviser"])
    url = reverse("forums:preferences")
    page = client.get(url).content.decode()
    assert 'name="digest"' in page
    assert client.post(url, {"digest": "weekly"}).status_code == 302
    assert ForumProfile.objects.get(user=cast["adviser"]).digest == "weekly"
    assert client.post(url, {"digest": "hourly"}).status_code == 400
    assert ForumProfile.objects.get(user=cast["adviser"]).digest == "weekly"


@pytest.mark.parametrize("role", ["case_giver", "applicant", "partner", "moderator", "outsider"])
def test_personal_pages_render_for_every_role(cast, categories, role):
    client = client_for(cast[role])
    for name in ("bookmarks", "notifications", "preferences", "unread", "index"):
        response = client.get(reverse(f"forums:{name}"))
        assert response.status_code == 200, name
        for needle in NEEDLES:
            assert needle not in response.content.decode()
