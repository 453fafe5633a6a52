"""Incident records (evidence): reads, writes and exports.

Members of a municipality document an incident (date and time, platform or place,
URL, the text of the post, the account, the context) and add screenshots. A record
belongs to its municipality: only that municipality's members read, change, delete
or export it (``toolbox.access.access_incident`` — a 404 for everyone else).

``check_<verb>_<noun>`` validates and authorises, then calls ``do_<verb>_<noun>``,
which writes atomically. Bad input raises ``ValidationError`` (a field dict where a
form shows it) before anything is stored, so the form keeps what the user typed.

Screenshots are checked by their content (``komma.media.images``: JPEG, PNG or WebP,
at most 10 MB and 40 megapixels), re-encoded without EXIF/GPS and stored under a
random name in ``incident-evidence/``, which the web server never serves directly:
files go out only through the access check (``views_incidents.screenshot``).

The exports follow HateAid's evidence guidance: the content (full text), the date and
time of the incident, the time each screenshot was taken, the account, the platform
and URL, the context, and the screenshots with their SHA-256. They name no person:
only the municipality, whose own data a member of it exports.
"""

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from komma.core.ratelimit import allow
from komma.core.text import strip_plain_text
from komma.media.images import ImageRejected, clean_image

from .access import access_incident, toolbox_viewer
from .models import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH, IncidentRecord, IncidentScreenshot
from .pdf import Document

SCREENSHOT_MAX_BYTES = 10 * 1024 * 1024
SCREENSHOT_MAX_PIXELS = 40_000_000
MAX_SCREENSHOTS = 20
UPLOADS_PER_HOUR = 120  # per person; enough for documenting a campaign, not for a flood
CLOCK_SKEW = timedelta(minutes=5)  # "not in the future", with some room for clocks
SHORT_MAX_LENGTH = 200  # platform and account name (model fields)
URL_MAX_LENGTH = 2_000
CAPTION_MAX_LENGTH = 300

_http_url = URLValidator(schemes=["http", "https"])


# --- Input ------------------------------------------------------------------------------
@dataclass
class IncidentFields:
    """What a member writes about an incident (parsed by the form)."""

    title: str
    occurred_at: datetime | None
    platform: str
    url: str = ""
    content_text: str = ""
    account_name: str = ""
    context: str = ""


@dataclass
class ScreenshotUpload:
    """One uploaded screenshot, read into memory by the form (at most one byte over
    the size limit, so an oversized file is refused without reading it whole)."""

    data: bytes
    captured_at: datetime | None
    caption: str = ""


def _text(value, *, single_line=False) -> str:
    """Stripped text without NUL, other control characters and codes that are not
    characters (``komma.core.text``; PostgreSQL refuses NUL, the rest only hides
    text). Evidence is kept as far as possible: these are removed, not refused."""
    value = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    value = strip_plain_text(value, multiline=not single_line)
    if single_line:
        value = " ".join(value.split())
    return value.strip()


def _not_in_future(moment: datetime | None, field: str, errors: dict) -> None:
    if moment is None:
        errors[field] = _("Please enter a date and time.")
    elif timezone.is_naive(moment):
        errors[field] = _("Please enter a valid date and time.")
    elif moment > timezone.now() + CLOCK_SKEW:
        errors[field] = _("The date and time may not be in the future.")


