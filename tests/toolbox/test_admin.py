"""The toolbox in the Wagtail admin: an editor creates, previews and publishes a
resource; the form checks kinds and placeholders; the dashboard lists stale
resources; the editorial roles hold the toolbox permissions."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    querydict_from_html,
    rich_text,
)

from toolbox.models import Playbook, Resource

from .conftest import client_for

pytestmark = pytest.mark.django_db

ADD = "wagtailsnippets_toolbox_resource:add"


def recently_reauthenticated(client, user):
    from tests.conftest import recently_reauthenticated as mark

    mark(client, user)


@pytest.fixture
def editor_client(cast):
    client = client_for(cast["editor"])
    recently_reauthenticated(client, cast["editor"])
    return client


def resource_form(kind="template", **overrides):
    """POST data of the resource form (both tabs), a valid template by default."""
    data = {
        "title": "Pressemitteilung nach einem Angriff",
        "slug": "pressemitteilung-nach-angriff",
        "kind": kind,
        "template_type": "press_release" if kind == "template" else "",
        "summary": "Eine Vorlage für die erste Pressemitteilung.",
        "body": rich_text("<p>Hinweise zur Verwendung.</p>" if kind != "faq" else ""),
        "template_text": "Die {{Kommune}} verurteilt den Angriff vom {{Datum}}."
        if kind == "template"
        else "",
        "placeholders": inline_formset(
            [
                {
                    "key": "Kommune",
                    "label": "Kommune",
                    "help_text": "",
                    "kind": "text",
                    "required": "on",
                    "max_length": "200",
                },
                {
                    "key": "Datum",
                    "label": "Datum",
                    "help_text": "",
                    "kind": "date",
                    "required": "on",
                    "max_length": "40",
                },
            ]
            if kind == "template"
            else []
        ),
        "items": inline_formset(
            [{"text": "Beweise sichern", "time_window": "sofort", "help_text": ""}]
            if kind == "checklist"
            else []
        ),
        "faq_entries": inline_formset(
            [{"question": "Was ist passiert?", "answer": rich_text("<p>Ein Angriff.</p>")}]
            if kind == "faq"
            else []
        ),
        "document": "",
        "situation": "acute",
        "channel": "press",
        "audience": "media",
        "format": "text",
        "language": "de",
        "licence": "cc-by-4.0",
        "publisher": "KomMA-Programmteam",
        "last_reviewed": timezone.localdate().isoformat(),
        "review_status": "legal",
        "reviewed_by_role": "Justiziariat der Programmleitung",
        "visibility": "public",
    }
    data.update(overrides)
    return nested_form_data(data)


def form_errors(response):
    form = response.context["form"]
    errors = [str(e) for errs in form.errors.values() for e in errs]
    return errors


def test_editor_creates_and_publishes_a_template(cast, editor_client):
    response = editor_client.post(reverse(ADD), {**resource_form(), "action-publish": "publish"})
    assert response.status_code == 302, form_errors(response)
    resource = Resource.objects.get(slug="pressemitteilung-nach-angriff")
    assert resource.live and resource.live_revision is not None
    assert [p.key for p in resource.placeholders.all()] == ["Kommune", "Datum"]
    page = client_for().get(resource.get_absolute_url())
    assert page.status_code == 200
    assert "legally reviewed by Justiziariat der Programmleitung" in page.content.decode()


def test_saving_a_draft_keeps_it_unpublished(cast, editor_client):
    response = editor_client.post(reverse(ADD), resource_form())
    assert response.status_code == 302, form_errors(response)
    resource = Resource.objects.get()
    assert not resource.live
    assert client_for().get(resource.get_absolute_url()).status_code == 404
    # Revisions are kept: an edit (the form as the browser sends it) makes a second one.
    edit = reverse("wagtailsnippets_toolbox_resource:edit", args=[resource.pk])
    data = querydict_from_html(editor_client.get(edit).content.decode(), form_id="w-editor-form")
    data["title"] = "Neuer Titel"
    response = editor_client.post(edit, data)
    assert response.status_code == 302, form_errors(response)
    assert resource.revisions.count() == 2
    assert resource.revisions.order_by("pk").last().content["title"] == "Neuer Titel"
    assert resource.placeholders.count() == 2


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Die {{Kommune}} am {{Datum}} mit {{Vorfall}}.", "{{Vorfall}}, but no such placeholder"),
        ("Die {{Kommune}} verurteilt den Angriff.", "“Datum” is declared, but the text does not"),
        ("Die {{Kommune}} am {{Datum}} {{Kommune Name}}.", "“{{Kommune Name}}” in the text is not"),
        ("Die {{Kommune}} am {{Datum}} {{offen.", "without its partner"),
        ("", "A template needs its text."),
    ],
)
def test_template_placeholders_must_match(cast, editor_client, text, expected):
    response = editor_client.post(reverse(ADD), resource_form(template_text=text))
    assert response.status_code == 200
    assert any(expected in error for error in form_errors(response)), form_errors(response)
    assert expected in response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert not Resource.objects.exists()


@pytest.mark.parametrize(
    "kind, overrides, expected",
    [
        ("template", {"template_type": ""}, "Please choose the type of template."),
        ("guide", {"body": rich_text("")}, "A guide needs a text."),
        ("checklist", {}, None),
        ("checklist", {"items": inline_formset([])}, "A checklist needs at least one step."),
        ("faq", {}, None),
        ("faq", {"faq_entries": inline_formset([])}, "An FAQ needs at least one question"),
        ("guide", {"template_type": "press_release"}, "Only templates have a template type."),
        ("template", {"reviewed_by_role": ""}, "Please name the role that reviewed it legally"),
        (
            "template",
            {"last_reviewed": (timezone.localdate() + timedelta(days=3)).isoformat()},
            "The review date cannot be in the future.",
        ),
    ],
)
def test_kind_specific_parts(cast, editor_client, kind, overrides, expected):
    data = resource_form(kind, **{"format": "steps"})
    data.update(nested_form_data(overrides))
    response = editor_client.post(reverse(ADD), data)
    if expected is None:
        assert response.status_code == 302, form_errors(response)
        assert Resource.objects.get().kind == kind
    else:
        assert response.status_code == 200
        assert any(expected in error for error in form_errors(response)), form_errors(response)
        assert expected in response.content.decode()  # shown to the editor, not just kept
        assert not Resource.objects.exists()


def test_preview_uses_the_page_content(cast, editor_client):
    url = reverse("wagtailsnippets_toolbox_resource:preview_on_add")
    response = editor_client.post(url, resource_form(title="Vorschau-Vorlage"))
    assert response.status_code == 200
    assert response.json()["is_valid"] is True
    html = editor_client.get(url).content.decode()
    assert "Vorschau-Vorlage" in html
    assert "Die {{Kommune}} verurteilt den Angriff vom {{Datum}}." in html
    assert 'class="toolbox-placeholders"' in html  # the shared content include
    assert not Resource.objects.exists()


def test_preview_of_an_invalid_form_is_reported(cast, editor_client):
    url = reverse("wagtailsnippets_toolbox_resource:preview_on_add")
    response = editor_client.post(url, resource_form(template_text="{{Unbekannt}}"))
    assert response.json()["is_valid"] is False


def test_locking(cast, editor_client, make_resource):
    resource = make_resource(kind="guide")
    lock = reverse("wagtailsnippets_toolbox_resource:lock", args=[resource.pk])
    assert editor_client.post(lock).status_code == 302
    resource.refresh_from_db()
    assert resource.locked and resource.locked_by == cast["editor"]


def test_members_cannot_reach_the_resource_admin(cast):
    response = client_for(cast["member_a"]).get(reverse("wagtailsnippets_toolbox_resource:list"))
    assert response.status_code in (302, 403)
    response = client_for(cast["member_a"]).post(reverse(ADD), resource_form())
    assert response.status_code in (302, 403)
    assert not Resource.objects.exists()


def test_list_filters(cast, editor_client, make_resource):
    make_resource(kind="guide", title="Leitfaden Beweise")
    make_resource(kind="faq", title="Fragen der Bürger")
    url = reverse("wagtailsnippets_toolbox_resource:list")
    html = editor_client.get(url, {"kind": "faq"}).content.decode()
    assert "Fragen der Bürger" in html and "Leitfaden Beweise" not in html


def test_playbook_admin_with_steps(cast, editor_client, make_resource):
    checklist = make_resource(kind="checklist", title="Erste 24 Stunden")
    template = make_resource(kind="template", title="Erste Pressemitteilung")
    data = nested_form_data(
        {
            "title": "Krisenfahrplan",
            "slug": "krisenfahrplan",
            "intro": "Die ersten 24 Stunden.",
            "alliance_situation": "attack_on_staff",
            "live": "on",
            "steps": inline_formset(
                [
                    {
                        "title": "Sicherheit herstellen",
                        "time_window": "sofort",
                        "guidance": "Ruhe bewahren.",
                        "checklist": str(checklist.pk),
                        "show_contacts": "on",
                    }
                ]
            ),
        }
    )
    data["steps-0-templates"] = [str(template.pk)]  # (nested_form_data would number a list)
    response = editor_client.post(reverse("wagtailsnippets_toolbox_playbook:add"), data)
    assert response.status_code == 302, form_errors(response)
    step = Playbook.objects.get().steps.get()
    assert step.checklist == checklist and list(step.templates.all()) == [template]


# --- dashboard and roles ----------------------------------------------------------------
def test_dashboard_lists_stale_resources(cast, editor_client, make_resource):
    today = timezone.localdate()
    make_resource(title="Nie geprüfter Leitfaden", last_reviewed=None, review_status="unreviewed")
    make_resource(title="Alter Leitfaden", last_reviewed=today - timedelta(days=400))
    make_resource(title="Frischer Leitfaden", last_reviewed=today - timedelta(days=30))
    make_resource(title="Grenzfall Leitfaden", last_reviewed=today - timedelta(days=365))
    html = editor_client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'id="toolbox-stale' in html
    panel = html[html.index('id="toolbox-stale') :]
    assert "Nie geprüfter Leitfaden" in panel and "Alter Leitfaden" in panel
    assert "Frischer Leitfaden" not in panel and "Grenzfall Leitfaden" not in panel
    # Oldest (never) first.
    assert panel.index("Nie geprüfter Leitfaden") < panel.index("Alter Leitfaden")


def test_stale_selector_agrees_with_is_stale(make_resource):
    from toolbox.selectors import stale_resources

    today = timezone.localdate()
    made = [
        make_resource(title=f"R{days}", last_reviewed=today - timedelta(days=days))
        for days in (0, 364, 365, 366, 800)
    ]
    made.append(make_resource(title="Rnie", last_reviewed=None))
    assert {r.pk for r in stale_resources()} == {r.pk for r in made if r.is_stale}


def test_dashboard_panel_hidden_from_moderators(cast, make_member, make_resource):
    make_resource(title="Nie geprüfter Leitfaden", last_reviewed=None)
    moderator = make_member("ToolboxModeration")
    moderator.groups.add(Group.objects.get(name="Moderation"))
    client = client_for(moderator)
    recently_reauthenticated(client, moderator)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert "Nie geprüfter Leitfaden" not in response.content.decode()


@pytest.mark.parametrize("group", ["Redaktion", "Redaktion Freigabe"])
def test_editorial_roles_hold_toolbox_permissions(cast, make_member, group):
    user = make_member(f"Rolle{group.replace(' ', '')}")
    user.groups.add(Group.objects.get(name=group))
    for perm in ("add", "change", "delete", "publish"):
        assert user.has_perm(f"toolbox.{perm}_resource"), perm
    for perm in ("add", "change", "delete"):
        assert user.has_perm(f"toolbox.{perm}_playbook"), perm
    member = cast["member_a"]
    assert not member.has_perm("toolbox.change_resource")


def test_nav_entry_for_everyone(cast):
    html = client_for().get("/").content.decode()
    assert 'href="/toolbox/"' in html


# --- revisions keep the usage counters --------------------------------------------------
COUNTERS = ("view_count", "use_count", "download_count", "helpful_count", "not_helpful_count")


def _counters(resource):
    return dict(Resource.objects.filter(pk=resource.pk).values(*COUNTERS, "created_at").get())


def test_publishing_an_older_revision_keeps_the_usage_counters(cast, make_resource):
    from toolbox import actions

    resource = make_resource(kind="template", title="Zählervorlage")
    first = resource.latest_revision
    # Loaded before anything was counted, as the admin's edit view may hold it.
    stale = Resource.objects.get(pk=resource.pk)
    assert client_for(cast["member_a"]).get(resource.get_absolute_url()).status_code == 200
    feedback = reverse("toolbox:resource_feedback", args=[resource.slug])
    assert client_for(cast["member_a"]).post(feedback, {"vote": "yes"}).status_code == 302
    assert client_for(cast["member_b"]).post(feedback, {"vote": "no"}).status_code == 302
    actions.do_record_download(resource)
    Resource.objects.filter(pk=resource.pk).update(use_count=7)
    counted = _counters(resource)
    assert [counted[name] for name in COUNTERS] == [1, 7, 1, 1, 1]

    # A new revision of the stale object, published.
    stale.title = "Zählervorlage, überarbeitet"
    stale.save_revision().publish()
    assert _counters(resource) == counted
    # Reverting to the first revision (its content was stored with zero counters).
    first.publish()
    assert _counters(resource) == counted
    resource.refresh_from_db()
    assert resource.title == "Zählervorlage"
    # A revision whose content still carries counters (stored before this rule).
    old = resource.save_revision()
    old.content.update(dict.fromkeys(COUNTERS, 0), created_at="2020-01-01T00:00:00Z")
    old.save()
    old.publish()
    assert _counters(resource) == counted
    # New revisions do not store the counters at all.
    assert not set(COUNTERS) & set(resource.save_revision().content)


def test_publishing_in_the_admin_keeps_the_usage_counters(cast, editor_client, make_resource):
    resource = make_resource(kind="guide", title="Leitfaden mit Zählern")
    Resource.objects.filter(pk=resource.pk).update(view_count=12, helpful_count=3)
    edit = reverse("wagtailsnippets_toolbox_resource:edit", args=[resource.pk])
    # A draft first, so the edit form is built from a revision (not the live row).
    data = querydict_from_html(editor_client.get(edit).content.decode(), form_id="w-editor-form")
    data["title"] = "Leitfaden mit Zählern (Entwurf)"
    assert editor_client.post(edit, data).status_code == 302
    Resource.objects.filter(pk=resource.pk).update(view_count=13)
    data = querydict_from_html(editor_client.get(edit).content.decode(), form_id="w-editor-form")
    data["action-publish"] = "publish"
    response = editor_client.post(edit, data)
    assert response.status_code == 302, form_errors(response)
    resource.refresh_from_db()
    assert resource.title == "Leitfaden mit Zählern (Entwurf)"
    assert (resource.view_count, resource.helpful_count) == (13, 3)


# --- admin form checks ------------------------------------------------------------------
def _playbook_data(**overrides):
    data = {
        "title": "Krisenfahrplan",
        "slug": "krisenfahrplan",
        "intro": "",
        "alliance_situation": "online_hate",
        "live": "on",
        "steps": inline_formset([]),
    }
    data.update(overrides)
    return nested_form_data(data)


@pytest.mark.parametrize("situation", ["attack_on_staff", "broad_alliance", ""])
def test_playbook_takes_the_alliance_situations_of_the_hook(cast, editor_client, situation):
    add = reverse("wagtailsnippets_toolbox_playbook:add")
    page = editor_client.get(add).content.decode()
    assert '<option value="public_communication"' in page
    response = editor_client.post(add, _playbook_data(alliance_situation=situation))
    assert response.status_code == 302, form_errors(response)
    assert Playbook.objects.get().alliance_situation == situation


@pytest.mark.parametrize("situation", ["attack-on-staff", "flood", "x" * 40])
def test_playbook_refuses_unknown_alliance_situations(cast, editor_client, situation):
    add = reverse("wagtailsnippets_toolbox_playbook:add")
    response = editor_client.post(add, _playbook_data(alliance_situation=situation))
    assert response.status_code == 200
    assert "alliance_situation" in response.context["form"].errors
    assert not Playbook.objects.exists()


@pytest.mark.parametrize("length, ok", [("0", False), ("1", True), ("2000", True), ("2001", False)])
def test_placeholder_max_length_is_1_to_2000(cast, editor_client, length, ok):
    data = resource_form()
    data["placeholders-0-max_length"] = length
    response = editor_client.post(reverse(ADD), data)
    if ok:
        assert response.status_code == 302, form_errors(response)
        assert Resource.objects.get().placeholders.get(key="Kommune").max_length == int(length)
    else:
        assert response.status_code == 200
        child = response.context["form"].formsets["placeholders"].forms[0]
        assert "max_length" in child.errors
        assert not Resource.objects.exists()
