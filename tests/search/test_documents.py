"""The core's search documents: what a knowledge page or an event becomes in the index,
and what it must never carry (drafts, restricted pages, unnamed municipalities,
contact persons, online links)."""

import dataclasses
import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import PageViewRestriction

from komma.accounts.models import Municipality
from komma.events.models import EventIndexPage, EventPage
from komma.events.search import EventDocument
from komma.pages.models import (
    ArticlePage,
    GoodPracticePage,
    HomePage,
    KnowledgeHubPage,
    ModuleArea,
    RecommendationPage,
    Topic,
)
from komma.pages.search import (
    ArticleDocument,
    GoodPracticeDocument,
    KnowledgePageDocument,
    RecommendationDocument,
)
from plugins import registry as plugin_registry
from plugins.models import PluginState
from search.access import level_tokens
from search.registry import core_document_classes, document_class_for, document_classes

pytestmark = pytest.mark.django_db

ONLINE_LINK = "https://konferenz.example.org/raum-geheim-5931"
ADDRESS = "Rathaus Geheimhausen\nMarktplatz 7\n01099 Dresden"
CONTRIBUTOR = {
    "pseudonym": "StilleQuelle",
    "first_name": "Hildegard",
    "last_name": "Quastenberg",
    "email": "h.quastenberg@rathaus-geheim.example",
    "office": "Amtsleitung Ordnung",
}
KINDS = [
    (GoodPracticePage, GoodPracticeDocument, "pages.goodpracticepage", "Good practice"),
    (RecommendationPage, RecommendationDocument, "pages.recommendationpage", "Recommendation"),
    (ArticlePage, ArticleDocument, "pages.articlepage", "Knowledge article"),
]


def english(text) -> str:
    with translation.override("en"):
        return str(text)


def german(msgid: str) -> str:
    with translation.override("de"):
        return translation.gettext(msgid)


def dumped(document) -> str:
    """Everything a document carries, as one string (to look for leaks in)."""
    return json.dumps(dataclasses.asdict(document), default=str, ensure_ascii=False)


@pytest.fixture
def hub(db):
    hub = KnowledgeHubPage(title="Wissensplattform", slug="wissen")
    HomePage.objects.get().add_child(instance=hub)
    hub.save_revision().publish()
    return hub


@pytest.fixture
def make_page(hub):
    """A published knowledge page below the hub."""

    def make(cls, title, *, visibility="public", topics=(), areas=(), publish=True, **fields):
        fields.setdefault("lead", f"Anriss von {title}")
        page = cls(title=title, visibility=visibility, **fields)
        if not publish:
            page.live = False
        hub.add_child(instance=page)
        page.topics.set(Topic.objects.filter(name__in=topics))
        page.module_areas.set(ModuleArea.objects.filter(code__in=areas))
        if publish:
            page.save_revision().publish()
        else:
            page.save_revision()
        page.refresh_from_db()
        return page

    return make


@pytest.fixture
def topic_names():
    return list(Topic.objects.order_by("name").values_list("name", flat=True)[:2])


def paragraph(html: str) -> dict:
    return {"type": "paragraph", "value": html}


# --- Knowledge pages ---------------------------------------------------------------


@pytest.mark.parametrize(("model", "doc_class", "doc_type", "label"), KINDS)
def test_each_kind_has_its_own_type_and_fields(make_page, topic_names, model, doc_class,
                                               doc_type, label):  # fmt: skip
    body = [
        {"type": "heading", "value": "Wie alles begann"},
        paragraph("<p>Die <b>Clearingstelle</b> berät Betroffene.</p>"),
    ]
    page = make_page(model, "Allianz vor Ort", topics=topic_names, areas=("2", "1a"), body=body)

    doc = doc_class().prepare(page)

    assert doc.doc_type == doc_type == f"pages.{model.__name__.lower()}"
    assert english(doc_class.label) == label
    assert doc.object_id == str(page.pk)
    assert doc.title == "Allianz vor Ort"
    assert doc.url == page.url and doc.url.startswith("/wissen/")
    assert "Anriss von Allianz vor Ort" in doc.body
    assert "Wie alles begann" in doc.body
    assert "Die Clearingstelle berät Betroffene." in doc.body
    assert "<" not in doc.body  # plain text: the backends escape and mark it up
    assert doc.access == ("public",)
    assert doc.module_areas == ("1a", "2")
    expected_slugs = sorted(
        Topic.objects.filter(name__in=topic_names).values_list("slug", flat=True)
    )
    assert doc.topics == tuple(expected_slugs) and len(doc.topics) == 2
    assert doc.updated_at == page.last_published_at
    assert doc.plugin == "core"
    assert "kind" not in doc.extra  # the label is shown in the reader's language
    assert doc.key == f"{doc_type}:{page.pk}"


