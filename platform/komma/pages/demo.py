"""Demo content of the knowledge platform (called by ``manage.py seed_demo``).

A knowledge hub with good practice from the fictitious demo municipalities,
recommendations and knowledge articles, at every visibility level and with every
block type, plus a generated PDF, a text checklist and a diagram. Municipalities
without public-naming consent are never named in a text: their pages describe
them ("ein Landkreis in Sachsen") through ``GoodPracticePage.origin_label``.

Idempotent: pages are found by slug below the hub, documents and images by
title; what exists is left alone (an editor may have changed it), so seeding
twice creates no page, revision, document or image twice.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from .models import (
    ArticlePage,
    ContentPage,
    GoodPracticePage,
    KnowledgeHubPage,
    ModuleArea,
    RecommendationPage,
    Topic,
)
from .setup import stream
from .taxonomy import SizeClass
from .visibility import PageVisibility

if TYPE_CHECKING:
    from komma.core.demo import DemoContext

HUB_SLUG = "wissen"
HUB_TITLE = "Wissensplattform"
HUB_LEAD = (
    "Bundesweite Plattform gegen Rassismus und Hass: Wissenstransfer, gute Praxis und "
    "Empfehlungen für Kommunen, die Entscheidungsträger:innen und Mitarbeitende gegen "
    "Anfeindungen, Rassismus und Hass schützen wollen."
)
HUB_INTRO = (
    "<p>Hier sammelt das Programmteam, was im Programm <b>KomMA – Kommunale Allianzen und "
    "Strategien gegen Rassismus und Hass</b> entsteht: gute Praxis aus den zehn "
    "Modellkommunen, Empfehlungen zu Clearingverfahren sowie zu antirassistischen "
    "Interventions- und Beteiligungsstrategien und Wissensartikel zu den Grundlagen.</p>"
    "<p>Öffentliche Seiten stehen allen offen; manche Seiten lesen nur angemeldete "
    "Mitglieder des Netzwerks oder nur die Modellkommunen. Eine Kommune wird nur mit ihrer "
    "Zustimmung genannt – sonst heißt es etwa „ein Landkreis in Sachsen“.</p>"
)

# --- Files ---------------------------------------------------------------------------


def simple_pdf(title: str, paragraphs: list[str]) -> bytes:
    """A small, valid PDF with real (selectable, searchable) text.

    ``title`` is the heading and the document title; paragraphs are wrapped for A4
    and spread over as many pages as needed. Text is WinAnsi-encoded (covers German).
    """

    def literal(text: str) -> bytes:
        raw = text.encode("cp1252")
        return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"

    lines: list[tuple[bytes, str]] = [(b"/F2 15", title), (b"/F1 11", "")]
    for paragraph in paragraphs:
        for line in textwrap.wrap(paragraph, 88, subsequent_indent="   " if paragraph[:2] in (
            "☐ ", "– ") else "") or [""]:  # fmt: skip
            lines.append((b"/F1 11", line.replace("☐", "[ ]")))
        lines.append((b"/F1 11", ""))
    per_page = 48
    chunks = [lines[i : i + per_page] for i in range(0, len(lines), per_page)]

    objects: list[bytes] = []  # object n is objects[n - 1]
    page_ids = [6 + 2 * i for i in range(len(chunks))]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R /Lang (de-DE) >>")
    kids = b" ".join(b"%d 0 R" % pid for pid in page_ids)
    objects.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(chunks)))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                   b"/Encoding /WinAnsiEncoding >>")  # fmt: skip
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold "
                   b"/Encoding /WinAnsiEncoding >>")  # fmt: skip
    objects.append(b"<< /Title " + literal(title) + b" /Producer (KomMA Netzwerk Demo) >>")
    for chunk in chunks:
        ops = [b"BT 56 786 Td 16 TL"]
        for font, text in chunk:
            ops.append(font + b" Tf " + literal(text) + b" Tj T*")
        ops.append(b"ET")
        content = b"\n".join(ops)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> "
                       b"/Contents %d 0 R >>" % (len(objects) + 2))  # fmt: skip
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))

    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))  # fmt: skip
    return out.getvalue()


CLEARING_STEPS = [
    ("Meldung", "über Intranet, Telefon oder persönlich"),
    ("Erstkontakt", "innerhalb von zwei Arbeitstagen"),
    ("Einordnung", "ohne Namen dokumentiert"),
    ("Clearingrunde", "Maßnahmen und Zuständigkeiten"),
    ("Rückmeldung", "und jährliche Auswertung"),
]
CLEARING_DIAGRAM_ALT = (
    "Ablaufdiagramm des Clearingverfahrens in fünf Schritten von oben nach unten: "
    "Meldung über Intranet, Telefon oder persönlich; Erstkontakt innerhalb von zwei "
    "Arbeitstagen; Einordnung, ohne Namen dokumentiert; Clearingrunde, die Maßnahmen und "
    "Zuständigkeiten festlegt; Rückmeldung an die meldende Person und jährliche Auswertung."
)


def _diagram_fonts(sizes):
    """DejaVu Sans where installed (it has the umlauts); else Pillow's own font, whose
    glyphs lack them, with a transliteration so the diagram stays legible."""
    from PIL import ImageFont

    try:
        return [ImageFont.truetype("DejaVuSans.ttf", size) for size in sizes], str
    except OSError:
        table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe",
                               "Ü": "Ue", "ß": "ss"})  # fmt: skip
        return [ImageFont.load_default(size=size) for size in sizes], lambda s: s.translate(table)


def clearing_diagram_png() -> bytes:
    """The five steps of the Clearingverfahren as a top-down flow diagram (PNG), sized to
    stay legible when scaled to the text column."""
    from PIL import Image, ImageDraw

    (title_font, bold, small), text = _diagram_fonts((34, 32, 27))
    width, box_h, gap, top, left = 960, 112, 34, 110, 40
    height = top + len(CLEARING_STEPS) * (box_h + gap) - gap + 36
    image = Image.new("RGB", (width, height), "#ffffff")
    draw = ImageDraw.Draw(image)
    ink, accent, pale = "#1d2a3a", "#7a1f3d", "#f3e9ed"
    draw.text((left, 36), text("Clearingverfahren: vom Vorfall zur Rückmeldung"), font=title_font,
              fill=ink)  # fmt: skip
    for index, (name, detail) in enumerate(CLEARING_STEPS):
        y = top + index * (box_h + gap)
        draw.rounded_rectangle((left, y, width - left, y + box_h), radius=18, fill=pale,
                               outline=accent, width=4)  # fmt: skip
        cx, cy = left + 56, y + box_h // 2
        draw.ellipse((cx - 30, cy - 30, cx + 30, cy + 30), fill=accent)
        draw.text((cx, cy), f"{index + 1}", font=bold, fill="#ffffff", anchor="mm")
        draw.text((left + 112, y + 16), text(name), font=bold, fill=ink)
        draw.text((left + 112, y + 62), text(detail), font=small, fill=ink)
        if index < len(CLEARING_STEPS) - 1:
            x, y0, y1 = cx, y + box_h + 4, y + box_h + gap - 4
            draw.line((x, y0, x, y1 - 8), fill=accent, width=5)
            draw.polygon([(x, y1), (x - 10, y1 - 12), (x + 10, y1 - 12)], fill=accent)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


CLEARING_CHECKLIST_TITLE = "Checkliste: Ein kommunales Clearingverfahren einrichten"
CLEARING_CHECKLIST = [
    "Diese Checkliste fasst zusammen, was Kommunen im Programm KomMA beim Aufbau eines "
    "Clearingverfahrens für rassistische und hassbezogene Vorfälle geklärt haben. Sie ist "
    "eine Arbeitshilfe, keine Rechtsberatung.",
    "1. Auftrag und Rückhalt",
    "☐ Die Verwaltungsleitung hat das Verfahren beauftragt und trägt es sichtbar mit.",
    "☐ Eine koordinierende Stelle ist benannt, mit Vertretung und Zeitanteil.",
    "☐ Personalrat bzw. Personalvertretung und Gleichstellungsstelle sind beteiligt.",
    "2. Meldewege",
    "☐ Es gibt mindestens einen niedrigschwelligen Meldeweg (Formular, Telefon, persönlich).",
    "☐ Meldungen sind auch ohne Namen möglich.",
    "☐ Alle Beschäftigten wissen, wohin sie sich wenden (Intranet, Dienstbesprechung).",
    "3. Erstkontakt und Schutz",
    "☐ Die Frist für den Erstkontakt ist festgelegt (z. B. zwei Arbeitstage).",
    "☐ Akuter Schutzbedarf wird zuerst geklärt; Betroffene erhalten Kontakte der "
    "unabhängigen Beratungs- und Hilfestellen.",
    "4. Clearingrunde",
    "☐ Die Runde ist festgelegt: z. B. Rechtsamt, Personalverwaltung, Pressestelle, "
    "Beratungsstelle, zuständige Polizeidienststelle.",
    "☐ Die betroffene Person entscheidet, ob Strafanzeige erstattet wird und welche "
    "Angaben geteilt werden.",
    "5. Datenschutz",
    "☐ Es ist geklärt, wer welche Angaben sieht; die Dokumentation kommt ohne Namen aus.",
    "☐ Ein Löschkonzept ist Teil des Verfahrens.",
    "6. Rückmeldung und Auswertung",
    "☐ Die meldende Person erfährt, was aus ihrer Meldung geworden ist.",
    "☐ Einmal im Jahr wird ohne Personenbezug ausgewertet und der Leitung berichtet.",
]

FIRST_48_HOURS_TITLE = "Checkliste: Die ersten 48 Stunden nach einem Vorfall"
FIRST_48_HOURS = [
    "Eine Arbeitshilfe für Verwaltungsspitze, Pressestelle und Führungskräfte, wenn "
    "Mitarbeitende oder Mandatsträger:innen angefeindet werden.",
    "Bis 2 Stunden",
    "☐ Mit der betroffenen Person sprechen: Ist sie sicher? Was braucht sie jetzt?",
    "☐ Bei akuter Gefahr die Polizei über 110 verständigen.",
    "☐ Beweise sichern: Bildschirmfotos mit Datum, Uhrzeit und Adresse (URL).",
    "☐ Eine Person benennen, die die Abstimmung übernimmt.",
    "Bis 12 Stunden",
    "☐ Krisenkreis informieren: Leitung, Pressestelle, Personalverwaltung, ggf. Rechtsamt.",
    "☐ Mit der betroffenen Person klären, ob und wie die Verwaltung öffentlich reagiert.",
    "☐ Kontakt zur Beratungsstelle für Betroffene anbieten.",
    "Bis 24 Stunden",
    "☐ Wenn gewünscht: kurze Stellungnahme – Solidarität mit den Betroffenen, keine "
    "Wiederholung der Anfeindung, keine Details, die die Person gefährden.",
    "☐ Das Team informieren; Kolleg:innen wissen, wie sie Anfragen weiterleiten.",
    "Bis 48 Stunden",
    "☐ Strafanzeige und ggf. Strafantrag mit der betroffenen Person besprechen.",
    "☐ Nachsorge vereinbaren: Entlastung, Vertretung, Gesprächsangebot.",
    "☐ Festhalten, was gut lief und was nicht – für das Clearingverfahren.",
]

MEETING_SAFETY_TITLE = "Checkliste Sicherheit bei Sitzungen und Sprechstunden (Textfassung)"
MEETING_SAFETY = f"""{MEETING_SAFETY_TITLE}
{"=" * len(MEETING_SAFETY_TITLE)}