def clean_incident_fields(fields: IncidentFields) -> IncidentFields:
    """The fields normalised, or ``ValidationError`` with a message per field."""
    cleaned = IncidentFields(
        title=_text(fields.title, single_line=True),
        occurred_at=fields.occurred_at,
        platform=_text(fields.platform, single_line=True),
        url=_text(fields.url, single_line=True),
        content_text=_text(fields.content_text),
        account_name=_text(fields.account_name, single_line=True),
        context=_text(fields.context),
    )
    errors = {}
    if not cleaned.title:
        errors["title"] = _("Please describe the incident in a few words.")
    elif len(cleaned.title) > TITLE_MAX_LENGTH:
        errors["title"] = _("At most %(n)d characters.") % {"n": TITLE_MAX_LENGTH}
    _not_in_future(cleaned.occurred_at, "occurred_at", errors)
    if not cleaned.platform:
        errors["platform"] = _("Please name the platform or the place.")
    elif len(cleaned.platform) > SHORT_MAX_LENGTH:
        errors["platform"] = _("At most %(n)d characters.") % {"n": SHORT_MAX_LENGTH}
    if len(cleaned.account_name) > SHORT_MAX_LENGTH:
        errors["account_name"] = _("At most %(n)d characters.") % {"n": SHORT_MAX_LENGTH}
    if cleaned.url:
        if len(cleaned.url) > URL_MAX_LENGTH:
            errors["url"] = _("At most %(n)d characters.") % {"n": URL_MAX_LENGTH}
        else:
            try:
                _http_url(cleaned.url)
            except ValidationError:
                errors["url"] = _("Please enter a web address starting with http:// or https://.")
    for name in ("content_text", "context"):
        if len(getattr(cleaned, name)) > TEXT_MAX_LENGTH:
            errors[name] = _("At most %(n)d characters.") % {"n": TEXT_MAX_LENGTH}
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_member(user, municipality_id: int) -> None:
    if municipality_id not in toolbox_viewer(user).municipality_ids:
        raise PermissionDenied


# --- Reads ------------------------------------------------------------------------------
def incidents_of(user, municipality):
    """The records of ``municipality`` with their number of screenshots, newest
    incident first (nothing if ``user`` is not a member of it)."""
    if municipality.pk not in toolbox_viewer(user).municipality_ids:
        return IncidentRecord.objects.none()
    return (
        IncidentRecord.objects.filter(municipality=municipality)
        .annotate(screenshot_count=Count("screenshots"))
        .order_by("-occurred_at", "-pk")
    )


def record_for(user, public_id) -> IncidentRecord:
    """The record with its creator (and last editor), if ``user`` may read it; else 404."""
    record = access_incident(user, public_id)
    # One more query, so that the access rule stays in access_incident alone.
    return IncidentRecord.objects.select_related("municipality", "created_by", "updated_by").get(
        pk=record.pk
    )


def screenshots_of(record: IncidentRecord) -> list[IncidentScreenshot]:
    """The screenshots of an already accessed record, in the order they were taken."""
    return list(record.screenshots.select_related("uploaded_by").order_by("captured_at", "pk"))


def access_screenshot(user, public_id, screenshot_id) -> IncidentScreenshot:
    """A screenshot of a record ``user`` may read; else 404."""
    from django.http import Http404

    record = access_incident(user, public_id)
    try:
        pk = int(screenshot_id)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk < 2**63:
        raise Http404
    screenshot = IncidentScreenshot.objects.filter(record=record, pk=pk).first()
    if screenshot is None:
        raise Http404
    screenshot.record = record
    return screenshot


# --- Writes -----------------------------------------------------------------------------
def check_create_incident(user, municipality, fields: IncidentFields) -> IncidentRecord:
    """Validate ``fields`` and that ``user`` is a member of ``municipality``, then
    create the record."""
    _check_member(user, municipality.pk)
    return do_create_incident(user, municipality, clean_incident_fields(fields))


@transaction.atomic
def do_create_incident(user, municipality, fields: IncidentFields) -> IncidentRecord:
    """Store a new record of ``municipality``, created by ``user``."""
    now = timezone.now()
    record = IncidentRecord(
        municipality=municipality, created_by=user, updated_by=user, created_at=now, updated_at=now
    )
    _apply(record, fields)
    record.save()
    return record


def check_update_incident(user, record: IncidentRecord, fields: IncidentFields) -> IncidentRecord:
    """Validate ``fields`` and that ``user`` is a member of the record's
    municipality, then change the record."""
    _check_member(user, record.municipality_id)
    return do_update_incident(user, record, clean_incident_fields(fields))


@transaction.atomic
def do_update_incident(user, record: IncidentRecord, fields: IncidentFields) -> IncidentRecord:
    """Change the fields of ``record``; remembers when and who."""
    _apply(record, fields)
    record.updated_at = timezone.now()
    record.updated_by = user
    record.save(update_fields=[*_FIELD_NAMES, "updated_at", "updated_by"])
    return record


