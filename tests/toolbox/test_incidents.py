"""Incident records: create, edit, delete, and isolation — a record of one
municipality does not exist for anyone else (every URL of it is a 404)."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from komma.accounts.models import Membership
from tests.toolbox.conftest import IDENTITIES, TOWN_A, client_for
from tests.toolbox.incident_fixtures import *  # noqa: F403  (fixtures)
from tests.toolbox.incident_fixtures import (
    ACCOUNT,
    CONTENT_TEXT,
    form_data,
    make_incident,
    png_bytes,
    stored_files,
)
from toolbox.models import IncidentRecord, IncidentScreenshot

pytestmark = pytest.mark.django_db


def url(name, record, **kwargs):
    return reverse(f"toolbox:{name}", kwargs={"public_id": record.public_id, **kwargs})


# --- Create, edit, delete ---------------------------------------------------------------
def test_member_documents_an_incident(cast, towns, media_root):
    client = client_for(cast["member_a"])
    assert client.get(reverse("toolbox:incident_new")).status_code == 200
    response = client.post(reverse("toolbox:incident_new"), form_data())
    record = IncidentRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("incident", record)
    assert record.municipality == towns["a"]
    assert record.created_by == cast["member_a"]
    assert record.title == "Drohung per Direktnachricht"
    assert record.content_text == "Wir wissen, wo du wohnst.\nZweite Zeile."
    assert record.account_name == "@Drohkonto_99"
    assert record.url == "https://messenger.example/t/123"
    expected = timezone.localtime(timezone.now() - timedelta(hours=5)).replace(
        second=0, microsecond=0
    )
    assert abs(timezone.localtime(record.occurred_at) - expected) < timedelta(minutes=2)
    page = client.get(response["Location"]).content.decode()
    assert "Wir wissen, wo du wohnst." in page
    assert "KommuneAlpha" in page  # the creator's pseudonym, for their colleagues


@pytest.mark.parametrize(
    "field, value",
    [
        ("url", "javascript:alert(document.cookie)"),
        ("url", "data:text/html,<script>alert(1)</script>"),
        ("url", "ftp://files.example/hetze.png"),
        ("url", "https://"),
        ("occurred_at", "2999-01-01T10:00"),
        ("occurred_at", "gestern"),
        ("title", "   "),
        ("title", "x" * 201),
        ("platform", ""),
        ("content_text", "y" * 20_001),
    ],
)
def test_bad_input_is_refused_and_the_typed_text_kept(cast, media_root, field, value):
    client = client_for(cast["member_a"])
    data = form_data(**{field: value})
    data["content_text"] = data["content_text"] if field == "content_text" else "Mein Text 4711"
    response = client.post(reverse("toolbox:incident_new"), data)
    assert response.status_code == 400
    assert not IncidentRecord.objects.exists()
    page = response.content.decode()
    assert 'class="inc-error-summary"' in page
    assert f'href="#id_{field}"' in page  # the summary links to the field
    if field != "content_text":
        assert "Mein Text 4711" in page  # what the user typed is still there


def test_http_url_without_scheme_gets_https(cast, media_root):
    client = client_for(cast["member_a"])
    client.post(reverse("toolbox:incident_new"), form_data(url="social.example/p/1"))
    assert IncidentRecord.objects.get().url == "https://social.example/p/1"


def test_control_characters_are_removed(cast, towns, media_root):
    client = client_for(cast["member_a"])
    response = client.post(
        reverse("toolbox:incident_new"),
        form_data(title="Titel\u0007mit Glocke", context="Kontext\u001bmit Escape"),
    )
    assert response.status_code == 302
    record = IncidentRecord.objects.get()
    assert (record.title, record.context) == ("Titelmit Glocke", "Kontextmit Escape")


def test_nul_characters_are_refused(cast, media_root):
    response = client_for(cast["member_a"]).post(
        reverse("toolbox:incident_new"), form_data(content_text="a\x00b")
    )
    assert response.status_code == 400
    assert not IncidentRecord.objects.exists()


def test_colleague_edits_and_the_change_is_kept(cast, incident):
    client = client_for(cast["member_a2"])
    form = client.get(url("incident_edit", incident)).content.decode()
    assert CONTENT_TEXT in form  # prefilled
    response = client.post(
        url("incident_edit", incident), form_data(title="Neuer Titel", account_name="@neu")
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.title, incident.account_name) == ("Neuer Titel", "@neu")
    assert incident.updated_at > incident.created_at
    assert incident.created_by == cast["member_a"]


def test_bad_edit_changes_nothing(cast, incident):
    before = IncidentRecord.objects.values().get(pk=incident.pk)
    response = client_for(cast["member_a"]).post(
        url("incident_edit", incident),
        form_data(title="Geänderter Titel 815", url="javascript:alert(1)"),
    )
    assert response.status_code == 400
    assert "Geänderter Titel 815" in response.content.decode()
    assert IncidentRecord.objects.values().get(pk=incident.pk) == before


def test_delete_asks_first_then_removes_record_and_files(
    cast, incident, media_root, django_capture_on_commit_callbacks
):
    client = client_for(cast["member_a"])
    assert len(stored_files(media_root)) == 2
    confirm = client.get(url("incident_delete", incident))
    assert confirm.status_code == 200
    assert IncidentRecord.objects.filter(pk=incident.pk).exists()  # GET deletes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("incident_delete", incident))
    assert response.status_code == 302
    assert response["Location"] == reverse("toolbox:incidents")
    assert not IncidentRecord.objects.filter(pk=incident.pk).exists()
    assert not IncidentScreenshot.objects.exists()
    assert stored_files(media_root) == []


def test_files_stay_until_the_deletion_is_committed(cast, incident, media_root):
    # Without a commit (the test's transaction is rolled back) the files stay: a
    # failed deletion does not destroy evidence.
    client_for(cast["member_a"]).post(url("incident_delete", incident))
    assert len(stored_files(media_root)) == 2


def test_deleting_a_screenshot_removes_its_file(
    cast, towns, media_root, django_capture_on_commit_callbacks
):
    record = make_incident(
        cast["member_a"],
        towns["a"],
        screenshots=[
            (png_bytes(), timezone.now(), ""),
            (png_bytes(colour=(1, 2, 3)), timezone.now(), ""),
        ],
    )
    first, second = record.screenshots.order_by("pk")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast["member_a"]).post(
            url("incident_screenshot_delete", record, pk=first.pk)
        )
    assert response.status_code == 302
    assert list(record.screenshots.all()) == [second]
    assert [path.name for path in stored_files(media_root)] == [second.file.name.split("/")[-1]]


# --- Isolation --------------------------------------------------------------------------
OUTSIDERS = ["member_b", "partner", "network", "editor", "anonymous"]


def _record_requests(record, shot):
    """(method, url, data) of every URL of a record."""
    return [
        ("get", url("incident", record), None),
        ("get", url("incident_edit", record), None),
        ("post", url("incident_edit", record), form_data(title="Übernommen")),
        ("get", url("incident_delete", record), None),
        ("post", url("incident_delete", record), {}),
        ("get", url("incident_screenshot", record, pk=shot.pk), None),
        ("post", url("incident_screenshot_delete", record, pk=shot.pk), {}),
        (
            "post",
            url("incident_screenshot_add", record),
            {"captured_at": "2026-01-01T10:00", "caption": "x"},
        ),
        ("get", url("incident_export", record, fmt="pdf"), None),
        ("get", url("incident_export", record, fmt="zip"), None),
    ]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_every_url_of_a_record_is_a_404_to_outsiders(cast, incident, who):
    client = client_for(cast[who])
    shot = incident.screenshots.first()
    before = IncidentRecord.objects.values().get(pk=incident.pk)
    for method, address, data in _record_requests(incident, shot):
        response = (
            getattr(client, method)(address, data) if data is not None else client.get(address)
        )
        assert response.status_code == 404, (who, method, address)
        assert TOWN_A not in response.content.decode()
    assert IncidentRecord.objects.values().get(pk=incident.pk) == before
    assert incident.screenshots.count() == 2


@pytest.mark.parametrize("who", ["member_a", "member_a2"])
def test_every_url_works_for_members_of_the_municipality(cast, incident, who):
    client = client_for(cast[who])
    shot = incident.screenshots.first()
    for method, address, _data in _record_requests(incident, shot):
        if method == "get":
            assert client.get(address).status_code == 200, address


def test_the_list_shows_only_the_own_municipalitys_records(cast, towns, incident):
    other = make_incident(cast["member_b"], towns["b"], title="Vorfall in Mispeltal 2024")
    page_a = client_for(cast["member_a2"]).get(reverse("toolbox:incidents")).content.decode()
    page_b = client_for(cast["member_b"]).get(reverse("toolbox:incidents")).content.decode()
    assert incident.title in page_a and other.title not in page_a
    assert other.title in page_b and incident.title not in page_b
    assert str(incident.public_id) not in page_b


@pytest.mark.parametrize("who", ["partner", "network", "editor"])
def test_list_and_new_are_404_without_membership(cast, who):
    client = client_for(cast[who])
    assert client.get(reverse("toolbox:incidents")).status_code == 404
    assert client.get(reverse("toolbox:incident_new")).status_code == 404
    assert client.post(reverse("toolbox:incident_new"), form_data()).status_code == 404
    assert not IncidentRecord.objects.exists()


def test_anonymous_is_sent_to_the_login_for_the_list(cast):
    client = client_for(None)
    for name in ("incidents", "incident_new"):
        response = client.get(reverse(f"toolbox:{name}"))
        assert response.status_code == 302
        assert "/login" in response["Location"] or "anmelden" in response["Location"]


def test_forged_and_malformed_ids_are_404(cast, towns, incident):
    client = client_for(cast["member_a"])
    foreign = make_incident(
        cast["member_b"], towns["b"], screenshots=[(png_bytes(), timezone.now(), "")]
    )
    foreign_shot = foreign.screenshots.get()
    base = reverse("toolbox:incidents")
    for address in [
        url("incident", IncidentRecord(public_id=uuid.uuid4())),
        f"{base}not-a-uuid/",
        f"{base}{str(incident.public_id)[:-1]}/",
        # a screenshot of another municipality's record under our record's id
        url("incident_screenshot", incident, pk=foreign_shot.pk),
        url("incident_screenshot", incident, pk=2**63),
        url("incident_screenshot", incident, pk=10**30),
        url("incident_export", incident, fmt="exe"),
        url("incident_export", incident, fmt="PDF"),
    ]:
        assert client.get(address).status_code == 404, address
    response = client.post(url("incident_screenshot_delete", incident, pk=foreign_shot.pk))
    assert response.status_code == 404
    assert foreign.screenshots.count() == 1


def test_members_of_several_municipalities_choose_with_kommune(cast, towns, incident):
    both = cast["member_b"]
    Membership.objects.create(user=both, municipality=towns["a"])
    client = client_for(both)
    list_url = reverse("toolbox:incidents")
    assert incident.title in client.get(f"{list_url}?kommune={towns['a'].pk}").content.decode()
    page_b = client.get(f"{list_url}?kommune={towns['b'].pk}").content.decode()
    assert incident.title not in page_b
    assert 'id="inc-kommune"' in page_b  # the choice is offered
    outsider = client_for(cast["member_a"])
    assert outsider.get(f"{list_url}?kommune={towns['b'].pk}").status_code == 404
    assert outsider.get(f"{list_url}?kommune=abc").status_code == 404
    new = client.post(f"{reverse('toolbox:incident_new')}?kommune={towns['b'].pk}", form_data())
    assert new.status_code == 302
    assert (
        IncidentRecord.objects.get(title="Drohung per Direktnachricht").municipality == towns["b"]
    )


def test_the_screenshot_is_served_privately_under_a_neutral_name(cast, incident):
    shot = incident.screenshots.order_by("pk").first()
    response = client_for(cast["member_a"]).get(url("incident_screenshot", incident, pk=shot.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"] == f'inline; filename="screenshot-{shot.pk}.png"'
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_record_pages_are_private_and_not_indexed(cast, incident):
    response = client_for(cast["member_a"]).get(url("incident", incident))
    assert "no-store" in response["Cache-Control"]
    assert 'content="noindex,nofollow"' in response.content.decode()


def test_nobody_is_unmasked_on_the_record_pages(cast, incident):
    """Colleagues see the creator's pseudonym, never name, e-mail or office."""
    client = client_for(cast["member_a2"])
    needles = IDENTITIES["KommuneAlpha"]
    for address in [
        reverse("toolbox:incidents"),
        url("incident", incident),
        url("incident_edit", incident),
        url("incident_delete", incident),
    ]:
        page = client.get(address).content.decode()
        for needle in needles:
            assert needle not in page, (address, needle)


