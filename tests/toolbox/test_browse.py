"""Browsing resources: a filter for every metadata field, facet counts under the
other filters, free text, pages, shareable URLs, and junk parameters (400)."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from toolbox import selectors
from toolbox.models import Kind

from .conftest import client_for

pytestmark = pytest.mark.django_db

INDEX = "/toolbox/"

# param -> (model field, value of the matching resource, value of the other one)
FIELD_VALUES = {
    "art": ("kind", "template", "guide"),
    "situation": ("situation", "aftercare", "acute"),
    "kanal": ("channel", "council", "press"),
    "vorlage": ("template_type", "council_statement", "press_release"),
    "zielgruppe": ("audience", "staff", "public"),
    "format": ("format", "letter", "text"),
    "sprache": ("language", "tr", "de"),
    "lizenz": ("licence", "cc0-1.0", "cc-by-4.0"),
    "herausgeber": ("publisher", "Landeszentrale Beispiel", "KomMA-Programmteam"),
    "pruefung": ("review_status", "legal", "editorial"),
    "sichtbarkeit": ("visibility", "partners", "public"),
}


def titles(response):
    return [r.title for r in response.context["search"].results]


def facet(response, name):
    return {o.value: o for f in response.context["facets"] if f.name == name for o in f.options}


def test_index_url_is_the_toolbox_root():
    assert reverse("toolbox:index") == INDEX


# Fields of a resource that are not metadata to filter by: its content, identity,
# counters and Wagtail's publishing state. ``reviewed_by_role`` is free text shown with
# the review status (filtered by ``pruefung``). A new model field fails the test below
# until it is a facet or listed here.
NOT_FACETS = {
    "id", "title", "slug", "summary", "body", "template_text", "document",
    "created_at", "updated_at", "reviewed_by_role",
    "view_count", "use_count", "download_count", "helpful_count", "not_helpful_count",
    "live", "has_unpublished_changes", "first_published_at", "last_published_at",
    "live_revision", "go_live_at", "expire_at", "expired", "locked", "locked_at",
    "locked_by", "latest_revision",
}  # fmt: skip


def test_every_metadata_field_is_a_facet():
    from toolbox.models import Resource

    model_fields = {f.name for f in Resource._meta.concrete_fields}
    assert model_fields >= NOT_FACETS  # (a renamed field is noticed here)
    facet_fields = {spec.field for spec in selectors.FACETS}
    assert facet_fields == model_fields - NOT_FACETS
    assert len(selectors.FACETS) == len(facet_fields)  # one facet per field
    # Each facet with stored values is exercised below (the review age separately).
    assert {spec.param for spec in selectors.FACETS} == set(FIELD_VALUES) | {"geprueft"}


@pytest.mark.parametrize("param", list(FIELD_VALUES))
def test_filter_by_each_field(cast, make_resource, param):
    field, wanted, other = FIELD_VALUES[param]
    kind = "template" if field in ("template_type",) else None
    hit_fields = {field: wanted}
    miss_fields = {field: other}
    if field == "kind":
        hit = make_resource(kind=wanted, title="Treffer")
        make_resource(kind=other, title="Daneben")
    else:
        hit = make_resource(kind=kind or "guide", title="Treffer", **hit_fields)
        make_resource(kind=kind or "guide", title="Daneben", **miss_fields)
    response = client_for(cast["member_a"]).get(INDEX, {param: wanted})
    assert response.status_code == 200
    assert titles(response) == [hit.title]
    options = facet(response, param)
    assert options[wanted].checked and options[wanted].count == 1
    # Counted under the other filters only: ticking the other value too gives 1 more.
    assert options[other].count == 1 and not options[other].checked


def test_values_of_one_facet_are_alternatives_and_facets_narrow(cast, make_resource):
    make_resource(title="Akut Presse", situation="acute", channel="press")
    make_resource(title="Nachsorge Presse", situation="aftercare", channel="press")
    make_resource(title="Akut Rat", situation="acute", channel="council")
    make_resource(title="Vorbeugung Presse", situation="prevention", channel="press")
    client = client_for(cast["member_a"])
    response = client.get(INDEX, {"situation": ["acute", "aftercare"], "kanal": "press"})
    assert titles(response) == ["Akut Presse", "Nachsorge Presse"]
    situation = facet(response, "situation")
    # Situations are counted under "kanal=press" only.
    assert (situation["acute"].count, situation["aftercare"].count,
            situation["prevention"].count) == (1, 1, 1)  # fmt: skip
    channel = facet(response, "kanal")
    # Channels are counted under the situations acute/aftercare only.
    assert (channel["press"].count, channel["council"].count, channel["website"].count) == (2, 1, 0)
    assert response.context["search"].total == 2


def test_review_age_filter_and_counts(cast, make_resource):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    make_resource(title="Frisch geprüft", last_reviewed=today - timedelta(days=30))
    make_resource(title="Gerade noch", last_reviewed=today - timedelta(days=365))
    make_resource(title="Lange her", last_reviewed=today - timedelta(days=366))
    make_resource(title="Nie geprüft", last_reviewed=None, review_status="unreviewed")
    client = client_for(cast["member_a"])
    recent = client.get(INDEX, {"geprueft": "aktuell"})
    assert recent.status_code == 200
    assert titles(recent) == ["Frisch geprüft", "Gerade noch"]
    stale = client.get(INDEX, {"geprueft": "veraltet"})
    assert titles(stale) == ["Lange her", "Nie geprüft"]
    # The same rule as the stale marker on a resource.
    assert all(r.is_stale for r in stale.context["search"].results)
    options = facet(stale, "geprueft")
    assert (options["aktuell"].count, options["veraltet"].count) == (2, 2)
    assert options["veraltet"].checked and not options["aktuell"].checked
    # Counted under the other filters.
    options = facet(client.get(INDEX, {"pruefung": "unreviewed"}), "geprueft")
    assert (options["aktuell"].count, options["veraltet"].count) == (0, 1)
    both = client.get(INDEX, {"geprueft": ["aktuell", "veraltet"]})
    assert both.context["search"].total == 4
    assert client.get(INDEX, {"geprueft": "gestern"}).status_code == 400


def test_publisher_facet_offers_the_stored_publishers(cast, make_resource):
    make_resource(title="A", publisher="Landeszentrale Beispiel", situation="acute")
    make_resource(title="B", publisher="Landeszentrale Beispiel", situation="aftercare")
    make_resource(title="C", publisher="KomMA-Programmteam", situation="acute")
    make_resource(title="D", publisher="Verborgener Verlag", visibility="network", live=False)
    client = client_for(cast["member_a"])
    response = client.get(INDEX, {"situation": "acute"})
    options = facet(response, "herausgeber")
    # Unpublished resources' publishers are not offered; counts follow the other filters.
    assert {v: o.count for v, o in options.items()} == {
        "KomMA-Programmteam": 1,
        "Landeszentrale Beispiel": 1,
    }
    chosen = client.get(INDEX, {"herausgeber": "Landeszentrale Beispiel"})
    assert titles(chosen) == ["A", "B"] and chosen.context["search"].total == 2
    # Its own facet is counted without itself; the others under it.
    assert facet(chosen, "herausgeber")["KomMA-Programmteam"].count == 1
    assert facet(chosen, "situation")["aftercare"].count == 1
    # An unknown publisher finds nothing and stays visibly chosen; junk is a 400.
    unknown = client.get(INDEX, {"herausgeber": "Niemand"})
    assert unknown.status_code == 200 and titles(unknown) == []
    assert facet(unknown, "herausgeber")["Niemand"].checked
    assert client.get(INDEX, {"herausgeber": "x" * 201}).status_code == 400
    assert client.get(INDEX, {"herausgeber": "Null\x00Byte"}).status_code == 400


def test_facets_count_only_readable_published_resources(cast, levelled):
    response = client_for(cast["partner"]).get(INDEX)
    kinds = facet(response, "art")
    assert kinds["guide"].count == 2  # public + partners; not network, not the draft
    visibility = facet(response, "sichtbarkeit")
    # A partner is offered only the levels they can read.
    assert set(visibility) == {"public", "partners"}
    assert client_for().get(INDEX, {"sichtbarkeit": "network"}).context["search"].total == 0


def test_free_text_searches_title_summary_template_and_questions(cast, make_resource):
    make_resource(title="Gegenrede im Netz", summary="Antworten auf Hasskommentare.")
    make_resource(
        kind="template",
        title="Presseerklärung",
        template_text="Die {{Kommune}} steht zusammen.",
        placeholders=[("Kommune", "Kommune", "text", True)],
    )
    make_resource(
        kind="faq",
        title="Fragen und Antworten",
        faq=[
            ("Wer zahlt die Reinigung der Fassade?", "<p>Die Stadt.</p>"),
            ("Wer hilft Betroffenen?", "<p>Die Beratung.</p>"),
        ],
    )
    client = client_for(cast["member_a"])
    assert titles(client.get(INDEX, {"q": "hasskommentare"})) == ["Gegenrede im Netz"]
    assert titles(client.get(INDEX, {"q": "STEHT zusammen"})) == ["Presseerklärung"]
    assert titles(client.get(INDEX, {"q": "fassade reinigung"})) == ["Fragen und Antworten"]
    assert titles(client.get(INDEX, {"q": "fassade gegenrede"})) == []
    # Two matching questions: still one resource, counted once.
    response = client.get(INDEX, {"q": "wer"})
    assert titles(response) == ["Fragen und Antworten"]
    assert response.context["search"].total == 1 and facet(response, "art")["faq"].count == 1
    # Facet counts follow the text too.
    assert facet(client.get(INDEX, {"q": "gegenrede"}), "art")["guide"].count == 1


def test_free_text_does_not_match_markup(cast, make_resource):
    make_resource(
        title="Beweise sichern",
        summary="Wie Beweise gesichert werden.",
        body='<p><strong>Screenshots</strong> <a href="https://hateaid.example/x">Link</a></p>',
    )
    client = client_for(cast["member_a"])
    for markup in ("strong", "href", "hateaid"):
        assert titles(client.get(INDEX, {"q": markup})) == []


def test_pages_and_shareable_urls(cast, make_resource):
    for i in range(selectors.PAGE_SIZE + 3):
        make_resource(title=f"Leitfaden {i:02d}", situation="aftercare")
    make_resource(title="Leitfaden akut", situation="acute")
    client = client_for(cast["member_a"])
    first = client.get(INDEX, {"situation": "aftercare", "q": "leitfaden"})
    assert first.status_code == 200
    assert first.context["search"].total == selectors.PAGE_SIZE + 3
    assert len(titles(first)) == selectors.PAGE_SIZE
    next_url = first.context["next_url"]
    assert dict(parse_qsl(urlsplit(next_url).query)) == {
        "q": "leitfaden", "situation": "aftercare", "seite": "2"}  # fmt: skip
    html = first.content.decode()
    assert f'href="{next_url.replace("&", "&amp;")}"' in html
    # The URL alone reproduces the view: another viewer, no session state.
    second = client_for(cast["member_b"]).get(INDEX + next_url)
    assert titles(second) == [f"Leitfaden {i:02d}" for i in (20, 21, 22)]
    assert second.context["previous_url"]
    # Removing a filter keeps the others.
    removal = [f["remove_url"] for f in first.context["active_filters"]]
    assert len(removal) == 1 and dict(parse_qsl(urlsplit(removal[0]).query)) == {"q": "leitfaden"}


@pytest.mark.parametrize(
    "params",
    [
        {"art": "pressemitteilung"},
        {"situation": ["acute", "<script>"]},
        {"seite": "x"},
        {"seite": "0"},
        {"seite": "99"},
        {"q": "a" * 201},
        {"q": "null\x00byte"},
        {"sichtbarkeit": "geheim"},
    ],
)
def test_junk_parameters_give_400_with_a_message(cast, make_resource, params):
    make_resource(title="Akuter Leitfaden", situation="acute")
    response = client_for(cast["member_a"]).get(INDEX, params)
    assert response.status_code == 400
    assert response.context["problems"]
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "<script>" not in html.split('id="toolbox-problems"')[1].split("</div>")[0]
    # The valid rest of the search still runs.
    assert titles(response) == ["Akuter Leitfaden"]


def test_junk_message_is_clear(cast):
    with translation.override("en"):
        problems = selectors.parse_resource_query({"art": "broschuere"})[1]
    assert problems == ["“broschuere” is not a valid choice for “Kind”."]


def test_unknown_parameter_names_are_ignored(cast, make_resource):
    make_resource(title="Geteilter Link")
    response = client_for().get(INDEX, {"fbclid": "abc", "utm_source": "x"})
    assert response.status_code == 200
    assert titles(response) == ["Geteilter Link"]


def test_every_kind_page_renders(cast, make_resource):
    client = client_for(cast["member_a"])
    for kind in Kind.values:
        resource = make_resource(kind=kind, title=f"Ressource {kind}")
        response = client.get(resource.get_absolute_url())
        assert response.status_code == 200, kind
    html = client.get(INDEX).content.decode()
    for kind in Kind.values:
        assert f"Ressource {kind}" in html


# --- the resource page ------------------------------------------------------------------
def _url_or_none(name, slug):
    from django.urls import NoReverseMatch

    try:
        return reverse(name, args=[slug])
    except NoReverseMatch:  # that area's URLs are not mounted in this build
        return None


def test_template_page(cast, make_resource):
    resource = make_resource(kind="template", title="Stellungnahme nach dem Vorfall")
    html = client_for(cast["member_a"]).get(resource.get_absolute_url()).content.decode()
    assert "Wir verurteilen den Vorfall „{{Vorfall}}“ entschieden." in html
    assert "<code>{{Ansprechperson}}</code> – Ansprechperson (Funktion)" in html
    use_url = _url_or_none("toolbox:resource_use", resource.slug)
    assert (use_url is not None) == ("Use this template" in html)
    if use_url:
        assert f'href="{use_url}"' in html


def test_checklist_page(cast, make_resource):
    resource = make_resource(kind="checklist", title="Die ersten 24 Stunden")
    member_html = client_for(cast["member_a"]).get(resource.get_absolute_url()).content.decode()
    partner_html = client_for(cast["partner"]).get(resource.get_absolute_url()).content.decode()
    for html in (member_html, partner_html):
        assert html.count('<span class="toolbox-step-text">') == 3
        assert "Anzeige bei der Polizei erstatten" in html
        assert 'type="checkbox"' not in html.split('class="toolbox-steps"')[1]  # read-only
    checklist_url = _url_or_none("toolbox:checklist", resource.slug)
    if checklist_url:  # the interactive checklist is for members of a municipality
        assert f'href="{checklist_url}"' in member_html
        assert f'href="{checklist_url}"' not in partner_html


def test_faq_page_uses_disclosures(cast, make_resource):
    resource = make_resource(kind="faq", title="Fragen der Bürgerinnen und Bürger")
    html = client_for().get(resource.get_absolute_url()).content.decode()
    assert html.count('<details class="toolbox-faq-entry">') == 2
    assert "<summary>Wo finde ich Beratung?</summary>" in html
    assert "<p>Bei der örtlichen Opferberatung.</p>" in html


def test_metadata_block(cast, make_resource):
    resource = make_resource(
        kind="guide", title="Krisenkommunikation", situation="aftercare", channel="website",
        audience="citizens", language="de-plain", licence="cc0-1.0", publisher="Programmteam X",
        review_status="legal", reviewed_by_role="Justiziariat der Programmleitung",
    )  # fmt: skip
    html = client_for().get(resource.get_absolute_url()).content.decode()
    expected = [
        "Aftercare",
        "Website",
        "Citizens",
        "German, plain language",
        "CC0 1.0",
        "Programmteam X",
        "legally reviewed by Justiziariat der Programmleitung",
    ]
    for text in expected:
        assert text in html, text
    with translation.override("de"):
        german = client_for(language="de").get(resource.get_absolute_url()).content.decode()
    assert 'lang="de"' in german


def test_hostile_content_is_escaped(cast, make_resource):
    resource = make_resource(
        kind="template", title="<script>alert(1)</script>",
        summary="<img src=x onerror=alert(2)>",
        template_text="{{Kommune}} <script>alert(3)</script>",
        placeholders=[("Kommune", "<b>Kommune</b>", "text", True)],
    )  # fmt: skip
    html = client_for().get(resource.get_absolute_url()).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>Kommune" not in html
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in html
