"""Page-type rules: where each type may live, taxonomy, how a municipality is named,
and the blocks' own rules (alt text, contact without e-mail)."""

import pytest
from wagtail.blocks import StructBlockValidationError

from komma.pages.blocks import AccessibleImageBlock, MemberChooserBlock
from komma.pages.models import (
    ArticlePage,
    ContentPage,
    GoodPracticePage,
    HomePage,
    KnowledgeHubPage,
    KnowledgePage,
    ModuleArea,
    RecommendationPage,
    StandardPage,
    Topic,
)


def test_where_each_type_may_live(db):
    assert KnowledgeHubPage.can_create_at(HomePage())
    assert not KnowledgeHubPage.can_create_at(KnowledgeHubPage())
    for cls in (GoodPracticePage, RecommendationPage, ArticlePage):
        assert cls.can_create_at(KnowledgeHubPage())
        assert not cls.can_create_at(HomePage())
        assert not cls.can_create_at(StandardPage())
    assert not GoodPracticePage.can_create_at(ArticlePage())  # knowledge pages are leaves
    assert not ContentPage.is_creatable and not KnowledgePage.is_creatable


def test_taxonomy_is_seeded(db):
    assert list(ModuleArea.objects.values_list("code", flat=True)) == [
        "1",
        "2",
        "3",
        "1a",
        "2a",
        "3a",
    ]
    assert {
        "Clearingverfahren", "Interventionsstrategie", "Beteiligungsstrategie", "Allianzaufbau",
        "Schutz von Mandatsträger:innen", "Kommunikation nach Vorfällen",
    } <= set(Topic.objects.values_list("name", flat=True))  # fmt: skip
    assert (
        Topic.objects.get(name="Schutz von Mandatsträger:innen").slug
        == "schutz-von-mandatstragerinnen"
    )


def test_origin_comes_from_the_municipality(hub, municipality):
    page = GoodPracticePage(title="Beispiel", municipality=municipality)
    hub.add_child(instance=page)
    assert (page.municipality_kind, page.bundesland) == ("kreisfreie_stadt", "NW")


def test_origin_follows_another_chosen_municipality(hub, municipality, other_municipality):
    page = GoodPracticePage(title="Beispiel", municipality=municipality)
    hub.add_child(instance=page)
    page.municipality = other_municipality
    page.full_clean()
    assert (page.municipality_kind, page.bundesland) == ("gemeinde", "BY")


@pytest.mark.parametrize("consent", [True, False])
def test_municipality_is_named_only_with_consent(client, make_page, municipality, consent):
    municipality.public_naming_consent = consent
    municipality.save()
    page = make_page(GoodPracticePage, "Clearingstelle", municipality=municipality)
    hub_body = client.get(page.get_parent().url).content.decode()
    body = client.get(page.url).content.decode()
    for html in (body, hub_body):
        assert ("Stadt Testhausen" in html) is consent
        assert ("kreisfreie Stadt in Nordrhein-Westfalen" in html) is not consent


def test_images_need_alt_text(db):
    block = AccessibleImageBlock()
    with pytest.raises(StructBlockValidationError) as caught:
        block.clean(block.to_python({"image": None, "alt_text": "", "caption": ""}))
    assert "alt_text" in caught.value.block_errors


def test_contact_chooser_offers_active_members_only(make_member):
    active = make_member("AktiveLinde")
    gone = make_member("FruehereEiche", is_active=False)
    choices = MemberChooserBlock().field.queryset
    assert active in choices and gone not in choices
    assert MemberChooserBlock().to_python(gone.pk) is None
