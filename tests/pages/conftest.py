"""Fixtures of the knowledge platform: a hub, pages at every level, readers of every role."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group

from komma.accounts.models import Municipality
from komma.accounts.roles import ROLES
from komma.pages.models import HomePage, KnowledgeHubPage, ModuleArea, Topic
from tests.conftest import TEST_TOTP_SECRET


@pytest.fixture
def home(db):
    return HomePage.objects.get()


@pytest.fixture
def hub(home):
    hub = KnowledgeHubPage(title="Wissensplattform", slug="wissen", show_in_menus=True)
    home.add_child(instance=hub)
    hub.save_revision().publish()
    return hub


def topic(name: str) -> Topic:
    return Topic.objects.get(name=name)


def area(code: str) -> ModuleArea:
    return ModuleArea.objects.get(code=code)


@pytest.fixture
def make_page(hub):
    """Create and publish a knowledge page below ``parent`` (default: the hub)."""

    def make(cls, title, *, visibility="public", topics=(), areas=(), parent=None, **fields):
        page = cls(title=title, visibility=visibility, lead=f"Anriss von {title}", **fields)
        (parent or hub).add_child(instance=page)
        page.topics.set([topic(name) for name in topics])
        page.module_areas.set([area(code) for code in areas])
        page.save_revision().publish()
        page.refresh_from_db()
        return page

    return make


@pytest.fixture
def applicant_municipality(db):
    return Municipality.objects.create(
        name="Gemeinde Bewerbungsdorf", kind="gemeinde", bundesland="SN", ags="14999999",
        programme_status="applicant",
    )  # fmt: skip


@pytest.fixture
def readers(make_member, municipality, applicant_municipality):
    """One reader per role: None is anonymous."""
    partner = make_member("FesteBruecke")
    partner.groups.add(Group.objects.get(name=ROLES["alliance_partner"].group_name))
    editor = make_member("KlugeFeder")
    editor.groups.add(Group.objects.get(name=ROLES["editor"].group_name))
    TOTP.activate(editor, TEST_TOTP_SECRET)  # the editor role requires a second factor
    return {
        "anonymous": None,
        "applicant": make_member("HelleAue", municipality=applicant_municipality),
        "partner": partner,
        "model": make_member("MutigeBirke", municipality=municipality),
        "editor": editor,
    }


@pytest.fixture
def file_storage(settings, tmp_path):
    """Files on disk: Wagtail serves documents from a filesystem path (sendfile)."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path)}},
    }  # fmt: skip
