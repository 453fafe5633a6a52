"""The shared image checks (komma.media.images) used by the forum attachments and
the incident screenshots: type from the content, bounded pixels, no metadata."""

import io
import struct
import zlib

import pytest
from PIL import Image as PILImage

from komma.media.images import (
    ImageRejected,
    clean_image,
    image_info,
    inspect_image,
    without_metadata,
)

GPS_IFD = 0x8825


def encoded(fmt="PNG", size=(30, 20), mode="RGB", **options) -> bytes:
    out = io.BytesIO()
    PILImage.new(mode, size, "red" if mode != "1" else 0).save(out, fmt, **options)
    return out.getvalue()


def png_header_only(width, height) -> bytes:
    def chunk(kind, body):
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


@pytest.mark.parametrize("fmt, extension", [("JPEG", ".jpg"), ("PNG", ".png"), ("WEBP", ".webp")])
def test_clean_image_accepts_the_three_formats(fmt, extension):
    image = clean_image(encoded(fmt), max_bytes=10_000)
    assert (image.format, image.extension, image.width, image.height) == (fmt, extension, 30, 20)
    assert image.content_type == f"image/{fmt.lower()}"
    assert PILImage.open(io.BytesIO(image.data)).format == fmt


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty"),
        (b"%PDF-1.4 not an image", "not_image"),
        (b"GIF89a" + b"\x00" * 40, "not_image"),
        (encoded("GIF"), "not_image"),
        (encoded("BMP"), "not_image"),
        (encoded("TIFF"), "not_image"),
        (png_header_only(100_000, 100_000), "too_many_pixels"),  # beyond Pillow's own limit
        (png_header_only(7_000, 7_000), "too_many_pixels"),  # beyond ours (40 MP)
        (encoded("JPEG", size=(300, 300))[:200], "corrupt"),
    ],
)
def test_clean_image_says_why_it_refuses(data, reason):
    with pytest.raises(ImageRejected) as refused:
        clean_image(data, max_bytes=10_000_000)
    assert refused.value.reason == reason


def test_size_is_checked_before_anything_is_decoded():
    with pytest.raises(ImageRejected) as refused:
        clean_image(encoded("PNG") + b"\x00" * 100, max_bytes=50)
    assert refused.value.reason == "too_large"


def test_a_lower_pixel_bound_can_be_given():
    with pytest.raises(ImageRejected) as refused:
        inspect_image(encoded("PNG", size=(100, 100)), max_pixels=9_999)
    assert refused.value.reason == "too_many_pixels"
    assert inspect_image(encoded("PNG", size=(100, 100)), max_pixels=10_000) == ("PNG", 100, 100)


def test_animated_images_are_refused():
    frames = [PILImage.new("RGB", (10, 10), colour) for colour in ("red", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "PNG", save_all=True, append_images=frames[1:])
    with pytest.raises(ImageRejected) as refused:
        clean_image(out.getvalue(), max_bytes=10_000)
    assert refused.value.reason == "animated"
    assert image_info(out.getvalue()) is None and without_metadata(out.getvalue()) is None


def test_metadata_is_removed_and_the_size_is_that_of_the_upright_image():
    image = PILImage.new("RGB", (40, 20), "blue")
    exif = PILImage.Exif()
    exif[0x0112] = 6  # rotate 90°
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (52.0, 31.0, 12.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"Vorname Nachname")
    cleaned = clean_image(out.getvalue(), max_bytes=100_000)
    stored = PILImage.open(io.BytesIO(cleaned.data))
    assert not stored.getexif() and "comment" not in stored.info
    assert b"Nachname" not in cleaned.data
    assert (cleaned.width, cleaned.height) == stored.size == (20, 40)


def test_image_info_keeps_the_forum_contract():
    assert image_info(encoded("PNG")) == ("PNG", 30, 20)
    assert image_info(b"%PDF-1.7") is None
    assert image_info(png_header_only(100_000, 100_000)) is None
