"""Importing directory entries from CSV (``manage.py import_alliance``).

The columns are the columns of the CSV export (``exports.COLUMNS``); column names
are matched case-insensitively, unknown columns are ignored (reported once).

Required: ``name``, ``category``, ``postal_code``, ``city``, ``bundesland``.

Optional: ``alternate_name``, ``status`` (active | inactive | temporarily_closed;
default active), ``description``, ``website``, ``topics`` (topic slugs or names,
``;``-separated; unknown topics are created), ``languages`` (ISO codes,
``;``-separated; ``de`` if empty), ``accessibility``, ``address`` (street and number),
``latitude``/``longitude`` (decimal degrees with a dot, both or neither, inside
Germany), ``service_areas`` (``nationwide``, ``land:SN``, ``kreis:14626``,
``gemeinde:14626110``, ``;``-separated), ``last_verified_at`` (YYYY-MM-DD),
``verified_by_role`` (editor | partner), and per channel kind a column with the
value(s) and one with their visibility (public | network | partners | hidden;
default network): ``phone``, ``email``, ``postal_address``, ``contact_person``,
``web_link``, ``fax``, ``messenger``, ``other_channel`` and ``<column>_visibility``.
Several channels of one kind are separated by `` | ``; one visibility applies to
all of them, or one per channel in the same order.

``category`` and ``bundesland`` accept the stored values (``counselling``, ``SN``),
the German URL slugs of the directory (``beratung``) and the names
(``Sachsen``). The delimiter (``,`` ``;`` or tab) is detected from the header.

Duplicates: a row whose name and postal code (case-insensitive) match an existing
entry or an earlier row of the file is an error.

Nothing is written while any row has an error, unless ``skip_invalid``: then the
valid rows are imported and the invalid ones reported. Everything is written in
one transaction.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from komma.accounts.choices import Bundesland

from .exports import CHANNEL_COLUMNS, CHANNEL_SEPARATOR, COLUMNS, LIST_SEPARATOR
from .models import (
    LANGUAGES,
    NAME_MAX_LENGTH,
    Category,
    ChannelKind,
    ChannelVisibility,
    ContactChannel,
    Location,
    Organization,
    ServiceArea,
    ServiceAreaScope,
    Status,
    Topic,
    VerifierRole,
    encode_languages,
)
from .selectors import CATEGORY_SLUGS

REQUIRED_COLUMNS = ("name", "category", "postal_code", "city", "bundesland")
KNOWN_COLUMNS = set(COLUMNS)
# Rough bounding box of Germany: coordinates outside are typos (swapped, missing dot).
GERMANY_LAT = (47.2, 55.1)
GERMANY_LON = (5.8, 15.1)
LAND_BY_NAME = {label.lower(): value for value, label in Bundesland.choices}
CATEGORY_BY_LABEL = {str(label).lower(): value for value, label in Category.choices}


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, header)."""


@dataclass
class RowError:
    line: int  # line number in the file (the header is line 1)
    messages: list[str]

    def __str__(self):
        return f"row {self.line}: " + "; ".join(self.messages)


@dataclass
class ParsedRow:
    line: int
    organization: dict
    location: dict
    topics: list[str]
    channels: list[tuple[str, str, str]]  # kind, value, visibility
    areas: list[dict]


@dataclass
class ImportReport:
    rows: int = 0
    valid: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    created: int = 0
    dry_run: bool = False


def decode(data: bytes, encoding: str) -> str:
    """The file's text; a wrong encoding is an ImportFileError that says where."""
    try:
        text = data.decode(encoding)
    except LookupError as err:
        raise ImportFileError(f"Unknown encoding “{encoding}”.") from err
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ImportFileError(
            f"The file is not valid {encoding} (line {line}, byte {err.start}: "
            f"{data[err.start : err.start + 1]!r}). Save it as UTF-8, or name its encoding, "
            "e.g. --encoding cp1252 for files from Excel on Windows."
        ) from err
    return text.lstrip("\ufeff")


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


def read_rows(text: str) -> tuple[list[str], list[tuple[int, dict]]]:
    """The normalised header and (line number, row) pairs; blank rows are skipped."""
    if not text.strip():
        raise ImportFileError("The file is empty.")
    first_line = text.splitlines()[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error) as err:
        raise ImportFileError(f"The header line cannot be read: {err}") from err
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ImportFileError(
            "Missing columns: " + ", ".join(missing)
            + ". Required are: " + ", ".join(REQUIRED_COLUMNS) + "."
        )  # fmt: skip
    duplicates = sorted({h for h in header if h and header.count(h) > 1})
    if duplicates:
        raise ImportFileError("Columns appear twice: " + ", ".join(duplicates) + ".")
    rows = []
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header):
                rows.append((line, {"__too_many__": str(len(values))}))
                continue
            values = values + [""] * (len(header) - len(values))
            rows.append(
                (line, {h: _unescape(v.strip()) for h, v in zip(header, values, strict=True)})
            )
    except csv.Error as err:
        raise ImportFileError(f"Line {reader.line_num} cannot be read: {err}") from err
    return header, rows


