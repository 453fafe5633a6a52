"""Exports of a directory search as CSV, vCard 4.0 and JSON.

An export holds exactly what the requester sees in the directory: the
organisations of the current search (all pages, at most ``EXPORT_LIMIT``), and of
their contact channels only those ``access`` lets the requester see. The CSV
columns are the columns ``manage.py import_alliance`` reads (``COLUMNS``), so an
editor's export can be edited and imported again.

CSV: UTF-8 with BOM (Excel opens it correctly), comma-separated. Lists inside a
cell (topics, languages, service areas) are separated by ``;``, several channels
of one kind by `` | `` with their visibilities in the same order in the
``<column>_visibility`` cell. Service areas are written ``nationwide``,
``land:SN``, ``kreis:14626`` or ``gemeinde:14626110``.
"""

import csv
import io
import json
from datetime import UTC

from django.utils import timezone

from komma.accounts.choices import Bundesland

from .models import ChannelKind, ServiceAreaScope

LIST_SEPARATOR = ";"
CHANNEL_SEPARATOR = " | "

# Channel kind -> CSV column.
CHANNEL_COLUMNS: dict[str, str] = {
    ChannelKind.PHONE: "phone",
    ChannelKind.EMAIL: "email",
    ChannelKind.POSTAL_ADDRESS: "postal_address",
    ChannelKind.CONTACT_PERSON: "contact_person",
    ChannelKind.WEBSITE: "web_link",
    ChannelKind.FAX: "fax",
    ChannelKind.MESSENGER: "messenger",
    ChannelKind.OTHER: "other_channel",
}

ORGANIZATION_COLUMNS = [
    "name", "alternate_name", "category", "status", "description", "website", "topics",
    "languages", "accessibility", "address", "postal_code", "city", "bundesland", "latitude",
    "longitude", "service_areas",
]  # fmt: skip
CHANNEL_CSV_COLUMNS = [
    column for kind_column in CHANNEL_COLUMNS.values()
    for column in (kind_column, f"{kind_column}_visibility")
]  # fmt: skip
TRAILING_COLUMNS = ["last_verified_at", "verified_by_role", "directory_url"]
COLUMNS = ORGANIZATION_COLUMNS + CHANNEL_CSV_COLUMNS + TRAILING_COLUMNS

SCOPE_PREFIX = {
    ServiceAreaScope.BUNDESLAND: "land",
    ServiceAreaScope.KREIS: "kreis",
    ServiceAreaScope.MUNICIPALITY: "gemeinde",
}


def service_area_code(area) -> str:
    if area.scope == ServiceAreaScope.NATIONWIDE:
        return "nationwide"
    if area.scope == ServiceAreaScope.BUNDESLAND:
        return f"land:{area.bundesland}"
    return f"{SCOPE_PREFIX[area.scope]}:{area.ags}"


def _location(org):
    return getattr(org, "location", None) if org.pk else None


