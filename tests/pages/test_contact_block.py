""" "Contact the team behind this": a pseudonymous profile or an alias, never an address."""

import pytest
from django.http import Http404

from komma.pages.contact import contact_target
from komma.pages.models import GoodPracticePage

REAL = ("Hildegard", "Quastenberg", "h.quastenberg@rathaus-geheim.example", "Amtsleitung Ordnung")


@pytest.fixture
def contributor(make_member, municipality):
    return make_member("StilleQuelle", email=REAL[2], municipality=municipality,
                       first_name=REAL[0], last_name=REAL[1], office=REAL[3])  # fmt: skip


@pytest.fixture
def contact_page(make_page, municipality, contributor):
    body = [
        {
            "type": "contact",
            "id": "c0ffee00-0000-4000-8000-000000000001",
            "value": {"heading": "Kontakt zum Team", "member": contributor.pk, "text": ""},
        }
    ]
    return make_page(GoodPracticePage, "Clearingstelle", municipality=municipality, body=body)


def test_anonymous_readers_see_an_alias_and_a_login_prompt(client, contact_page):
    body = client.get(contact_page.url).content.decode()
    assert "StilleQuelle" not in body
    assert "Clearingstelle" in body and "Team" in body
    assert "/konto/login/?next=" in body
    for secret in REAL:
        assert secret not in body


def test_a_colleague_of_the_same_municipality_sees_the_pseudonym(
    client, contact_page, contributor, make_member, municipality
):
    contributor.municipality_visibility = "municipality"
    contributor.save()
    client.force_login(make_member("Kollegin", municipality=municipality))
    body = client.get(contact_page.url).content.decode()
    assert "StilleQuelle" in body
    for secret in REAL:
        assert secret not in body


def test_members_who_may_not_see_the_municipality_get_the_alias(
    client, contact_page, make_member, other_municipality
):
    reader = make_member("Fremde", municipality=other_municipality)
    client.force_login(reader)
    body = client.get(contact_page.url).content.decode()
    assert "StilleQuelle" not in body
    target = contact_target(contact_page, "c0ffee00-0000-4000-8000-000000000001", reader)
    assert target.user.pseudonym == "StilleQuelle"
    assert "Clearingstelle" in target.alias


def test_contact_target_refuses_unknown_blocks_and_closed_pages(
    contact_page, make_member, other_municipality
):
    reader = make_member("Fremde", municipality=other_municipality)
    with pytest.raises(Http404):
        contact_target(contact_page, "not-a-block", reader)
    contact_page.visibility = "model"
    with pytest.raises(Http404):
        contact_target(contact_page, "c0ffee00-0000-4000-8000-000000000001", reader)


def test_an_unnamed_source_stays_unnamed_even_if_the_member_shows_their_municipality(
    client, contact_page, contributor, make_member, other_municipality
):
    # The member lets the whole network see her municipality; the page does not name it
    # (no consent). Pseudonym + profile would name the page's source: the alias is shown.
    contributor.municipality_visibility = "network"
    contributor.save()
    client.force_login(make_member("Fremde", municipality=other_municipality))
    body = client.get(contact_page.url).content.decode()
    assert "StilleQuelle" not in body


def test_a_named_source_shows_the_pseudonym_to_who_may_see_the_municipality(
    client, contact_page, contributor, make_member, other_municipality, municipality
):
    municipality.public_naming_consent = True
    municipality.save()
    contributor.municipality_visibility = "network"
    contributor.save()
    client.force_login(make_member("Fremde", municipality=other_municipality))
    assert "StilleQuelle" in client.get(contact_page.url).content.decode()


def test_a_contact_who_left_is_not_shown(client, contact_page, contributor):
    contributor.is_active = False
    contributor.save()
    body = client.get(contact_page.url).content.decode()
    assert "contact-team" not in body


def test_a_colleague_does_not_see_a_member_who_hides_the_municipality(
    client, contact_page, make_member, municipality
):
    # Default "who sees my municipality": nobody. The page withholds the municipality's
    # name; the pseudonym would tell a colleague that this member is behind it.
    client.force_login(make_member("Kollegin", municipality=municipality))
    assert "StilleQuelle" not in client.get(contact_page.url).content.decode()


def test_a_second_shared_municipality_does_not_tie_the_member_to_the_named_one(
    client, contact_page, contributor, make_member, municipality, other_municipality
):
    from komma.accounts.models import Membership

    municipality.public_naming_consent = True
    municipality.save()
    Membership.objects.create(user=contributor, municipality=other_municipality)
    contributor.municipality_visibility = "municipality"
    contributor.save()
    client.force_login(make_member("NurAnderswo", municipality=other_municipality))
    body = client.get(contact_page.url).content.decode()
    assert "Stadt Testhausen" in body and "StilleQuelle" not in body