_FIELD_NAMES = (
    "title",
    "occurred_at",
    "platform",
    "url",
    "content_text",
    "account_name",
    "context",
)


def _apply(record: IncidentRecord, fields: IncidentFields) -> None:
    for name in _FIELD_NAMES:
        setattr(record, name, getattr(fields, name))


def check_delete_incident(user, record: IncidentRecord) -> None:
    """Delete ``record`` if ``user`` is a member of its municipality."""
    _check_member(user, record.municipality_id)
    do_delete_incident(record)


@transaction.atomic
def do_delete_incident(record: IncidentRecord) -> None:
    """Delete the record and its screenshots; the files go once the deletion is
    committed (a rolled-back deletion keeps them)."""
    files = [shot.file for shot in record.screenshots.all()]
    record.delete()
    transaction.on_commit(lambda: _remove_files(files))


def check_add_screenshot(user, record: IncidentRecord, upload: ScreenshotUpload):
    """Check the image (type from the content, size, pixels), the time it was taken
    and the caption, and that there is room for it; then store it.

    Raises ``ValidationError`` keyed ``file``, ``captured_at`` or ``caption``; nothing
    is stored then."""
    _check_member(user, record.municipality_id)
    # The limit first: decoding an image is the expensive part, and a flood of
    # uploads must not get it for free (invalid ones count too).
    if not allow("incident_screenshot", user.pk, UPLOADS_PER_HOUR, 3600):
        raise ValidationError(
            {"file": _("You have uploaded many screenshots in a short time. Please try later.")}
        )
    errors = {}
    _not_in_future(upload.captured_at, "captured_at", errors)
    caption = _text(upload.caption, single_line=True)
    if len(caption) > CAPTION_MAX_LENGTH:
        errors["caption"] = _("At most %(n)d characters.") % {"n": CAPTION_MAX_LENGTH}
    image = None
    try:
        image = clean_image(
            upload.data, max_bytes=SCREENSHOT_MAX_BYTES, max_pixels=SCREENSHOT_MAX_PIXELS
        )
    except ImageRejected as rejected:
        errors["file"] = _rejection_message(rejected.reason)
    if errors:
        raise ValidationError(errors)
    return do_add_screenshot(user, record, image, upload.captured_at, caption)


def _rejection_message(reason: str) -> str:
    if reason == "empty":
        return _("Please choose a screenshot to upload.")
    if reason == "too_large":
        return _("The file is larger than 10 MB. Please upload a smaller screenshot.")
    if reason == "too_many_pixels":
        return _(
            "The image has more than 40 megapixels and is refused (it could be a "
            "decompression bomb). Please upload a smaller screenshot."
        )
    if reason == "animated":
        return _("Animated images are not accepted. Please upload a still screenshot.")
    if reason == "corrupt":
        return _("The image is damaged or incomplete and cannot be read.")
    return _("The file is not an image. Please upload a screenshot as JPEG, PNG or WebP.")


@transaction.atomic
def do_add_screenshot(user, record: IncidentRecord, image, captured_at, caption=""):
    """Store a checked, metadata-free image (``komma.media.images.CleanImage``) under
    a random name and record its SHA-256, size and the time it was taken."""
    # Lock the record so that two uploads at once cannot pass the limit together.
    locked = IncidentRecord.objects.select_for_update().get(pk=record.pk)
    if locked.screenshots.count() >= MAX_SCREENSHOTS:
        raise ValidationError(
            {"file": _("A record holds at most %(n)d screenshots.") % {"n": MAX_SCREENSHOTS}}
        )
    screenshot = IncidentScreenshot(
        record=locked,
        content_type=image.content_type,
        size=len(image.data),
        width=image.width,
        height=image.height,
        sha256=image.sha256,
        captured_at=captured_at,
        caption=caption,
        uploaded_by=user,
        uploaded_at=timezone.now(),
    )
    # The name only carries the extension; upload_to makes it random.
    screenshot.file.save(f"screenshot{image.extension}", ContentFile(image.data), save=False)
    try:
        screenshot.save()
        IncidentRecord.objects.filter(pk=record.pk).update(updated_at=timezone.now())
    except BaseException:
        _remove_files([screenshot.file])  # no row, no file
        raise
    return screenshot


