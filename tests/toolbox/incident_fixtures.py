"""Fixtures and builders of the incident-record tests (on top of ``conftest``'s
``towns`` and ``cast``).

Import the fixtures into a test module (pytest finds fixtures in the module's
namespace)::

    from tests.toolbox.incident_fixtures import *  # noqa: F403
"""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image as PILImage

from komma.media.images import clean_image
from toolbox import incidents
from toolbox.models import IncidentRecord

__all__ = ["incident", "media_root"]  # the fixtures; import helpers by name

GPS_IFD = 0x8825
CONTENT_TEXT = "Die Bürgermeisterin gehört weg. #Heimatschutz Zeile zwei"
ACCOUNT = "@Zaunkoenig_Hetze_4711"
PLATFORM = "Instagram"
URL = "https://social.example/p/4711-hetze"
CONTEXT = "Kommentar unter dem Post der Stadt zum Integrationsfest; zwei weitere folgten."


def png_bytes(size=(64, 40), colour=(10, 120, 200), mode="RGB") -> bytes:
    out = io.BytesIO()
    PILImage.new(mode, size, colour).save(out, "PNG")
    return out.getvalue()


def jpeg_with_gps(size=(48, 32)) -> bytes:
    """A JPEG whose EXIF holds a GPS position, the camera owner and "rotate 90°"."""
    image = PILImage.new("RGB", size, (200, 30, 30))
    exif = PILImage.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise when shown
    exif[0x010F] = "Telefon von Winfried Sauerampfer"  # camera make: identifying
    exif[0x013B] = "Winfried Sauerampfer"  # artist
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (51.0, 3.0, 12.0), 3: "E", 4: (13.0, 44.0, 36.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def incident_fields(**overrides) -> incidents.IncidentFields:
    values = {
        "title": "Hasskommentar unter dem Festpost",
        "occurred_at": timezone.now() - timedelta(days=2, hours=3),
        "platform": PLATFORM,
        "url": URL,
        "content_text": CONTENT_TEXT,
        "account_name": ACCOUNT,
        "context": CONTEXT,
    }
    values.update(overrides)
    return incidents.IncidentFields(**values)


def form_data(**overrides) -> dict:
    """POST data of the record form (local time, as the browser sends it)."""
    data = {
        "title": "Drohung per Direktnachricht",
        "occurred_at": timezone.localtime(timezone.now() - timedelta(hours=5)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "platform": "Facebook Messenger",
        "url": "https://messenger.example/t/123",
        "content_text": "Wir wissen, wo du wohnst.\nZweite Zeile.",
        "account_name": "@Drohkonto_99",
        "context": "Nach der Ratssitzung zum Flüchtlingsheim.",
    }
    data.update(overrides)
    return data


def make_incident(user, municipality, *, screenshots=(), **overrides) -> IncidentRecord:
    """A record created by ``user`` with screenshots ``(data, captured_at, caption)``."""
    record = incidents.do_create_incident(user, municipality, incident_fields(**overrides))
    for data, captured_at, caption in screenshots:
        image = clean_image(data, max_bytes=incidents.SCREENSHOT_MAX_BYTES)
        incidents.do_add_screenshot(user, record, image, captured_at, caption)
    return record


@pytest.fixture
def media_root(settings, tmp_path):
    """Files of the test go to a temporary MEDIA_ROOT on disk (the test settings keep
    files in memory; here the test reads what really lands in the folder)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return settings.MEDIA_ROOT


def stored_files(root) -> list:
    """Every file below ``root`` (the media root of the test)."""
    return sorted(path for path in root.rglob("*") if path.is_file())


@pytest.fixture
def incident(cast, towns, media_root):
    """A record of town ``a`` by ``member_a`` with a PNG and a JPEG screenshot."""
    now = timezone.now()
    return make_incident(
        cast["member_a"],
        towns["a"],
        screenshots=[
            (png_bytes(), now - timedelta(days=2), "Der Kommentar"),
            (jpeg_with_gps(), now - timedelta(days=1, hours=20), "Profil des Kontos"),
        ],
    )
