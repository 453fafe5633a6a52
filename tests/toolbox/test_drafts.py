"""Drafts of filled templates: saved only on request, private to one municipality
(a 404 to everyone else), several municipalities, pseudonyms only."""

import pytest
from django.urls import reverse

from tests.toolbox.filling_fixtures import *  # noqa: F403
from tests.toolbox.filling_fixtures import FILL_NEEDLES, TOWN_A, TOWN_B, client_for
from toolbox.models import TemplateDraft, Visibility

pytestmark = pytest.mark.django_db


def use_url(resource):
    return reverse("toolbox:resource_use", kwargs={"slug": resource.slug})


def values(**overrides):
    data = {
        "v-Kommune": "Stadt Beispielhausen",
        "v-Datum": "2026-11-20",
        "v-Vorfall": "Ein Plakat wurde beschmiert.",
        "v-Ansprechperson": "Pressestelle",
    }
    data.update(overrides)
    return data


def save(client, resource, **extra):
    return client.post(use_url(resource), {**values(), "action": "save", **extra})


@pytest.fixture
def draft_a(fill_cast, press_template):
    """A draft of town A, saved by member_a."""
    response = save(
        client_for(fill_cast["member_a"]), press_template, **{"draft-title": "Entwurf Plakat"}
    )
    assert response.status_code == 302
    return TemplateDraft.objects.get()


def test_saving_stores_a_draft_of_the_members_municipality(fill_cast, press_template, fill_towns):
    response = save(
        client_for(fill_cast["member_a"]), press_template, **{"draft-title": "  Entwurf   Plakat "}
    )
    draft = TemplateDraft.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/toolbox/entwuerfe/{draft.pk}/"
    assert draft.municipality == fill_towns["a"]
    assert draft.title == "Entwurf Plakat"
    assert draft.values == {
        "Kommune": "Stadt Beispielhausen",
        "Datum": "2026-11-20",
        "Vorfall": "Ein Plakat wurde beschmiert.",
        "Ansprechperson": "Pressestelle",
    }
    assert draft.created_by == draft.updated_by == fill_cast["member_a"]
    press_template.refresh_from_db()
    assert press_template.use_count == 0  # saving is not a use


def test_title_defaults_to_the_template_title(fill_cast, press_template):
    save(client_for(fill_cast["member_a"]), press_template)
    assert TemplateDraft.objects.get().title == press_template.title


def test_invalid_values_or_title_save_nothing(fill_cast, press_template):
    client = client_for(fill_cast["member_a"])
    response = save(client, press_template, **{"v-Kommune": ""})
    assert response.status_code == 400
    response = save(client, press_template, **{"draft-title": "T" * 201})
    assert response.status_code == 400
    body = response.content.decode()
    assert '<a href="#draft-title">Title of the draft: The title may have at most 200' in body
    assert 'aria-invalid="true"' in body
    assert TemplateDraft.objects.count() == 0


@pytest.mark.parametrize("who", ["partner", "editor", "anonymous"])
def test_who_has_no_municipality_cannot_save(fill_cast, make_template, who):
    resource = make_template(visibility=Visibility.PUBLIC)
    user = None if who == "anonymous" else fill_cast[who]
    response = save(client_for(user), resource)
    assert response.status_code == 403
    assert "Only members of a municipality can save drafts." in response.content.decode()
    assert TemplateDraft.objects.count() == 0


