"""Checking and cleaning uploaded images: shared by the core and every plugin.

An uploaded image is trusted for nothing but its bytes:

- its type is read from the content with Pillow (only JPEG, PNG and WebP are even
  tried), never from the file name or the type the browser claims;
- its pixel count is read from the header and bounded *before* anything is
  decoded, so a small file that unpacks to gigabytes (a "decompression bomb") is
  refused instead of exhausting memory;
- it is decoded fully and written again, turned upright as its EXIF orientation
  said, without EXIF, GPS, XMP, ICC comments or text chunks: a photo of a threatening
  letter must not carry the phone's location or owner.

``clean_image`` does all of it and says why an image is refused (``ImageRejected``);
``image_info`` and ``without_metadata`` are its two halves for callers with their own
flow (the Wagtail image model, the forum attachments).
"""

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image as PILImage
from PIL import ImageOps

# Formats re-encoded without metadata, with their save options; others (SVG,
# animated GIF, TIFF, ...) are not handled here.
STRIPPED_FORMATS = {"JPEG": {"quality": 92}, "PNG": {"optimize": True}, "WEBP": {"quality": 90}}
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}

# 40 megapixels: a long scrolling screenshot of a phone (1290 x 30000) fits, a bomb
# does not. Decoded as RGBA that is at most 160 MB of memory for one image.
DEFAULT_MAX_PIXELS = 40_000_000

# Errors Pillow raises for files that are not (valid) images of the tried formats.
_UNREADABLE = (OSError, ValueError, SyntaxError, EOFError, IndexError, TypeError)


class ImageRejected(Exception):
    """An upload that is not an acceptable image. ``reason`` is one of:

    - ``"empty"``: no bytes;
    - ``"too_large"``: more bytes than allowed;
    - ``"not_image"``: not a JPEG, PNG or WebP (whatever its name says);
    - ``"animated"``: an animated image;
    - ``"too_many_pixels"``: more pixels than allowed (a decompression bomb);
    - ``"corrupt"``: looks like an image but cannot be decoded.
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CleanImage:
    """An image re-encoded without metadata, with the facts to store about it."""

    data: bytes
    format: str  # "JPEG", "PNG" or "WEBP"
    width: int
    height: int

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _open(data: bytes):
    """Open ``data`` as one of the stripped formats, turning Pillow's bomb warning
    (more than ``Image.MAX_IMAGE_PIXELS``) into an error like its bomb error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        return PILImage.open(io.BytesIO(data), formats=list(STRIPPED_FORMATS))


def inspect_image(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> tuple[str, int, int]:
    """``(format, width, height)`` of a still JPEG, PNG or WebP image whose header
    and structure are sound, read without decoding the pixels; else ``ImageRejected``."""
    if not data:
        raise ImageRejected("empty")
    try:
        with _open(data) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise ImageRejected("too_many_pixels")
            if getattr(image, "is_animated", False):
                raise ImageRejected("animated")
            image_format = image.format
            image.verify()
            return image_format, width, height
    except ImageRejected:
        raise
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise ImageRejected("too_many_pixels") from None
    except PILImage.UnidentifiedImageError:
        raise ImageRejected("not_image") from None
    except _UNREADABLE:
        raise ImageRejected("corrupt") from None


def image_info(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS):
    """``(format, width, height)`` like ``inspect_image``, or ``None`` for anything
    that is not an acceptable still image."""
    try:
        return inspect_image(data, max_pixels=max_pixels)
    except ImageRejected:
        return None


def without_metadata(data: bytes) -> bytes | None:
    """The image re-encoded without metadata, or ``None`` if it is not a still raster
    image of a format handled here. Call ``inspect_image`` first when the pixel
    count of untrusted input must be bounded below Pillow's own limit."""
    try:
        with _open(data) as image:
            image_format = image.format
            if image_format not in STRIPPED_FORMATS or getattr(image, "is_animated", False):
                return None
            upright = ImageOps.exif_transpose(image)  # a copy, turned as EXIF said
            upright.info = {}  # EXIF, XMP, ICC, text chunks, comments: none is written
            out = io.BytesIO()
            upright.save(out, image_format, **STRIPPED_FORMATS[image_format])
            return out.getvalue()
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        return None
    except _UNREADABLE:
        return None  # callers report unreadable files


def clean_image(data: bytes, *, max_bytes: int, max_pixels: int = DEFAULT_MAX_PIXELS) -> CleanImage:
    """Check ``data`` (type from the content, size, pixel count, decodable) and
    re-encode it without metadata. Raises ``ImageRejected`` with the reason."""
    if not data:
        raise ImageRejected("empty")
    if len(data) > max_bytes:
        raise ImageRejected("too_large")
    image_format, _width, _height = inspect_image(data, max_pixels=max_pixels)
    stripped = without_metadata(data)
    if stripped is None:
        raise ImageRejected("corrupt")
    # The size after turning it upright (EXIF orientation may swap width and height).
    try:
        with PILImage.open(io.BytesIO(stripped), formats=[image_format]) as again:
            width, height = again.size
    except _UNREADABLE:
        raise ImageRejected("corrupt") from None
    return CleanImage(data=stripped, format=image_format, width=width, height=height)