Arbeitshilfe aus einer Modellkommune im Programm KomMA. Vor Ort mit Ordnungsamt,
Hausverwaltung und der zuständigen Polizeidienststelle abstimmen.

Vor der Sitzung
[ ] Lage einschätzen: Gab es Ankündigungen oder Aufrufe in sozialen Medien?
[ ] Hausordnung und Ausübung des Hausrechts (Vorsitz) sind geklärt und ausgehängt.
[ ] Ansprechperson der Polizei ist bekannt und bei Bedarf informiert.
[ ] Fluchtwege frei, Sitzordnung mit Abstand zwischen Publikum und Podium.

Während der Sitzung
[ ] Eine Person im Saal beobachtet das Publikum und hält Kontakt zur Sitzungsleitung.
[ ] Störungen: Ermahnung, Unterbrechung, Verweis aus dem Saal – in dieser Reihenfolge.
[ ] Vorfälle mit Uhrzeit notieren.

Nach der Sitzung
[ ] Kurze Nachbesprechung mit Sitzungsleitung und Betroffenen.
[ ] Vorfälle an die Clearingstelle melden.
[ ] Angebot der Beratungsstelle für Betroffene weitergeben.

Sprechstunden
[ ] Termine nach Anmeldung; keine Sprechstunde allein im Gebäude.
[ ] Raum mit zweitem Ausgang; Kolleg:in in Rufweite.
"""

# --- Pages ---------------------------------------------------------------------------


@dataclass
class Resources:
    """Documents, images and people the page bodies refer to (by primary key)."""

    documents: dict[str, int] = field(default_factory=dict)
    images: dict[str, int] = field(default_factory=dict)
    people: dict[str, int] = field(default_factory=dict)


@dataclass
class PageSpec:
    model: type
    slug: str
    title: str
    visibility: str
    lead: str
    topics: list[str]
    areas: list[str]
    body: Callable[[Resources], list]
    published_days_ago: int
    reviewed_days_ago: int | None = None
    municipality: str | None = None  # AGS of a demo municipality (good practice)
    size_class: str = ""


def _clearing_landkreis(r: Resources) -> list:
    return [
        ("heading", "Ausgangslage"),
        ("paragraph", "<p>Meldungen über Anfeindungen kamen an vielen Stellen an: beim "
                      "Personalrat, bei der Integrationsbeauftragten, im Ordnungsamt oder direkt "
                      "bei der Polizei. Niemand hatte den Überblick, und Betroffene wussten nicht, "
                      "an wen sie sich wenden sollen. Mit der Begleitung durch KomMA hat die "
                      "Kreisverwaltung ein Clearingverfahren entwickelt, das diese Stellen "
                      "zusammenführt.</p>"),
        ("key_facts", {"heading": "Auf einen Blick", "facts": [
            {"label": "Zuständig", "value": "Stabsstelle Integration der Kreisverwaltung"},
            {"label": "Beteiligt", "value": "Personalrat, Rechtsamt, Pressestelle, Beratungsstelle "
                                            "für Betroffene, zuständige Polizeidienststelle"},
            {"label": "Aufwand", "value": "eine koordinierende Person mit einem Teil ihrer "
                                          "Arbeitszeit; Clearingrunde monatlich und bei Bedarf "
                                          "kurzfristig"},
            {"label": "Grundlage", "value": "Verfügung der Verwaltungsleitung; eine "
                                            "Dienstvereinbarung mit dem Personalrat ist in Arbeit"},
            {"label": "KomMA-Modul", "value": "Modul 2 – Strategiekonzepte"},
        ]}),
        ("image", {"image": r.images["clearing"], "alt_text": CLEARING_DIAGRAM_ALT,
                   "caption": "Der Ablauf des Clearingverfahrens in fünf Schritten."}),
        ("steps", {"heading": "So läuft das Clearingverfahren", "steps": [
            {"title": "Meldung", "text": "<p>Betroffene oder Zeug:innen melden einen Vorfall über "
                                         "ein Formular im Intranet, per Telefon oder persönlich "
                                         "bei der Clearingstelle. Meldungen ohne Namen sind "
                                         "möglich.</p>"},
            {"title": "Erstkontakt und Schutz", "text": "<p>Innerhalb von zwei Arbeitstagen meldet "
                                                        "sich die Clearingstelle, klärt akuten "
                                                        "Schutzbedarf und nennt die unabhängige "
                                                        "Beratungsstelle für Betroffene.</p>"},
            {"title": "Einordnung", "text": "<p>Die Clearingstelle dokumentiert den Vorfall ohne "
                                            "Namen und ordnet ihn ein: Liegt eine Straftat nahe? "
                                            "Braucht es dienstrechtliche Schritte oder eine "
                                            "öffentliche Reaktion?</p>"},
            {"title": "Clearingrunde", "text": "<p>Rechtsamt, Personalrat, Pressestelle, "
                                               "Beratungsstelle und Polizei legen Maßnahmen und "
                                               "Zuständigkeiten fest. Angaben zur Person teilen "
                                               "nur die Stellen, die sie brauchen – und nur mit "
                                               "Einwilligung der betroffenen Person.</p>"},
            {"title": "Rückmeldung und Auswertung", "text": "<p>Die meldende Person erfährt, was "
                                                            "geschehen ist. Einmal im Jahr wertet "
                                                            "die Clearingstelle ohne Personenbezug "
                                                            "aus und berichtet der "
                                                            "Verwaltungsleitung.</p>"},
        ]}),
        ("quote", {"text": "Früher hat jede Stelle für sich reagiert. Heute weiß jede Kollegin "
                           "und jeder Kollege, wohin mit einer Meldung – und dass sich jemand "
                           "innerhalb von zwei Tagen zurückmeldet.",
                   "attribution": "Mitglied der Steuerungsgruppe einer Kreisverwaltung"}),
        ("lessons", {"heading": "Was wir gelernt haben", "lessons": [
            "Die Verwaltungsleitung muss das Verfahren sichtbar mittragen. Erst nach ihrem "
            "Rundschreiben an alle Beschäftigten kamen Meldungen aus allen Fachbereichen.",
            "Den Personalrat von Anfang an einbinden: Er kennt die Sorgen der Beschäftigten und "
            "macht eine Dienstvereinbarung möglich.",
            "Datenschutz früh klären. Wer sieht welche Angaben? Das Löschkonzept gehört in das "
            "Verfahren, nicht in die Nachbereitung.",
            "Die Polizei sitzt mit am Tisch, aber nicht jede Meldung wird zur Anzeige. Ob "
            "angezeigt wird, entscheidet die betroffene Person.",
        ]}),
        ("downloads", {"heading": "Zum Herunterladen", "documents": [
            {"document": r.documents["clearing"], "title": ""},
        ]}),
        ("contact", {"heading": "Fragen an das Team", "member": r.people["MutigeEiche"],
                     "text": "Die Koordination des Clearingverfahrens beantwortet Fragen anderer "
                             "Kommunen über die Plattform."}),
    ]  # fmt: skip


def _alliance_city(r: Resources) -> list:
    return [
        ("paragraph", "<p>Wer in der Stadtverwaltung angefeindet wurde, musste sich Hilfe bisher "
                      "selbst zusammensuchen. Heute arbeiten Verwaltung, Beratungs- und "
                      "Hilfestellen sowie die Polizei in einer <b>kommunalen Allianz gegen "
                      "Rassismus und Hass</b> zusammen – mit festen Ansprechpersonen und einer "
                      "gemeinsamen Vereinbarung. So werden Betroffene von allen Seiten "
                      "unterstützt.</p>"),
        ("key_facts", {"heading": "Auf einen Blick", "facts": [
            {"label": "Partner", "value": "Stab der Verwaltungsspitze, Ordnungsamt, Personalamt, "
                                          "Gleichstellungsstelle, Beratungsstelle für Betroffene "
                                          "rechter Gewalt, Antidiskriminierungsberatung, "
                                          "Polizeipräsidium"},
            {"label": "Treffen", "value": "vierteljährlich; dazu ein Krisenverteiler für "
                                          "akute Fälle"},
            {"label": "Grundlage", "value": "Kooperationsvereinbarung aller Partner"},
            {"label": "KomMA-Module", "value": "Modul 1 – Kommunale Allianzen; Zusatzmodul 1a "
                                               "in Vorbereitung"},
        ]}),
        ("steps", {"heading": "Wie die Allianz entstanden ist", "steps": [
            {"title": "Bestandsaufnahme", "text": "<p>Wer berät heute wen? Die Koordination hat "
                                                  "Angebote, Zuständigkeiten und Lücken in einer "
                                                  "Übersicht zusammengetragen.</p>"},
            {"title": "Auftaktwerkstatt", "text": "<p>Alle Partner an einem Tisch: Erwartungen, "
                                                  "Grenzen der eigenen Rolle, gemeinsame "
                                                  "Ziele.</p>"},
            {"title": "Kooperationsvereinbarung", "text": "<p>Wer tut was, wer informiert wen, "
                                                          "wie werden Daten geschützt? Die "
                                                          "Vereinbarung hält es fest.</p>"},
            {"title": "Ansprechpersonen und Krisenverteiler", "text": "<p>Jeder Partner benennt "
                                                                      "eine Person und eine "
                                                                      "Vertretung, die im "
                                                                      "Ernstfall erreichbar "
                                                                      "sind.</p>"},
            {"title": "Erweiterung", "text": "<p>Als Nächstes sollen lokale Medien, "
                                             "zivilgesellschaftliche Bündnisse und "
                                             "Wirtschaftsakteure dazukommen.</p>"},
        ]}),
        ("quote", {"text": "Wir mussten uns erst kennenlernen. Seit wir wissen, wer bei der "
                           "Polizei und in der Beratungsstelle ansprechbar ist, verlieren "
                           "Betroffene keine Zeit mehr.",
                   "attribution": "aus der Koordination der Allianz in der Stadtverwaltung"}),
        ("callout", {"heading": "Ausblick: die erweiterte Allianz",
                     "text": "<p>Mit Zusatzmodul 1a wird die Allianz um lokale Medien, "
                             "zivilgesellschaftliche Bündnisse und Wirtschaftsakteure erweitert. "
                             "Die Toolbox für öffentlichkeitswirksame Kommunikation (Zusatzmodul "
                             "2a) kann dann gemeinsam genutzt werden.</p>"}),
        ("contact", {"heading": "Kontakt zur Koordination", "member": r.people["StarkeLinde"],
                     "text": "Die Koordination berichtet gern, wie die Kooperationsvereinbarung "
                             "entstanden ist."}),
    ]  # fmt: skip


def _meeting_safety(r: Resources) -> list:
    return [
        ("paragraph", "<p>Nach mehreren gestörten Sitzungen der Stadtverordnetenversammlung und "
                      "beleidigenden Auftritten in Bürgersprechstunden hat die Verwaltung ein "
                      "Sicherheitskonzept erarbeitet. Es soll Mandatsträger:innen und "
                      "Mitarbeitende schützen, ohne die Öffentlichkeit der Sitzungen "
                      "einzuschränken.</p>"),
        ("key_facts", {"heading": "Auf einen Blick", "facts": [
            {"label": "Geltungsbereich", "value": "öffentliche Sitzungen, Ausschüsse, "
                                                  "Sprechstunden der Verwaltungsspitze"},
            {"label": "Beteiligt", "value": "Hauptamt, Ordnungsamt, Sitzungsdienst, "
                                            "Hausverwaltung, zuständige Polizeidienststelle"},
            {"label": "Umsetzung", "value": "Hausordnung überarbeitet, Ablauf für Störungen, "
                                            "Schulung des Sitzungsdienstes"},
        ]}),
        ("steps", {"heading": "Ablauf bei einer Störung", "steps": [
            {"title": "Ermahnen", "text": "<p>Die Sitzungsleitung spricht die störende Person "
                                          "an und weist auf die Hausordnung hin.</p>"},
            {"title": "Unterbrechen", "text": "<p>Hört die Störung nicht auf, wird die Sitzung "
                                              "unterbrochen.</p>"},
            {"title": "Hausrecht ausüben", "text": "<p>Die Sitzungsleitung verweist die Person "
                                                   "des Saals; bei Widerstand wird die Polizei "
                                                   "gerufen.</p>"},
            {"title": "Nachsorge", "text": "<p>Nachbesprechung mit Betroffenen; der Vorfall geht "
                                           "an die Clearingstelle.</p>"},
        ]}),
        ("lessons", {"lessons": [
            "Die Hausordnung muss vor der Sitzung bekannt sein – ausgehängt und auf der "
            "Einladung erwähnt.",
            "Der Sitzungsdienst braucht Übung: Ein kurzes Training mit Rollenspiel hat mehr "
            "gebracht als ein Merkblatt.",
            "Sprechstunden nur nach Anmeldung und nie allein im Gebäude.",
        ]}),
        ("downloads", {"documents": [
            {"document": r.documents["meeting"], "title": "Checkliste Sicherheit bei Sitzungen "
                                                          "und Sprechstunden"},
        ]}),
    ]  # fmt: skip


def _trainings(r: Resources) -> list:
    return [
        ("paragraph", "<p>Im Bürgerbüro, im Standesamt und an der Kasse erleben Mitarbeitende "
                      "Anfeindungen oft als Erste. Gemeinsam mit KomMA hat die Gemeinde eine "
                      "bedarfsorientierte Trainingsreihe entwickelt: Vorfälle erkennen, "
                      "deeskalieren, dokumentieren und sich gegenseitig stärken.</p>"),
        ("key_facts", {"heading": "Auf einen Blick", "facts": [
            {"label": "Format", "value": "drei halbtägige Module in kleinen Gruppen"},
            {"label": "Zielgruppe", "value": "Mitarbeitende mit Publikumsverkehr und ihre "
                                             "Führungskräfte"},
            {"label": "Ergänzung", "value": "Coaching für Führungskräfte zum Umgang mit "
                                            "Vorfällen im Team"},
            {"label": "KomMA-Modul", "value": "Modul 3 – Trainings und Coachings"},
        ]}),
        ("heading", "Die drei Module"),
        ("paragraph", "<ol><li><b>Erkennen:</b> Was ist Rassismus, was ist Hass? Wo liegen "
                      "Grenzen, die niemand hinnehmen muss?</li><li><b>Handeln:</b> "
                      "Deeskalation am Schalter, Hilfe holen, Gespräche beenden.</li>"
                      "<li><b>Stärken:</b> Dokumentieren, melden, Nachsorge im Team.</li></ol>"),
        ("quote", {"text": "Ich weiß jetzt, dass ich ein Gespräch beenden darf. Und dass meine "
                           "Kolleginnen und Kollegen das mittragen.",
                   "attribution": "Teilnehmerin der Trainingsreihe"}),
        ("lessons", {"lessons": [
            "Führungskräfte nehmen an einem eigenen Modul teil: Sie entscheiden, ob ein Vorfall "
            "Folgen hat.",
            "Kleine Gruppen aus verschiedenen Ämtern: Man lernt, wie die anderen arbeiten.",
            "Nach drei Monaten ein kurzes Nachtreffen – was hat sich im Alltag bewährt?",
        ]}),
        ("callout", {"heading": "Resilienz stärken",
                     "text": "<p>Ziel der Trainings ist, dass Führungskräfte und Mitarbeitende "
                             "für Rassismus und Hass sensibilisiert und in ihrer Resilienz "
                             "gestärkt sind.</p>"}),
    ]  # fmt: skip


def _crisis_review(r: Resources) -> list:
    return [
        ("callout", {"heading": "Nur für Modellkommunen",
                     "text": "<p>Diese Auswertung ist vertraulich. Bitte geben Sie sie nicht "
                             "außerhalb der Modellkommunen weiter.</p>"}),
        ("paragraph", "<p>Nach einem Pressebericht über eine Entscheidung der Ausländerbehörde "
                      "erhielt eine Sachbearbeiterin über soziale Medien und per E-Mail "
                      "zahlreiche Hassnachrichten; ihr Name kursierte in Gruppen. Die "
                      "Kreisverwaltung hat den Fall mit KomMA in der kollegialen Beratung "
                      "ausgewertet.</p>"),
        ("steps", {"heading": "Was geschah", "steps": [
            {"title": "Tag 1: Die Nachrichten kommen an",
             "text": "<p>Die Mitarbeiterin meldet sich bei ihrer Vorgesetzten. Die Pressestelle "
                     "erfährt am Nachmittag davon.</p>"},
            {"title": "Tag 2: Krisenkreis",
             "text": "<p>Leitung, Pressestelle, Personalverwaltung und Rechtsamt beraten. Die "
                     "Mitarbeiterin wird auf eigenen Wunsch vorübergehend in ein anderes "
                     "Sachgebiet umgesetzt; Beweise werden gesichert.</p>"},
            {"title": "Tag 3: Öffentliche Reaktion",
             "text": "<p>Die Verwaltungsleitung stellt sich in einer kurzen Stellungnahme hinter "
                     "die Beschäftigten der Behörde, ohne Namen zu nennen.</p>"},
            {"title": "Danach", "text": "<p>Strafanzeige, Auskunftssperre im Melderegister, "
                                        "Gesprächsangebote der Beratungsstelle.</p>"},
        ]}),
        ("lessons", {"heading": "Was die Verwaltung heute anders machen würde", "lessons": [
            "Die Pressestelle sofort einbinden – nicht erst, wenn Medien anfragen.",
            "Namen von Sachbearbeitenden gehören nicht in Bescheide, die veröffentlicht werden "
            "können; die Verwaltung prüft ihre Vorlagen.",
            "Die Auskunftssperre früher ansprechen: Die Betroffene wusste nicht, dass sie sie "
            "beantragen kann.",
        ]}),
        ("key_facts", {"heading": "Bezug zum Programm", "facts": [
            {"label": "Module", "value": "Zusatzmodul 2a (Kommunikation), Zusatzmodul 3a "
                                         "(kollegiale Beratung)"},
            {"label": "Weiterarbeit", "value": "Musterstellungnahme für die Toolbox"},
        ]}),
    ]  # fmt: skip


def _recommend_clearing(r: Resources) -> list:
    return [
        ("paragraph", "<p>Ein Clearingverfahren legt fest, wie eine Verwaltung mit rassistischen "
                      "und hassbezogenen Vorfällen umgeht: wer Meldungen annimmt, wer sie "
                      "einordnet und wer entscheidet, was geschieht. Die Modellkommunen im "
                      "Programm KomMA haben unterschiedliche Wege gefunden; diese Empfehlungen "
                      "fassen zusammen, was sich bewährt hat.</p>"),
        ("steps", {"heading": "In sechs Schritten zum Clearingverfahren", "steps": [
            {"title": "Rückhalt der Leitung sichern", "text": "<p>Die Leitung der Verwaltung oder "
                                                              "einer Organisationseinheit "
                                                              "beauftragt das Verfahren und "
                                                              "spricht darüber.</p>"},
            {"title": "Eine koordinierende Stelle benennen", "text": "<p>Am besten dort, wo das "
                                                                     "Thema schon liegt, z. B. "
                                                                     "bei der oder dem "
                                                                     "Integrationsbeauftragten "
                                                                     "oder im Stab der "
                                                                     "Verwaltungsspitze.</p>"},
            {"title": "Meldewege schaffen", "text": "<p>Niedrigschwellig und auch ohne Namen. "
                                                    "Alle Beschäftigten müssen sie kennen.</p>"},
            {"title": "Die Clearingrunde zusammensetzen", "text": "<p>Verwaltung, Beratungs- und "
                                                                  "Hilfestellen und die "
                                                                  "zuständigen "
                                                                  "Sicherheitsbehörden.</p>"},
            {"title": "Datenschutz und Einwilligung regeln", "text": "<p>Die betroffene Person "
                                                                     "entscheidet, was geteilt "
                                                                     "wird.</p>"},
            {"title": "Auswerten und berichten", "text": "<p>Einmal im Jahr, ohne "
                                                         "Personenbezug.</p>"},
        ]}),
        ("callout", {"heading": "Was ein Clearingverfahren nicht ist",
                     "text": "<p>Es ersetzt weder die Strafverfolgung noch die unabhängige "
                             "Beratung von Betroffenen. Es sorgt dafür, dass die Verwaltung "
                             "schnell, abgestimmt und im Sinne der Betroffenen handelt.</p>"}),
        ("downloads", {"documents": [{"document": r.documents["clearing"], "title": ""}]}),
    ]  # fmt: skip


def _recommend_mandate(r: Resources) -> list:
    return [
        ("paragraph", "<p>Bürgermeister:innen, Ratsmitglieder und Mitarbeitende der Verwaltung "
                      "werden angefeindet, weil sie ihr Amt ausüben. Die Verwaltung kann viel "
                      "tun, damit sie damit nicht allein bleiben.</p>"),
        ("heading", "Vorbeugen"),
        ("paragraph", "<ul><li>Private Anschriften schützen: auf die Auskunftssperre im "
                      "Melderegister hinweisen und beim Antrag unterstützen.</li><li>Prüfen, "
                      "welche persönlichen Angaben in Sitzungsunterlagen, Bescheiden und auf der "
                      "Website stehen müssen.</li><li>Ein Sicherheitskonzept für öffentliche "
                      "Sitzungen und Sprechstunden abstimmen.</li></ul>"),
        ("heading", "Im Ernstfall"),
        ("steps", {"heading": "Was die Verwaltung tun kann", "steps": [
            {"title": "Zuhören und Schutz klären", "text": "<p>Was braucht die betroffene Person "
                                                           "jetzt?</p>"},
            {"title": "Beweise sichern", "text": "<p>Bildschirmfotos mit Datum, Uhrzeit und "
                                                 "URL; Briefe und E-Mails aufbewahren.</p>"},
            {"title": "Anzeige unterstützen", "text": "<p>Bei Beleidigungen von Amtsträger:innen "
                                                      "kann auch die oder der Dienstvorgesetzte "
                                                      "Strafantrag stellen.</p>"},
            {"title": "Öffentlich Position beziehen", "text": "<p>Nur in Absprache mit der "
                                                              "betroffenen Person.</p>"},
        ]}),
        ("callout", {"heading": "Mehr dazu",
                     "text": "<p>Die rechtlichen Grundlagen zu Strafanzeige und Auskunftssperre "
                             "stehen im Wissensartikel „Rechtliche Grundlagen: Strafanzeige und "
                             "Melderegistersperre“.</p>"}),
    ]  # fmt: skip


def _recommend_48_hours(r: Resources) -> list:
    return [
        ("paragraph", "<p>Nach einem rassistischen oder hassbezogenen Vorfall entscheiden die "
                      "ersten Stunden darüber, ob sich Betroffene von ihrer Verwaltung "
                      "unterstützt fühlen. Diese Empfehlung ordnet, was in den ersten zwei Tagen "
                      "zu tun ist. Sie gehört in die Toolbox für öffentlichkeitswirksame "
                      "Kommunikation (Zusatzmodul 2a).</p>"),
        ("steps", {"heading": "Die ersten 48 Stunden", "steps": [
            {"title": "Bis 2 Stunden: Sicherheit und Beweise",
             "text": "<p>Mit der betroffenen Person sprechen, bei akuter Gefahr die Polizei "
                     "rufen, Beweise sichern, eine Person für die Abstimmung benennen.</p>"},
            {"title": "Bis 12 Stunden: Krisenkreis",
             "text": "<p>Leitung, Pressestelle und Personalverwaltung informieren; mit der "
                     "betroffenen Person klären, ob die Verwaltung öffentlich reagiert.</p>"},
            {"title": "Bis 24 Stunden: Stellung beziehen",
             "text": "<p>Wenn gewünscht, eine kurze Stellungnahme: Solidarität mit den "
                     "Betroffenen, keine Wiederholung der Anfeindung, keine Details, die "
                     "gefährden.</p>"},
            {"title": "Bis 48 Stunden: Nachsorge",
             "text": "<p>Strafanzeige besprechen, Entlastung und Vertretung regeln, "
                     "Gesprächsangebote machen, den Fall an die Clearingstelle geben.</p>"},
        ]}),
        ("callout", {"heading": "Nicht verstärken",
                     "text": "<p>Zitieren Sie Hassbotschaften nicht wörtlich und verlinken Sie "
                             "sie nicht. Eine Stellungnahme stellt die Betroffenen in den "
                             "Mittelpunkt, nicht die Angreifenden.</p>"}),
        ("downloads", {"heading": "Checkliste zum Ausdrucken", "documents": [
            {"document": r.documents["48h"], "title": ""},
        ]}),
    ]  # fmt: skip


def _legal_basics(r: Resources) -> list:
    return [
        ("paragraph", "<p>Anfeindungen gegen Mandatsträger:innen und Verwaltungsmitarbeitende "
                      "können Straftaten sein. Dieser Artikel gibt einen Überblick; er ersetzt "
                      "keine Rechtsberatung im Einzelfall.</p>"),
        ("heading", "Strafanzeige und Strafantrag"),
        ("paragraph", "<p>Eine <b>Strafanzeige</b> kann jede Person bei jeder Polizeidienststelle, "
                      "bei der Staatsanwaltschaft oder über die Online-Wache der Polizei des "
                      "Landes erstatten. Manche Taten, etwa die Beleidigung, werden in der Regel "
                      "nur auf <b>Strafantrag</b> verfolgt (§ 194 StGB). Die Frist für den "
                      "Strafantrag beträgt drei Monate ab Kenntnis von Tat und Täter:in "
                      "(§ 77b StGB). Richtet sich die Beleidigung gegen eine Amtsträgerin oder "
                      "einen Amtsträger im Zusammenhang mit dem Dienst, kann auch die oder der "
                      "Dienstvorgesetzte den Strafantrag stellen (§ 194 Abs. 3 StGB).</p>"
                      "<p>Beleidigung, üble Nachrede und Verleumdung gegen Personen des "
                      "politischen Lebens sind in § 188 StGB gesondert geregelt; die Vorschrift "
                      "erfasst ausdrücklich auch die kommunale Ebene.</p>"),
        ("steps", {"heading": "Beweise sichern", "steps": [
            {"title": "Bildschirmfoto", "text": "<p>Mit Datum, Uhrzeit und der vollständigen "
                                                "Adresse (URL) des Beitrags.</p>"},
            {"title": "Profil festhalten", "text": "<p>Name und Adresse des Profils, das den "
                                                   "Beitrag veröffentlicht hat.</p>"},
            {"title": "Originale aufbewahren", "text": "<p>Briefe, E-Mails mit Kopfzeilen, "
                                                       "Sprachnachrichten.</p>"},
            {"title": "Erst dann melden", "text": "<p>Nach der Sicherung den Beitrag bei der "
                                                  "Plattform melden.</p>"},
        ]}),
        ("heading", "Auskunftssperre im Melderegister"),
        ("paragraph", "<p>Wer gefährdet ist, kann bei der Meldebehörde eine "
                      "<b>Auskunftssperre</b> beantragen (§ 51 Bundesmeldegesetz). Dann erhalten "
                      "Dritte keine Auskunft über die Anschrift. Bei der Prüfung ist auch zu "
                      "berücksichtigen, ob die Person einem Personenkreis angehört, der sich "
                      "aufgrund seiner beruflichen oder ehrenamtlichen Tätigkeit in verstärktem "
                      "Maße Anfeindungen ausgesetzt sieht – dazu können kommunale "
                      "Mandatsträger:innen gehören. Die Sperre ist befristet und kann auf Antrag "
                      "verlängert werden.</p>"),
        ("callout", {"heading": "Keine Rechtsberatung",
                     "text": "<p>Im Einzelfall helfen das Rechtsamt der Verwaltung, die Polizei "
                             "und die Beratungsstellen für Betroffene. Maßgeblich ist der "
                             "jeweils geltende Gesetzestext.</p>"}),
    ]  # fmt: skip


def _interim_review(r: Resources) -> list:
    return [
        ("callout", {"heading": "Nur für Modellkommunen",
                     "text": "<p>Diese Zwischenauswertung fasst Themen aus der kollegialen "
                             "Beratung zusammen, ohne einzelne Kommunen oder Personen zu "
                             "nennen.</p>"}),
        ("paragraph", "<p>In der kollegialen Beratung der Modellkommunen (Zusatzmodul 3a) kehren "
                      "einige Themen immer wieder. Das Programmteam hat sie gesammelt, um "
                      "Fortbildungen und das Transferprogramm darauf auszurichten.</p>"),
        ("lessons", {"heading": "Was die Modellkommunen beschäftigt", "lessons": [
            "Wie gewinnt man die Verwaltungsspitze dauerhaft – auch nach einem Wechsel im Amt?",
            "Wie viel Öffentlichkeit ist gut für Betroffene? Die Erfahrungen mit Stellungnahmen "
            "gehen auseinander.",
            "Kleine Gemeinden haben keine eigene Pressestelle und kein Rechtsamt; sie brauchen "
            "Partner im Landkreis.",
            "Die Zusammenarbeit mit den Sicherheitsbehörden hängt stark an einzelnen Personen.",
        ]}),
        ("heading", "Wie es weitergeht"),
        ("paragraph", "<p>Die Themen fließen in die nächsten Online-Fortbildungen ein. Alle "
                      "Kommunen, die sich beworben haben, erhalten priorisierten Zugang.</p>"),
    ]  # fmt: skip


PAGES = [
    PageSpec(GoodPracticePage, "clearingverfahren-kreisverwaltung",
             "Clearingverfahren in der Kreisverwaltung: Vorfälle gemeinsam einordnen",
             PageVisibility.PUBLIC,
             "Eine Kreisverwaltung hat ein Clearingverfahren für rassistische und hassbezogene "
             "Vorfälle eingeführt: Eine Clearingstelle nimmt Meldungen auf, ordnet sie mit "
             "Beratungsstelle und Polizei ein und stimmt die Unterstützung für Betroffene ab.",
             ["Clearingverfahren", "Interventionsstrategie"], ["2", "1"], _clearing_landkreis,
             published_days_ago=560, reviewed_days_ago=420, municipality="14629",
             size_class=SizeClass.FROM_100K),
    PageSpec(GoodPracticePage, "kommunale-allianz-verwaltung-beratung-polizei",
             "Kommunale Allianz: Verwaltung, Beratung und Polizei an einem Tisch",
             PageVisibility.PUBLIC,
             "Eine kreisfreie Stadt hat eine kommunale Allianz aus Verwaltung, Beratungs- und "
             "Hilfestellen sowie Sicherheitsbehörden aufgebaut. Feste Ansprechpersonen und eine "
             "gemeinsame Vereinbarung sorgen dafür, dass Betroffene von allen Seiten unterstützt "
             "werden.",
             ["Allianzaufbau"], ["1", "1a"], _alliance_city,
             published_days_ago=480, reviewed_days_ago=40, municipality="05199000",
             size_class=SizeClass.FROM_100K),
    PageSpec(GoodPracticePage, "sicherheit-sitzungen-sprechstunden",
             "Sicher durch Ratssitzung und Bürgersprechstunde",
             PageVisibility.NETWORK,
             "Nach wiederholten Störungen öffentlicher Sitzungen hat eine Stadtverwaltung ein "
             "Sicherheitskonzept für Sitzungen und Sprechstunden erarbeitet: Hausordnung, klare "
             "Abläufe und Nachsorge für Betroffene.",
             ["Schutz von Mandatsträger:innen", "Interventionsstrategie"], ["2", "3"],
             _meeting_safety, published_days_ago=300, municipality="12069399",
             size_class=SizeClass.FROM_20K),
    PageSpec(GoodPracticePage, "trainings-buergerbuero",
             "Trainings für das Bürgerbüro: souverän bleiben bei Anfeindungen",
             PageVisibility.PUBLIC,
             "Eine Gemeinde hat eine Trainingsreihe für Mitarbeitende mit Publikumsverkehr "
             "entwickelt: Vorfälle erkennen, deeskalieren, dokumentieren und sich gegenseitig "
             "stärken.",
             ["Interventionsstrategie"], ["3"], _trainings,
             published_days_ago=120, municipality="09188199", size_class=SizeClass.UNDER_20K),
    PageSpec(GoodPracticePage, "auswertung-krisenfall-pressestelle",
             "Nach dem Shitstorm: Auswertung eines Krisenfalls",
             PageVisibility.MODEL,
             "Interne Auswertung für die Modellkommunen: wie eine Kreisverwaltung auf eine Welle "
             "von Hassnachrichten gegen eine Mitarbeiterin reagiert hat – und was sie heute "
             "anders machen würde.",
             ["Kommunikation nach Vorfällen", "Schutz von Mandatsträger:innen"], ["2a", "3a"],
             _crisis_review, published_days_ago=200, reviewed_days_ago=20,
             municipality="03299", size_class=SizeClass.FROM_100K),
    PageSpec(RecommendationPage, "empfehlungen-clearingverfahren",
             "Empfehlungen für ein kommunales Clearingverfahren",
             PageVisibility.PUBLIC,
             "Wie eine Verwaltung Meldungen über rassistische und hassbezogene Vorfälle annimmt, "
             "einordnet und beantwortet: Empfehlungen aus den Modellkommunen.",
             ["Clearingverfahren"], ["2"], _recommend_clearing, published_days_ago=610),
    PageSpec(RecommendationPage, "schutz-von-mandatstraegerinnen",
             "Schutz von Mandatsträger:innen: Was Verwaltungen tun können",
             PageVisibility.NETWORK,
             "Vorbeugen, im Ernstfall handeln, öffentlich Position beziehen: was eine Verwaltung "
             "für angefeindete Mandatsträger:innen und Mitarbeitende tun kann.",
             ["Schutz von Mandatsträger:innen"], ["1", "2"], _recommend_mandate,
             published_days_ago=250, reviewed_days_ago=100),
    PageSpec(RecommendationPage, "kommunikation-nach-einem-vorfall",
             "Kommunikation nach einem Vorfall: die ersten 48 Stunden",
             PageVisibility.PUBLIC,
             "Was in den ersten zwei Tagen nach einem Vorfall zu tun ist – für Verwaltungsspitze, "
             "Pressestelle und Führungskräfte.",
             ["Kommunikation nach Vorfällen"], ["2a"], _recommend_48_hours,
             published_days_ago=90),
    PageSpec(ArticlePage, "rechtliche-grundlagen-strafanzeige-melderegistersperre",
             "Rechtliche Grundlagen: Strafanzeige und Melderegistersperre",
             PageVisibility.PUBLIC,
             "Strafanzeige, Strafantrag und Auskunftssperre im Melderegister: ein Überblick für "
             "angefeindete Mandatsträger:innen und Verwaltungsmitarbeitende.",
             ["Schutz von Mandatsträger:innen"], ["2"], _legal_basics, published_days_ago=400),
    PageSpec(ArticlePage, "zwischenauswertung-kollegiale-beratung",
             "Zwischenauswertung: Themen der kollegialen Beratung",
             PageVisibility.MODEL,
             "Welche Fragen die Modellkommunen in der kollegialen Beratung beschäftigen – eine "
             "Zwischenauswertung des Programmteams ohne Namen von Kommunen oder Personen.",
             [], ["3a"], _interim_review, published_days_ago=30),
]  # fmt: skip


# --- Seeding -------------------------------------------------------------------------


def _document(title: str, filename: str, data: bytes) -> int:
    Document = get_document_model()
    document = Document.objects.filter(title=title).first()
    if document is None:
        document = Document(title=title, file=ContentFile(data, name=filename))
        document._set_document_file_metadata()
        document.save()
    return document.pk


def _image(title: str, filename: str, data: bytes) -> int:
    Image = get_image_model()
    image = Image.objects.filter(title=title).first()
    if image is None:
        image = Image(title=title, file=ImageFile(io.BytesIO(data), name=filename))
        image._set_image_file_metadata()
        image.save()
    return image.pk


def _resources(ctx: DemoContext) -> Resources:
    return Resources(
        documents={
            "clearing": _document(CLEARING_CHECKLIST_TITLE, "checkliste-clearingverfahren.pdf",
                                  simple_pdf(CLEARING_CHECKLIST_TITLE, CLEARING_CHECKLIST)),
            "48h": _document(FIRST_48_HOURS_TITLE, "checkliste-erste-48-stunden.pdf",
                             simple_pdf(FIRST_48_HOURS_TITLE, FIRST_48_HOURS)),
            "meeting": _document(MEETING_SAFETY_TITLE, "checkliste-sitzungen.txt",
                                 MEETING_SAFETY.encode("utf-8-sig")),
        },
        images={
            "clearing": _image("Ablaufdiagramm Clearingverfahren", "ablauf-clearingverfahren.png",
                               clearing_diagram_png()),
        },
        people={name: user.pk for name, user in ctx.people.items()},
    )  # fmt: skip


def _hub(home) -> KnowledgeHubPage:
    hub = KnowledgeHubPage.objects.child_of(home).filter(slug=HUB_SLUG).first()
    if hub is None:
        hub = home.add_child(
            instance=KnowledgeHubPage(
                title=HUB_TITLE, slug=HUB_SLUG, lead=HUB_LEAD, intro=HUB_INTRO,
                visibility=PageVisibility.PUBLIC, show_in_menus=True,
            )
        )  # fmt: skip
        hub.save_revision().publish()
    return hub


def _backdate(page, published, reviewed) -> None:
    """History as if the page had been written and reviewed over the programme's run."""
    Page.objects.filter(pk=page.pk).update(
        first_published_at=published,
        last_published_at=published,
        latest_revision_created_at=published,
    )
    page.revisions.update(created_at=published)
    if reviewed is not None:
        ContentPage.objects.filter(pk=page.pk).update(last_reviewed_at=reviewed)


