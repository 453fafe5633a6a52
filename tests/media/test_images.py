"""Uploaded images: random file names and no EXIF/GPS metadata, also through the admin."""

import io

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from tests.conftest import TEST_TOTP_SECRET

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def photo_with_location(fmt="JPEG") -> bytes:
    """A 40x20 photo whose EXIF holds a GPS position and "rotate 90°"."""
    image = PILImage.new("RGB", (40, 20), (200, 30, 30))
    exif = PILImage.Exif()
    exif[ORIENTATION] = 6  # rotate 90° clockwise when shown
    exif[0x010F] = "Telefon von Vorname Nachname"  # camera make: identifying
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)})
    out = io.BytesIO()
    image.save(out, fmt, exif=exif.tobytes())
    return out.getvalue()


def stored(image) -> PILImage.Image:
    with image.open_file() as f:
        opened = PILImage.open(io.BytesIO(f.read()))
        opened.load()
    return opened


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_metadata_is_removed_and_the_photo_turned_upright(fmt):
    data = photo_with_location(fmt)
    assert PILImage.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the input has GPS
    image = get_image_model().objects.create(
        title="Drohbrief", file=ContentFile(data, name=f"drohbrief-max-mustermann.{fmt.lower()}")
    )
    saved = stored(image)
    assert not saved.getexif()  # no GPS, no camera, no orientation left
    assert "exif" not in saved.info
    assert saved.size == (20, 40)  # turned as the orientation said
    assert (image.width, image.height) == (20, 40)


def test_file_names_are_random():
    image = get_image_model().objects.create(
        title="Foto", file=ContentFile(photo_with_location(), name="rathaus-musterstadt.jpg")
    )
    assert "musterstadt" not in image.file.name
    assert image.file.name.startswith("original_images/") and image.file.name.endswith(".jpg")
    rendition = image.get_rendition("fill-10x10")
    assert "musterstadt" not in rendition.url and "fill" not in rendition.url


def test_upload_through_the_admin_strips_metadata(client, make_member):
    boss = make_member("Bildredaktion", is_superuser=True, is_staff=True)
    TOTP.activate(boss, TEST_TOTP_SECRET)
    client.force_login(boss)
    upload = SimpleUploadedFile("handy.jpg", photo_with_location(), content_type="image/jpeg")
    response = client.post("/admin/images/add/", {"title": "Handyfoto", "file": upload})
    assert response.status_code == 302
    image = get_image_model().objects.get(title="Handyfoto")
    assert not stored(image).getexif()
