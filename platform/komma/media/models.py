"""The platform's image model (``WAGTAILIMAGES_IMAGE_MODEL``).

Image files are served as static files (nginx, no permission check), also for images
on pages that only the network or the model municipalities may read. So:

- file names of originals and renditions are random (128 bits) instead of the
  uploaded name plus filter: nobody finds an image by guessing its address;
- EXIF, GPS and other metadata are removed from every upload (a photo of a
  threatening letter must not carry the phone's location), after turning the image
  upright as its EXIF orientation said.
"""

import io
import os
import secrets

from django.core.files.base import ContentFile
from django.db import models
from PIL import Image as PILImage
from PIL import ImageOps
from wagtail.images.models import AbstractImage, AbstractRendition, Image

# Formats re-encoded without metadata; others (SVG, animated GIF) are left alone.
STRIPPED_FORMATS = {"JPEG": {"quality": 92}, "PNG": {"optimize": True}, "WEBP": {"quality": 90}}


def random_name(folder: str, filename: str) -> str:
    """``folder/<32 hex digits><.ext>``: the extension stays, the name goes."""
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"{folder}/{secrets.token_hex(16)}{extension}"


def without_metadata(data: bytes) -> bytes | None:
    """The image re-encoded without metadata, or ``None`` if it is not a still raster
    image of a format handled here."""
    try:
        with PILImage.open(io.BytesIO(data)) as image:
            image_format = image.format
            if image_format not in STRIPPED_FORMATS or getattr(image, "is_animated", False):
                return None
            upright = ImageOps.exif_transpose(image)  # a copy, turned as EXIF said
            upright.info = {}  # EXIF, XMP, text chunks, comments: none is written
            out = io.BytesIO()
            upright.save(out, image_format, **STRIPPED_FORMATS[image_format])
            return out.getvalue()
    except (OSError, ValueError, PILImage.DecompressionBombError):
        return None  # Wagtail's own validation reports unreadable files


class KommaImage(AbstractImage):
    """A Wagtail image with a random file name and without metadata."""

    admin_form_fields = Image.admin_form_fields

    class Meta(AbstractImage.Meta):
        verbose_name = "image"
        verbose_name_plural = "images"

    def get_upload_to(self, filename):
        return random_name("original_images", filename)

    def save(self, *args, **kwargs):
        """Strip the metadata of a newly uploaded file before it is stored."""
        if self.file and not getattr(self.file, "_committed", True):
            self.file.seek(0)
            clean = without_metadata(self.file.read())
            self.file.seek(0)
            if clean is not None:
                self.file = ContentFile(clean, name=os.path.basename(self.file.name))
                self._set_image_file_metadata()
        super().save(*args, **kwargs)


class KommaRendition(AbstractRendition):
    """A rendition with a random file name."""

    image = models.ForeignKey(KommaImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)

    def get_upload_to(self, filename):
        return random_name("images", filename)