def test_the_hostile_text_is_escaped(cast, towns, media_root):
    record = make_incident(
        cast["member_a"],
        towns["a"],
        content_text='<script>alert("x")</script><img src=x onerror=alert(1)>',
        account_name="<b>@fett</b>",
    )
    page = client_for(cast["member_a"]).get(url("incident", record)).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>@fett" not in page
    assert "&lt;script&gt;" in page


# --- Query counts -----------------------------------------------------------------------
def test_list_query_count_is_pinned(cast, towns, incident, django_assert_num_queries):
    for n in range(3):
        make_incident(cast["member_a"], towns["a"], title=f"Vorfall {n}")
    client = client_for(cast["member_a"])
    client.get(reverse("toolbox:incidents"))  # warm caches (plugin states, site)
    # 1 session, 2 user, 3 viewer facts (memberships, groups), 4 the municipality,
    # 5 the records with their screenshot counts, 6 the account menu of the site header
    with django_assert_num_queries(6):
        response = client.get(reverse("toolbox:incidents"))
    assert response.status_code == 200
    assert response.content.decode().count('class="inc-card"') == 4


def test_detail_query_count_is_pinned(cast, towns, incident, django_assert_num_queries):
    client = client_for(cast["member_a"])
    client.get(url("incident", incident))  # warm caches
    # 1 session, 2 user, 3 viewer facts, 4 the record (access check), 5 the record with
    # municipality and creator, 6 the screenshots with their uploaders, 7 the account
    # menu of the site header
    with django_assert_num_queries(7):
        response = client.get(url("incident", incident))
    assert response.status_code == 200
    assert response.content.decode().count('class="inc-shot"') == 2
    assert ACCOUNT in response.content.decode()
