"""Forum content in the site search: only published content, one access token per
category, no author in any document, and a model-only thread found only by those who
may read it — no title, snippet or facet count for anyone else (database backend)."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from exchange.forums import actions
from exchange.forums.models import Access, Post, State, Thread
from exchange.forums.search import PostDocument, ThreadDocument, category_token
from plugins.models import PluginState
from plugins.registry import forget_states
from search.access import viewer_tokens
from search.backends.database import DatabaseBackend

from .conftest import IDENTITIES, NEEDLES

pytestmark = pytest.mark.django_db

URL = "/suche/"
SUGGEST_URL = "/suche/vorschlaege/"
WORD = "Trompetenbaumallee"  # only in the model-only thread
REPLY_WORD = "Kieselgurbrunnen"  # only in a reply there
ROLES = ["case_giver", "adviser", "applicant", "partner", "moderator", "category_mod",
         "outsider", "anonymous"]  # fmt: skip
MAY_READ = {
    "case_giver": {Access.MODEL, Access.MEMBERS, Access.PARTNERS},
    "adviser": {Access.MODEL, Access.MEMBERS, Access.PARTNERS},
    "applicant": {Access.MEMBERS, Access.PARTNERS},
    "partner": {Access.PARTNERS},
    "moderator": {Access.MODEL, Access.MEMBERS, Access.PARTNERS},
    "category_mod": {Access.MODEL, Access.MEMBERS, Access.PARTNERS},
    "outsider": set(),
    "anonymous": set(),
}


def person(cast, role):
    return AnonymousUser() if role == "anonymous" else cast[role]


@pytest.fixture
def model_thread(cast, categories, django_capture_on_commit_callbacks):
    """A case in the model-only category (anonymous) with a reply, indexed on commit."""
    with django_capture_on_commit_callbacks(execute=True):
        thread = actions.check_create_thread(
            cast["case_giver"], categories[Access.MODEL], title=f"Fall zur {WORD}",
            case=actions.CaseDetails(situation=f"In der {WORD} hängen Plakate.",
                                     key_question="Wer hilft?"),
            anonymous=True,
        )  # fmt: skip
        actions.check_reply(cast["adviser"], thread, body=f"Fragt beim {REPLY_WORD} nach.")
    return thread


# --- Documents --------------------------------------------------------------------------
def test_thread_document_carries_the_category_token_and_no_author(cast, model_thread):
    document = ThreadDocument().prepare(model_thread)
    assert document.access == (category_token(model_thread.category_id),)
    assert document.title == f"Fall zur {WORD}" and WORD in document.body
    assert document.plugin == "forums" and document.url == f"/foren/thema/{model_thread.pk}/"
    text = json.dumps([document.title, document.body, document.extra], ensure_ascii=False)
    for needle in NEEDLES + list(IDENTITIES):
        assert needle not in text, needle
    assert "<" not in document.body  # plain text, not HTML


def test_thread_extra_values_are_indexed_as_keywords(cast, model_thread):
    from search.backends.elastic import extra_mapping

    document = ThreadDocument().prepare(model_thread)
    assert ThreadDocument.extra_fields == {"category": "keyword", "kind": "keyword"}
    assert document.extra == {"category": model_thread.category.name, "kind": model_thread.kind}
    assert extra_mapping([ThreadDocument, PostDocument]).to_dict() == {
        "type": "object",
        "dynamic": False,
        "properties": {"category": {"type": "keyword"}, "kind": {"type": "keyword"}},
    }


def test_post_document_of_a_reply(cast, model_thread):
    reply = model_thread.posts.get(number=2)
    document = PostDocument().prepare(reply)
    assert document.access == (category_token(model_thread.category_id),)
    assert REPLY_WORD in document.body and document.url == f"/foren/beitrag/{reply.pk}/"
    assert "RatGeber" not in json.dumps([document.title, document.body, document.extra])
    # The opening post is indexed with its thread, not on its own.
    assert PostDocument().prepare(model_thread.posts.get(number=1)) is None


@pytest.mark.parametrize("state", [State.PENDING, State.HIDDEN, State.REJECTED])
def test_unpublished_content_is_not_indexed(cast, model_thread, state):
    reply = model_thread.posts.get(number=2)
    reply.state = state
    assert PostDocument().prepare(reply) is None
    model_thread.state = state
    assert ThreadDocument().prepare(model_thread) is None
    model_thread.state = State.PUBLISHED
    reply.state = State.PUBLISHED
    assert PostDocument().prepare(reply) is not None
    # A published reply in an unpublished thread is not indexed either.
    reply.thread.state = state
    assert PostDocument().prepare(reply) is None


def test_thread_whose_opening_post_is_hidden_is_not_indexed(cast, model_thread):
    Post.objects.filter(thread=model_thread, number=1).update(state=State.HIDDEN)
    assert ThreadDocument().prepare(model_thread) is None


def test_querysets_hold_only_published_content(cast, model_thread):
    Thread.objects.filter(pk=model_thread.pk).update(state=State.HIDDEN)
    assert not ThreadDocument().queryset().filter(pk=model_thread.pk).exists()
    assert not PostDocument().queryset().filter(thread=model_thread).exists()


# --- Tokens ---------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_viewer_tokens_per_role(cast, categories, role):
    tokens = viewer_tokens(person(cast, role))
    forum_tokens = {token for token in tokens if token.startswith("forum-category:")}
    expected = {category_token(categories[level].pk) for level in MAY_READ[role]}
    assert forum_tokens == expected


# --- End to end through the search page -------------------------------------------------------
def client_of(cast, role):
    """A logged-in client; roles that require a second factor have one."""
    client = Client()
    if role != "anonymous":
        if role in ("moderator", "outsider"):
            from allauth.mfa.totp.internal.auth import TOTP

            from tests.conftest import TEST_TOTP_SECRET

            if not cast[role].authenticator_set.exists():
                TOTP.activate(cast[role], TEST_TOTP_SECRET)
        client.force_login(cast[role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_model_thread_is_found_only_by_those_who_may_read_it(cast, model_thread, role):
    may = Access.MODEL in MAY_READ[role]
    client = client_of(cast, role)
    for word in (WORD, REPLY_WORD):
        response = client.get(URL, {"q": word})
        assert response.status_code == 200
        results = response.context["results"]
        html = response.content.decode()
        if may:
            assert results.total >= 1, (role, word)
            assert f"Fall zur {WORD}" in html
        else:
            assert results.total == 0, (role, word)
            assert results.hits == []
            assert all(not counts for counts in results.facets.values()), (role, word)
            assert f"Fall zur {WORD}" not in html and "Plakate" not in html
            assert "3a" not in results.facets.get("module_area", {})
        if role != "case_giver":  # the page header shows one's own pseudonym
            assert "FallGeberin" not in html
        assert "Ottilie" not in html and "Brennessel" not in html
    suggestions = client.get(SUGGEST_URL, {"q": "Fall zur"}).content.decode()
    assert (WORD in suggestions) is may


@pytest.mark.parametrize("role", ROLES)
def test_authors_are_not_searchable(cast, model_thread, role):
    client = client_of(cast, role)
    for word in ("FallGeberin", "RatGeber", "Ottilie", "Brennessel"):
        assert client.get(URL, {"q": word}).context["results"].total == 0, (role, word)


def test_switched_off_plugin_is_not_found(cast, model_thread):
    client = client_of(cast, "adviser")
    assert client.get(URL, {"q": WORD}).context["results"].total >= 1
    PluginState.objects.update_or_create(plugin_id="forums", defaults={"enabled": False})
    forget_states()
    try:
        response = client.get(URL, {"q": WORD})
        assert response.context["results"].total == 0
        assert WORD not in client.get(SUGGEST_URL, {"q": "Fall zur"}).content.decode()
    finally:
        PluginState.objects.update_or_create(plugin_id="forums", defaults={"enabled": True})
        forget_states()


def test_hiding_the_thread_removes_it_from_the_index(
    cast, model_thread, django_capture_on_commit_callbacks
):
    from exchange.forums.search import reindex_thread

    with django_capture_on_commit_callbacks(execute=True):
        Thread.objects.filter(pk=model_thread.pk).update(state=State.HIDDEN)
        reindex_thread(model_thread.pk)
    response = client_of(cast, "adviser").get(URL, {"q": WORD})
    assert response.context["results"].total == 0
    assert client_of(cast, "adviser").get(URL, {"q": REPLY_WORD}).context["results"].total == 0


def test_database_backend_holds_the_documents_with_tokens(cast, model_thread):
    from search.query import SearchQuery

    backend = DatabaseBackend()
    token = category_token(model_thread.category_id)
    found = backend.search(SearchQuery(text=WORD, tokens=frozenset({token}),
                                       plugins=frozenset({"core", "forums"})))  # fmt: skip
    assert found.total == 2  # the thread, and its reply under the thread's title
    hidden = backend.search(SearchQuery(text=WORD, tokens=frozenset({"public", "network"}),
                                        plugins=frozenset({"core", "forums"})))  # fmt: skip
    assert hidden.total == 0


def test_forum_start_page_searches_the_forums_only(cast, model_thread):
    """The forum's own search box: /suche/ with ?bereich=forums, threads and replies only."""
    client = client_of(cast, "adviser")
    html = client.get("/foren/").content.decode()
    assert 'name="bereich" value="forums"' in html and 'action="/suche/"' in html
    response = client.get(URL, {"q": WORD, "bereich": "forums"})
    assert response.status_code == 200
    hits = response.context["results"].hits
    assert hits and {hit.doc_type for hit in hits} <= {"forums.thread", "forums.post"}
    elsewhere = client.get(URL, {"q": WORD, "bereich": "wissen"}).context["results"]
    assert elsewhere.total == 0