def _unescape(value: str) -> str:
    """Undo the export's formula guard ("'=..." -> "=...")."""
    if value[:2] in ("'=", "'@", "'+", "'-", "'\t"):
        return value[1:]
    return value


def _split(value: str, separator: str = LIST_SEPARATOR) -> list[str]:
    return [part.strip() for part in value.split(separator.strip()) if part.strip()]


def _coordinate(value, name, bounds, errors):
    if not value:
        return None
    try:
        number = float(value.replace(" ", ""))
    except ValueError:
        errors.append(f"{name} “{value}” is not a number (use a dot: 51.34)")
        return None
    if number != number or not bounds[0] <= number <= bounds[1]:  # NaN or outside
        errors.append(f"{name} {value} is outside Germany ({bounds[0]} to {bounds[1]})")
        return None
    return number


def _service_areas(value, errors) -> list[dict]:
    areas = []
    for code in _split(value):
        kind, _sep, rest = code.partition(":")
        kind = kind.strip().lower()
        rest = rest.strip()
        if kind in ("nationwide", "bundesweit") and not rest:
            areas.append({"scope": ServiceAreaScope.NATIONWIDE})
        elif kind == "land" and rest.upper() in Bundesland.values:
            areas.append({"scope": ServiceAreaScope.BUNDESLAND, "bundesland": rest.upper()})
        elif kind == "kreis" and re.fullmatch(r"\d{5}", rest):
            areas.append({"scope": ServiceAreaScope.KREIS, "ags": rest})
        elif kind == "gemeinde" and re.fullmatch(r"\d{8}", rest):
            areas.append({"scope": ServiceAreaScope.MUNICIPALITY, "ags": rest})
        else:
            errors.append(
                f"service area “{code}” is not one of nationwide, land:XX, kreis:12345, "
                "gemeinde:12345678"
            )
    return areas


def _channels(row, errors) -> list[tuple[str, str, str]]:
    channels = []
    email = EmailValidator()
    url = URLValidator(schemes=["http", "https"])
    for kind, column in CHANNEL_COLUMNS.items():
        values = _split(row.get(column, ""), CHANNEL_SEPARATOR)
        if not values:
            continue
        visibilities = _split(row.get(f"{column}_visibility", ""), CHANNEL_SEPARATOR) or [
            ChannelVisibility.NETWORK
        ]
        if len(visibilities) not in (1, len(values)):
            errors.append(f"{column}_visibility: give one visibility or one per {column} value")
            continue
        for i, value in enumerate(values):
            visibility = (visibilities[i] if len(visibilities) > 1 else visibilities[0]).lower()
            if visibility not in ChannelVisibility.values:
                errors.append(
                    f"{column}_visibility “{visibility}” is not one of "
                    + ", ".join(ChannelVisibility.values)
                )
                continue
            if len(value) > 300:
                errors.append(f"{column} is longer than 300 characters")
                continue
            try:
                if kind == ChannelKind.EMAIL:
                    email(value)
                elif kind == ChannelKind.WEBSITE:
                    url(value)
            except ValidationError:
                errors.append(f"{column} “{value}” is not valid")
                continue
            if kind == ChannelKind.POSTAL_ADDRESS:
                value = value.replace("\\n", "\n")
            channels.append((kind, value, visibility))
    return channels


def _choice(value, by_value, by_other, name, errors):
    key = value.strip()
    if key in by_value:
        return key
    found = by_other.get(key.lower())
    if found:
        return found
    errors.append(f"{name} “{value}” is not known")
    return None


