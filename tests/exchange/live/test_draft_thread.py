"""The case giver's anonymised forum draft: prefill, review step, submission through
the forum's own checks, and the page without the forums."""

import pytest
from django.urls import reverse
from django.utils import translation

from exchange.forums.models import (
    Access,
    Category,
    ForumProfile,
    ForumSettings,
    Thread,
    ThreadKind,
    WatchedWord,
)
from exchange.forums.models import State as ForumState
from exchange.live.minutes import prefilled_draft
from exchange.live.models import DraftThread, State
from plugins import registry
from plugins.models import PluginState

from .web_fixtures import *  # noqa: F403  (the fixtures)
from .web_fixtures import login, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum(db, web_cast):
    settings = ForumSettings.load()
    settings.new_member_posts = 0
    settings.save()
    for person in web_cast.values():
        ForumProfile.objects.create(user=person, approved_posts=10)
    return Category.objects.create(
        name="Kollegiale Beratung Modellkommunen", slug="modell", access=Access.MODEL
    )


def draft_url(session):
    return reverse("live:draft", kwargs={"public_id": session.public_id})


PSEUDONYMS = ["FallGeberLive", "BeraterEins", "BeraterZwei", "SchriftFuehrung", "LeitungLive"]


def test_prefill_replaces_pseudonyms_and_the_municipality(web_cast, ended_session):
    ended_session.notes += "\nCordula Ginsterbusch-Achebe bedankt sich. Schwarzdornhausen prüft."
    ended_session.save()
    _title, body = prefilled_draft(ended_session)
    lowered = body.lower()
    for pseudonym in PSEUDONYMS:
        assert pseudonym.lower() not in lowered
    assert "schwarzdornhausen" not in lowered  # with and without "Modellstadt"
    assert "Cordula" not in body and "Ginsterbusch" not in body  # the case giver's own name
    with translation.override("de"):
        case_label = translation.gettext("Case giver")
    assert case_label in body
    assert "Drohschreiben im Bürgerbüro" in body  # the content stays
    assert "XYZZY" not in body and "Erste Nachricht" not in body  # the chat is not used


def test_draft_page_is_for_the_case_giver_of_an_ended_session(client, web_cast, ended_session,
                                                              forum):  # fmt: skip
    for key in ("consultant", "secretary", "facilitator", "outsider", "stand_in"):
        login(client, web_cast[key])
        assert client.get(draft_url(ended_session)).status_code == 404
    live = make_session(web_cast, State.LIVE)
    login(client, web_cast["case_giver"])
    assert client.get(draft_url(live)).status_code == 404
    page = client.get(draft_url(ended_session))
    assert page.status_code == 200
    text = page.content.decode()
    assert forum.name in text
    for pseudonym in PSEUDONYMS[1:]:
        assert pseudonym not in page.context["form"].initial["body"]


def review(client, session, forum, **overrides):
    title, body = prefilled_draft(session)
    data = {"step": "review", "title": title, "body": body, "category": forum.pk,
            "anonymous": "on"}  # fmt: skip
    data.update(overrides)
    return client.post(draft_url(session), data)


def test_review_saves_the_draft_and_posts_nothing(client, web_cast, ended_session, forum):
    login(client, web_cast["case_giver"])
    response = review(client, ended_session, forum, body="Mein geprüfter Text zum Fall.")
    assert response.status_code == 200
    assert response.context["step"] == "review"
    draft = DraftThread.objects.get(session=ended_session)
    assert draft.status == DraftThread.Status.DRAFT
    assert draft.body == "Mein geprüfter Text zum Fall."
    assert draft.author == web_cast["case_giver"]
    assert not Thread.objects.exists()
    assert "Mein geprüfter Text zum Fall." in response.content.decode()


@pytest.mark.parametrize("text", ["Danke an beratereins!", "In Schwarzdornhausen war es so."])
def test_review_refuses_a_text_naming_a_participant_or_the_town(
    client, web_cast, ended_session, forum, text
):
    login(client, web_cast["case_giver"])
    response = review(client, ended_session, forum, body=text)
    assert response.status_code == 400
    assert "body" in response.context["form"].errors
    assert text in response.content.decode()  # the text is kept
    assert not DraftThread.objects.exists()


