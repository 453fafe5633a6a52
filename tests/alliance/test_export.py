"""Exports (CSV, vCard 4.0, JSON) hold only what the requester may see."""

import csv
import io
import json

import pytest
from django.urls import reverse

from alliance.exports import COLUMNS, _fold, to_csv
from alliance.models import ChannelKind, ChannelVisibility

from .conftest import (
    CHANNELS,
    HIDDEN_DIGITS,
    HIDDEN_PHONE,
    NEEDLES,
    NETWORK_MAIL,
    OWN_HIDDEN_PHONE,
    PARTNERS_PHONE,
    PUBLIC_PHONE,
    client_for,
    make_org,
)

pytestmark = pytest.mark.django_db

SEES = {
    "network": {PUBLIC_PHONE, NETWORK_MAIL},
    "unverified": {PUBLIC_PHONE, NETWORK_MAIL},
    "member": {PUBLIC_PHONE, NETWORK_MAIL, PARTNERS_PHONE},
    "partner": {PUBLIC_PHONE, NETWORK_MAIL, PARTNERS_PHONE},
    "editor": set(CHANNELS.values()),
}


def export(user, fmt, query="?q=Quendelau"):
    return client_for(user).get(reverse("alliance:export", args=[fmt]) + query)


@pytest.mark.parametrize("fmt", ["csv", "vcard", "json"])
@pytest.mark.parametrize("kind", list(SEES))
def test_export_holds_only_visible_channels(directory_cast, kind, fmt):
    response = export(directory_cast[kind], fmt)
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    for value in CHANNELS.values():
        assert (value in body) == (value in SEES[kind]), f"{kind} {fmt} {value}"
    if kind != "editor":
        assert HIDDEN_DIGITS not in body
    assert (OWN_HIDDEN_PHONE in body) == (kind in ("partner", "editor"))
    for needle in NEEDLES:
        assert needle not in body


@pytest.mark.parametrize(
    "fmt, content_type, extension",
    [("csv", "text/csv", ".csv"), ("vcard", "text/vcard", ".vcf"),
     ("json", "application/json", ".json")],
)  # fmt: skip
def test_download_headers(directory_cast, fmt, content_type, extension):
    response = export(directory_cast["member"], fmt)
    assert response["Content-Type"].startswith(content_type)
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="allianz-verzeichnis-')
    assert disposition.endswith(f'{extension}"')
    assert "no-store" in response["Cache-Control"]


def test_anonymous_export_needs_login(directory_orgs):
    response = client_for().get(reverse("alliance:export", args=["csv"]))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_unknown_format_and_bad_query(directory_cast):
    assert export(directory_cast["member"], "xlsx").status_code == 404
    response = export(directory_cast["member"], "csv", "?land=atlantis")
    assert response.status_code == 400
    assert "“atlantis” is not a federal state." in response.content.decode()


def test_export_follows_the_search(directory_cast, directory_orgs):
    make_org("Ganz andere Stelle", land="BY", city="Passau", plz="94032")
    text = export(directory_cast["editor"], "csv", "?land=by").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["name"] for r in rows] == ["Ganz andere Stelle"]
    data = json.loads(export(directory_cast["editor"], "json", "?land=sn").content)
    names = {o["name"] for o in data["organizations"]}
    # Editors' exports include the inactive entry; others' never.
    assert "Ehemalige Beratungsstelle Quendelau" in names and "Ganz andere Stelle" not in names
    member = json.loads(export(directory_cast["member"], "json", "?land=sn").content)
    assert "Ehemalige Beratungsstelle Quendelau" not in {o["name"] for o in member["organizations"]}
    assert data["query"] == {"land": ["sn"]}


def test_csv_columns_and_channel_cells(directory_cast):
    text = export(directory_cast["editor"], "csv").content.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == COLUMNS
    row = next(r for r in reader if r["name"] == "Opferberatung Quendelau")
    assert row["phone"] == f"'{PUBLIC_PHONE} | {PARTNERS_PHONE} | {HIDDEN_PHONE}"
    assert row["phone_visibility"] == "public | partners | hidden"
    assert row["email"] == NETWORK_MAIL and row["email_visibility"] == "network"
    assert row["languages"] == "de;tr" and row["topics"] == "opferberatung"
    assert row["service_areas"] == "land:SN"
    assert row["latitude"] == "51.350000"


def test_csv_neutralises_formulas(db):
    org = make_org("=HYPERLINK(\"http://evil.example\")", channels=[
        (ChannelKind.PHONE, "+49 30 23125 000", ChannelVisibility.PUBLIC),
        (ChannelKind.OTHER, "-1+1", ChannelVisibility.PUBLIC)])  # fmt: skip
    org.visible_channels = list(org.channels.all())
    text = to_csv([org], lambda url: url).decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["name"].startswith("'=")
    assert row["phone"] == "'+49 30 23125 000"  # shown as +49 … by spreadsheets
    assert row["other_channel"] == "'-1+1"


def test_vcard_is_valid_4_0(directory_cast):
    text = export(directory_cast["editor"], "vcard").content.decode("utf-8")
    # Two listed entries and, for the editor, the inactive one.
    assert text.count("BEGIN:VCARD\r\n") == text.count("END:VCARD\r\n") == 3
    assert "VERSION:4.0\r\n" in text and "KIND:org\r\n" in text
    assert "\n" not in text.replace("\r\n", "")  # only CRLF line ends
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    unfolded = text.replace("\r\n ", "")
    assert f"TEL;TYPE=voice;VALUE=text:{HIDDEN_PHONE}" in unfolded
    assert f"EMAIL;TYPE=work:{NETWORK_MAIL}" in unfolded
    assert "GEO:geo:51.350000,12.400000" in unfolded
    assert "ADR;TYPE=work:;;Teststraße 1;Leipzig;Sachsen;04109;Deutschland" in unfolded


def test_vcard_folding_keeps_multibyte_characters_whole():
    line = "NOTE:" + "ä" * 100
    folded = _fold(line)
    parts = folded.split("\r\n ")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert "".join(parts) == line


def test_exports_are_rate_limited(directory_cast, monkeypatch):
    from alliance import views

    monkeypatch.setattr(views, "EXPORTS_PER_HOUR", 2)
    user = directory_cast["member"]
    assert [export(user, "csv").status_code for _ in range(2)] == [200, 200]
    refused = export(user, "csv")
    assert refused.status_code == 429 and PUBLIC_PHONE not in refused.content.decode()
