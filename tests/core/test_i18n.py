"""German by default, English on request; the German catalogue is complete and compiled."""

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from tests.conftest import need_service

ROOT = Path(__file__).resolve().parents[2]
DE_PO = ROOT / "platform" / "komma" / "locale" / "de" / "LC_MESSAGES" / "django.po"

pytestmark = pytest.mark.django_db


def test_home_is_german_by_default(client):
    html = client.get("/").content.decode()
    assert '<html lang="de">' in html
    assert "Zum Inhalt springen" in html
    assert "Skip to content" not in html


def test_english_on_request(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Skip to content" in html
    assert "Zum Inhalt springen" not in html


def test_german_catalogue_is_complete_and_compiled():
    po = polib.pofile(str(DE_PO))
    assert po.percent_translated() == 100, [e.msgid for e in po.untranslated_entries()][:10]
    assert not po.fuzzy_entries(), [e.msgid for e in po.fuzzy_entries()][:10]
    with translation.override("de"):
        for entry in po:
            if entry.msgid_plural or not entry.msgstr:
                continue
            # The compiled .mo gives what the .po says (catches a stale .mo).
            got = (
                translation.pgettext(entry.msgctxt, entry.msgid)
                if entry.msgctxt
                else translation.gettext(entry.msgid)
            )
            assert got == entry.msgstr, entry.msgid


SOURCE_DIRS = ["platform", "templates", "plugins", "search", "exchange", "toolbox", "alliance"]


def test_every_ui_string_is_in_the_catalogue(tmp_path, monkeypatch):
    """Extract the strings of the code as it is now; each must have a German entry.

    Extraction runs on a copy without any ``locale`` folder: makemessages writes
    into every catalogue it finds, and must not touch the committed one.
    """
    need_service("xgettext", shutil.which("xgettext") is not None, "gettext not installed")
    tree = tmp_path / "tree"
    for name in SOURCE_DIRS:
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name, tree / name, ignore=shutil.ignore_patterns("locale", "__pycache__")
            )
    out = tmp_path / "locale"
    out.mkdir()
    monkeypatch.chdir(tree)
    with override_settings(LOCALE_PATHS=[out]):
        call_command("makemessages", locale=["de"], verbosity=0, no_obsolete=True)
    extracted = {(e.msgctxt, e.msgid) for e in polib.pofile(str(out / "de/LC_MESSAGES/django.po"))}
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(DE_PO)) if e.translated()}
    missing = sorted(msgid for _ctx, msgid in extracted - committed)
    assert not missing, f"untranslated UI strings (run `make messages`): {missing[:15]}"
    assert settings.LANGUAGE_CODE == "de"
