# ruff: noqa: F811  (pytest fixtures imported from partner_cast are used as arguments)
"""Local alliances: private to the municipality unless published; members edit,
coordinators invite and publish; the invitation flow; nobody is unmasked."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from alliance import local
from alliance.models import (
    AllianceInvitation,
    AllianceParticipation,
    InvitationStatus,
    LocalAlliance,
    Organization,
    hash_token,
)

from .partner_cast import (  # noqa: F401  (fixtures)
    HOME_TOWN,
    IDENTITIES,
    NEEDLES,
    assert_no_identity,
    logged_in,
    orgs,
    people,
    towns,
)

pytestmark = pytest.mark.django_db
ALLIANCE_NAME = "Buendnis Vielfalt im Muldental"
# Members see their own municipality's name; nobody sees people.
PEOPLE_NEEDLES = [n for n in NEEDLES if n not in (HOME_TOWN,)]


@pytest.fixture
def alliance(people, towns, orgs):
    made = local.check_save_local_alliance(
        people["member"], towns["home"], ALLIANCE_NAME, "Gemeinsam gegen Hass."
    )
    local.check_add_participation(people["member"], made, orgs["elster"], "member")
    return made


def page(alliance):
    return reverse("alliance:local_alliance", args=[alliance.pk])


def anonymous() -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def test_member_records_the_alliance_through_the_form(people, towns):
    client = logged_in(people["member"])
    url = reverse("alliance:local_edit", args=[towns["home"].pk])
    response = client.post(url, {"name": ALLIANCE_NAME, "description": "Wir."})
    assert response.status_code == 302
    item = LocalAlliance.objects.get(municipality=towns["home"])
    assert item.name == ALLIANCE_NAME and not item.is_published
    # Someone of another municipality cannot.
    assert logged_in(people["outsider"]).get(url).status_code == 404
    assert logged_in(people["outsider"]).post(url, {"name": "Gekapert"}).status_code == 404
    assert LocalAlliance.objects.get().name == ALLIANCE_NAME


def test_unpublished_alliance_is_private_to_its_municipality(people, alliance):
    assert logged_in(people["member"]).get(page(alliance)).status_code == 200
    assert logged_in(people["coordinator"]).get(page(alliance)).status_code == 200
    for role in ("outsider", "guest", "editor", "partner"):
        assert logged_in(people[role]).get(page(alliance)).status_code == 404, role
    assert anonymous().get(page(alliance)).status_code == 404
    index = logged_in(people["outsider"]).get(reverse("alliance:local_index")).content.decode()
    assert ALLIANCE_NAME not in index


def test_verified_partner_of_a_participant_sees_it(people, alliance):
    # "foreign" is the verified partner of Elster, which takes part.
    assert logged_in(people["foreign"]).get(page(alliance)).status_code == 200


def test_only_coordinators_publish_and_then_everyone_sees_it(people, alliance):
    member = logged_in(people["member"])
    member.post(page(alliance), {"form": "publish", "publish": "1"})
    alliance.refresh_from_db()
    assert not alliance.is_published
    logged_in(people["coordinator"]).post(page(alliance), {"form": "publish", "publish": "1"})
    alliance.refresh_from_db()
    assert alliance.is_published
    html = anonymous().get(page(alliance)).content.decode()
    assert ALLIANCE_NAME in html and "Lokalzeitung Elsterblick" in html
    # Without naming consent the municipality is described, not named.
    assert HOME_TOWN not in html
    assert "Sachsen" in html
    assert_no_identity(html, "published alliance")
    index = logged_in(people["outsider"]).get(reverse("alliance:local_index")).content.decode()
    assert ALLIANCE_NAME in index and HOME_TOWN not in index
    # Visitors get no forms; a forged POST is refused.
    assert 'name="form"' not in html
    assert anonymous().post(page(alliance), {"form": "publish", "publish": "0"}).status_code == 404


def test_members_record_participations(people, alliance, orgs):
    client = logged_in(people["member"])
    response = client.post(page(alliance), {"form": "participation",
                                            "organization": "Beratungsnetz Lindenau",
                                            "role": "advisor", "since": "2024-05-01"})  # fmt: skip
    assert response.status_code == 302
    entry = AllianceParticipation.objects.get(organization=orgs["linden"])
    assert entry.role == "advisor" and str(entry.since) == "2024-05-01"
    # Twice is refused with a message.
    response = client.post(page(alliance), {"form": "participation",
                                            "organization": "Beratungsnetz Lindenau",
                                            "role": "member"})  # fmt: skip
    assert "already takes part" in response.content.decode()
    # An unknown organisation gets a message.
    response = client.post(
        page(alliance), {"form": "participation", "organization": "Gibt es", "role": "member"}
    )
    assert "No organisation of the directory matches" in response.content.decode()


def test_only_coordinators_invite(people, alliance, orgs):
    response = logged_in(people["member"]).post(
        page(alliance), {"form": "invite", "organization": "Beratungsnetz Lindenau",
                         "role": "member"}
    )  # fmt: skip
    assert "coordinators may invite." in response.content.decode()
    assert not AllianceInvitation.objects.exists()
    assert mail.outbox == []


def test_invitation_flow(people, alliance, orgs, django_capture_on_commit_callbacks):
    coordinator = logged_in(people["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            page(alliance), {"form": "invite", "organization": "Beratungsnetz Lindenau",
                             "role": "supporter", "message": "Macht mit!"}
        )  # fmt: skip
    assert response.status_code == 302
    invitation = AllianceInvitation.objects.get()
    # Only the verified partner account gets the e-mail (not the unverified one).
    assert [m.to for m in mail.outbox] == [[IDENTITIES["LindenPartner"][2]]]
    body = mail.outbox[0].body
    assert_no_identity(body, "invitation e-mail", NEEDLES)
    token = body.split("/allianz/einladung/")[1].split("/")[0]
    assert invitation.token_hash == hash_token(token) and token not in invitation.token_hash
    # The partner sees it on "Meine Einträge", without the inviting person.
    partner = logged_in(people["partner"])
    html = partner.get(reverse("alliance:my_entries")).content.decode()
    assert ALLIANCE_NAME in html
    assert_no_identity(html, "my entries with invitation")
    # Others cannot open or answer it.
    for role in ("waiting", "foreign", "coordinator"):
        client = logged_in(people[role])
        assert client.get(f"/allianz/einladung/{token}/").status_code == 404, role
        url = reverse("alliance:invitation", args=[invitation.pk])
        assert client.post(url, {"answer": "accept"}).status_code == 404, role
    # The link works for the partner; accepting records the participation.
    html = partner.get(f"/allianz/einladung/{token}/").content.decode()
    assert "Macht mit!" in html
    assert_no_identity(html, "invitation page")
    response = partner.post(f"/allianz/einladung/{token}/", {"answer": "accept"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.accepted_by == people["partner"]
    entry = AllianceParticipation.objects.get(organization=orgs["linden"])
    assert entry.role == "supporter"
    # Once answered, it cannot be answered again.
    partner.post(f"/allianz/einladung/{token}/", {"answer": "decline"})
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED


def test_decline_records_nothing(people, alliance, orgs):
    invitation, _token = local.check_invite_organization(
        people["coordinator"], alliance, orgs["linden"], "member"
    )
    logged_in(people["partner"]).post(
        reverse("alliance:invitation", args=[invitation.pk]), {"answer": "decline"}
    )
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED
    assert not AllianceParticipation.objects.filter(organization=orgs["linden"]).exists()


def test_organisation_without_verified_partner_cannot_be_invited(people, alliance, orgs):
    from alliance.models import PartnerLink

    PartnerLink.objects.filter(organization=orgs["linden"]).update(verified=False)
    with translation.override("en"), pytest.raises(ValidationError) as info:
        local.check_invite_organization(people["coordinator"], alliance, orgs["linden"], "member")
    assert "no verified partner account" in str(info.value)


def test_pages_show_no_identities(people, alliance, orgs):
    local.check_invite_organization(people["coordinator"], alliance, orgs["linden"], "member")
    for role in ("member", "coordinator"):
        html = logged_in(people[role]).get(page(alliance)).content.decode()
        assert_no_identity(html, f"alliance page for {role}", PEOPLE_NEEDLES)
        html = logged_in(people[role]).get(reverse("alliance:local_index")).content.decode()
        assert_no_identity(html, f"local index for {role}", PEOPLE_NEEDLES)
    html = logged_in(people["foreign"]).get(page(alliance)).content.decode()
    assert_no_identity(html, "alliance page for a participating partner")


def test_alliance_page_query_count_is_constant(people, alliance, orgs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = logged_in(people["coordinator"])
    client.get(page(alliance))
    with CaptureQueriesContext(connection) as one:
        client.get(page(alliance))
    local.check_invite_organization(people["coordinator"], alliance, orgs["linden"], "member")
    for n in range(3):
        extra = Organization.objects.create(
            name=f"Verein {n}", slug=f"verein-{n}", category="other"
        )
        local.check_add_participation(people["member"], alliance, extra, "advisor")
    with CaptureQueriesContext(connection) as two:
        client.get(page(alliance))
    assert len(two) == len(one)


def test_published_alliance_hides_inactive_organisations_from_outsiders(people, alliance, orgs):
    from alliance.models import Organization, Status

    alliance.is_published = True
    alliance.save()
    Organization.objects.filter(pk=orgs["elster"].pk).update(status=Status.INACTIVE)
    name = orgs["elster"].name
    assert name not in anonymous().get(page(alliance)).content.decode()
    assert name in logged_in(people["member"]).get(page(alliance)).content.decode()