def test_the_three_kinds_are_told_apart_by_the_registry(make_page):
    classes = core_document_classes()
    types = [cls.doc_type for cls in classes]
    assert types == [
        "pages.goodpracticepage",
        "pages.recommendationpage",
        "pages.articlepage",
        "events.eventpage",
    ]
    assert KnowledgePageDocument not in classes  # the base would match all three kinds
    assert document_class_for(GoodPracticePage) is GoodPracticeDocument
    assert document_class_for(RecommendationPage) is RecommendationDocument
    assert document_class_for(ArticlePage) is ArticleDocument
    assert document_class_for(EventPage) is EventDocument
    assert document_class_for(HomePage) is None


@pytest.mark.parametrize("level", ["public", "network", "model"])
def test_access_tokens_follow_the_visibility_level(make_page, level):
    page = make_page(RecommendationPage, "Empfehlung", visibility=level)
    doc = RecommendationDocument().prepare(page)
    assert doc.access == level_tokens(level) == (level,)


def test_drafts_and_unpublished_pages_are_not_indexed(make_page):
    draft = make_page(ArticlePage, "Entwurf", publish=False)
    assert draft.live is False
    assert ArticleDocument().prepare(draft) is None

    page = make_page(ArticlePage, "Veröffentlicht")
    assert ArticleDocument().prepare(page) is not None
    page.unpublish()
    page.refresh_from_db()
    assert ArticleDocument().prepare(page) is None


def test_expired_pages_are_not_indexed(make_page):
    page = make_page(ArticlePage, "Abgelaufen")
    page.expired = True
    assert ArticleDocument().prepare(page) is None


@pytest.mark.parametrize("kind", [PageViewRestriction.PASSWORD, PageViewRestriction.GROUPS])
def test_password_and_group_restricted_pages_are_not_indexed(make_page, hub, kind):
    page = make_page(GoodPracticePage, "Geschützt")
    assert GoodPracticeDocument().prepare(page) is not None
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=kind,
                                                     password="geheim")  # fmt: skip
    if kind == PageViewRestriction.GROUPS:
        restriction.groups.add(Group.objects.first())
    assert GoodPracticeDocument().prepare(page) is None


def test_a_restriction_on_an_ancestor_keeps_the_page_out(make_page, hub):
    page = make_page(RecommendationPage, "Unter dem Hub")
    PageViewRestriction.objects.create(page=hub, restriction_type="password", password="x")
    assert RecommendationDocument().prepare(page) is None


def test_a_login_restriction_makes_a_public_page_a_network_page(make_page):
    public = make_page(ArticlePage, "Nur angemeldet")
    model_only = make_page(ArticlePage, "Nur Modellkommunen", visibility="model")
    for page in (public, model_only):
        PageViewRestriction.objects.create(page=page, restriction_type="login")
    assert ArticleDocument().prepare(public).access == ("network",)
    assert ArticleDocument().prepare(model_only).access == ("model",)


def test_queryset_lists_the_live_pages_of_its_kind_only(make_page):
    practice = make_page(GoodPracticePage, "Praxis")
    make_page(GoodPracticePage, "Praxisentwurf", publish=False)
    recommendation = make_page(RecommendationPage, "Empfehlung")
    assert list(GoodPracticeDocument().queryset()) == [practice]
    assert list(RecommendationDocument().queryset()) == [recommendation]
    assert list(ArticleDocument().queryset()) == []


def test_a_generic_page_object_is_prepared_as_its_kind(make_page):
    from wagtail.models import Page

    page = make_page(GoodPracticePage, "Praxis als Page")
    doc = GoodPracticeDocument().prepare(Page.objects.get(pk=page.pk))
    assert doc.doc_type == "pages.goodpracticepage" and doc.title == "Praxis als Page"


# --- Where good practice comes from ------------------------------------------------


@pytest.fixture
def unnamed_town(db):
    return Municipality.objects.create(
        name="Geheimhausen", kind="landkreis", bundesland="SN", ags="14998",
        programme_status="model", public_naming_consent=False,
    )  # fmt: skip


@pytest.fixture
def named_town(db):
    return Municipality.objects.create(
        name="Offenbrunn", kind="gemeinde", bundesland="BB", ags="12999999",
        programme_status="model", public_naming_consent=True,
    )  # fmt: skip


def test_a_municipality_without_consent_is_described_never_named(make_page, unnamed_town):
    page = make_page(GoodPracticePage, "Clearingverfahren im Kreis", municipality=unnamed_town)
    doc = GoodPracticeDocument().prepare(page)

    assert "Geheimhausen" not in dumped(doc)
    assert doc.bundesland == "SN"  # the page shows the state ("ein Landkreis in Sachsen")
    with translation.override("de"):  # indexed in the content's language
        assert doc.extra["origin"] == str(unnamed_town.anonymous_description())
    assert doc.extra["origin"] in doc.body


