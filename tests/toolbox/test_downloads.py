"""The downloads of a filled template: valid .txt, .md and .docx files with the
text as typed (hostile input stays literal text), safe file names, nothing stored."""

import io
import shutil
import subprocess
import zipfile

import pytest
from django.urls import reverse

from tests.conftest import need_service
from tests.toolbox.filling_fixtures import *  # noqa: F403
from tests.toolbox.filling_fixtures import FILL_NEEDLES, client_for
from toolbox.filling import as_docx, download_filename
from toolbox.models import TemplateDraft, Visibility

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> **fett** [link](javascript:alert(1))'


def export_url(resource, fmt):
    return reverse("toolbox:resource_export", kwargs={"slug": resource.slug, "fmt": fmt})


def values(**overrides):
    data = {
        "v-Kommune": "Stadt Beispielhausen",
        "v-Datum": "2026-11-20",
        "v-Vorfall": "Ein Plakat wurde beschmiert.\nDie Polizei ermittelt.",
        "v-Ansprechperson": "",
    }
    data.update(overrides)
    return data


def docx_text(content: bytes) -> tuple[list[str], object]:
    from docx import Document

    document = Document(io.BytesIO(content))
    return [p.text for p in document.paragraphs], document


def test_txt_is_the_filled_text(fill_cast, press_template):
    response = client_for(fill_cast["member_a"]).post(export_url(press_template, "txt"), values())
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{press_template.slug}.txt"'
    assert response["Cache-Control"] == "no-store, private"
    text = response.content.decode("utf-8")
    assert text == (
        "Pressemitteilung der Stadt Beispielhausen\n\n"
        "Am 20. November 2026 kam es zu folgendem Vorfall: Ein Plakat wurde beschmiert.\n"
        "Die Polizei ermittelt.\n\n"
        "Wir verurteilen Rassismus und Hass entschieden.\n"
        "Ansprechperson: \n"
    )


