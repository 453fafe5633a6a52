# ruff: noqa: F811  (pytest fixtures imported from partner_cast are used as arguments)
"""The editors' review queue in the Wagtail admin: diff, approve, reject, notify, log."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from alliance import proposals
from alliance.models import (
    ChangeProposal,
    ContactChannel,
    Organization,
    ProposalStatus,
)

from .partner_cast import (  # noqa: F401  (fixtures)
    HIDDEN_PHONE,
    IDENTITIES,
    assert_no_identity,
    logged_in,
    orgs,
    people,
    towns,
)

pytestmark = pytest.mark.django_db
QUEUE = "/admin/allianz-pruefung/"


def detail_url(proposal):
    return f"{QUEUE}{proposal.pk}/"


def propose(people, org, **changes):
    payload = proposals.snapshot(org)
    payload.update(changes)
    return proposals.check_submit_proposal(people["partner"], org, payload)


@pytest.fixture
def proposal(people, orgs):
    """Linden: new name, the hidden phone proposed public, a new e-mail channel."""
    linden = orgs["linden"]
    payload = proposals.snapshot(linden)
    payload["name"] = "Beratungsnetz Lindenau e. V."
    payload["channels"][2]["visibility"] = "public"
    payload["channels"].append(
        {"kind": "email", "value": "neu@lindenau.example", "label": "", "visibility": "network"}
    )
    return proposals.check_submit_proposal(people["partner"], linden, payload)


def test_queue_is_for_editors_only(people, proposal):
    assert logged_in(people["editor"]).get(QUEUE).status_code == 200
    for role in ("partner", "coordinator", "guest"):
        response = logged_in(people[role]).get(QUEUE)
        assert response.status_code in (302, 403), role
        assert logged_in(people[role]).get(detail_url(proposal)).status_code in (302, 403)


def test_queue_lists_pending_by_pseudonym(people, proposal):
    html = logged_in(people["editor"]).get(QUEUE).content.decode()
    assert "Beratungsnetz Lindenau" in html
    assert "LindenPartner" in html
    assert_no_identity(html, "review queue")


def test_detail_shows_a_field_by_field_diff(people, proposal):
    html = logged_in(people["editor"]).get(detail_url(proposal)).content.decode()
    assert '<del><span class="visually-hidden">removed: </span>Beratungsnetz Lindenau</del>' in html
    assert (
        '<ins><span class="visually-hidden">new: </span>Beratungsnetz Lindenau e. V.</ins>' in html
    )
    # The visibility change of the hidden phone, and the added channel.
    assert (
        'editors only</del> → <ins><span class="visually-hidden">now: </span>everyone</ins>' in html
    )
    assert "<ins>neu@lindenau.example</ins>" in html
    assert_no_identity(html, "review detail")


def test_approve_applies_atomically_and_notifies(
    people, orgs, proposal, django_capture_on_commit_callbacks
):
    client = logged_in(people["editor"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(detail_url(proposal), {"decision": "approve", "note": ""})
    assert response.status_code == 302
    linden = Organization.objects.get(pk=orgs["linden"].pk)
    assert linden.name == "Beratungsnetz Lindenau e. V."
    assert (
        ContactChannel.objects.get(organization=orgs["linden"], value=HIDDEN_PHONE).visibility
        == "public"
    )
    assert ContactChannel.objects.filter(organization=linden, value="neu@lindenau.example").exists()
    assert linden.verified_by_role == "editor"
    assert timezone.now() - linden.last_verified_at < timedelta(minutes=1)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    assert proposal.reviewed_by == people["editor"]
    entry = ModelLogEntry.objects.get(action="alliance.proposal_approve")
    assert entry.user_id == people["editor"].pk and entry.object_id == str(linden.pk)
    # The partner is told, without content and without the editor's name.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [IDENTITIES["LindenPartner"][2]]
    assert "Lindenau" not in message.body and "RedaktionEule" not in message.body
    assert_no_identity(message.body, "partner e-mail")


def test_approval_keeps_changes_made_meanwhile(people, orgs, proposal):
    # An editor changed the description after the partner proposed; the partner did not.
    Organization.objects.filter(pk=orgs["linden"].pk).update(description="Neu von der Redaktion")
    html = logged_in(people["editor"]).get(detail_url(proposal)).content.decode()
    proposals.check_approve_proposal(people["editor"], proposal)
    linden = Organization.objects.get(pk=orgs["linden"].pk)
    assert linden.description == "Neu von der Redaktion"
    assert linden.name == "Beratungsnetz Lindenau e. V."
    assert "Beratungsnetz Lindenau" in html


def test_conflicting_field_is_marked(people, orgs, proposal):
    Organization.objects.filter(pk=orgs["linden"].pk).update(name="Lindenau Beratung")
    html = logged_in(people["editor"]).get(detail_url(proposal)).content.decode()
    assert "The live entry changed since the proposal was made." in html


def test_reject_needs_a_reason_and_changes_nothing(
    people, orgs, proposal, django_capture_on_commit_callbacks
):
    client = logged_in(people["editor"])
    response = client.post(detail_url(proposal), {"decision": "reject", "reason": "  "})
    assert response.status_code == 200
    assert "Please give a reason." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            detail_url(proposal), {"decision": "reject", "reason": "Nicht belegt."}
        )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED and proposal.reason == "Nicht belegt."
    linden = Organization.objects.get(pk=orgs["linden"].pk)
    assert linden.name == "Beratungsnetz Lindenau"
    assert (
        ContactChannel.objects.get(organization=orgs["linden"], value=HIDDEN_PHONE).visibility
        == "hidden"
    )
    assert ModelLogEntry.objects.filter(action="alliance.proposal_reject").count() == 1
    assert len(mail.outbox) == 1
    assert "Nicht belegt." not in mail.outbox[0].body  # the reason is on "Meine Einträge"


def test_a_decided_proposal_cannot_be_decided_again(people, proposal):
    proposals.check_reject_proposal(people["editor"], proposal, "Nein.")
    with translation.override("en"), pytest.raises(ValidationError) as info:
        proposals.check_approve_proposal(people["editor"], proposal)
    assert "already been decided" in str(info.value)


def test_only_editors_decide(people, proposal):
    from django.core.exceptions import PermissionDenied

    for role in ("partner", "coordinator", "guest"):
        with pytest.raises(PermissionDenied):
            proposals.check_approve_proposal(people[role], proposal)
        with pytest.raises(PermissionDenied):
            proposals.check_reject_proposal(people[role], proposal, "x")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING


def test_queue_query_count_is_constant(people, orgs, proposal):
    client = logged_in(people["editor"])
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as one:
        client.get(QUEUE)
    payload = proposals.snapshot(orgs["elster"])
    payload["name"] = "Elster neu"
    proposals.check_submit_proposal(people["foreign"], orgs["elster"], payload)
    ChangeProposal.objects.create(kind="new_application", payload={"name": "Neu e. V."},
                                  applicant_email="a@b.example")  # fmt: skip
    with CaptureQueriesContext(connection) as three:
        client.get(QUEUE)
    assert len(three) == len(one)


def test_detail_query_count_does_not_grow_with_channels(people, orgs, proposal):
    client = logged_in(people["editor"])
    client.get(detail_url(proposal))
    with CaptureQueriesContext(connection) as before:
        client.get(detail_url(proposal))
    for n in range(5):
        ContactChannel.objects.create(organization=orgs["linden"], kind="phone", value=f"0{n}")
    with CaptureQueriesContext(connection) as after:
        client.get(detail_url(proposal))
    assert len(after) == len(before)
