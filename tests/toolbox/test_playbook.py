"""The crisis playbook: steps in order with the municipality's checklist progress,
the templates the viewer may read, and alliance contacts through the hook (with the
alliance plugin on and off)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from alliance.models import Category, ChannelKind, ChannelVisibility
from plugins.models import PluginState
from tests.alliance.conftest import make_org
from tests.toolbox.checklist_fixtures import *  # noqa: F403  (fixtures)
from tests.toolbox.checklist_fixtures import STEPS, items_of, toggle_url
from tests.toolbox.conftest import NEEDLES, TOWN_A, client_for
from toolbox.models import ChecklistProgress, Playbook

pytestmark = pytest.mark.django_db

SAXON_PHONE = "+49 30 23125 991"
BAVARIAN_PHONE = "+49 69 90009 552"


def url(slug="erste-24"):
    return reverse("toolbox:playbook", kwargs={"slug": slug})


@pytest.fixture
def contacts_in_two_lands(db):
    """A counselling service in Saxony (town A's Land) and one in Bavaria (town B's)."""
    saxon = make_org(
        "Opferberatung Elsterwinkel", category=Category.COUNSELLING, land="SN",
        channels=[(ChannelKind.PHONE, SAXON_PHONE, ChannelVisibility.PUBLIC)],
    )  # fmt: skip
    bavarian = make_org(
        "Beratungsstelle Isarbogen", category=Category.COUNSELLING, land="BY", city="München",
        plz="80331", channels=[(ChannelKind.PHONE, BAVARIAN_PHONE, ChannelVisibility.PUBLIC)],
    )  # fmt: skip
    return {"SN": saxon, "BY": bavarian}


def switch_alliance(enabled: bool) -> None:
    PluginState.objects.update_or_create(plugin_id="alliance", defaults={"enabled": enabled})
    cache.clear()


def test_steps_in_order_with_the_municipality_progress(cast, playbook, checklist):
    steps = items_of(checklist)
    client_for(cast["member_a2"]).post(toggle_url(checklist), {"item": steps[0].pk, "done": "1"})
    response = client_for(cast["member_a"]).get(url())
    assert response.status_code == 200
    page = response.content.decode()
    first, second = page.index("Schützen und Lage klären"), page.index("Öffentlich Haltung zeigen")
    assert first < second
    assert "Stunde 0–1" in page and "Sicherheit geht vor." in page
    for text, _window in STEPS:
        assert text in page
    assert "1 of 4 steps done" in page and "KommuneAlphaZwei" in page
    # The step forms post to the checklist's toggle URL and come back here.
    assert f'action="{toggle_url(checklist)}"' in page
    assert f'name="next" value="{url()}"' in page
    assert TOWN_A in page
    for needle in NEEDLES:
        assert needle not in page


def test_other_municipality_sees_its_own_progress_in_the_flow(cast, playbook, checklist):
    steps = items_of(checklist)
    client_for(cast["member_a"]).post(toggle_url(checklist), {"item": steps[0].pk, "done": "1"})
    page = client_for(cast["member_b"]).get(url()).content.decode()
    assert "0 of 4 steps done" in page and "KommuneAlpha" not in page and TOWN_A not in page


def test_toggling_from_the_playbook_returns_to_it(cast, playbook, checklist):
    step = items_of(checklist)[2]
    response = client_for(cast["member_a"]).post(
        toggle_url(checklist), {"item": step.pk, "done": "1", "next": url()}
    )
    assert response.status_code == 302 and response["Location"] == f"{url()}#step-{step.pk}"
    assert ChecklistProgress.objects.filter(item=step).exists()


def test_templates_link_to_the_fill_in_form_and_hidden_ones_are_left_out(cast, playbook):
    page = client_for(cast["member_a"]).get(url()).content.decode()
    for key in ("network_template", "public_template"):
        slug = playbook[key].slug
        assert reverse("toolbox:resource_use", kwargs={"slug": slug}) in page
        assert playbook[key].title in page
    assert "Unveröffentlichte Vorlage" not in page
    assert playbook["draft_template"].slug not in page


def test_contacts_come_from_the_alliance_hook_for_the_municipality_land(
    cast, playbook, contacts_in_two_lands
):
    page = client_for(cast["member_a"]).get(url()).content.decode()
    assert "Opferberatung Elsterwinkel" in page and SAXON_PHONE in page
    assert contacts_in_two_lands["SN"].get_absolute_url() in page
    assert "Sachsen" in page
    assert "Beratungsstelle Isarbogen" not in page
    assert "not available" not in page
    page_b = client_for(cast["member_b"]).get(url()).content.decode()
    assert "Beratungsstelle Isarbogen" in page_b and BAVARIAN_PHONE in page_b
    assert "Opferberatung Elsterwinkel" not in page_b


def test_the_flow_works_without_the_alliance_plugin(cast, playbook, contacts_in_two_lands):
    switch_alliance(False)
    response = client_for(cast["member_a"]).get(url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Opferberatung Elsterwinkel" not in page and SAXON_PHONE not in page
    assert "Contacts from the alliance directory are not available." in page
    assert "Schützen und Lage klären" in page and STEPS[0][0] in page
    assert playbook["network_template"].title in page
    switch_alliance(True)
    page = client_for(cast["member_a"]).get(url()).content.decode()
    assert "Opferberatung Elsterwinkel" in page


def test_no_contacts_section_without_show_contacts(cast, playbook, contacts_in_two_lands):
    first = playbook["steps"][0]
    first.show_contacts = False
    first.save()
    page = client_for(cast["member_a"]).get(url()).content.decode()
    assert "Opferberatung Elsterwinkel" not in page and "not available" not in page


def test_contacts_are_listed_once_and_later_steps_link_back(cast, playbook, contacts_in_two_lands):
    second = playbook["steps"][1]
    second.show_contacts = True
    second.save()
    page = client_for(cast["member_a"]).get(url()).content.decode()
    assert page.count("Opferberatung Elsterwinkel") == 1
    assert 'href="#pb-step-1-contacts"' in page and 'id="pb-step-1-contacts"' in page


def test_editor_without_municipality_previews_and_chooses_a_land(
    cast, playbook, checklist, contacts_in_two_lands
):
    client = client_for(cast["editor"])
    response = client.get(url())
    assert response.status_code == 200
    page = response.content.decode()
    assert STEPS[0][0] in page and 'type="checkbox"' not in page  # read-only
    assert 'name="land"' in page and "Opferberatung Elsterwinkel" not in page
    page = client.get(url(), {"land": "sn"}).content.decode()
    assert "Opferberatung Elsterwinkel" in page and "Isarbogen" not in page
    page = client.get(url(), {"land": "XX"}).content.decode()
    assert "Opferberatung Elsterwinkel" not in page and "Isarbogen" not in page


def test_members_cannot_pick_another_land(cast, playbook, contacts_in_two_lands):
    page = client_for(cast["member_a"]).get(url(), {"land": "BY"}).content.decode()
    assert "Opferberatung Elsterwinkel" in page and "Isarbogen" not in page


def test_who_may_open_the_playbook(cast, playbook):
    anonymous = client_for(None).get(url())
    assert anonymous.status_code == 200
    assert "Only for members of a municipality" in anonymous.content.decode()
    assert "Schützen und Lage klären" not in anonymous.content.decode()
    for who in ("partner", "network"):
        response = client_for(cast[who]).get(url())
        assert response.status_code == 403, who
        assert "Schützen und Lage klären" not in response.content.decode()
        assert client_for(cast[who]).get(reverse("toolbox:playbook_index")).status_code == 403


def test_index_lists_published_playbooks_only(cast, playbook):
    Playbook.objects.create(title="Geheimer Entwurf", slug="entwurf", live=False)
    page = client_for(cast["member_a"]).get(reverse("toolbox:playbook_index")).content.decode()
    assert "Die ersten 24 Stunden" in page and url() in page
    assert "Geheimer Entwurf" not in page
    assert client_for(cast["member_a"]).get(url("entwurf")).status_code == 404
    assert client_for(cast["member_a"]).get(url("gibt-es-nicht")).status_code == 404


def test_playbook_query_count(cast, playbook, checklist, make_resource, django_assert_num_queries):
    switch_alliance(False)  # the directory's own queries are pinned in its tests
    client = client_for(cast["member_a"])
    client.get(url())
    # 1 session, 2 user, 3 viewer facts, 4 playbook, 5 municipality, 6 steps with
    # their checklists, 7 the readable templates of all steps, 8 the checklists'
    # steps, 9 the municipality's progress with who checked, 10 the frame's admin check.
    with django_assert_num_queries(10):
        assert client.get(url()).status_code == 200
    # More steps, templates and checks cost nothing more.
    from toolbox.models import PlaybookStep

    extra = PlaybookStep.objects.create(
        playbook=playbook["playbook"], sort_order=5, title="Nachsorge", checklist=checklist
    )
    extra.templates.set([make_resource(kind="template", title="Noch eine Vorlage", slug="nv")])
    extra.save()
    client_for(cast["member_a2"]).post(
        toggle_url(checklist), {"item": items_of(checklist)[1].pk, "done": "1"}
    )
    with django_assert_num_queries(10):
        assert client.get(url()).status_code == 200
