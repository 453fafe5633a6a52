"""The platform's image model (``WAGTAILIMAGES_IMAGE_MODEL``).

Image files are served as static files (nginx, no permission check), also for images
on pages that only the network or the model municipalities may read. So:

- file names of originals and renditions are random (128 bits) instead of the
  uploaded name plus filter: nobody finds an image by guessing its address;
- EXIF, GPS and other metadata are removed from every upload (a photo of a
  threatening letter must not carry the phone's location), after turning the image
  upright as its EXIF orientation said.
"""

import os
import secrets

from django.core.files.base import ContentFile
from django.db import models
from wagtail.images.models import AbstractImage, AbstractRendition, Image

# The cleaning itself lives in .images, shared with the plugins (forum
# attachments, incident screenshots).
from .images import without_metadata


def random_name(folder: str, filename: str) -> str:
    """``folder/<32 hex digits><.ext>``: the extension stays, the name goes."""
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"{folder}/{secrets.token_hex(16)}{extension}"


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
