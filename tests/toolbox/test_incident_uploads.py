"""Screenshots of incident records: the type comes from the content, sizes and pixel
counts are bounded, EXIF/GPS is gone from the stored file, and a refused upload
stores nothing and leaves the record as it was."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage

from tests.toolbox.conftest import client_for
from tests.toolbox.incident_fixtures import *  # noqa: F403  (fixtures)
from tests.toolbox.incident_fixtures import (
    GPS_IFD,
    jpeg_with_gps,
    make_incident,
    png_bytes,
    stored_files,
)
from toolbox import incidents
from toolbox.models import IncidentRecord, IncidentScreenshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(cast, towns, media_root):
    return make_incident(cast["member_a"], towns["a"])


def upload_url(record):
    return reverse("toolbox:incident_screenshot_add", kwargs={"public_id": record.public_id})


def post_file(client, record, data, name="screenshot.png", content_type="image/png", **fields):
    values = {
        "file": SimpleUploadedFile(name, data, content_type=content_type),
        "captured_at": timezone.localtime(timezone.now() - timedelta(hours=1)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "caption": "Kommentar mit Uhrzeit",
    }
    values.update(fields)
    return client.post(upload_url(record), values)


def assert_refused(response, record, media_root, before, message_part):
    """400, the message on the page, no row, no file, the record unchanged."""
    assert response.status_code == 400
    page = response.content.decode()
    assert message_part in page
    assert 'class="inc-error-summary"' in page and 'href="#id_file"' in page
    assert not IncidentScreenshot.objects.exists()
    assert stored_files(media_root) == []
    assert IncidentRecord.objects.values().get(pk=record.pk) == before


def test_a_screenshot_is_stored_with_its_facts(cast, record, media_root):
    client = client_for(cast["member_a2"])
    data = png_bytes(size=(320, 200))
    response = post_file(client, record, data, name="Hetze von Max Mustermann.png")
    assert response.status_code == 302
    shot = IncidentScreenshot.objects.get()
    stored = (media_root / shot.file.name).read_bytes()
    assert shot.file.name.startswith("incident-evidence/")
    assert "Mustermann" not in shot.file.name and shot.file.name.endswith(".png")
    assert len(shot.file.name.rsplit("/", 1)[-1]) == len("0" * 32 + ".png")  # random hex
    assert shot.sha256 == hashlib.sha256(stored).hexdigest()
    assert (shot.width, shot.height, shot.content_type) == (320, 200, "image/png")
    assert shot.size == len(stored)
    assert shot.uploaded_by == cast["member_a2"]
    assert shot.caption == "Kommentar mit Uhrzeit"
    expected = timezone.now() - timedelta(hours=1)
    assert abs(shot.captured_at - expected) < timedelta(minutes=2)
    record.refresh_from_db()
    assert record.updated_at > record.created_at


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_exif_and_gps_are_gone_from_the_stored_file(cast, record, media_root, fmt):
    source = PILImage.open(io.BytesIO(jpeg_with_gps()))
    exif = source.getexif()
    out = io.BytesIO()
    source.save(out, fmt, exif=exif.tobytes())
    data = out.getvalue()
    assert PILImage.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the input has GPS
    assert b"Sauerampfer" in data
    response = post_file(
        client_for(cast["member_a"]), record, data, name=f"x.{fmt.lower()}", content_type=""
    )
    assert response.status_code == 302
    shot = IncidentScreenshot.objects.get()
    stored = (media_root / shot.file.name).read_bytes()
    image = PILImage.open(io.BytesIO(stored))
    assert image.format == fmt
    assert not image.getexif()  # no GPS, no camera owner, no orientation left
    assert "exif" not in image.info and "xmp" not in image.info
    assert b"Sauerampfer" not in stored
    assert image.size == (32, 48)  # turned upright as the orientation said
    assert (shot.width, shot.height) == (32, 48)


def test_type_comes_from_the_content_not_the_name(cast, record, media_root):
    """A real PNG named .exe and sent as octet-stream is stored as a PNG."""
    response = post_file(
        client_for(cast["member_a"]),
        record,
        png_bytes(),
        name="tool.exe",
        content_type="application/octet-stream",
    )
    assert response.status_code == 302
    shot = IncidentScreenshot.objects.get()
    assert shot.content_type == "image/png" and shot.file.name.endswith(".png")


GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"  # noqa: E501


@pytest.mark.parametrize(
    "name, data, content_type",
    [
        ("beweis.png", b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF", "image/png"),  # a PDF
        ("beweis.png", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "image/png"),  # an .exe
        (
            "beweis.jpg",
            b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
            "image/jpeg",
        ),
        ("beweis.png", b"<html><script>alert(1)</script></html>", "image/png"),
        ("beweis.gif", GIF, "image/gif"),  # an image, but not an accepted format
        ("beweis.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"),  # forged signature
    ],
)
def test_wrong_types_and_forged_extensions_are_refused(
    cast, record, media_root, name, data, content_type
):
    before = IncidentRecord.objects.values().get(pk=record.pk)
    response = post_file(client_for(cast["member_a"]), record, data, name, content_type)
    assert_refused(response, record, media_root, before, "JPEG, PNG")


def test_oversize_files_are_refused(cast, record, media_root):
    before = IncidentRecord.objects.values().get(pk=record.pk)
    data = png_bytes() + b"\x00" * incidents.SCREENSHOT_MAX_BYTES  # a valid start, too long
    response = post_file(client_for(cast["member_a"]), record, data)
    assert_refused(response, record, media_root, before, "10 MB")


def test_a_decompression_bomb_is_refused_before_decoding(cast, record, media_root):
    # 8000 x 6000 = 48 megapixels of one colour: a few kilobytes packed, 48 MB and
    # more when decoded.
    out = io.BytesIO()
    PILImage.new("1", (8000, 6000)).save(out, "PNG")
    assert len(out.getvalue()) < 100_000
    before = IncidentRecord.objects.values().get(pk=record.pk)
    response = post_file(client_for(cast["member_a"]), record, out.getvalue())
    assert_refused(response, record, media_root, before, "decompression bomb")


def test_a_header_claiming_gigapixels_is_refused(cast, record, media_root):
    """A PNG header that announces 100000 x 100000 pixels (Pillow's own bomb limit)."""
    import struct
    import zlib

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")
    before = IncidentRecord.objects.values().get(pk=record.pk)
    response = post_file(client_for(cast["member_a"]), record, data)
    assert_refused(response, record, media_root, before, "decompression bomb")


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_corrupt_images_are_refused(cast, record, media_root, cut):
    out = io.BytesIO()
    PILImage.effect_noise((200, 200), 64).convert("RGB").save(out, "JPEG", quality=95)
    data = out.getvalue()
    before = IncidentRecord.objects.values().get(pk=record.pk)
    response = post_file(client_for(cast["member_a"]), record, data[: int(len(data) * cut)])
    assert_refused(response, record, media_root, before, "damaged")


def test_an_empty_file_is_refused(cast, record, media_root):
    before = IncidentRecord.objects.values().get(pk=record.pk)
    response = post_file(client_for(cast["member_a"]), record, b"")
    assert response.status_code == 400
    assert not IncidentScreenshot.objects.exists() and stored_files(media_root) == []
    assert IncidentRecord.objects.values().get(pk=record.pk) == before


def test_animated_images_are_refused(cast, record, media_root):
    frames = [PILImage.new("RGB", (20, 20), colour) for colour in ("red", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "WEBP", save_all=True, append_images=frames[1:], duration=100)
    before = IncidentRecord.objects.values().get(pk=record.pk)
    response = post_file(client_for(cast["member_a"]), record, out.getvalue())
    assert_refused(response, record, media_root, before, "Animated")


def test_a_future_capture_time_is_refused_and_the_caption_kept(cast, record, media_root):
    before = IncidentRecord.objects.values().get(pk=record.pk)
    future = timezone.localtime(timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = post_file(
        client_for(cast["member_a"]),
        record,
        png_bytes(),
        captured_at=future,
        caption="Meine Beschriftung 3141",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "future" in page and 'href="#id_captured_at"' in page
    assert "Meine Beschriftung 3141" in page
    assert not IncidentScreenshot.objects.exists() and stored_files(media_root) == []
    assert IncidentRecord.objects.values().get(pk=record.pk) == before


def test_at_most_twenty_screenshots(cast, towns, media_root):
    now = timezone.now()
    record = make_incident(
        cast["member_a"],
        towns["a"],
        screenshots=[(png_bytes(size=(8, 8)), now, "") for _ in range(incidents.MAX_SCREENSHOTS)],
    )
    client = client_for(cast["member_a"])
    page = client.get(reverse("toolbox:incident", kwargs={"public_id": record.public_id}))
    assert 'enctype="multipart/form-data"' not in page.content.decode()  # no form offered
    response = post_file(client, record, png_bytes())
    assert response.status_code == 400
    assert "at most 20" in response.content.decode()
    assert record.screenshots.count() == incidents.MAX_SCREENSHOTS
    assert len(stored_files(media_root)) == incidents.MAX_SCREENSHOTS


def test_the_action_refuses_non_members(cast, record):
    from django.core.exceptions import PermissionDenied

    upload = incidents.ScreenshotUpload(data=png_bytes(), captured_at=timezone.now())
    with pytest.raises(PermissionDenied):
        incidents.check_add_screenshot(cast["member_b"], record, upload)
    assert not IncidentScreenshot.objects.exists()


def test_the_upload_limit_comes_before_the_image_check(cast, record, media_root, monkeypatch):
    from django.core.cache import cache

    cache.clear()
    monkeypatch.setattr(incidents, "UPLOADS_PER_HOUR", 2)
    decoded = []
    real_clean_image = incidents.clean_image

    def spy(data, **kwargs):
        decoded.append(len(data))
        return real_clean_image(data, **kwargs)

    monkeypatch.setattr(incidents, "clean_image", spy)
    client = client_for(cast["member_a"])
    before = IncidentRecord.objects.values().get(pk=record.pk)
    # Refused images count towards the limit too (decoding them is the costly part).
    for _ in range(2):
        assert post_file(client, record, b"not an image at all").status_code == 400
    assert len(decoded) == 2
    response = post_file(client, record, png_bytes())
    assert_refused(response, record, media_root, before, "many screenshots in a short time")
    assert len(decoded) == 2  # the third file was never decoded
