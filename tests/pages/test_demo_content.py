"""The knowledge platform's demo content (``seed_demo``): complete, idempotent, and
it names only municipalities that consented to it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from komma.core.demo import seed_demo
from komma.pages.blocks import knowledge_blocks
from komma.pages.demo import simple_pdf
from komma.pages.models import (
    ArticlePage,
    GoodPracticePage,
    KnowledgeHubPage,
    KnowledgePage,
    RecommendationPage,
)
from komma.pages.visibility import PageVisibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    return seed_demo()


def demo_pages():
    return KnowledgePage.objects.child_of(KnowledgeHubPage.objects.get(slug="wissen"))


def blocks_of(page_type: str):
    for page in demo_pages().specific():
        for block in page.body:
            if block.block_type == page_type:
                yield page, block.value


def test_hub_and_pages_of_every_kind_and_level_are_published(seeded):
    hub = KnowledgeHubPage.objects.get(slug="wissen")
    assert hub.live and hub.show_in_menus and hub.visibility == PageVisibility.PUBLIC
    assert hub.get_parent().specific_class.__name__ == "HomePage"
    assert "Wissenstransfer, gute Praxis und Empfehlungen" in hub.lead
    assert "knowledge hub" in " ".join(seeded.messages)

    pages = demo_pages()
    assert GoodPracticePage.objects.child_of(hub).count() >= 4
    assert RecommendationPage.objects.child_of(hub).count() >= 2
    assert ArticlePage.objects.child_of(hub).count() >= 2
    levels = list(pages.values_list("visibility", flat=True))
    assert levels.count(PageVisibility.PUBLIC) >= 3
    assert levels.count(PageVisibility.NETWORK) >= 2
    assert levels.count(PageVisibility.MODEL) >= 2
    for page in pages:
        assert page.live and page.live_revision_id is not None, page.slug
        assert page.lead and page.body, page.slug
    # Every good-practice page passes the model's own validation (kind/state match).
    for page in GoodPracticePage.objects.child_of(hub):
        page.full_clean()
        assert page.municipality_id and page.size_class and page.topics.exists()


def test_every_knowledge_block_type_is_used():
    seed_demo()
    used = {block.block_type for page in demo_pages().specific() for block in page.body}
    assert used == {name for name, _block in knowledge_blocks()}


def test_blocks_refer_to_real_files_and_demo_members():
    seed_demo()
    images = list(blocks_of("image"))
    assert images
    for _page, value in images:
        assert value["image"].width > 0 and value["image"].file.size > 0
        assert len(value["alt_text"]) > 40  # a description, not a file name

    documents = [item["document"] for _page, value in blocks_of("downloads")
                 for item in value["documents"]]  # fmt: skip
    assert documents and all(document is not None for document in documents)
    for document in documents:
        assert document.file_size and document.file_size == document.file.size
        data = document.file.open("rb").read()
        if document.file_extension == "pdf":
            assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")

    contacts = {value["member"].pseudonym for _page, value in blocks_of("contact")}
    assert contacts and contacts <= {"MutigeEiche", "StarkeLinde"}
    for _page, value in blocks_of("quote"):
        assert value["attribution"]  # by role, as the block asks


def test_generated_pdf_has_a_valid_cross_reference_table():
    data = simple_pdf("Prüfung (Titel)", ["Zeile mit Umlauten: äöüß – „Zitat“"] * 80)
    xref_at = int(re.search(rb"startxref\n(\d+)", data).group(1))
    assert data[xref_at:].startswith(b"xref\n")
    count = int(re.search(rb"xref\n0 (\d+)", data).group(1))
    offsets = re.findall(rb"(\d{10}) 00000 n ", data[xref_at:])
    assert len(offsets) == count - 1
    for number, offset in enumerate(offsets, start=1):
        assert data[int(offset) :].startswith(b"%d 0 obj" % number)
    pages = int(re.search(rb"/Count (\d+)", data).group(1))
    assert pages > 1 and data.count(b"/Type /Page ") == pages  # 80 paragraphs need pages
    assert "äöüß".encode("cp1252") in data and rb"\(Titel\)" in data


def test_seeding_twice_creates_nothing_twice():
    seed_demo()

    def counts():
        return (
            Page.objects.count(), Revision.objects.count(),
            get_document_model().objects.count(), get_image_model().objects.count(),
        )  # fmt: skip

    first = counts()
    assert first[2] >= 2 and first[3] >= 1
    ctx = seed_demo()
    assert counts() == first
    assert any("(0 new)" in message for message in ctx.messages)


def test_history_gives_the_review_reminder_something_to_show():
    seed_demo()
    now = timezone.now()
    year_ago = now - timedelta(days=365)
    pages = list(demo_pages())
    published = [page.first_published_at for page in pages]
    assert len(set(published)) == len(pages)  # varied dates
    assert any(date < year_ago for date in published) and any(date > year_ago for date in published)
    for page in pages:  # the admin's history agrees with the dates
        assert page.last_published_at == page.first_published_at
        assert {r.created_at for r in page.revisions.all()} == {page.first_published_at}
    reviewed = [page for page in pages if page.last_reviewed_at]
    assert reviewed and len(reviewed) < len(pages)
    due = [page for page in pages if page.first_published_at < year_ago
           and (page.last_reviewed_at is None or page.last_reviewed_at < year_ago)]  # fmt: skip
    assert len(due) >= 2
    assert any(page.last_reviewed_at and page.last_reviewed_at > year_ago for page in pages)


def page_html(client, page) -> str:
    response = client.get(page.url, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200, page.url
    return response.content.decode()


def test_only_consenting_municipalities_are_named(client, make_member, municipality):
    seed_demo()
    client.force_login(make_member("LeiseWelle", municipality=municipality))
    good_practice = list(GoodPracticePage.objects.select_related("municipality"))
    named = [page for page in good_practice if page.municipality.public_naming_consent]
    unnamed = [page for page in good_practice if not page.municipality.public_naming_consent]
    assert named and unnamed
    listing = page_html(client, KnowledgeHubPage.objects.get(slug="wissen"))
    for page in named:
        assert page.municipality.name in page_html(client, page)
        assert page.municipality.name in listing
    for page in unnamed:
        html = page_html(client, page)
        with translation.override("de"):
            description = page.municipality.anonymous_description()
        assert page.municipality.name not in html and page.municipality.name not in listing
        assert description in html, page.slug
        # Nor a part of the name ("Elbtal-Heide"), e.g. in a text or file name.
        assert page.municipality.name.split()[-1] not in html


def test_each_level_reaches_its_readers_only(client, make_member, municipality):
    seed_demo()
    pages = {level: list(demo_pages().filter(visibility=level)) for level in PageVisibility}
    for page in pages[PageVisibility.PUBLIC]:
        assert client.get(page.url).status_code == 200
    for page in pages[PageVisibility.NETWORK] + pages[PageVisibility.MODEL]:
        response = client.get(page.url)
        assert response.status_code == 302 and "/konto/login/" in response["Location"]

    client.force_login(make_member("OffeneTuer"))  # a member without a model municipality
    for page in pages[PageVisibility.NETWORK]:
        assert client.get(page.url).status_code == 200
    for page in pages[PageVisibility.MODEL]:
        assert client.get(page.url).status_code == 404

    client.force_login(make_member("KlareSicht", municipality=municipality))
    for page in pages[PageVisibility.MODEL]:
        assert client.get(page.url).status_code == 200


def test_downloads_are_served_like_the_pages_that_link_them(client, file_storage):
    seed_demo()
    by_level = {}
    for page, value in blocks_of("downloads"):
        for item in value["documents"]:
            by_level.setdefault(item["document"].pk, set()).add(page.visibility)
    Document = get_document_model()
    public = [pk for pk, levels in by_level.items() if PageVisibility.PUBLIC in levels]
    closed = [pk for pk, levels in by_level.items() if PageVisibility.PUBLIC not in levels]
    assert public and closed
    for pk in public:
        response = client.get(Document.objects.get(pk=pk).url)
        assert response.status_code == 200
    for pk in closed:
        response = client.get(Document.objects.get(pk=pk).url)
        assert response.status_code == 302 and "/konto/login/" in response["Location"]