def test_reopening_fills_the_form_and_shows_the_editor_by_pseudonym(fill_cast, draft_a):
    response = client_for(fill_cast["member_a2"]).get(reverse("toolbox:draft", args=[draft_a.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="Stadt Beispielhausen"' in body and 'value="2026-11-20"' in body
    assert "Ein Plakat wurde beschmiert.</textarea>" in body
    assert "VorlagenEule" in body  # last edited by, as pseudonym
    for needle in FILL_NEEDLES:
        assert needle not in body


def test_colleague_updates_the_draft(fill_cast, draft_a):
    client = client_for(fill_cast["member_a2"])
    url = reverse("toolbox:draft", args=[draft_a.pk])
    response = client.post(
        url,
        {**values(**{"v-Kommune": "Neue Stadt"}), "action": "save", "draft-title": "Neuer Titel"},
    )
    assert response.status_code == 302
    draft_a.refresh_from_db()
    assert draft_a.values["Kommune"] == "Neue Stadt" and draft_a.title == "Neuer Titel"
    assert draft_a.updated_by == fill_cast["member_a2"]
    assert draft_a.created_by == fill_cast["member_a"]


def test_preview_of_a_draft_changes_nothing(fill_cast, draft_a, press_template):
    url = reverse("toolbox:draft", args=[draft_a.pk])
    response = client_for(fill_cast["member_a"]).post(
        url, {**values(**{"v-Kommune": "Nur Vorschau"}), "action": "preview"}
    )
    assert response.status_code == 200
    assert "Pressemitteilung der Nur Vorschau" in response.content.decode()
    draft_a.refresh_from_db()
    assert draft_a.values["Kommune"] == "Stadt Beispielhausen"


def test_other_municipality_gets_404_everywhere(fill_cast, draft_a, press_template):
    client = client_for(fill_cast["member_b"])
    detail = reverse("toolbox:draft", args=[draft_a.pk])
    delete = reverse("toolbox:draft_delete", args=[draft_a.pk])
    assert client.get(detail).status_code == 404
    assert (
        client.post(detail, {**values(**{"v-Kommune": "Gekapert"}), "action": "save"}).status_code
        == 404
    )
    assert client.get(delete).status_code == 404
    assert client.post(delete).status_code == 404
    list_body = client.get(reverse("toolbox:drafts")).content.decode()
    assert "Entwurf Plakat" not in list_body
    draft_a.refresh_from_db()
    assert draft_a.values["Kommune"] == "Stadt Beispielhausen"
    # Exporting posts values, not a draft id: a foreign draft id reveals nothing.
    export = reverse("toolbox:resource_export", args=[press_template.slug, "txt"])
    response = client.post(export, {"draft": draft_a.pk, "v-Kommune": ""})
    assert response.status_code == 400
    assert "Entwurf Plakat" not in response.content.decode()


@pytest.mark.parametrize("who", ["partner", "editor", "anonymous"])
def test_non_members_get_404_for_a_draft(fill_cast, draft_a, who):
    user = None if who == "anonymous" else fill_cast[who]
    client = client_for(user)
    assert client.get(reverse("toolbox:draft", args=[draft_a.pk])).status_code == 404
    assert client.post(reverse("toolbox:draft_delete", args=[draft_a.pk])).status_code == 404
    assert TemplateDraft.objects.filter(pk=draft_a.pk).exists()


def test_forged_ids_are_404(fill_cast, draft_a):
    client = client_for(fill_cast["member_a"])
    assert client.get("/toolbox/entwuerfe/999999/").status_code == 404
    assert client.get("/toolbox/entwuerfe/abc/").status_code == 404


def test_delete_asks_then_deletes(fill_cast, draft_a):
    client = client_for(fill_cast["member_a2"])
    url = reverse("toolbox:draft_delete", args=[draft_a.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Do you really want to delete the draft “Entwurf Plakat”?" in response.content.decode()
    assert TemplateDraft.objects.filter(pk=draft_a.pk).exists()
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == "/toolbox/entwuerfe/"
    assert not TemplateDraft.objects.filter(pk=draft_a.pk).exists()


def test_list_shows_own_municipality_only(fill_cast, draft_a, press_template):
    save(client_for(fill_cast["member_b"]), press_template, **{"draft-title": "Entwurf Beta"})
    body = client_for(fill_cast["member_a2"]).get(reverse("toolbox:drafts")).content.decode()
    assert "Entwurf Plakat" in body and "Entwurf Beta" not in body
    assert "VorlagenEule" in body
    for needle in FILL_NEEDLES:
        assert needle not in body


def test_several_municipalities_choose_with_kommune(fill_cast, fill_towns, press_template):
    client = client_for(fill_cast["member_ab"])
    page = client.get(use_url(press_template)).content.decode()
    assert 'name="kommune"' in page and TOWN_A in page and TOWN_B in page
    # Preselected: the municipality the drafts list opens on without ?kommune=.
    assert f'<option value="{fill_towns["a"].pk}" selected>' in page
    save(client, press_template, kommune=fill_towns["b"].pk, **{"draft-title": "Für B"})
    draft = TemplateDraft.objects.get()
    assert draft.municipality == fill_towns["b"]
    # A municipality the member does not belong to is a 404; nothing is saved.
    other = fill_towns["a"].__class__.objects.create(
        name="Fremdstadt", kind="gemeinde", bundesland="BY", ags="09999111"
    )
    assert save(client, press_template, kommune=other.pk).status_code == 404
    assert save(client, press_template, kommune="x").status_code == 404
    assert TemplateDraft.objects.count() == 1
    # The list shows one municipality at a time.
    drafts_url = reverse("toolbox:drafts")
    assert "Für B" in client.get(f"{drafts_url}?kommune={fill_towns['b'].pk}").content.decode()
    assert "Für B" not in client.get(f"{drafts_url}?kommune={fill_towns['a'].pk}").content.decode()
    assert client.get(f"{drafts_url}?kommune={other.pk}").status_code == 404
    # member_a sees it not; member_b (town B) does.
    assert (
        client_for(fill_cast["member_a"]).get(reverse("toolbox:draft", args=[draft.pk])).status_code
        == 404
    )
    assert (
        client_for(fill_cast["member_b"]).get(reverse("toolbox:draft", args=[draft.pk])).status_code
        == 200
    )


def test_drafts_page_for_non_members_and_anonymous(fill_cast):
    response = client_for(fill_cast["partner"]).get(reverse("toolbox:drafts"))
    assert response.status_code == 200
    assert "Only members of a municipality can save" in response.content.decode()
    response = client_for().get(reverse("toolbox:drafts"))
    assert response.status_code == 302 and "next=/toolbox/entwuerfe/" in response["Location"]


def test_withdrawn_template_keeps_the_draft_readable(fill_cast, draft_a, press_template):
    type(press_template).objects.filter(pk=press_template.pk).update(live=False)
    response = client_for(fill_cast["member_a"]).get(reverse("toolbox:draft", args=[draft_a.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "no longer published" in body and "Stadt Beispielhausen" in body
    assert 'name="v-Kommune"' not in body


def test_drafts_list_query_count(fill_cast, draft_a, press_template, django_assert_num_queries):
    client = client_for(fill_cast["member_a"])
    for n in range(3):
        save(client, press_template, **{"draft-title": f"Weiterer Entwurf {n}"})
    url = reverse("toolbox:drafts")
    client.get(url)  # warm the session's MFA check
    # 1 session, 2 user, 3 toolbox viewer, 4 the municipality, 5 count of its drafts,
    # 6 the site frame's facts of the user, 7 the drafts with template and editor (joined)
    with django_assert_num_queries(DRAFTS_LIST_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="draft-item"') == 4


def test_draft_page_query_count(fill_cast, draft_a, django_assert_num_queries):
    client = client_for(fill_cast["member_a"])
    url = reverse("toolbox:draft", args=[draft_a.pk])
    client.get(url)
    # 1 session, 2 user, 3 toolbox viewer, 4 the draft with template and municipality,
    # 5 the placeholders, 6 the site frame's facts of the user, 7 the last editor
    with django_assert_num_queries(DRAFT_PAGE_QUERIES):
        assert client.get(url).status_code == 200


DRAFTS_LIST_QUERIES = 7
DRAFT_PAGE_QUERIES = 7


def test_hostile_draft_title_and_values_are_escaped(fill_cast, press_template):
    client = client_for(fill_cast["member_a"])
    hostile = "<script>alert(1)</script>"
    save(client, press_template, **{"draft-title": hostile, "v-Kommune": hostile})
    draft = TemplateDraft.objects.get()
    assert draft.title == hostile  # stored as typed, never interpreted
    for url in (reverse("toolbox:drafts"), reverse("toolbox:draft", args=[draft.pk])):
        body = client.get(url).content.decode()
        assert hostile not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_control_characters_in_the_draft_title_are_refused(fill_cast, press_template):
    response = save(
        client_for(fill_cast["member_a"]), press_template, **{"draft-title": "Titel\x07"}
    )
    assert response.status_code == 400
    assert "control characters (code U+0007)" in response.content.decode()
    assert TemplateDraft.objects.count() == 0
