"""The moderators' pages and the members' flag and appeal pages, through the test client."""

from datetime import timedelta
from html import escape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from exchange.forums import actions, moderation
from exchange.forums.models import (
    Access,
    Appeal,
    Flag,
    ForumProfile,
    ForumSettings,
    ModAction,
    ModerationAction,
    Notification,
    NotificationKind,
    Post,
    State,
    Thread,
    WatchedWord,
)

from .conftest import NEEDLES

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    """A logged-in client; roles bound to a second factor get one first."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from komma.accounts.middleware import needs_second_factor
    from tests.conftest import TEST_TOTP_SECRET

    if needs_second_factor(user) and not Authenticator.objects.filter(user=user).exists():
        TOTP.activate(user, TEST_TOTP_SECRET)
    client = Client()
    client.force_login(user)
    return client


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def says(body: str, msgid: str, **params) -> bool:
    """Whether ``body`` shows the message ``msgid`` in the active language (escaped)."""
    text = gettext(msgid) % params if params else gettext(msgid)
    return escape(text) in body


def assert_no_identity(body: str):
    for needle in NEEDLES:
        assert needle not in body, needle


@pytest.fixture
def thread(cast, categories):
    thread = actions.check_create_thread(
        cast["applicant"], categories[Access.MEMBERS], title="Öffentliches Thema", body="Start"
    )
    actions.check_reply(cast["adviser"], thread, body="Antwort mit Inhalt")
    return Thread.objects.select_related("category").get(pk=thread.pk)


@pytest.fixture
def reply(thread):
    return Post.objects.select_related("thread__category", "author").get(thread=thread, number=2)


@pytest.fixture
def anonymous_case(cast, categories):
    case = actions.CaseDetails(situation="Drohbriefe im Briefkasten", key_question="Was tun?")
    thread = actions.check_create_thread(
        cast["adviser"], categories[Access.MEMBERS], title="Anonymer Fall im Bereich",
        case=case, anonymous=True,
    )  # fmt: skip
    return Thread.objects.select_related("category").get(pk=thread.pk)


# --- Post and thread actions -----------------------------------------------------------------
def test_post_action_get_confirms_and_post_acts(cast, reply):
    client = client_for(cast["category_mod"])
    url = reverse("forums:mod_post_action", kwargs={"pk": reply.pk, "action": "hide"})
    body = page(client, url)
    assert 'name="reason"' in body and "Antwort mit Inhalt" in body
    response = client.post(url, {"reason": "Verstößt gegen Regeln"})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.state == State.HIDDEN
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.reason) == (ModAction.HIDE, "Verstößt gegen Regeln")


def test_empty_reason_shows_message_and_changes_nothing(cast, reply):
    client = client_for(cast["moderator"])
    url = reverse("forums:mod_post_action", kwargs={"pk": reply.pk, "action": "hide"})
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200
    assert says(response.content.decode(), "Please give a reason.")
    reply.refresh_from_db()
    assert reply.state == State.PUBLISHED and not ModerationAction.objects.exists()


def test_unknown_action_is_404(cast, reply):
    client = client_for(cast["moderator"])
    for name, pk in (("mod_post_action", reply.pk), ("mod_thread_action", reply.thread_id)):
        url = reverse(f"forums:{name}", kwargs={"pk": pk, "action": "explode"})
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "x"}).status_code == 404


def test_non_moderators_get_403_where_they_can_read_and_404_elsewhere(cast, categories, reply):
    url = reverse("forums:mod_post_action", kwargs={"pk": reply.pk, "action": "hide"})
    response = client_for(cast["applicant"]).post(url, {"reason": "Ich will"})
    assert response.status_code == 403
    assert says(response.content.decode(), "Only moderators of this category may do this.")
    assert client_for(cast["partner"]).post(url, {"reason": "x"}).status_code == 404
    model_thread = actions.check_create_thread(
        cast["case_giver"], categories[Access.MODEL], title="Modellintern", body="Nur hier"
    )
    thread_url = reverse(
        "forums:mod_thread_action", kwargs={"pk": model_thread.pk, "action": "lock"}
    )
    # The category moderator reads the model category (model member) but does not moderate it.
    assert client_for(cast["category_mod"]).post(thread_url, {"reason": "x"}).status_code == 403
    assert client_for(cast["applicant"]).get(thread_url).status_code == 404
    reply.refresh_from_db()
    assert reply.state == State.PUBLISHED and not Thread.objects.filter(is_locked=True).exists()


def test_thread_actions_lock_move_and_slow_mode(cast, categories, thread):
    client = client_for(cast["moderator"])

    def act(action, **data):
        url = reverse("forums:mod_thread_action", kwargs={"pk": thread.pk, "action": action})
        return client.post(url, data)

    assert act("lock", reason="Beendet").status_code == 302
    assert act("slow_mode", seconds="300", reason="Hitzig").status_code == 302
    bad = act("move", category="999999", reason="Weg")
    assert bad.status_code == 200
    assert says(bad.content.decode(), "Please choose a category from the list.")
    assert act("move", category=categories[Access.PARTNERS].pk, reason="Allianz").status_code == 302
    thread.refresh_from_db()
    assert thread.is_locked and thread.slow_mode_seconds == 300
    assert thread.category_id == categories[Access.PARTNERS].pk
    assert list(ModerationAction.objects.order_by("pk").values_list("action", flat=True)) == [
        "lock", "slow_mode", "move",
    ]  # fmt: skip


def test_move_form_offers_only_moderated_categories(cast, categories, thread):
    client = client_for(cast["category_mod"])
    url = reverse("forums:mod_thread_action", kwargs={"pk": thread.pk, "action": "move"})
    body = page(client, url)
    assert (
        categories[Access.MODEL].name not in body.split('name="category"')[1].split("</select>")[0]
    )
    response = client.post(url, {"category": categories[Access.MODEL].pk, "reason": "Hin"})
    assert response.status_code == 200
    thread.refresh_from_db()
    assert thread.category_id == categories[Access.MEMBERS].pk


def test_moderator_edit_through_the_view(cast, reply):
    client = client_for(cast["moderator"])
    url = reverse("forums:mod_post_action", kwargs={"pk": reply.pk, "action": "edit"})
    assert "Antwort mit Inhalt" in page(client, url)
    response = client.post(url, {"body": "Gekürzt", "reason": "Adresse entfernt"})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.body == "Gekürzt"
    history = page(client, reverse("forums:post_history", kwargs={"pk": reply.pk}))
    assert "Antwort mit Inhalt" in history and "Adresse entfernt" in history
    assert "ModeratorIn" in history
    assert_no_identity(history)
    # Members may not see the history.
    denied = client_for(cast["applicant"]).get(reverse("forums:post_history", args=[reply.pk]))
    assert denied.status_code == 403


# --- Queue -----------------------------------------------------------------------------------
def test_queue_shows_pending_and_flagged_items_to_moderators_only(cast, thread, reply):
    ForumProfile.objects.filter(user=cast["case_giver"]).update(approved_posts=0)
    limits = ForumSettings.load()
    limits.new_member_posts = 5
    limits.save()
    actions.check_reply(cast["case_giver"], thread, body="Neuling wartet hier")
    moderation.check_flag_post(cast["applicant"], reply, "hate", "Bitte prüfen")
    body = page(client_for(cast["category_mod"]), reverse("forums:mod_queue"))
    assert "Neuling wartet hier" in body and "Antwort mit Inhalt" in body
    assert "Bitte prüfen" in body and "FallGeberin" in body
    assert "AntragsKollege" not in body  # the flagger is not shown
    assert_no_identity(body)
    for role in ("applicant", "adviser", "outsider"):
        assert client_for(cast[role]).get(reverse("forums:mod_queue")).status_code == 404


def test_queue_buttons_act_with_shared_reason(cast, thread, reply):
    moderation.check_flag_post(cast["applicant"], reply, "off_topic", "")
    client = client_for(cast["moderator"])
    url = reverse("forums:mod_post_action", kwargs={"pk": reply.pk, "action": "dismiss_flags"})
    response = client.post(url, {"reason": "Passt", "next": reverse("forums:mod_queue")})
    assert response.status_code == 302 and response["Location"] == reverse("forums:mod_queue")
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    assert "Antwort mit Inhalt" not in page(client, reverse("forums:mod_queue"))


def test_queue_hides_anonymous_author_from_global_moderator_until_reveal(
    cast, anonymous_case, forum_settings
):
    opening = Post.objects.select_related("thread__category", "author").get(thread=anonymous_case)
    moderation.check_flag_post(cast["applicant"], opening, "other", "Bitte ansehen")
    url = reverse("forums:mod_queue")
    global_view = page(client_for(cast["moderator"]), url)
    assert "Anonymer Fall im Bereich" in global_view
    assert "RatGeber" not in global_view
    assert says(global_view, "Member of a model municipality")
    category_view = page(client_for(cast["category_mod"]), url)
    assert "RatGeber" in category_view
    moderation.check_reveal(cast["category_mod"], anonymous_case, "Gefährdung")
    assert "RatGeber" in page(client_for(cast["moderator"]), url)
    for body in (global_view, category_view):
        assert_no_identity(body)


# --- Log -------------------------------------------------------------------------------------
def test_log_lists_filters_and_never_shows_identities(cast, categories, thread, reply):
    moderation.check_hide(cast["moderator"], reply, "Grund eins")
    moderation.check_pin(cast["category_mod"], thread, "Grund zwei")
    moderation.check_silence(cast["moderator"], cast["adviser"], timedelta(days=1), "Grund drei")
    client = client_for(cast["moderator"])
    url = reverse("forums:mod_log")
    everything = page(client, url)
    assert all(reason in everything for reason in ("Grund eins", "Grund zwei", "Grund drei"))
    assert "ModeratorIn" in everything and "RatGeber" in everything
    assert_no_identity(everything)
    by_action = page(client, url, action="pin")
    assert "Grund zwei" in by_action and "Grund eins" not in by_action
    by_moderator = page(client, url, moderator="bereichsmod")
    assert "Grund zwei" in by_moderator and "Grund drei" not in by_moderator
    by_member = page(client, url, member="RatGeber")
    assert "Grund eins" in by_member and "Grund drei" in by_member and "Grund zwei" not in by_member
    by_category = page(client, url, category=categories[Access.MEMBERS].pk)
    assert "Grund eins" in by_category and "Grund drei" not in by_category
    future = page(client, url, date_from="2999-01-01")
    assert "Grund eins" not in future


def test_log_junk_filters_give_messages(cast, reply):
    moderation.check_hide(cast["moderator"], reply, "Grund eins")
    body = page(
        client_for(cast["moderator"]), reverse("forums:mod_log"),
        action="nonsense", member="NiemandHier", category="abc", date_from="gestern",
        date_to="2020-13-45", seite="x",
    )  # fmt: skip
    assert says(body, "There is no member with the pseudonym “%(name)s”.", name="NiemandHier")
    assert says(body, "Please enter a date such as 2025-03-31.")
    assert says(body, "Please choose an action from the list.")
    assert says(body, "Please choose a category from the list.")
    assert "Grund eins" in body  # junk filters are ignored, the log still shows


def test_log_is_for_moderators_and_scoped(cast, categories, reply):
    moderation.check_hide(cast["moderator"], reply, "Im Mitgliederbereich")
    other = actions.check_create_thread(
        cast["case_giver"], categories[Access.MODEL], title="Modell", body="Text im Modell"
    )
    moderation.check_lock(cast["moderator"], other, "Im Modellbereich")
    body = page(client_for(cast["category_mod"]), reverse("forums:mod_log"))
    assert "Im Mitgliederbereich" in body and "Im Modellbereich" not in body
    assert client_for(cast["adviser"]).get(reverse("forums:mod_log")).status_code == 404


def test_log_masks_anonymous_author_for_global_moderator(cast, anonymous_case):
    moderation.check_lock(cast["category_mod"], anonymous_case, "Ruhe bitte")
    body = page(client_for(cast["moderator"]), reverse("forums:mod_log"))
    assert "Ruhe bitte" in body and "RatGeber" not in body
    assert "RatGeber" in page(client_for(cast["category_mod"]), reverse("forums:mod_log"))


def test_log_paginates(cast, thread):
    for number in range(55):
        moderation.log_action(cast["moderator"], ModAction.PIN, f"Eintrag {number}", thread=thread)
    client = client_for(cast["moderator"])
    first = page(client, reverse("forums:mod_log"))
    assert "Eintrag 54" in first and "Eintrag 4<" not in first and "seite=2" in first
    second = page(client, reverse("forums:mod_log"), seite=2)
    assert "Eintrag 4<" in second and "Eintrag 54" not in second


# --- Member page ------------------------------------------------------------------------------
def test_member_page_sanctions_and_lift(cast, thread):
    client = client_for(cast["moderator"])
    url = reverse("forums:mod_member", kwargs={"pseudonym": "RatGeber"})
    body = page(client, url)
    assert "RatGeber" in body and 'value="sanction"' in body
    assert_no_identity(body)
    refused = client.post(url, {"form": "sanction", "kind": "silence", "duration": "1d"})
    assert refused.status_code == 200
    assert ForumProfile.objects.get(user=cast["adviser"]).silenced_until is None
    response = client.post(
        url, {"form": "sanction", "kind": "silence", "duration": "7d", "reason": "Ton"}
    )
    assert response.status_code == 302
    assert ForumProfile.objects.get(user=cast["adviser"]).silenced_until is not None
    body = page(client, url)
    assert "Ton" in body and 'value="lift"' in body
    assert client.post(url, {"form": "lift", "reason": "Erledigt"}).status_code == 302
    assert ForumProfile.objects.get(user=cast["adviser"]).silenced_until is None
    assert (
        Notification.objects.filter(
            recipient=cast["adviser"], kind=NotificationKind.MODERATION
        ).count()
        == 2
    )
    # The category moderator sees the page but has no sanction forms.
    mod_body = page(client_for(cast["category_mod"]), url)
    assert 'value="sanction"' not in mod_body
    assert (
        client_for(cast["category_mod"])
        .post(url, {"form": "sanction", "kind": "suspend", "duration": "1d", "reason": "x"})
        .status_code
        == 403
    )
    assert client.get(reverse("forums:mod_member", args=["GibtEsNicht"])).status_code == 404


# --- Flags and appeals (members) ---------------------------------------------------------------
def test_flag_page_flags_once(cast, reply):
    client = client_for(cast["applicant"])
    url = reverse("forums:flag", kwargs={"pk": reply.pk})
    assert 'name="reason"' in page(client, url)
    assert client.post(url, {"reason": "hate", "note": ""}).status_code == 302
    again = client.post(url, {"reason": "hate", "note": ""})
    assert again.status_code == 200
    assert says(
        again.content.decode(),
        "You have already flagged this post. The moderators will look at it.",
    )
    assert Flag.objects.count() == 1
    own = client_for(cast["adviser"]).post(url, {"reason": "hate"})
    assert own.status_code == 200 and Flag.objects.count() == 1
    assert client_for(cast["partner"]).get(url).status_code == 404


def test_appeal_page_for_the_affected_member_only(cast, reply):
    entry = moderation.check_hide(cast["moderator"], reply, "Zu persönlich")
    url = reverse("forums:appeal", kwargs={"action_pk": entry.pk})
    member = client_for(cast["adviser"])
    body = page(member, url)
    assert "Zu persönlich" in body and "Antwort mit Inhalt" in body
    assert "ModeratorIn" not in body  # the member does not learn which moderator
    assert client_for(cast["applicant"]).get(url).status_code == 404
    assert client_for(cast["category_mod"]).get(url).status_code == 404
    assert member.post(url, {"text": "Bitte nochmal ansehen"}).status_code == 302
    assert member.post(url, {"text": "Und nochmal"}).status_code in (200, 302)
    assert Appeal.objects.count() == 1


def test_suspended_member_can_still_appeal(cast):
    entry = moderation.check_suspend(cast["moderator"], cast["adviser"], timedelta(days=3), "Grund")
    client = client_for(cast["adviser"])
    url = reverse("forums:appeal", kwargs={"action_pk": entry.pk})
    assert client.post(url, {"text": "Ich bitte um Prüfung"}).status_code == 302
    assert Appeal.objects.filter(member=cast["adviser"]).exists()


def test_moderator_answers_appeal_through_the_view(cast, reply):
    entry = moderation.check_hide(cast["moderator"], reply, "Zu persönlich")
    appeal = moderation.check_appeal(cast["adviser"], entry, "Das war sachlich")
    client = client_for(cast["category_mod"])
    listing = page(client, reverse("forums:mod_appeals"))
    assert "RatGeber" in listing
    assert_no_identity(listing)
    url = reverse("forums:mod_appeal", kwargs={"pk": appeal.pk})
    assert "Das war sachlich" in page(client, url)
    bad = client.post(url, {"status": "reversed", "response": ""})
    assert bad.status_code == 200
    assert client.post(url, {"status": "reversed", "response": "Einverstanden"}).status_code == 302
    appeal.refresh_from_db()
    reply.refresh_from_db()
    assert appeal.status == Appeal.Status.REVERSED and reply.state == State.PUBLISHED
    assert client_for(cast["adviser"]).get(url).status_code == 404


# --- Pages render without identities ---------------------------------------------------------
def test_every_moderation_page_renders_without_identities(cast, thread, reply, anonymous_case):
    moderation.check_moderator_edit(cast["moderator"], reply, body="Neu", reason="Kürzung")
    moderation.check_flag_post(cast["applicant"], reply, "doxxing", "Adresse")
    client = client_for(cast["moderator"])
    urls = [
        reverse("forums:mod_queue"),
        reverse("forums:mod_log"),
        reverse("forums:mod_words"),
        reverse("forums:mod_appeals"),
        reverse("forums:mod_member", args=["RatGeber"]),
        reverse("forums:post_history", args=[reply.pk]),
        reverse("forums:mod_post_action", args=[reply.pk, "hide"]),
        reverse("forums:mod_thread_action", args=[thread.pk, "move"]),
        reverse("forums:mod_thread_action", args=[anonymous_case.pk, "lock"]),
    ]
    for url in urls:
        assert_no_identity(page(client, url))


# --- Tools on the thread page and the Wagtail admin -------------------------------------------
def test_thread_page_shows_moderator_tools_to_moderators_only(cast, thread, reply):
    moderation.check_flag_post(cast["applicant"], reply, "hate", "")
    body = page(client_for(cast["category_mod"]), thread.get_absolute_url())
    hide_url = reverse("forums:mod_post_action", kwargs={"pk": reply.pk, "action": "hide"})
    lock_url = reverse("forums:mod_thread_action", kwargs={"pk": thread.pk, "action": "lock"})
    flags_url = reverse(
        "forums:mod_post_action", kwargs={"pk": reply.pk, "action": "dismiss_flags"}
    )
    assert hide_url in body and lock_url in body and flags_url in body
    member_body = page(client_for(cast["applicant"]), thread.get_absolute_url())
    assert hide_url not in member_body and lock_url not in member_body


def test_admin_viewsets_list_categories_and_words_by_pseudonym(cast, categories):
    from tests.conftest import recently_reauthenticated

    WatchedWord.objects.create(word="hetz*", action="flag")
    client = client_for(cast["moderator"])
    recently_reauthenticated(client, cast["moderator"])
    index = page(client, reverse("forum_categories:index"))
    assert "Austausch aller Mitgliedskommunen" in index
    edit = page(client, reverse("forum_categories:edit", args=[categories[Access.MEMBERS].pk]))
    assert "BereichsMod" in edit and "RatGeber" in edit
    assert_no_identity(edit)
    assert "hetz*" in page(client, reverse("forum_watched_words:index"))
    # Saving a word in the admin takes effect at once (cache dropped).
    from exchange.forums import words

    assert words.matches("Drohkulisse") == []
    response = client.post(
        reverse("forum_watched_words:add"), {"word": " Drohkulisse ", "action": "flag"}
    )
    assert response.status_code == 302
    assert [m.word for m in words.matches("eine Drohkulisse")] == ["drohkulisse"]
    assert client_for(cast["adviser"]).get(reverse("forum_categories:index")).status_code in (
        302, 403,
    )  # fmt: skip


def test_thread_approve_and_reject_act_on_the_opening_post(cast, categories):
    limits = ForumSettings.load()
    limits.new_member_posts = 5
    limits.save()
    ForumProfile.objects.filter(user=cast["applicant"]).update(approved_posts=0)
    first = actions.check_create_thread(
        cast["applicant"], categories[Access.MEMBERS], title="Wartet eins", body="Text eins"
    )
    second = actions.check_create_thread(
        cast["applicant"], categories[Access.MEMBERS], title="Wartet zwei", body="Text zwei"
    )
    client = client_for(cast["category_mod"])

    def act(thread, action):
        url = reverse("forums:mod_thread_action", kwargs={"pk": thread.pk, "action": action})
        return client.post(url, {"reason": "Geprüft"})

    assert act(first, "approve").status_code == 302
    response = act(second, "reject")
    assert response.status_code == 302 and response["Location"] == reverse("forums:mod_queue")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == State.PUBLISHED and second.state == State.REJECTED
    assert second.posts.get().state == State.REJECTED
    assert page(client_for(cast["adviser"]), first.get_absolute_url())
    assert client_for(cast["adviser"]).get(second.get_absolute_url()).status_code == 404
    assert client_for(cast["category_mod"]).get(second.get_absolute_url()).status_code == 404