def parse_row(line: int, row: dict) -> ParsedRow | RowError:
    errors: list[str] = []
    if "__too_many__" in row:
        return RowError(line, ["the row has more cells than the header"])
    name = row.get("name", "").strip()
    if not name:
        errors.append("name is empty")
    elif len(name) > NAME_MAX_LENGTH:
        errors.append(f"name is longer than {NAME_MAX_LENGTH} characters")
    category = _choice(row.get("category", ""), set(Category.values),
                       {**CATEGORY_SLUGS, **CATEGORY_BY_LABEL}, "category", errors)  # fmt: skip
    land = row.get("bundesland", "").strip()
    land = land.upper() if land.upper() in Bundesland.values else LAND_BY_NAME.get(land.lower())
    if not land:
        errors.append(f"bundesland “{row.get('bundesland', '')}” is not a federal state")
    postal_code = row.get("postal_code", "").strip()
    if not re.fullmatch(r"\d{5}", postal_code):
        errors.append(f"postal_code “{postal_code}” is not five digits")
    city = row.get("city", "").strip()
    if not city:
        errors.append("city is empty")
    status = (row.get("status") or Status.ACTIVE).strip().lower()
    if status not in Status.values:
        errors.append(f"status “{status}” is not one of " + ", ".join(Status.values))
    website = row.get("website", "").strip()
    if website:
        try:
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError:
            errors.append(f"website “{website}” is not a web address (https://…)")
    languages = [code.lower() for code in _split(row.get("languages", ""))] or ["de"]
    unknown = [code for code in languages if code not in LANGUAGES]
    if unknown:
        errors.append("unknown language codes: " + ", ".join(unknown))
    lat = _coordinate(row.get("latitude", "").strip(), "latitude", GERMANY_LAT, errors)
    lon = _coordinate(row.get("longitude", "").strip(), "longitude", GERMANY_LON, errors)
    if bool(row.get("latitude", "").strip()) != bool(row.get("longitude", "").strip()):
        errors.append("give both latitude and longitude, or neither")
    verified_at = None
    verified_text = row.get("last_verified_at", "").strip()
    if verified_text:
        try:
            day = datetime.strptime(verified_text[:10], "%Y-%m-%d").date()
            verified_at = timezone.make_aware(datetime.combine(day, time(12)))
        except ValueError:
            errors.append(f"last_verified_at “{verified_text}” is not a date (YYYY-MM-DD)")
    verified_role = row.get("verified_by_role", "").strip().lower()
    if verified_role and verified_role not in VerifierRole.values:
        errors.append(f"verified_by_role “{verified_role}” is not editor or partner")
    areas = _service_areas(row.get("service_areas", ""), errors)
    channels = _channels(row, errors)
    if errors:
        return RowError(line, errors)
    return ParsedRow(
        line=line,
        organization={
            "name": name,
            "alternate_name": row.get("alternate_name", "").strip()[:NAME_MAX_LENGTH],
            "category": category,
            "status": status,
            "description": row.get("description", "").strip(),
            "website": website,
            "languages": encode_languages(languages),
            "accessibility": row.get("accessibility", "").strip(),
            "last_verified_at": verified_at,
            "verified_by_role": verified_role if verified_at else "",
        },
        location={
            "address_1": row.get("address", "").strip()[:200],
            "postal_code": postal_code,
            "city": city[:100],
            "bundesland": land,
            "latitude": lat,
            "longitude": lon,
        },
        topics=_split(row.get("topics", "")),
        channels=channels,
        areas=areas,
    )


def validate(data: bytes, encoding: str = "utf-8-sig") -> ImportReport:
    """Read and check the whole file; writes nothing."""
    header, rows = read_rows(decode(data, encoding))
    report = ImportReport(rows=len(rows))
    report.ignored_columns = [h for h in header if h and h not in KNOWN_COLUMNS]
    existing = {
        (name.casefold(), plz)
        for name, plz in Organization.objects.values_list("name", "location__postal_code")
    }
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        parsed = parse_row(line, row)
        if isinstance(parsed, RowError):
            report.errors.append(parsed)
            continue
        key = (parsed.organization["name"].casefold(), parsed.location["postal_code"])
        if key in existing:
            report.errors.append(RowError(line, [
                f"“{parsed.organization['name']}” with postal code {key[1]} is already in "
                "the directory"]))  # fmt: skip
            continue
        if key in seen:
            report.errors.append(RowError(line, [
                f"duplicate of row {seen[key]} (same name and postal code)"]))  # fmt: skip
            continue
        seen[key] = line
        report.valid.append(parsed)
    return report


def _unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name.replace("ß", "ss"))[:200] or "organisation"
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    taken.add(slug)
    return slug


@transaction.atomic
def do_import(report: ImportReport) -> int:
    """Create the valid rows of ``report`` (all in one transaction)."""
    from .search import reindex_organization

    wanted = {t for row in report.valid for t in row.topics}
    topics = {}
    for topic in Topic.objects.all():
        topics[topic.slug] = topic
        topics[topic.name.casefold()] = topic
    for label in wanted:
        if label not in topics and label.casefold() not in topics:
            topic = Topic.objects.create(slug=_unique_slug(label, set(topics)), name=label)
            topics[topic.slug] = topics[label.casefold()] = topic
    taken = set(Organization.objects.values_list("slug", flat=True))
    for row in report.valid:
        org = Organization(slug=_unique_slug(row.organization["name"], taken), **row.organization)
        org.search_text = org.build_search_text(
            topic_names=[(topics.get(t) or topics[t.casefold()]).name for t in row.topics],
            city=row.location["city"],
        )
        org.save()
        Location.objects.bulk_create([Location(organization=org, **row.location)])
        ContactChannel.objects.bulk_create(
            ContactChannel(organization=org, kind=kind, value=value, visibility=visibility,
                           position=i)
            for i, (kind, value, visibility) in enumerate(row.channels)
        )  # fmt: skip
        ServiceArea.objects.bulk_create(ServiceArea(organization=org, **a) for a in row.areas)
        topic_ids = {(topics.get(x) or topics[x.casefold()]).pk for x in row.topics}
        org.topics.through.objects.bulk_create(
            org.topics.through(organization_id=org.pk, topic_id=pk) for pk in sorted(topic_ids)
        )
        reindex_organization(org.pk)
    report.created = len(report.valid)
    return report.created
