"""Exports of incident records: the PDF opens in a PDF reader and holds what the
evidence guidance asks for; the ZIP holds the PDF, the screenshots and a manifest
whose SHA-256 checksums match the files. Neither names a person."""

import hashlib
import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.toolbox.conftest import IDENTITIES, client_for
from tests.toolbox.incident_fixtures import *  # noqa: F403  (fixtures)
from tests.toolbox.incident_fixtures import (
    ACCOUNT,
    CONTENT_TEXT,
    CONTEXT,
    PLATFORM,
    URL,
    make_incident,
    png_bytes,
)
from toolbox import incidents, pdf
from toolbox.models import IncidentScreenshot

pytestmark = pytest.mark.django_db


def export(client, record, fmt):
    return client.get(
        reverse("toolbox:incident_export", kwargs={"public_id": record.public_id, "fmt": fmt})
    )


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """Text without line breaks and doubled spaces (the PDF wraps long lines)."""
    return " ".join(text.split())


def test_the_pdf_holds_the_evidence(cast, incident):
    response = export(client_for(cast["member_a2"]), incident, "pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="vorfall-')
    assert "no-store" in response["Cache-Control"]
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.metadata.title.startswith("Incident record")
    text = flat(pdf_text(response.content))
    for expected in [CONTENT_TEXT, ACCOUNT, PLATFORM, URL, CONTEXT, incident.title]:
        assert flat(expected) in text, expected
    occurred = timezone.localtime(incident.occurred_at).strftime("%d.%m.%Y, %H:%M:%S")
    assert occurred in text  # date and time of the incident
    for shot in incident.screenshots.all():
        taken = timezone.localtime(shot.captured_at).strftime("%d.%m.%Y, %H:%M:%S")
        assert taken in text  # the time each screenshot was taken
        assert shot.sha256 in text.replace(" ", "")
    assert "Profil des Kontos" in text  # a caption
    assert "KomMA Netzwerk" in text and "Exported on" in text  # the footer
    assert incident.municipality.name in text
    # both screenshots are embedded as images
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 2


def test_the_exports_name_no_person(cast, incident):
    client = client_for(cast["member_a"])
    pdf_data = export(client, incident, "pdf").content
    zip_data = export(client, incident, "zip").content
    texts = [pdf_text(pdf_data)]
    with zipfile.ZipFile(io.BytesIO(zip_data)) as archive:
        texts += [archive.read("manifest.json").decode(), archive.read("manifest.txt").decode()]
    for text in texts:
        for pseudonym, identity in IDENTITIES.items():
            for needle in (pseudonym, *identity):
                assert needle not in text, needle


def test_the_zip_holds_pdf_screenshots_and_a_matching_manifest(cast, incident):
    response = export(client_for(cast["member_a"]), incident, "zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        base = incidents.export_basename(incident)
        assert names == [
            f"{base}.pdf",
            "screenshot-01.png",
            "screenshot-02.jpg",
            "manifest.json",
            "manifest.txt",
        ]
        manifest = json.loads(archive.read("manifest.json"))
        listed = {item["name"]: item["sha256"] for item in manifest["files"]}
        assert set(listed) == set(names) - {"manifest.json", "manifest.txt"}
        for name, checksum in listed.items():
            assert hashlib.sha256(archive.read(name)).hexdigest() == checksum, name
        text = archive.read("manifest.txt").decode()
        pdf_inside = archive.read(f"{base}.pdf")
        screenshot_bytes = archive.read("screenshot-01.png")
    assert flat(CONTENT_TEXT) in flat(pdf_text(pdf_inside))
    # the screenshots are the stored files, byte for byte, with their recorded checksum
    shots = list(incident.screenshots.order_by("captured_at", "pk"))
    assert [entry["sha256_at_upload"] for entry in manifest["screenshots"]] == [
        shot.sha256 for shot in shots
    ]
    assert hashlib.sha256(screenshot_bytes).hexdigest() == shots[0].sha256
    assert manifest["record"]["content_text"] == CONTENT_TEXT
    assert manifest["record"]["account_name"] == ACCOUNT
    assert manifest["record"]["url"] == URL
    assert manifest["record"]["occurred_at"] == timezone.localtime(incident.occurred_at).isoformat()
    assert (
        manifest["screenshots"][1]["captured_at"]
        == timezone.localtime(shots[1].captured_at).isoformat()
    )
    assert manifest["municipality"] == incident.municipality.name
    for shot in shots:
        assert shot.sha256 in text
    assert ACCOUNT in text and CONTENT_TEXT in text and URL in text


def test_a_record_without_screenshots_exports(cast, towns, media_root):
    record = make_incident(cast["member_a"], towns["a"], content_text="Nur Text, kein Bild.")
    client = client_for(cast["member_a"])
    assert "Nur Text, kein Bild." in pdf_text(export(client, record, "pdf").content)
    with zipfile.ZipFile(io.BytesIO(export(client, record, "zip").content)) as archive:
        assert len(archive.namelist()) == 3
        assert json.loads(archive.read("manifest.json"))["screenshots"] == []


def test_a_missing_file_is_reported_not_fatal(cast, towns, media_root):
    record = make_incident(
        cast["member_a"], towns["a"], screenshots=[(png_bytes(), timezone.now(), "")]
    )
    shot = record.screenshots.get()
    shot.file.storage.delete(shot.file.name)
    client = client_for(cast["member_a"])
    assert "missing" in pdf_text(export(client, record, "pdf").content)
    with zipfile.ZipFile(io.BytesIO(export(client, record, "zip").content)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["screenshots"][0]["file"] is None
    assert manifest["screenshots"][0]["sha256_at_upload"] == shot.sha256


def test_unicode_text_survives_with_dejavu(cast, towns, media_root):
    if not pdf.unicode_font_available():
        pytest.skip("DejaVu Sans is not installed")
    record = make_incident(
        cast["member_a"],
        towns["a"],
        content_text="Łódź, İstanbul, Київ – „Zitat“ … ß",
        account_name="@ağır_söz",
    )
    text = pdf_text(export(client_for(cast["member_a"]), record, "pdf").content)
    assert "Łódź, İstanbul, Київ – „Zitat“ … ß" in text
    assert "@ağır_söz" in text


def test_without_dejavu_the_pdf_falls_back_to_helvetica(cast, towns, media_root, monkeypatch):
    monkeypatch.setattr(pdf, "REGULAR_FONT", pdf.Path("/nonexistent/DejaVuSans.ttf"))
    record = make_incident(
        cast["member_a"], towns["a"], content_text="Straße „Zitat“ – Łódź", account_name="@x"
    )
    text = pdf_text(export(client_for(cast["member_a"]), record, "pdf").content)
    assert 'Straße "Zitat" - ?ód?' in text


def test_document_helper_api():
    """The small API other toolbox areas (checklist exports) build on."""
    data = (
        pdf.Document("Checkliste: Die ersten 24 Stunden", footer="erstellt mit KomMA Netzwerk")
        .heading("Schritte")
        .field("Status", "erledigt")
        .paragraph("Betroffene Person betreuen.\nBeweise sichern.")
        .image(png_bytes(size=(400, 200)), caption="Abbildung 1")
        .bytes()
    )
    reader = PdfReader(io.BytesIO(data))
    text = reader.pages[0].extract_text()
    assert "Checkliste: Die ersten 24 Stunden" in text
    assert "Beweise sichern." in text and "Abbildung 1" in text and "erledigt" in text
    assert "erstellt mit KomMA Netzwerk" in text
    assert len(reader.pages[0].images) == 1


def test_a_very_tall_screenshot_fits_on_a_page(cast, towns, media_root):
    record = make_incident(
        cast["member_a"],
        towns["a"],
        screenshots=[(png_bytes(size=(400, 9000)), timezone.now(), "Langer Verlauf")],
    )
    data = incidents.export_pdf(record)
    reader = PdfReader(io.BytesIO(data))
    assert sum(len(page.images) for page in reader.pages) == 1
    assert IncidentScreenshot.objects.count() == 1