def test_submit_creates_an_anonymous_case_through_the_forum(
    client, web_cast, ended_session, forum, on_commit
):
    login(client, web_cast["case_giver"])
    review(client, ended_session, forum, title="Drohschreiben im Bürgerbüro – was hilft?")
    with on_commit(execute=True):
        response = client.post(
            draft_url(ended_session), {"step": "submit", "category": forum.pk, "anonymous": "on"}
        )
    assert response.status_code == 302
    thread = Thread.objects.get()
    assert thread.author == web_cast["case_giver"]
    assert thread.is_anonymous and thread.kind == ThreadKind.CASE
    assert thread.category == forum
    assert thread.state == ForumState.PUBLISHED
    assert thread.title == "Drohschreiben im Bürgerbüro – was hilft?"
    assert "Drohschreiben im Bürgerbüro" in thread.posts.get().body
    draft = DraftThread.objects.get()
    assert draft.status == DraftThread.Status.SUBMITTED
    assert draft.thread_url == reverse("forums:thread", kwargs={"pk": thread.pk})
    # Done: the page links the thread; submitting again posts nothing.
    page = client.get(draft_url(ended_session))
    assert page.context["step"] == "done" and draft.thread_url in page.content.decode()
    client.post(draft_url(ended_session), {"step": "submit", "category": forum.pk})
    assert Thread.objects.count() == 1


def test_submit_without_anonymity_is_a_discussion_under_the_pseudonym(
    client, web_cast, ended_session, forum
):
    login(client, web_cast["case_giver"])
    review(client, ended_session, forum)
    client.post(draft_url(ended_session), {"step": "submit", "category": forum.pk})
    thread = Thread.objects.get()
    assert not thread.is_anonymous and thread.kind == ThreadKind.DISCUSSION


def test_submit_needs_the_review_first(client, web_cast, ended_session, forum):
    login(client, web_cast["case_giver"])
    response = client.post(draft_url(ended_session), {"step": "submit", "category": forum.pk})
    assert response.status_code == 400
    assert not Thread.objects.exists()


def test_forum_checks_apply_blocked_words(client, web_cast, ended_session, forum):
    WatchedWord.objects.create(word="verbotenwort", action=WatchedWord.Action.BLOCK)
    login(client, web_cast["case_giver"])
    review(client, ended_session, forum, body="Ein Text mit verbotenwort darin.")
    response = client.post(draft_url(ended_session), {"step": "submit", "category": forum.pk})
    assert response.status_code == 400
    assert "verbotenwort" in response.content.decode()  # the forum's message is shown
    assert not Thread.objects.exists()
    assert DraftThread.objects.get().status == DraftThread.Status.DRAFT


def test_premoderated_category_leaves_the_thread_pending(client, web_cast, ended_session, forum):
    forum.premoderated = True
    forum.save()
    login(client, web_cast["case_giver"])
    review(client, ended_session, forum)
    client.post(draft_url(ended_session), {"step": "submit", "category": forum.pk})
    assert Thread.objects.get().state == ForumState.PENDING
    assert DraftThread.objects.get().status == DraftThread.Status.SUBMITTED


def test_forged_category_is_refused(client, web_cast, ended_session, forum):
    login(client, web_cast["case_giver"])
    review(client, ended_session, forum)
    response = client.post(draft_url(ended_session), {"step": "submit", "category": forum.pk + 99})
    assert response.status_code == 400
    assert not Thread.objects.exists()


def test_without_the_forums_only_the_download_is_offered(client, web_cast, ended_session, forum):
    PluginState.objects.update_or_create(plugin_id="forums", defaults={"enabled": False})
    registry.forget_states()
    login(client, web_cast["case_giver"])
    page = client.get(draft_url(ended_session))
    assert page.status_code == 200
    assert page.context["step"] == "unavailable"
    assert reverse("live:minutes", kwargs={"public_id": ended_session.public_id}) in (
        page.content.decode()
    )
    DraftThread.objects.create(session=ended_session, author=web_cast["case_giver"],
                               title="Ein Entwurf", body="Text")  # fmt: skip
    client.post(draft_url(ended_session), {"step": "submit", "category": forum.pk})
    assert not Thread.objects.exists()
    assert DraftThread.objects.get().status == DraftThread.Status.DRAFT
