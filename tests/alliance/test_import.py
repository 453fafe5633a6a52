"""``manage.py import_alliance``: validation per row, atomicity, dry run, skip-invalid."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from alliance.exports import COLUMNS
from alliance.models import ContactChannel, Organization, ServiceArea, Topic

from .conftest import client_for, make_org

pytestmark = pytest.mark.django_db

HEADER = "name,category,postal_code,city,bundesland,latitude,longitude,phone,phone_visibility"
GOOD = [
    "Beratungsstelle Wegwarte,counselling,04109,Leipzig,SN,51.34,12.37,+49 30 23125 111,hidden",
    "Lokalzeitung Kiebitz,lokale-medien,01067,Dresden,Sachsen,51.05,13.74,,",
]


def write(tmp_path, lines, encoding="utf-8", name="import.csv"):
    path = tmp_path / name
    path.write_bytes("\n".join(lines).encode(encoding))
    return str(path)


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_alliance", path, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_imports_valid_file(tmp_path):
    out, err = run(write(tmp_path, [HEADER, *GOOD]))
    assert "Imported 2 organisations" in out and not err
    org = Organization.objects.get(name="Beratungsstelle Wegwarte")
    assert org.location.latitude == 51.34 and org.location.bundesland == "SN"
    assert org.category == "counselling" and org.language_codes == ["de"]
    channel = ContactChannel.objects.get(organization=org)
    assert (channel.kind, channel.value, channel.visibility) == ("phone", "+49 30 23125 111",
                                                                 "hidden")  # fmt: skip
    other = Organization.objects.get(name="Lokalzeitung Kiebitz")
    assert other.category == "local_media" and other.location.bundesland == "SN"
    assert "wegwarte" in org.search_text


def test_wrong_encoding_is_reported_with_the_line(tmp_path):
    lerche = "Bürgerbündnis Lerche,civil_society,04109,Leipzig,SN,,,,"
    path = write(tmp_path, [HEADER, *GOOD, lerche],
                 encoding="cp1252")  # fmt: skip
    with pytest.raises(CommandError) as err:
        run(path)
    message = str(err.value)
    assert "not valid utf-8-sig (line 4" in message and "--encoding cp1252" in message
    assert "Nothing was imported" in message
    assert not Organization.objects.exists()
    run(path, "--encoding", "cp1252")
    assert Organization.objects.filter(name="Bürgerbündnis Lerche").exists()


def test_unknown_encoding(tmp_path):
    with pytest.raises(CommandError, match="Unknown encoding"):
        run(write(tmp_path, [HEADER, *GOOD]), "--encoding", "klingon-8")


def test_missing_columns(tmp_path):
    with pytest.raises(CommandError, match="Missing columns: postal_code, bundesland"):
        run(write(tmp_path, ["name,category,city", "A,counselling,Leipzig"]))
    assert not Organization.objects.exists()


@pytest.mark.parametrize(
    "lat, lon, message",
    [
        ("51,34", "12.37", "latitude “51,34” is not a number (use a dot: 51.34)"),
        ("12.37", "51.34", "latitude 12.37 is outside Germany"),
        ("51.34", "", "give both latitude and longitude, or neither"),
        ("nan", "12.3", "latitude nan is outside Germany"),
        ("91", "12.3", "latitude 91 is outside Germany"),
    ],
)
def test_bad_coordinates(tmp_path, lat, lon, message):
    bad = f'Stelle Ammer,counselling,04109,Leipzig,SN,"{lat}","{lon}",,'
    path = write(tmp_path, [HEADER, *GOOD, bad])
    with pytest.raises(CommandError, match="Nothing was imported"):
        _out, err = run(path)
    _out, err = run(path, "--dry-run", "--skip-invalid")
    assert "row 4:" in err and message in err
    assert not Organization.objects.exists()


def test_errors_are_reported_per_row_and_nothing_is_imported(tmp_path, capsys):
    lines = [HEADER, *GOOD,
             "Stelle Ohne Land,counselling,04109,Leipzig,Atlantis,,,,",
             "Stelle Falsch,astrologie,4109,Leipzig,SN,,,12,geheim"]  # fmt: skip
    path = write(tmp_path, lines)
    err_stream = io.StringIO()
    with pytest.raises(CommandError) as err:
        call_command("import_alliance", path, stdout=io.StringIO(), stderr=err_stream)
    assert "4 rows: 2 valid, 2 with errors. Nothing was imported." in str(err.value)
    report = err_stream.getvalue()
    assert "row 4: bundesland “Atlantis” is not a federal state" in report
    assert "row 5: category “astrologie” is not known" in report
    assert "postal_code “4109” is not five digits" in report
    assert "phone_visibility “geheim” is not one of public, network, partners, hidden" in report
    assert not Organization.objects.exists()


def test_skip_invalid_imports_the_valid_rows(tmp_path):
    lines = [HEADER, *GOOD, "Stelle Falsch,astrologie,04109,Leipzig,SN,,,,"]
    out, err = run(write(tmp_path, lines), "--skip-invalid")
    assert "Imported 2 organisations (1 invalid rows skipped)" in out
    assert "row 4:" in err
    assert Organization.objects.count() == 2


def test_dry_run_writes_nothing(tmp_path):
    out, _err = run(write(tmp_path, [HEADER, *GOOD]), "--dry-run")
    assert "2 rows: 2 valid, 0 with errors. Dry run: nothing was imported." in out
    assert not Organization.objects.exists()
    with pytest.raises(CommandError, match="an import would import nothing"):
        run(write(tmp_path, [HEADER, "X,astrologie,04109,Leipzig,SN,,,,"]), "--dry-run")


def test_duplicates_in_file_and_in_directory(tmp_path):
    make_org("Beratungsstelle Wegwarte", plz="04109")
    lines = [HEADER, *GOOD, "LOKALZEITUNG KIEBITZ,local_media,01067,Dresden,SN,,,,"]
    err_stream = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_alliance", write(tmp_path, lines), stdout=io.StringIO(),
                     stderr=err_stream)  # fmt: skip
    report = err_stream.getvalue()
    assert "row 2: “Beratungsstelle Wegwarte” with postal code 04109 is already in" in report
    assert "row 4: duplicate of row 3 (same name and postal code)" in report
    assert Organization.objects.count() == 1


def test_semicolon_file_with_bom_lists_and_channels(tmp_path):
    header = (
        "\ufeffname;category;postal_code;city;bundesland;topics;languages;service_areas;"
        "email;email_visibility;contact_person;contact_person_visibility;status;unbekannt"
    )
    row = ('Netzwerk Distel;civil_society;99084;Erfurt;TH;Hass im Netz;"de;tr";land:TH;'
           "a@distel.example | b@distel.example;public | partners;Frau Doris Distel;partners;"
           "temporarily_closed;x")  # fmt: skip
    path = write(tmp_path, [header, row])
    out, _err = run(path)
    assert "Ignored unknown columns: unbekannt" in out
    org = Organization.objects.get(name="Netzwerk Distel")
    assert org.status == "temporarily_closed" and org.language_codes == ["de", "tr"]
    assert [t.name for t in org.topics.all()] == ["Hass im Netz"]
    assert Topic.objects.filter(slug="hass-im-netz").exists()
    assert ServiceArea.objects.get(organization=org).bundesland == "TH"
    channels = list(org.channels.values_list("kind", "value", "visibility"))
    assert ("email", "a@distel.example", "public") in channels
    assert ("email", "b@distel.example", "partners") in channels
    assert ("contact_person", "Frau Doris Distel", "partners") in channels


def test_export_of_an_editor_imports_again(tmp_path, directory_cast):
    editor = directory_cast["editor"]
    text = client_for(editor).get("/allianz/export/csv/?land=sn").content.decode("utf-8-sig")
    before = {
        o.name: sorted(o.channels.values_list("kind", "value", "visibility"))
        for o in Organization.objects.all()
    }
    Organization.objects.all().delete()
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    out, _err = run(str(path))
    assert "Ignored unknown columns: " not in out  # the export's columns are the import's
    after = {
        o.name: sorted(o.channels.values_list("kind", "value", "visibility"))
        for o in Organization.objects.all()
    }
    assert after == before
    assert set(csv.DictReader(io.StringIO(text)).fieldnames) == set(COLUMNS)
