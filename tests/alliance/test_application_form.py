# ruff: noqa: F811  (pytest fixtures imported from partner_cast are used as arguments)
"""The public application of a new organisation: honeypot, rate limit, review."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from alliance import proposals
from alliance.models import ChangeProposal, ContactChannel, Organization, ProposalKind

from .partner_cast import logged_in, orgs, people, towns  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
APPLY = "/allianz/aufnahme/"


def form_data(**overrides):
    data = {
        "name": "Medienwerkstatt Quendelgrund", "category": "local_media",
        "description": "Lokales Radio gegen Hass im Netz.", "website": "https://quendel.example",
        "bundesland": "TH", "city": "Quendelgrund", "applicant_name": "Frida Quendel",
        "applicant_email": "frida@quendel.example", "homepage_url": "",
        "channels-TOTAL_FORMS": "2", "channels-INITIAL_FORMS": "0",
        "channels-MIN_NUM_FORMS": "0", "channels-MAX_NUM_FORMS": "1000",
        "channels-0-kind": "phone", "channels-0-value": "03641 555 000",
        "channels-0-label": "Redaktion", "channels-0-visibility": "partners",
        "channels-1-kind": "", "channels-1-value": "", "channels-1-label": "",
        "channels-1-visibility": "network",
    }  # fmt: skip
    data.update(overrides)
    return data


def client_from(ip="203.0.113.7") -> Client:
    client = Client(REMOTE_ADDR=ip)
    client.cookies["django_language"] = "en"
    return client


def test_form_has_a_hidden_unfocusable_honeypot():
    assert reverse("alliance:apply") == APPLY
    html = client_from().get(APPLY).content.decode()
    start = html.index('name="homepage_url"')
    wrapper = html.rindex("<div", 0, start)
    assert 'aria-hidden="true"' in html[wrapper:start]
    assert 'class="visually-hidden"' in html[wrapper:start]
    tag = html[html.rindex("<input", 0, start) : html.index(">", start)]
    assert 'tabindex="-1"' in tag and 'autocomplete="off"' in tag


def test_application_goes_into_the_queue_and_sends_no_mail():
    response = client_from().post(APPLY, form_data())
    assert response.status_code == 302 and response["Location"].endswith("/aufnahme/danke/")
    proposal = ChangeProposal.objects.get()
    assert proposal.kind == ProposalKind.NEW_APPLICATION and proposal.organization is None
    assert proposal.payload["name"] == "Medienwerkstatt Quendelgrund"
    assert proposal.payload["channels"] == [
        {"kind": "phone", "value": "03641 555 000", "label": "Redaktion", "visibility": "partners"}
    ]
    assert proposal.applicant_email == "frida@quendel.example"
    assert not Organization.objects.filter(name__startswith="Medienwerkstatt").exists()
    assert mail.outbox == []


def test_filled_honeypot_is_refused_silently():
    response = client_from().post(APPLY, form_data(homepage_url="http://spam.example"))
    assert response.status_code == 302 and response["Location"].endswith("/aufnahme/danke/")
    assert not ChangeProposal.objects.exists()


def test_rate_limit_per_client_address():
    client = client_from("198.51.100.1")
    for n in range(proposals.APPLICATIONS_PER_HOUR):
        assert client.post(APPLY, form_data(name=f"Verein {n}")).status_code == 302
    response = client.post(APPLY, form_data(name="Verein zu viel"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Too many applications from your connection." in html
    assert 'value="Verein zu viel"' in html  # the input is kept
    assert ChangeProposal.objects.count() == proposals.APPLICATIONS_PER_HOUR
    # Another address is not affected.
    assert client_from("198.51.100.2").post(APPLY, form_data(name="Anderer")).status_code == 302


def test_bad_input_gets_a_message_and_stores_nothing():
    response = client_from().post(APPLY, form_data(applicant_email="keine-adresse", city=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid email address." in html or "valid e-mail" in html
    assert 'value="Medienwerkstatt Quendelgrund"' in html
    assert not ChangeProposal.objects.exists()


def test_approval_creates_the_organisation_and_tells_the_applicant(
    people, django_capture_on_commit_callbacks
):
    client_from().post(APPLY, form_data())
    proposal = ChangeProposal.objects.get()
    editor = logged_in(people["editor"])
    html = editor.get(f"/admin/allianz-pruefung/{proposal.pk}/").content.decode()
    assert "frida@quendel.example" in html  # editors see whom to answer
    assert "<ins>03641 555 000</ins>" in html
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(f"/admin/allianz-pruefung/{proposal.pk}/",
                    {"decision": "approve", "note": "Willkommen!"})  # fmt: skip
    org = Organization.objects.get(name="Medienwerkstatt Quendelgrund")
    assert org.status == "active" and org.verified_by_role == "editor"
    assert org.location.city == "Quendelgrund" and org.location.bundesland == "TH"
    channel = ContactChannel.objects.get(organization=org)
    assert (channel.value, channel.visibility) == ("03641 555 000", "partners")
    proposal.refresh_from_db()
    assert proposal.organization == org and proposal.status == "approved"
    assert [m.to for m in mail.outbox] == [["frida@quendel.example"]]
    assert "Willkommen!" in mail.outbox[0].body
    assert "RedaktionEule" not in mail.outbox[0].body
    # The new entry is public now.
    assert client_from().get(org.get_absolute_url()).status_code == 200


def test_rejected_application_creates_nothing_and_tells_the_reason(
    people, django_capture_on_commit_callbacks
):
    client_from().post(APPLY, form_data())
    proposal = ChangeProposal.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        proposals.check_reject_proposal(people["editor"], proposal, "Kein Bezug zum Programm.")
    assert not Organization.objects.filter(name="Medienwerkstatt Quendelgrund").exists()
    assert "Kein Bezug zum Programm." in mail.outbox[0].body
