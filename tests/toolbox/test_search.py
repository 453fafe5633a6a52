"""The toolbox's search documents: what is indexed, the access tokens per visibility,
and the database backend end to end (published, unpublished, deleted)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from search.access import viewer_tokens
from tests.toolbox.filling_fixtures import *  # noqa: F403
from tests.toolbox.filling_fixtures import FILL_NEEDLES, client_for
from toolbox.models import ChecklistItem, FaqEntry, Kind, Resource, Visibility
from toolbox.search import NETWORK_TOKEN, PARTNERS_TOKEN, ResourceDocument

pytestmark = pytest.mark.django_db

SEARCH_URL = "/suche/"
WORD = "Quendelkraut"  # a word only the test resources contain


def publish(title, visibility, *, kind=Kind.GUIDE, word=WORD, **fields):
    """A resource saved as draft, then published through a revision (as the admin
    does), so Wagtail's ``published`` signal is sent."""
    resource = Resource(
        title=title,
        slug=title.lower().replace(" ", "-"),
        kind=kind,
        summary=f"Hinweise zum {word} für die Kommune.",
        body="<p>Erster Schritt: <b>Ruhe bewahren</b>.</p><p>Zweiter Schritt.</p>",
        situation="acute",
        channel="press",
        audience="public",
        format="steps",
        visibility=visibility,
        **fields,
    )
    resource.live = False
    resource.save()
    resource.save_revision().publish()
    resource.refresh_from_db()
    return resource


@pytest.fixture
def indexed(db, django_capture_on_commit_callbacks):
    """One published guide per visibility, indexed through the signals."""
    with django_capture_on_commit_callbacks(execute=True):
        made = {
            Visibility.PUBLIC: publish("Leitfaden Offen", Visibility.PUBLIC),
            Visibility.PARTNERS: publish("Leitfaden Partner", Visibility.PARTNERS),
            Visibility.NETWORK: publish("Leitfaden Netz", Visibility.NETWORK),
        }
    return made


def titles_found(user, text=WORD) -> set[str]:
    body = client_for(user).get(SEARCH_URL, {"q": text}).content.decode()
    return {
        title
        for title in ("Leitfaden Offen", "Leitfaden Partner", "Leitfaden Netz")
        if title in body
    }


def test_document_of_each_visibility_carries_its_token(make_template):
    document = ResourceDocument()
    for visibility, token in (
        (Visibility.PUBLIC, "public"),
        (Visibility.PARTNERS, PARTNERS_TOKEN),
        (Visibility.NETWORK, NETWORK_TOKEN),
    ):
        prepared = document.prepare(make_template(visibility=visibility))
        assert prepared.access == (token,)
        assert prepared.plugin == "toolbox" and prepared.module_areas == ("2a",)
        assert prepared.doc_type == "toolbox.resource"


def test_document_holds_what_readers_see(db):
    resource = publish(
        "Checkliste Angriff", Visibility.PUBLIC, kind=Kind.CHECKLIST, template_text=""
    )
    ChecklistItem.objects.create(resource=resource, text="Beweise sichern", help_text="Screenshots")
    FaqEntry.objects.create(resource=resource, question="Wer hilft?", answer="<p>Die Beratung.</p>")
    prepared = ResourceDocument().prepare(resource)
    assert prepared.title == "Checkliste Angriff"
    assert prepared.url == f"/toolbox/ressource/{resource.slug}/"
    assert "Hinweise zum Quendelkraut" in prepared.body
    assert "Erster Schritt: Ruhe bewahren." in prepared.body and "<b>" not in prepared.body
    assert "Beweise sichern\nScreenshots" in prepared.body
    assert "Wer hilft?\nDie Beratung." in prepared.body
    assert prepared.extra == {"kind": "checklist", "situation": "acute", "channel": "press"}


def test_template_text_with_placeholders_is_indexed(make_template):
    prepared = ResourceDocument().prepare(make_template())
    assert "Pressemitteilung der {{Kommune}}" in prepared.body


def test_unpublished_resources_are_not_documents(make_template):
    draft = make_template(live=False)
    assert ResourceDocument().prepare(draft) is None
    assert draft not in ResourceDocument().queryset()


def test_viewer_tokens_follow_toolbox_levels(fill_cast):
    def toolbox_tokens(user):
        return viewer_tokens(user) & {PARTNERS_TOKEN, NETWORK_TOKEN}

    assert toolbox_tokens(AnonymousUser()) == set()
    assert toolbox_tokens(fill_cast["partner"]) == {PARTNERS_TOKEN}
    assert toolbox_tokens(fill_cast["member_a"]) == {PARTNERS_TOKEN, NETWORK_TOKEN}
    assert toolbox_tokens(fill_cast["editor"]) == {PARTNERS_TOKEN, NETWORK_TOKEN}
    # The core's "network" token is held by partners too: it is not what we use.
    assert "network" in viewer_tokens(fill_cast["partner"])


@pytest.mark.parametrize(
    "who, expected",
    [
        ("anonymous", {"Leitfaden Offen"}),
        ("partner", {"Leitfaden Offen", "Leitfaden Partner"}),
        ("member_b", {"Leitfaden Offen", "Leitfaden Partner", "Leitfaden Netz"}),
        ("editor", {"Leitfaden Offen", "Leitfaden Partner", "Leitfaden Netz"}),
    ],
)
def test_search_finds_by_visibility(fill_cast, indexed, who, expected):
    user = None if who == "anonymous" else fill_cast[who]
    assert titles_found(user) == expected


def test_unpublish_and_delete_remove_the_document(
    fill_cast, indexed, django_capture_on_commit_callbacks
):
    member = fill_cast["member_a"]
    assert titles_found(member) == {"Leitfaden Offen", "Leitfaden Partner", "Leitfaden Netz"}
    with django_capture_on_commit_callbacks(execute=True):
        indexed[Visibility.PUBLIC].unpublish()
    assert titles_found(member) == {"Leitfaden Partner", "Leitfaden Netz"}
    assert titles_found(None) == set()
    with django_capture_on_commit_callbacks(execute=True):
        indexed[Visibility.NETWORK].delete()
    assert titles_found(member) == {"Leitfaden Partner"}


def test_republish_with_new_visibility_moves_the_document(
    fill_cast, indexed, django_capture_on_commit_callbacks
):
    resource = indexed[Visibility.NETWORK]
    resource.visibility = Visibility.PUBLIC
    with django_capture_on_commit_callbacks(execute=True):
        resource.save_revision().publish()
    assert "Leitfaden Netz" in titles_found(None)


def test_search_results_name_nobody(fill_cast, indexed):
    response = client_for(fill_cast["member_b"]).get(SEARCH_URL, {"q": WORD})
    assert response.status_code == 200
    body = response.content.decode()
    # The results are there (an empty or failed page would name nobody too).
    for title in ("Leitfaden Offen", "Leitfaden Partner", "Leitfaden Netz"):
        assert title in body
    for needle in FILL_NEEDLES:
        assert needle not in body


def test_switched_off_toolbox_is_not_searched(fill_cast, indexed):
    from plugins.models import PluginState
    from plugins.registry import forget_states

    PluginState.objects.update_or_create(plugin_id="toolbox", defaults={"enabled": False})
    forget_states()
    assert titles_found(fill_cast["member_a"]) == set()