def seed_knowledge(ctx: DemoContext) -> KnowledgeHubPage:
    """The knowledge hub and its demo pages below ``ctx.home`` (idempotent)."""
    hub = _hub(ctx.home)
    existing = set(Page.objects.child_of(hub).values_list("slug", flat=True))
    missing = [spec for spec in PAGES if spec.slug not in existing]
    if missing:
        resources = _resources(ctx)
        areas = {area.code: area for area in ModuleArea.objects.all()}
        now = timezone.now()
        for spec in missing:
            page = spec.model(
                title=spec.title, slug=spec.slug, visibility=spec.visibility, lead=spec.lead,
                body=stream(spec.body(resources)),
            )  # fmt: skip
            if spec.model is GoodPracticePage:
                page.municipality = ctx.municipalities[spec.municipality]
                page.size_class = spec.size_class
            page.topics = [Topic.objects.get_or_create(name=name)[0] for name in spec.topics]
            page.module_areas = [areas[code] for code in spec.areas if code in areas]
            hub.add_child(instance=page)
            page.save_revision().publish()
            reviewed = spec.reviewed_days_ago
            _backdate(page, now - timedelta(days=spec.published_days_ago),
                      None if reviewed is None else now - timedelta(days=reviewed))  # fmt: skip
    ctx.log(f"knowledge hub with {len(PAGES)} pages ({len(missing)} new)")
    return hub