def test_a_municipality_with_consent_is_named_and_searchable(make_page, named_town):
    page = make_page(GoodPracticePage, "Bündnis", municipality=named_town)
    doc = GoodPracticeDocument().prepare(page)
    assert doc.extra["origin"] == "Offenbrunn"
    assert "Offenbrunn" in doc.body
    assert doc.bundesland == "BB"


def test_good_practice_without_municipality_keeps_its_state(make_page):
    page = make_page(GoodPracticePage, "Ohne Kommune", municipality_kind="gemeinde",
                     bundesland="TH")  # fmt: skip
    doc = GoodPracticeDocument().prepare(page)
    assert doc.bundesland == "TH"
    assert "Thüringen" in doc.extra["origin"] or "Thuringia" in doc.extra["origin"]


def test_recommendations_carry_no_state_or_origin(make_page):
    doc = RecommendationDocument().prepare(make_page(RecommendationPage, "Empfehlung"))
    assert doc.bundesland == ""
    assert "origin" not in doc.extra


# --- Body blocks: what readers see, never who to contact -----------------------------


@pytest.fixture
def contributor(make_member, unnamed_town):
    fields = {k: v for k, v in CONTRIBUTOR.items() if k != "pseudonym"}
    return make_member(CONTRIBUTOR["pseudonym"], municipality=unnamed_town, **fields)


def test_contact_persons_are_never_indexed(make_page, contributor, unnamed_town):
    body = [
        paragraph("<p>Das Team hat eine Meldekette aufgebaut.</p>"),
        {
            "type": "contact",
            "value": {"heading": "Kontakt zum Team", "member": contributor.pk,
                      "text": "Schreiben Sie der Ansprechperson."},
        },
    ]  # fmt: skip
    page = make_page(GoodPracticePage, "Meldekette", municipality=unnamed_town, body=body)
    assert page.body[1].value["member"] == contributor  # the block does hold the member

    text = dumped(GoodPracticeDocument().prepare(page))

    assert "Meldekette aufgebaut" in text
    for secret in CONTRIBUTOR.values():
        assert secret not in text
    assert "Ansprechperson" not in text  # the contact block as a whole stays out
    assert str(contributor.pk) not in json.loads(text)["body"]


def test_structured_blocks_are_indexed_as_plain_text(make_page):
    body = [
        {"type": "key_facts", "value": {"heading": "Eckdaten", "facts": [
            {"label": "Dauer", "value": "achtzehn Monate"}]}},
        {"type": "steps", "value": {"heading": "Ablauf", "steps": [
            {"title": "Fallkonferenz einberufen", "text": "<p>mit der <i>Polizei</i></p>"}]}},
        {"type": "lessons", "value": {"heading": "Gelernt", "lessons": ["Früh beginnen"]}},
        {"type": "quote", "value": {"text": "Wir stehen zusammen.",
                                    "attribution": "Bürgermeisterin einer Stadt in Sachsen"}},
        {"type": "callout", "value": {"heading": "Hinweis", "text": "<p>Beratungsstellen</p>"}},
    ]  # fmt: skip
    doc = ArticleDocument().prepare(make_page(ArticlePage, "Struktur", body=body))
    for text in ("Eckdaten", "Dauer", "achtzehn Monate", "Fallkonferenz einberufen",
                 "mit der Polizei", "Früh beginnen", "Wir stehen zusammen.",
                 "Bürgermeisterin einer Stadt in Sachsen", "Beratungsstellen"):  # fmt: skip
        assert text in doc.body
    assert "<" not in doc.body


def test_downloads_are_indexed_by_the_title_the_page_shows(make_page):
    Document = get_document_model()
    shown = Document.objects.create(title="Leitfaden Clearing",
                                    file=ContentFile(b"x", name="leitfaden.txt"))  # fmt: skip
    renamed = Document.objects.create(title="entwurf-intern-vertraulich",
                                      file=ContentFile(b"y", name="intern.txt"))  # fmt: skip
    body = [{"type": "downloads", "value": {"heading": "Material", "documents": [
        {"document": shown.pk, "title": ""},
        {"document": renamed.pk, "title": "Checkliste Meldewege"}]}}]  # fmt: skip
    doc = ArticleDocument().prepare(make_page(ArticlePage, "Material", body=body))
    assert "Leitfaden Clearing" in doc.body
    assert "Checkliste Meldewege" in doc.body
    assert "entwurf-intern-vertraulich" not in doc.body