def _safe_cell(value) -> str:
    """Neutralise spreadsheet formulas (OWASP "CSV injection"): a cell starting with
    = + - @ or a control character gets a leading apostrophe, which spreadsheets hide
    and ``import_alliance`` removes again (a phone number "+49 …" stays a number)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def csv_row(org, absolute) -> dict[str, str]:
    location = _location(org)
    row = {
        "name": org.name,
        "alternate_name": org.alternate_name,
        "category": org.category,
        "status": org.status,
        "description": org.description,
        "website": org.website,
        "topics": LIST_SEPARATOR.join(t.slug for t in org.topics.all()),
        "languages": LIST_SEPARATOR.join(org.language_codes),
        "accessibility": org.accessibility,
        "address": location.address_1 if location else "",
        "postal_code": location.postal_code if location else "",
        "city": location.city if location else "",
        "bundesland": location.bundesland if location else "",
        "latitude": "" if not location or location.latitude is None else f"{location.latitude:.6f}",
        "longitude": (
            "" if not location or location.longitude is None else f"{location.longitude:.6f}"
        ),
        "service_areas": LIST_SEPARATOR.join(service_area_code(a) for a in org.service_areas.all()),
        "last_verified_at": org.last_verified_at.date().isoformat() if org.last_verified_at else "",
        "verified_by_role": org.verified_by_role,
        "directory_url": absolute(org.get_absolute_url()),
    }
    for kind, column in CHANNEL_COLUMNS.items():
        channels = [c for c in org.visible_channels if c.kind == kind]
        row[column] = CHANNEL_SEPARATOR.join(c.value for c in channels)
        row[f"{column}_visibility"] = CHANNEL_SEPARATOR.join(c.visibility for c in channels)
    return {key: _safe_cell(value) for key, value in row.items()}


def to_csv(organizations, absolute) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for org in organizations:
        writer.writerow(csv_row(org, absolute))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- vCard 4.0 (RFC 6350) ------------------------------------------------------------


def _escape(value: str) -> str:
    """TEXT value escaping (RFC 6350 3.4)."""
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _param(value: str) -> str:
    """A quoted parameter value (RFC 6868: ^ ^^, newline ^n, " ^')."""
    text = str(value).replace("^", "^^").replace("\r\n", "^n").replace("\n", "^n")
    return '"' + text.replace('"', "^'") + '"'


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded (CRLF + space), never inside a UTF-8
    sequence (RFC 6350 3.2)."""
    out, current, size = [], [], 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines start with a space
        if size + width > limit:
            out.append("".join(current))
            current, size = [], 0
        current.append(ch)
        size += width
    out.append("".join(current))
    return "\r\n ".join(out)


def vcard(org, absolute) -> str:
    location = _location(org)
    lines = ["BEGIN:VCARD", "VERSION:4.0", "KIND:org", f"FN:{_escape(org.name)}",
             f"ORG:{_escape(org.name)}"]  # fmt: skip
    if org.alternate_name:
        lines.append(f"NICKNAME:{_escape(org.alternate_name)}")
    if location and (location.address_1 or location.city):
        land = location.get_bundesland_display()
        street, city, plz = location.address_1, location.city, location.postal_code
        components = ["", "", street, city, land, plz, "Deutschland"]
        lines.append("ADR;TYPE=work:" + ";".join(_escape(c) for c in components))
    if location and location.latitude is not None and location.longitude is not None:
        lines.append(f"GEO:geo:{location.latitude:.6f},{location.longitude:.6f}")
    notes = []
    for channel in org.visible_channels:
        label = f" ({channel.label})" if channel.label else ""
        if channel.kind == ChannelKind.PHONE:
            lines.append(f"TEL;TYPE=voice;VALUE=text:{_escape(channel.value)}")
        elif channel.kind == ChannelKind.FAX:
            lines.append(f"TEL;TYPE=fax;VALUE=text:{_escape(channel.value)}")
        elif channel.kind == ChannelKind.EMAIL:
            lines.append(f"EMAIL;TYPE=work:{_escape(channel.value)}")
        elif channel.kind == ChannelKind.WEBSITE:
            lines.append(f"URL:{channel.value}")
        elif channel.kind == ChannelKind.POSTAL_ADDRESS:
            lines.append(f"ADR;TYPE=postal;LABEL={_param(channel.value)}:;;;;;;")
        else:
            notes.append(f"{channel.get_kind_display()}: {channel.value}{label}")
    if org.website:
        lines.append(f"URL;TYPE=work:{org.website}")
    categories = [str(org.get_category_display()), *(t.name for t in org.topics.all())]
    lines.append("CATEGORIES:" + ",".join(_escape(c) for c in categories))
    note = "\n".join([org.description, *notes]).strip()
    if note:
        lines.append(f"NOTE:{_escape(note)}")
    lines.append(f"SOURCE:{absolute(org.get_absolute_url())}")
    lines.append(f"UID:{absolute(org.get_absolute_url())}")
    lines.append("REV:" + org.updated_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))
    lines.append("END:VCARD")
    return "".join(_fold(line) + "\r\n" for line in lines)


def to_vcard(organizations, absolute) -> bytes:
    return "".join(vcard(org, absolute) for org in organizations).encode("utf-8")


# --- JSON (HSDS-shaped) --------------------------------------------------------------


def json_item(org, absolute) -> dict:
    location = _location(org)
    return {
        "id": org.slug,
        "name": org.name,
        "alternate_name": org.alternate_name,
        "description": org.description,
        "url": org.website,
        "category": org.category,
        "status": org.status,
        "topics": [{"slug": t.slug, "name": t.name} for t in org.topics.all()],
        "languages": org.language_codes,
        "accessibility": org.accessibility,
        "last_verified_at": org.last_verified_at.isoformat() if org.last_verified_at else None,
        "verified_by_role": org.verified_by_role or None,
        "location": None
        if location is None
        else {
            "address_1": location.address_1,
            "postal_code": location.postal_code,
            "city": location.city,
            "state_province": location.bundesland,
            "state_name": dict(Bundesland.choices).get(location.bundesland, ""),
            "country": "DE",
            "latitude": location.latitude,
            "longitude": location.longitude,
        },
        "contacts": [
            {"kind": c.kind, "value": c.value, "label": c.label, "visibility": c.visibility}
            for c in org.visible_channels
        ],
        "service_areas": [
            {
                "scope": a.scope,
                "bundesland": a.bundesland or None,
                "ags": a.ags or None,
                "name": a.name,
                "code": service_area_code(a),
            }
            for a in org.service_areas.all()
        ],
        "directory_url": absolute(org.get_absolute_url()),
    }


def to_json(organizations, absolute, query_params) -> bytes:
    data = {
        "generated_at": timezone.now().isoformat(),
        "query": dict(query_params),
        "count": len(organizations),
        "organizations": [json_item(org, absolute) for org in organizations],
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "vcard": ("text/vcard; charset=utf-8", "vcf"),
    "json": ("application/json", "json"),
}


def filename(extension: str) -> str:
    return f"allianz-verzeichnis-{timezone.localdate().isoformat()}.{extension}"
