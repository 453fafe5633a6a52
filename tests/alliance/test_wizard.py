"""„Wer hilft bei …?“: the guided steps, the mapping table, and the hook for other
plugins (only channels the asking user may see)."""

import pytest
from django.urls import reverse

from alliance.models import Category, ChannelKind, ChannelVisibility, ServiceAreaScope, Status
from alliance.wizard import SITUATIONS, find_helpers
from plugins.hooks import AllianceContact, alliance_contacts, collect

from .conftest import (
    HIDDEN_DIGITS,
    HIDDEN_PHONE,
    PARTNERS_PHONE,
    PUBLIC_PHONE,
    client_for,
    make_org,
)

pytestmark = pytest.mark.django_db
URL = reverse("alliance:wizard")


def test_every_situation_maps_to_known_categories():
    assert len(SITUATIONS) >= 6
    for situation in SITUATIONS.values():
        assert situation.steps
        assert all(step.category in Category.values for step in situation.steps)
        assert len({step.category for step in situation.steps}) == len(situation.steps)
    attack = [step.category for step in SITUATIONS["attack_on_staff"].steps]
    assert attack[:2] == [Category.COUNSELLING, Category.SECURITY_AUTHORITY]


def test_steps(directory_orgs):
    body = client_for().get(URL).content.decode()
    assert 'name="anliegen" value="attack_on_staff"' in body
    body = client_for().get(URL + "?anliegen=attack_on_staff").content.decode()
    assert '<select id="wizard-land" name="land" required>' in body
    body = client_for().get(URL + "?anliegen=attack_on_staff&land=sn").content.decode()
    assert "Opferberatung Quendelau" in body
    assert "1. Counselling or victim support" in body
    assert "2. Security authority" in body


def test_members_land_is_preselected(directory_cast):
    body = client_for(directory_cast["member"]).get(URL + "?anliegen=online_hate").content.decode()
    assert '<option value="sn" selected>' in body


@pytest.mark.parametrize("query", ["?anliegen=weltuntergang", "?anliegen=online_hate&land=zz"])
def test_bad_choices(db, query):
    response = client_for().get(URL + query)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_who_serves_a_land(db):
    local = make_org("Polizei Ort", category=Category.SECURITY_AUTHORITY, land="TH", city="Erfurt")
    nationwide = make_org("Bundesweite Stelle", category=Category.SECURITY_AUTHORITY, land="BE",
                          areas=[(ServiceAreaScope.NATIONWIDE, "", "")])  # fmt: skip
    kreis = make_org("Kreispolizei", category=Category.SECURITY_AUTHORITY, land="SN",
                     areas=[(ServiceAreaScope.KREIS, "", "16051")])  # fmt: skip
    make_org("Polizei woanders", category=Category.SECURITY_AUTHORITY, land="BY")
    make_org("Geschlossen", category=Category.SECURITY_AUTHORITY, land="TH",
             status=Status.TEMPORARILY_CLOSED)  # fmt: skip
    groups = find_helpers(None, "threat_letters", "TH")
    assert groups[0].step.category == Category.SECURITY_AUTHORITY
    names = [o.name for o in groups[0].organizations]
    assert names[0] == local.name  # seat in the Land first
    assert set(names) == {local.name, nationwide.name, kreis.name}


def test_hook_returns_only_visible_channels(directory_cast):
    def ask(user):
        return collect(alliance_contacts.send_robust(
            sender=None, user=user, situation="attack_on_staff", bundesland="sn"))  # fmt: skip

    anonymous = ask(None)
    assert anonymous and all(isinstance(c, AllianceContact) for c in anonymous)
    home = next(c for c in anonymous if c.name == "Opferberatung Quendelau")
    assert home.url == "/allianz/organisation/opferberatung-quendelau/"
    assert home.category == "counselling" and home.why
    values = {value for _k, _l, value, _lab in home.channels}
    assert values == {PUBLIC_PHONE}
    member = next(c for c in ask(directory_cast["member"]) if c.name == home.name)
    assert {v for _k, _l, v, _lab in member.channels} >= {PARTNERS_PHONE}
    assert HIDDEN_PHONE not in repr(ask(directory_cast["member"]))
    editor = next(c for c in ask(directory_cast["editor"]) if c.name == home.name)
    assert HIDDEN_PHONE in {v for _k, _l, v, _lab in editor.channels}
    assert collect(alliance_contacts.send_robust(
        sender=None, user=None, situation="gibt-es-nicht", bundesland="SN")) == []  # fmt: skip


def test_hidden_phone_not_in_wizard_page(directory_cast):
    body = client_for(directory_cast["member"]).get(
        URL + "?anliegen=attack_on_staff&land=sn").content.decode()  # fmt: skip
    assert PARTNERS_PHONE in body and HIDDEN_DIGITS not in body


def test_hook_is_silent_when_the_plugin_is_off(directory_orgs):
    from plugins.models import PluginState

    PluginState.objects.update_or_create(plugin_id="alliance", defaults={"enabled": False})
    from django.core.cache import cache

    cache.clear()
    assert collect(alliance_contacts.send_robust(
        sender=None, user=None, situation="attack_on_staff", bundesland="SN")) == []  # fmt: skip


def test_channel_kinds_in_hook(db):
    make_org(
        "Chatberatung",
        channels=[(ChannelKind.MESSENGER, "Signal: 0152 0000", ChannelVisibility.PUBLIC)],
    )
    contacts = collect(alliance_contacts.send_robust(
        sender=None, user=None, situation="online_hate", bundesland="SN"))  # fmt: skip
    label = str(ChannelKind.MESSENGER.label)  # in the active (site) language
    assert contacts[0].channels[0][:3] == ("messenger", label, "Signal: 0152 0000")