def test_md_has_a_heading_and_the_literal_text(fill_cast, press_template):
    response = client_for(fill_cast["member_a"]).post(
        export_url(press_template, "md"), values(**{"v-Vorfall": HOSTILE})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("# Pressemitteilung nach einem Vorfall\n\nPressemitteilung der Stadt")
    assert HOSTILE in text  # plain text: not escaped, not interpreted


def test_docx_opens_and_holds_title_and_paragraphs(fill_cast, press_template):
    response = client_for(fill_cast["member_a"]).post(
        export_url(press_template, "docx"), values(**{"v-Vorfall": HOSTILE})
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == f'attachment; filename="{press_template.slug}.docx"'
    assert zipfile.is_zipfile(io.BytesIO(response.content))
    paragraphs, document = docx_text(response.content)
    assert paragraphs[0] == "Pressemitteilung nach einem Vorfall"
    assert document.paragraphs[0].style.name == "Heading 1"
    assert paragraphs[1] == "Pressemitteilung der Stadt Beispielhausen"
    assert paragraphs[2] == f"Am 20. November 2026 kam es zu folgendem Vorfall: {HOSTILE}"
    # Lines of one paragraph are kept as line breaks inside it.
    assert paragraphs[3] == "Wir verurteilen Rassismus und Hass entschieden.\nAnsprechperson: "
    assert document.core_properties.author == "KomMA Netzwerk"
    assert document.core_properties.title == "Pressemitteilung nach einem Vorfall"


def test_docx_is_opened_by_libreoffice(tmp_path):
    office = shutil.which("soffice") or shutil.which("libreoffice")
    need_service("LibreOffice", office is not None, "soffice is not installed")
    source = tmp_path / "vorlage.docx"
    source.write_bytes(as_docx("Titel", "Erster Absatz\nzweite Zeile\n\nZweiter Absatz <b>"))
    subprocess.run(
        [office, "--headless", "--convert-to", "txt:Text", "--outdir", str(tmp_path), str(source)],
        check=True,
        timeout=120,
        capture_output=True,
    )
    converted = (tmp_path / "vorlage.txt").read_text(encoding="utf-8-sig")
    assert "Titel" in converted and "Zweiter Absatz <b>" in converted


def test_invalid_values_give_the_form_with_messages_not_a_file(fill_cast, press_template):
    response = client_for(fill_cast["member_a"]).post(
        export_url(press_template, "docx"), values(**{"v-Kommune": "", "v-Datum": "31.02.2026"})
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "Name der Kommune: This field is required." in body
    assert "Enter a date, for example 21.11.2026." in body
    press_template.refresh_from_db()
    assert press_template.use_count == 0


def test_unknown_format_and_get_are_refused(fill_cast, press_template):
    client = client_for(fill_cast["member_a"])
    assert client.post(export_url(press_template, "pdf"), values()).status_code == 404
    assert client.get(export_url(press_template, "txt")).status_code == 405


def test_export_follows_visibility(fill_cast, make_template):
    network = make_template(visibility=Visibility.NETWORK)
    assert client_for().post(export_url(network, "txt"), values()).status_code == 404
    assert (
        client_for(fill_cast["partner"]).post(export_url(network, "txt"), values()).status_code
        == 404
    )
    public = make_template(visibility=Visibility.PUBLIC)
    assert client_for().post(export_url(public, "txt"), values()).status_code == 200


def test_broken_template_exports_nothing(fill_cast, make_template):
    broken = make_template("{{Kommune}} {{Fehlt}}", [("Kommune", "Kommune", "text", True, 50)])
    response = client_for(fill_cast["member_a"]).post(export_url(broken, "txt"), {"v-Kommune": "X"})
    assert response.status_code == 400
    assert "This template cannot be used at the moment" in response.content.decode()


def test_downloads_count_one_use_per_session_and_store_nothing(fill_cast, press_template):
    use_url = reverse("toolbox:resource_use", kwargs={"slug": press_template.slug})
    client = client_for(fill_cast["member_a"])
    # Preview twice, then all three formats: one person using one template once.
    for _ in range(2):
        assert client.post(use_url, values()).status_code == 200
    for fmt in ("txt", "md", "docx"):
        assert client.post(export_url(press_template, fmt), values()).status_code == 200
    press_template.refresh_from_db()
    assert press_template.use_count == 1
    # Another member's session is another use; the document counter is untouched.
    assert (
        client_for(fill_cast["member_a2"]).post(export_url(press_template, "md"), values())
    ).status_code == 200
    press_template.refresh_from_db()
    assert press_template.use_count == 2
    assert press_template.download_count == 0
    assert TemplateDraft.objects.count() == 0


def test_anonymous_uses_count_once_per_visitor(make_template):
    from django.core.cache import cache

    cache.clear()
    public = make_template(visibility=Visibility.PUBLIC)
    for fmt in ("txt", "docx"):
        assert client_for().post(export_url(public, fmt), values()).status_code == 200
    public.refresh_from_db()
    assert public.use_count == 1


def test_downloads_name_nobody(fill_cast, press_template):
    client = client_for(fill_cast["member_a"])
    for fmt in ("txt", "md", "docx"):
        content = client.post(export_url(press_template, fmt), values()).content
        if fmt == "docx":
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                content = b"".join(archive.read(name) for name in archive.namelist())
        text = content.decode("utf-8", errors="replace")
        for needle in FILL_NEEDLES:
            assert needle not in text


@pytest.mark.parametrize(
    "slug, expected",
    [
        ("pressemitteilung", "pressemitteilung.txt"),
        ("", "vorlage.txt"),
        ('a"b;c/../d', "a-b-c-d.txt"),
        ("Grosse-Buchstaben", "grosse-buchstaben.txt"),
    ],
)
def test_download_filename_is_safe_ascii(slug, expected):
    assert download_filename(slug, "txt") == expected


def test_docx_survives_editor_control_characters():
    paragraphs, _doc = docx_text(as_docx("Titel\x0b", "Text mit \x0c Seitenumbruch"))
    assert paragraphs == ["Titel", "Text mit  Seitenumbruch"]


@pytest.mark.parametrize(
    "field, value, code",
    [
        ("v-Vorfall", "Ein Plakat\uffff wurde beschmiert.", "U+FFFF"),
        ("v-Kommune", "Stadt\ufffeBeispielhausen", "U+FFFE"),
    ],
)
def test_docx_with_noncharacters_is_refused_with_a_message(
    fill_cast, press_template, field, value, code
):
    client = client_for(fill_cast["member_a"])
    response = client.post(export_url(press_template, "docx"), values(**{field: value}))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert f"not a character ({code})" in response.content.decode()
    press_template.refresh_from_db()
    assert press_template.use_count == 0