def check_delete_screenshot(user, record: IncidentRecord, screenshot_id) -> None:
    """Delete a screenshot of ``record`` if ``user`` is a member of its municipality
    (a forged id is a 404)."""
    _check_member(user, record.municipality_id)
    screenshot = access_screenshot(user, record.public_id, screenshot_id)
    do_delete_screenshot(screenshot)


@transaction.atomic
def do_delete_screenshot(screenshot: IncidentScreenshot) -> None:
    """Delete the screenshot; its file goes once the deletion is committed."""
    files = [screenshot.file]
    record_id = screenshot.record_id
    screenshot.delete()
    IncidentRecord.objects.filter(pk=record_id).update(updated_at=timezone.now())
    transaction.on_commit(lambda: _remove_files(files))


def _remove_files(files) -> None:
    for stored in files:
        if stored and stored.name:
            stored.storage.delete(stored.name)


# --- Exports ----------------------------------------------------------------------------
def _moment(value: datetime | None) -> str:
    """A date and time for the record: local time with its offset to UTC (a court
    in another time zone reads it unambiguously)."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    offset = local.strftime("%z")
    return f"{local:%d.%m.%Y, %H:%M:%S} (UTC{offset[:3]}:{offset[3:]})"


def _read(screenshot: IncidentScreenshot) -> bytes | None:
    try:
        with screenshot.file.open("rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError, ValueError):
        return None


def _field_rows(record: IncidentRecord) -> list[tuple[str, str, str]]:
    """``(key, label, value)`` of every field, in the order of the evidence guidance."""
    return [
        ("title", _("Short description"), record.title),
        ("occurred_at", _("Date and time of the incident"), _moment(record.occurred_at)),
        ("platform", _("Platform or place"), record.platform),
        ("url", _("URL"), record.url),
        ("account_name", _("Account name"), record.account_name),
        ("content_text", _("Text of the post or message (full text)"), record.content_text),
        ("context", _("Context"), record.context),
    ]


def export_basename(record: IncidentRecord) -> str:
    """A neutral file name: the date of the incident and the first part of its id."""
    day = timezone.localtime(record.occurred_at).strftime("%Y-%m-%d")
    return f"vorfall-{day}-{str(record.public_id)[:8]}"


def _footer(exported_at: datetime) -> str:
    # Translators: German "Exportiert am %(time)s · erstellt mit KomMA Netzwerk".
    return _("Exported on %(time)s · created with KomMA Netzwerk") % {"time": _moment(exported_at)}


def export_pdf(record: IncidentRecord, screenshots=None, *, exported_at=None) -> bytes:
    """The record as a PDF: every field, then each screenshot with the time it was
    taken and its SHA-256, a footer with the export time on every page."""
    exported_at = exported_at or timezone.now()
    screenshots = screenshots_of(record) if screenshots is None else screenshots
    doc = Document(
        _("Incident record: %(title)s") % {"title": record.title},
        footer=_footer(exported_at),
        subject=_("Evidence of an incident"),
    )
    doc.field(_("Municipality"), record.municipality.name)
    doc.field(_("Record id"), str(record.public_id))
    doc.heading(_("The incident"))
    for _key, label, value in _field_rows(record):
        doc.field(label, value)
    doc.heading(_("Screenshots"))
    if not screenshots:
        doc.paragraph(_("No screenshots."))
    for number, shot in enumerate(screenshots, start=1):
        data = _read(shot)
        lines = [
            _("Screenshot %(n)d") % {"n": number},
            _("Taken on: %(time)s") % {"time": _moment(shot.captured_at)},
        ]
        if shot.caption:
            lines.append(_("Caption: %(caption)s") % {"caption": shot.caption})
        lines.append(
            _("File: %(name)s, %(width)d × %(height)d px")
            % {"name": _zip_name(number, shot), "width": shot.width, "height": shot.height}
        )
        lines.append(f"SHA-256: {shot.sha256}")
        # The facts of a screenshot stay on the page of its image.
        doc.keep_space(len(lines) * 5.5 + 8 + (doc.image_height(data) if data else 0))
        doc.rule().paragraph("\n".join(lines), size=9.5)
        if data is None:
            doc.paragraph(_("The file of this screenshot is missing."))
        else:
            doc.image(data)
    doc.rule().paragraph(
        _(
            "Exported on %(time)s from KomMA Netzwerk. The SHA-256 checksums identify "
            "the screenshot files as stored when they were uploaded."
        ) % {"time": _moment(exported_at)},
        size=8.5,
    )  # fmt: skip
    return doc.bytes()


def _zip_name(number: int, shot: IncidentScreenshot) -> str:
    extension = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}.get(
        shot.content_type, "bin"
    )
    return f"screenshot-{number:02d}.{extension}"


def export_zip(record: IncidentRecord, screenshots=None, *, exported_at=None) -> bytes:
    """A ZIP for a police report: the PDF, the screenshots under neutral names, and a
    manifest (``manifest.json`` and ``manifest.txt``) with every field and the
    SHA-256 of each file."""
    exported_at = exported_at or timezone.now()
    screenshots = screenshots_of(record) if screenshots is None else screenshots
    pdf_name = f"{export_basename(record)}.pdf"
    pdf_data = export_pdf(record, screenshots, exported_at=exported_at)
    files = [(pdf_name, pdf_data)]
    shots_manifest = []
    for number, shot in enumerate(screenshots, start=1):
        data = _read(shot)
        name = _zip_name(number, shot)
        entry = {
            "file": name if data is not None else None,
            "captured_at": timezone.localtime(shot.captured_at).isoformat(),
            "caption": shot.caption,
            "width": shot.width,
            "height": shot.height,
            "sha256_at_upload": shot.sha256,
        }
        if data is not None:
            files.append((name, data))
            entry["sha256"] = hashlib.sha256(data).hexdigest()
            entry["size"] = len(data)
        shots_manifest.append(entry)
    manifest = {
        "generator": "KomMA Netzwerk",
        "exported_at": timezone.localtime(exported_at).isoformat(),
        "municipality": record.municipality.name,
        "record_id": str(record.public_id),
        "record": {key: value for key, _label, value in _field_rows(record)}
        | {"occurred_at": timezone.localtime(record.occurred_at).isoformat()},
        "screenshots": shots_manifest,
        "files": [
            {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in files
        ],
    }
    text = _manifest_text(record, manifest, screenshots, exported_at)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        archive.writestr("manifest.txt", text)
    return buffer.getvalue()


def _manifest_text(record, manifest, screenshots, exported_at) -> str:
    lines = [
        _("Incident record: %(title)s") % {"title": record.title},
        "=" * 60,
        f"{_('Municipality')}: {record.municipality.name}",
        f"{_('Record id')}: {record.public_id}",
        f"{_('Exported on')}: {_moment(exported_at)} (KomMA Netzwerk)",
        "",
    ]
    for _key, label, value in _field_rows(record):
        lines.append(f"{label}:")
        lines.extend(f"    {line}" for line in (value or "\u2013").splitlines() or [""])
        lines.append("")
    lines.append(_("Screenshots") + ":")
    pairs = zip(screenshots, manifest["screenshots"], strict=True)
    for number, (shot, entry) in enumerate(pairs, start=1):
        lines.append(f"  {number:02d}. {entry['file'] or _('(file missing)')}")
        lines.append(f"      {_('Taken on')}: {_moment(shot.captured_at)}")
        if entry["caption"]:
            lines.append(f"      {_('Caption')}: {entry['caption']}")
        lines.append(f"      SHA-256: {entry.get('sha256') or entry['sha256_at_upload']}")
    if not manifest["screenshots"]:
        lines.append("  " + _("No screenshots."))
    lines += ["", _("Files and their SHA-256 checksums") + ":"]
    lines += [f"  {item['sha256']}  {item['name']}" for item in manifest["files"]]
    return "\n".join(lines) + "\n"
