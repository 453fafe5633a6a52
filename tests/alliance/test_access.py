"""Field-level visibility of contact channels for every kind of viewer, in the
directory list, the detail page and its vCard (exports: test_export.py; search
documents and the wizard hook: test_search.py, test_wizard.py)."""

import pytest
from django.urls import reverse

from alliance.access import ANONYMOUS, EDITOR, NETWORK, PARTNER, directory_viewer

from .conftest import (
    CHANNELS,
    HIDDEN_DIGITS,
    NEEDLES,
    NETWORK_MAIL,
    OWN_HIDDEN_PHONE,
    PARTNERS_PHONE,
    PUBLIC_PHONE,
    client_for,
)

pytestmark = pytest.mark.django_db

# viewer -> the channel values they must see on the "home" organisation
SEES = {
    "anonymous": {PUBLIC_PHONE},
    "network": {PUBLIC_PHONE, NETWORK_MAIL},
    "unverified": {PUBLIC_PHONE, NETWORK_MAIL},
    "member": {PUBLIC_PHONE, NETWORK_MAIL, PARTNERS_PHONE},
    "partner": {PUBLIC_PHONE, NETWORK_MAIL, PARTNERS_PHONE},
    "editor": set(CHANNELS.values()),
}


def _client(cast, kind):
    return client_for(None if kind == "anonymous" else cast[kind])


@pytest.mark.parametrize("kind", list(SEES))
@pytest.mark.parametrize("page", ["detail", "list", "vcard"])
def test_each_viewer_sees_exactly_their_channels(directory_cast, directory_orgs, kind, page):
    home = directory_orgs["home"]
    url = {
        "detail": home.get_absolute_url(),
        "list": reverse("alliance:index") + "?q=Opferberatung",
        "vcard": reverse("alliance:organization_vcard", args=[home.slug]),
    }[page]
    response = _client(directory_cast, kind).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    for value in CHANNELS.values():
        if value in SEES[kind]:
            assert value in body, f"{kind} misses {value} on {page}"
        else:
            assert value not in body, f"{kind} sees {value} on {page}"
    if kind != "editor":
        assert HIDDEN_DIGITS not in body
        assert HIDDEN_DIGITS.replace(" ", "") not in body.replace(" ", "")
    for needle in NEEDLES:
        assert needle not in body


def test_viewer_tiers(directory_cast):
    assert directory_viewer(None).tier == ANONYMOUS
    assert directory_viewer(directory_cast["network"]).tier == NETWORK
    assert directory_viewer(directory_cast["unverified"]).tier == NETWORK
    assert directory_viewer(directory_cast["member"]).tier == PARTNER
    assert directory_viewer(directory_cast["partner"]).tier == PARTNER
    assert directory_viewer(directory_cast["editor"]).tier == EDITOR


def test_verified_partner_sees_own_hidden_channel_only(directory_cast, directory_orgs):
    own = directory_orgs["own"].get_absolute_url()
    assert OWN_HIDDEN_PHONE in client_for(directory_cast["partner"]).get(own).content.decode()
    for kind in ("unverified", "member", "network"):
        body = client_for(directory_cast[kind]).get(own).content.decode()
        assert OWN_HIDDEN_PHONE not in body, kind
    assert OWN_HIDDEN_PHONE not in client_for().get(own).content.decode()


def test_partner_loses_own_channels_with_the_role(directory_cast, directory_orgs):
    partner = directory_cast["partner"]
    partner.groups.clear()
    body = client_for(partner).get(directory_orgs["own"].get_absolute_url()).content.decode()
    assert OWN_HIDDEN_PHONE not in body


def test_inactive_account_is_anonymous(directory_cast, directory_orgs):
    editor = directory_cast["editor"]
    editor.is_active = False
    editor.save()
    assert directory_viewer(editor).tier == ANONYMOUS


def test_inactive_entry_only_for_editors(directory_cast, directory_orgs):
    url = directory_orgs["inactive"].get_absolute_url()
    assert client_for().get(url).status_code == 404
    assert client_for(directory_cast["member"]).get(url).status_code == 404
    response = client_for(directory_cast["editor"]).get(url)
    assert response.status_code == 200
    assert "inactive" in response.content.decode()
    listing = client_for().get(reverse("alliance:index")).content.decode()
    assert "Ehemalige Beratungsstelle" not in listing


def test_unknown_organisation_is_404(db):
    assert (
        client_for().get(reverse("alliance:organization", args=["gibt-es-nicht"])).status_code
        == 404
    )


def test_detail_shows_hint_about_more_channels(directory_cast, directory_orgs):
    body = client_for().get(directory_orgs["home"].get_absolute_url()).content.decode()
    assert "see further contact details after logging in" in body
