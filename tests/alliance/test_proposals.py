# ruff: noqa: F811  (pytest fixtures imported from partner_cast are used as arguments)
"""Partner self-service: only verified linked partners propose; nothing goes live
before review; one pending proposal per organisation and partner."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from alliance import proposals
from alliance.models import ChangeProposal, ContactChannel, Organization, ProposalStatus

from .partner_cast import (  # noqa: F401  (fixtures)
    HIDDEN_PHONE,
    entry_post_data,
    logged_in,
    orgs,
    people,
    towns,
)

pytestmark = pytest.mark.django_db


def changed_payload(org, **changes):
    payload = proposals.snapshot(org)
    payload.update(changes)
    return payload


def test_only_verified_linked_partners_may_propose(people, orgs):
    linden = orgs["linden"]
    url = reverse("alliance:propose", args=[linden.pk])
    for role in ("waiting", "foreign", "guest", "member"):
        assert logged_in(people[role]).get(url).status_code == 404, role
        with pytest.raises(PermissionDenied):
            proposals.check_submit_proposal(
                people[role], linden, changed_payload(linden, name="Gekapert")
            )
    assert logged_in(people["partner"]).get(url).status_code == 200
    assert not ChangeProposal.objects.exists()


def test_anonymous_is_sent_to_login(client, orgs):
    response = client.get(reverse("alliance:propose", args=[orgs["linden"].pk]))
    assert response.status_code == 302
    assert "/login" in response["Location"] or "accounts" in response["Location"]


def test_proposal_goes_to_review_and_nothing_goes_live(people, orgs):
    linden = orgs["linden"]
    client = logged_in(people["partner"])
    payload = changed_payload(linden, name="Beratungsnetz Lindenau e. V.")
    payload["channels"][2]["visibility"] = "public"  # the hidden phone, proposed public
    response = client.post(reverse("alliance:propose", args=[linden.pk]), entry_post_data(payload))
    assert response.status_code == 302, response.content.decode()[:3000]
    proposal = ChangeProposal.objects.get()
    assert proposal.status == ProposalStatus.PENDING
    assert proposal.submitted_by == people["partner"]
    assert proposal.payload["name"] == "Beratungsnetz Lindenau e. V."
    assert proposal.base["name"] == "Beratungsnetz Lindenau"
    # Nothing live: the name and the channel's visibility are as before.
    linden.refresh_from_db()
    assert linden.name == "Beratungsnetz Lindenau"
    assert (
        ContactChannel.objects.get(organization=orgs["linden"], value=HIDDEN_PHONE).visibility
        == "hidden"
    )
    # The public page does not show the hidden phone.
    assert (
        HIDDEN_PHONE
        not in logged_in(people["guest"]).get(linden.get_absolute_url()).content.decode()
    )


def test_second_submission_updates_the_pending_proposal(people, orgs):
    linden = orgs["linden"]
    client = logged_in(people["partner"])
    url = reverse("alliance:propose", args=[linden.pk])
    client.post(url, entry_post_data(changed_payload(linden, name="Erster Vorschlag")))
    # The form is prefilled with the pending proposal.
    assert 'value="Erster Vorschlag"' in client.get(url).content.decode()
    client.post(url, entry_post_data(changed_payload(linden, name="Zweiter Vorschlag")))
    proposal = ChangeProposal.objects.get()
    assert proposal.payload["name"] == "Zweiter Vorschlag"


def test_an_unchanged_submission_is_refused_and_nothing_is_stored(people, orgs):
    linden = orgs["linden"]
    response = logged_in(people["partner"]).post(
        reverse("alliance:propose", args=[linden.pk]), entry_post_data(changed_payload(linden))
    )
    assert response.status_code == 200
    assert "You have not changed anything." in response.content.decode()
    assert not ChangeProposal.objects.exists()


def test_bad_input_keeps_the_input_and_stores_nothing(people, orgs):
    linden = orgs["linden"]
    data = entry_post_data(changed_payload(linden, name="Neuer Name"))
    data["entry-postal_code"] = "12AB"
    response = logged_in(people["partner"]).post(
        reverse("alliance:propose", args=[linden.pk]), data
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "A German postal code has 5 digits." in html
    assert 'value="Neuer Name"' in html
    assert not ChangeProposal.objects.exists()


def test_model_rules_are_checked_again_in_the_action(people, orgs):
    linden = orgs["linden"]
    payload = changed_payload(linden)
    payload["service_areas"] = [{"scope": "kreis", "ags": "123", "bundesland": "", "name": ""}]
    with translation.override("en"), pytest.raises(ValidationError) as info:
        proposals.check_submit_proposal(people["partner"], linden, payload)
    assert "5-digit" in str(info.value)
    assert not ChangeProposal.objects.exists()


def test_partner_sees_status_and_reason(people, orgs):
    linden = orgs["linden"]
    proposal = proposals.check_submit_proposal(
        people["partner"], linden, changed_payload(linden, website="https://lindenau.example")
    )
    client = logged_in(people["partner"])
    html = client.get(reverse("alliance:my_entries")).content.decode()
    assert "awaits review" in html
    proposals.check_reject_proposal(people["editor"], proposal, "Die Adresse ist nicht belegt.")
    html = client.get(reverse("alliance:my_entries")).content.decode()
    assert "Die Adresse ist nicht belegt." in html
    html = client.get(reverse("alliance:proposal", args=[proposal.pk])).content.decode()
    assert "Die Adresse ist nicht belegt." in html
    # Another partner cannot open it.
    other = logged_in(people["foreign"]).get(reverse("alliance:proposal", args=[proposal.pk]))
    assert other.status_code == 404


def test_unverified_link_is_explained_on_my_entries(people, orgs):
    html = logged_in(people["waiting"]).get(reverse("alliance:my_entries")).content.decode()
    assert "awaits verification" in html
    assert reverse("alliance:propose", args=[orgs["linden"].pk]) not in html


def test_withdraw_own_pending_proposal(people, orgs):
    linden = orgs["linden"]
    proposal = proposals.check_submit_proposal(
        people["partner"], linden, changed_payload(linden, name="Zurueckgezogen")
    )
    response = logged_in(people["foreign"]).post(reverse("alliance:withdraw", args=[proposal.pk]))
    assert response.status_code == 404
    logged_in(people["partner"]).post(reverse("alliance:withdraw", args=[proposal.pk]))
    assert not ChangeProposal.objects.exists()
    assert Organization.objects.get(pk=linden.pk).name == "Beratungsnetz Lindenau"


def test_my_entries_query_count_does_not_grow_with_entries(people, orgs):
    from alliance.models import PartnerLink

    client = logged_in(people["partner"])
    client.get(reverse("alliance:my_entries"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("alliance:my_entries"))
    PartnerLink.objects.create(user=people["partner"], organization=orgs["elster"], verified=True)
    proposals.check_submit_proposal(
        people["partner"], orgs["elster"], changed_payload(orgs["elster"], name="Elster neu")
    )
    with CaptureQueriesContext(connection) as two:
        client.get(reverse("alliance:my_entries"))
    assert len(two) == len(one)


def test_former_partner_no_longer_sees_the_proposal_page(people, orgs):
    """The page shows the entry's current values (hidden channels too): only while the
    account still speaks for the organisation."""
    linden = orgs["linden"]
    proposal = proposals.check_submit_proposal(
        people["partner"], linden, changed_payload(linden, website="https://lindenau.example")
    )
    url = reverse("alliance:proposal", args=[proposal.pk])
    assert logged_in(people["partner"]).get(url).status_code == 200
    from alliance.models import PartnerLink

    PartnerLink.objects.filter(user=people["partner"]).update(verified=False)
    response = logged_in(people["partner"]).get(url)
    assert response.status_code == 404
    assert HIDDEN_PHONE not in response.content.decode()
