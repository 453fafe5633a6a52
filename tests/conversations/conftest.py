"""Fixtures of the conversation tests: two members with distinctive identities."""

import sys
import types

import pytest
from django.utils import translation

from komma.accounts.models import Municipality
from komma.conversations import actions
from komma.conversations.models import Conversation

# Identities that must never reach the other participant: names, addresses, offices
# and municipalities are unusual enough that any occurrence is a leak.
ALICE = {
    "first_name": "Zenobia",
    "last_name": "Krautwurst-Ilunga",
    "email": "zenobia.geheim.3141@amt-leak.example",
    "office": "Referat Quastenflosser 7719",
}
BOB = {
    "first_name": "Wilfried",
    "last_name": "Obermeyer-Tanaka",
    "email": "w.tanaka.2718@kreis-leak.example",
    "office": "Stabsstelle Zinnober 6203",
}
ALICE_TOWN = "Geheimdorf Xylitbruch"
BOB_TOWN = "Kreis Vanadiumtal"
ALICE_NEEDLES = ["Zenobia", "Krautwurst", "Ilunga", "3141", "amt-leak", "Quastenflosser",
                 "7719", "Xylitbruch"]  # fmt: skip
BOB_NEEDLES = ["Wilfried", "Obermeyer", "Tanaka", "2718", "kreis-leak", "Zinnober", "6203",
               "Vanadiumtal"]  # fmt: skip
SECRET_BODY = "Vertraulich: Drohbrief an Feuerlilie 4242"


def german(msgid: str) -> str:
    """The German text of a UI string, whether or not it is translated yet."""
    with translation.override("de"):
        return translation.gettext(msgid)


def assert_absent(text: str, needles, where: str) -> None:
    found = [n for n in needles if n.lower() in text.lower()]
    assert not found, f"{where} shows {found}"


@pytest.fixture
def alice(make_member, db):
    town = Municipality.objects.create(
        name=ALICE_TOWN, kind="gemeinde", bundesland="SN", ags="14999222",
        programme_status="model",
    )  # fmt: skip
    return make_member("LeiseAmsel", municipality=town, **ALICE)


@pytest.fixture
def bob(make_member, db):
    town = Municipality.objects.create(
        name=BOB_TOWN, kind="landkreis", bundesland="BB", ags="12999",
        programme_status="model",
    )  # fmt: skip
    return make_member("KuehnerFalke", municipality=town, **BOB)


@pytest.fixture
def conversation(alice, bob) -> Conversation:
    """Alice wrote to Bob; Bob has not read it yet."""
    return actions.do_start_conversation(
        alice, bob, subject="Austausch zur Hassrede", body="Hallo, wie geht ihr damit um?"
    )


@pytest.fixture
def fake_contact(monkeypatch):
    """Replace ``komma.pages.contact.contact_target`` with a stub; returns a setter.

    ``fake_contact(user, alias)`` makes every (page, block) resolve to that member
    and alias; the block id "fehlt" raises Http404 like a missing block.
    """
    from django.http import Http404

    try:
        from komma.pages import contact as module
    except ImportError:  # the pages app's module is not there yet: stand in for it
        module = types.ModuleType("komma.pages.contact")
        monkeypatch.setitem(sys.modules, "komma.pages.contact", module)
        import komma.pages

        monkeypatch.setattr(komma.pages, "contact", module, raising=False)

    def set_target(user, alias=""):
        def contact_target(page, block_id, viewer):
            if block_id == "fehlt":
                raise Http404
            return types.SimpleNamespace(user=user, alias=alias)

        monkeypatch.setattr(module, "contact_target", contact_target, raising=False)

    return set_target