def test_images_are_indexed_by_their_text_alternative_not_their_title(make_page):
    image = get_image_model().objects.create(title="IMG Bürgermeister Geheimhausen",
                                             file=get_test_image_file())  # fmt: skip
    body = [{"type": "image", "value": {"image": image.pk, "alt_text": "Ein voller Ratssaal",
                                        "caption": "Auftakt der Allianz"}}]  # fmt: skip
    doc = ArticleDocument().prepare(make_page(ArticlePage, "Bild", body=body))
    assert "Ein voller Ratssaal" in doc.body and "Auftakt der Allianz" in doc.body
    assert "Geheimhausen" not in doc.body


# --- Events ------------------------------------------------------------------------


@pytest.fixture
def event_index(db):
    index = EventIndexPage(title="Fortbildungen", slug="fortbildungen")
    HomePage.objects.get().add_child(instance=index)
    index.save_revision().publish()
    return index


@pytest.fixture
def make_event(event_index):
    def make(publish=True, **fields):
        start = fields.pop("start", timezone.now() + timedelta(days=10))
        values = {
            "title": "Workshop Bedrohungslagen",
            "slug": "workshop",
            "lead": "Wie Verwaltungen sich gegen Anfeindungen wappnen.",
            "start": start,
            "end": start + timedelta(hours=3),
            "format": "hybrid",
            "place": ADDRESS,
            "online_link": ONLINE_LINK,
            "audience": "Führungskräfte und Verwaltungsmitarbeitende",
            "capacity": 20,
            "registration_deadline": start - timedelta(days=2),
            "body": [paragraph("<p>Wir üben Gesprächsführung.</p>")],
            **fields,
        }
        page = EventPage(**values)
        if not publish:
            page.live = False
        event_index.add_child(instance=page)
        if publish:
            page.save_revision().publish()
        page.refresh_from_db()
        return page

    return make


def test_events_index_lead_audience_and_body(make_event):
    event = make_event()
    event.module_areas.set(ModuleArea.objects.filter(code="3"))
    event.topics.set(Topic.objects.order_by("name")[:1])
    doc = EventDocument().prepare(event)

    assert doc.doc_type == "events.eventpage"
    assert english(EventDocument.label) == "Training or event"
    assert doc.title == "Workshop Bedrohungslagen"
    assert doc.url == event.url
    assert "gegen Anfeindungen wappnen" in doc.body
    assert "Führungskräfte und Verwaltungsmitarbeitende" in doc.body
    assert "Wir üben Gesprächsführung." in doc.body
    assert doc.access == ("public",)
    assert doc.module_areas == ("3",)
    assert doc.topics == (Topic.objects.order_by("name").first().slug,)
    assert doc.extra == {"start": timezone.localtime(event.start).isoformat()}
    assert doc.updated_at == event.last_published_at


def test_events_never_index_the_online_link_the_address_or_facilitators(make_event,
                                                                       make_member):  # fmt: skip
    event = make_event()
    facilitator = make_member("LeitungsReiher", first_name="Konrad", last_name="Seminarius")
    event.facilitators.set([facilitator])
    text = dumped(EventDocument().prepare(event))
    assert ONLINE_LINK not in text and "raum-geheim" not in text and "konferenz" not in text
    assert "Marktplatz" not in text and "Geheimhausen" not in text
    assert "LeitungsReiher" not in text and "Seminarius" not in text


@pytest.mark.parametrize("level", ["public", "network", "model"])
def test_event_access_follows_its_visibility(make_event, level):
    assert EventDocument().prepare(make_event(visibility=level)).access == (level,)


def test_draft_unpublished_and_restricted_events_are_not_indexed(make_event):
    assert EventDocument().prepare(make_event(publish=False)) is None
    event = make_event(slug="zweiter")
    assert EventDocument().prepare(event) is not None
    PageViewRestriction.objects.create(page=event, restriction_type="password", password="x")
    assert EventDocument().prepare(event) is None
    event.unpublish()
    event.refresh_from_db()
    assert EventDocument().prepare(event) is None


def test_event_queryset_lists_live_events(make_event):
    live = make_event()
    make_event(slug="entwurf", publish=False)
    assert list(EventDocument().queryset()) == [live]


# --- Plugins -----------------------------------------------------------------------


def test_the_sample_plugin_contributes_a_real_document_class():
    from sample_plugin import SampleDocument

    assert SampleDocument in document_classes()
    assert list(SampleDocument().queryset()) == []
    item = type("Item", (), {"pk": 7, "title": "Beispiel", "text": "Inhalt"})()
    doc = SampleDocument().prepare(item)
    assert (doc.plugin, doc.doc_type, doc.access) == ("sample", "sample_plugin.item", ("public",))

    PluginState.objects.update_or_create(plugin_id="sample", defaults={"enabled": False})
    plugin_registry.forget_states()
    try:
        assert SampleDocument not in document_classes()
    finally:
        PluginState.objects.update_or_create(plugin_id="sample", defaults={"enabled": True})
        plugin_registry.forget_states()
