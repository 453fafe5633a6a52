"""Demo content of the toolbox (hook ``demo_data``, ``manage.py seed_demo``).

Resources of every kind, template type and situation with realistic German texts
in the programme's words (KomMA: kommunale Allianzen, Clearingverfahren,
Interventions- und Beteiligungsstrategien, Schutz von Entscheidungsträger:innen
und Verwaltungsmitarbeitenden); mixed visibility (public, network, partners) and
review status (one "rechtlich geprüft" by the programme's legal office, one not
reviewed for over a year so the editors' dashboard shows it as stale). Plus the
published playbook "Die ersten 24 Stunden nach einem Vorfall", a checklist in
progress for two demo municipalities and one sample incident record with a
generated screenshot of a (fictitious) hostile post.

Idempotent: resources and playbooks are keyed by slug, progress by (municipality,
step), the incident record by (municipality, title); what exists is left alone.
Resources are published through a revision, as an editor would.
"""

import io
import os
from datetime import timedelta

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from plugins.hooks import demo_data

from .models import (
    Audience,
    Channel,
    ChecklistItem,
    ChecklistProgress,
    ChecklistRun,
    FaqEntry,
    Format,
    IncidentRecord,
    Kind,
    Language,
    Licence,
    Playbook,
    PlaybookStep,
    Resource,
    ReviewStatus,
    Situation,
    TemplatePlaceholder,
    TemplateType,
    Visibility,
)

LEGAL_OFFICE = "Justiziariat der Programmleitung (IMAP)"
EDITORIAL_OFFICE = "Redaktion KomMA Netzwerk"
PUBLISHER = "KomMA-Programmteam, IMAP GmbH"
REVIEWERS = {
    ReviewStatus.LEGAL: LEGAL_OFFICE,
    ReviewStatus.EDITORIAL: EDITORIAL_OFFICE,
    ReviewStatus.UNREVIEWED: "",
}

# Placeholders used by several templates: key -> (label, input kind, required, max length, help)
P = {
    "Kommune": ("Name der Kommune", "text", True, 120, "z. B. Stadt Rheinfeld"),
    "Datum": ("Datum", "date", True, 40, ""),
    "Vorfall": ("Was ist passiert?", "multiline", True, 1200,
                "Sachlich und ohne Details, die Betroffene erkennbar machen."),
    "Ort": ("Ort des Vorfalls", "text", False, 200, "z. B. Bürgerbüro, Facebook-Seite der Stadt"),
    "Ansprechperson": ("Ansprechperson für Rückfragen", "text", True, 200,
                       "Name und Funktion, z. B. Pressestelle"),
    "Kontakt": ("Telefon oder E-Mail für Rückfragen", "text", True, 200, ""),
    "Bürgermeisterin": ("Name der Verwaltungsspitze", "text", True, 120,
                        "Bürgermeister:in oder Landrät:in"),
    "Maßnahmen": ("Was die Verwaltung unternommen hat", "multiline", True, 1200,
                  "z. B. Anzeige erstattet, Schutzmaßnahmen, Beratung angeboten"),
    "Anrede": ("Anrede", "text", True, 120, "z. B. Liebe Kolleginnen und Kollegen"),
    "Beratungsstelle": ("Beratungsstelle", "text", False, 200,
                        "z. B. die Opferberatung in Ihrem Land"),
    "Sitzung": ("Sitzung", "text", True, 200, "z. B. Sitzung des Gemeinderats am 12. März"),
    "Allianz": ("Name der lokalen Allianz", "text", True, 200,
                "z. B. Allianz gegen Rassismus und Hass Rheinfeld"),
}  # fmt: skip


def _placeholders(*keys):
    return [(key, *P[key]) for key in keys]


RESOURCES = [
    # ---------------------------------------------------------------- templates
    {
        "slug": "pressemitteilung-angriff-auf-mitarbeitende",
        "title": "Pressemitteilung nach einem Angriff auf Mitarbeitende",
        "kind": Kind.TEMPLATE, "template_type": TemplateType.PRESS_RELEASE,
        "summary": "Vorlage für eine schnelle, sachliche Pressemitteilung, wenn Beschäftigte der "
                   "Verwaltung angegriffen, bedroht oder beleidigt wurden – mit klarer Haltung, "
                   "ohne die Betroffenen erkennbar zu machen.",
        "situation": Situation.ACUTE, "channel": Channel.PRESS, "audience": Audience.MEDIA,
        "format": Format.TEXT, "licence": Licence.CC_BY, "visibility": Visibility.NETWORK,
        "review": (ReviewStatus.LEGAL, 40),
        "placeholders": _placeholders("Kommune", "Datum", "Vorfall", "Maßnahmen",
                                      "Bürgermeisterin", "Ansprechperson", "Kontakt"),
        "template_text": (
            "Pressemitteilung – {{Kommune}}, {{Datum}}\n\n"
            "Angriff auf Mitarbeitende der Verwaltung: {{Kommune}} stellt sich hinter ihre "
            "Beschäftigten\n\n"
            "{{Vorfall}}\n\n"
            "„Wer Mitarbeitende unserer Verwaltung angreift, greift uns alle an. Unsere "
            "Kolleginnen und Kollegen arbeiten jeden Tag für die Menschen in unserer Kommune. "
            "Anfeindungen, Rassismus und Hass nehmen wir nicht hin“, sagt {{Bürgermeisterin}}.\n\n"
            "Die Verwaltung hat sofort gehandelt: {{Maßnahmen}}\n\n"
            "Zum Schutz der Betroffenen nennen wir keine Namen und keine weiteren Einzelheiten. "
            "Wir bitten die Medien, die Privatsphäre der Betroffenen zu achten.\n\n"
            "Rückfragen: {{Ansprechperson}}, {{Kontakt}}"
        ),
    },
    {
        "slug": "pressemitteilung-beitritt-allianz",
        "title": "Pressemitteilung: Unsere Kommune gründet eine Allianz gegen Rassismus und Hass",
        "kind": Kind.TEMPLATE, "template_type": TemplateType.PRESS_RELEASE,
        "summary": "Vorbeugend kommunizieren: Die Kommune kündigt ihre lokale Allianz mit "
                   "Beratungs- und Hilfestellen, Sicherheitsbehörden, Medien, Zivilgesellschaft "
                   "und Wirtschaft an.",
        "situation": Situation.PREVENTION, "channel": Channel.PRESS, "audience": Audience.PUBLIC,
        "format": Format.TEXT, "licence": Licence.CC0, "visibility": Visibility.PUBLIC,
        "review": (ReviewStatus.EDITORIAL, 90),
        "placeholders": _placeholders("Kommune", "Datum", "Allianz", "Bürgermeisterin",
                                      "Ansprechperson", "Kontakt"),
        "template_text": (
            "Pressemitteilung – {{Kommune}}, {{Datum}}\n\n"
            "{{Kommune}} gründet die „{{Allianz}}“\n\n"
            "Hass und Anfeindungen gehören für Bürgermeister:innen und Verwaltungsmitarbeitende "
            "mittlerweile leider zum Alltag. {{Kommune}} will Entscheidungsträger:innen und "
            "Mitarbeitende besser schützen und Betroffene wirksam unterstützen.\n\n"
            "In der „{{Allianz}}“ arbeiten Verwaltung, Beratungs- und Hilfestellen sowie die "
            "örtlich zuständigen Sicherheitsbehörden zusammen, ergänzt um lokale Medien, "
            "zivilgesellschaftliche Bündnisse und Wirtschaftsakteure. Gemeinsam vereinbaren sie, "
            "wer bei einem Vorfall was tut – damit Betroffene von allen Seiten unterstützt "
            "werden.\n\n"
            "„Wir warten nicht, bis etwas passiert“, sagt {{Bürgermeisterin}}. „Wir bereiten uns "
            "gemeinsam vor.“\n\n"
            "Die Allianz entsteht im Programm KomMA – Kommunale Allianzen und Strategien gegen "
            "Rassismus und Hass, gefördert von der Beauftragten der Bundesregierung für "
            "Migration, Flüchtlinge und Integration und Beauftragten der Bundesregierung für "
            "Antirassismus.\n\n"
            "Rückfragen: {{Ansprechperson}}, {{Kontakt}}"
        ),
    },
    {
        "slug": "stellungnahme-rassistischer-vorfall",
        "title": "Stellungnahme nach einem rassistischen Vorfall",
        "kind": Kind.TEMPLATE, "template_type": TemplateType.INCIDENT_STATEMENT,
        "summary": "Öffentliche Stellungnahme der Verwaltungsspitze für Website und Presse: "
                   "benennt den Vorfall als rassistisch, stellt sich an die Seite der "
                   "Betroffenen und nennt Hilfsangebote.",
        "situation": Situation.ACUTE, "channel": Channel.WEBSITE, "audience": Audience.PUBLIC,
        "format": Format.TEXT, "licence": Licence.CC_BY, "visibility": Visibility.NETWORK,
        "review": (ReviewStatus.EDITORIAL, 60),
        "placeholders": _placeholders("Kommune", "Datum", "Vorfall", "Ort", "Bürgermeisterin",
                                      "Beratungsstelle"),
        "template_text": (
            "Stellungnahme von {{Bürgermeisterin}} – {{Kommune}}, {{Datum}}\n\n"
            "{{Vorfall}} ({{Ort}})\n\n"
            "Das war ein rassistischer Vorfall, und wir nennen ihn so. Rassismus hat in unserer "
            "Kommune keinen Platz. Unsere Solidarität gilt den Betroffenen und allen, die sich "
            "jetzt bedroht fühlen.\n\n"
            "Wir haben Anzeige erstattet und arbeiten eng mit Polizei und Beratungsstellen "
            "zusammen. Betroffene und Zeuginnen und Zeugen finden vertrauliche, kostenlose "
            "Beratung bei {{Beratungsstelle}} – auf Wunsch anonym.\n\n"
            "Wir bitten alle, keine Bilder oder Namen von Betroffenen zu verbreiten und "
            "Hinweise an die Polizei zu geben.\n\n"
            "{{Bürgermeisterin}}"
        ),
    },
    {
        "slug": "gegenrede-social-media",
        "title": "Social-Media-Antworten und Gegenrede",
        "kind": Kind.TEMPLATE, "template_type": TemplateType.SOCIAL_REPLY,
        "summary": "Kurze Antwortbausteine für die Kanäle der Kommune: sachlich richtigstellen, "
                   "Grenzen ziehen, auf die Netiquette verweisen – und Betroffenen den Rücken "
                   "stärken. Auch für Partner der erweiterten Allianz.",
        "situation": Situation.ACUTE, "channel": Channel.SOCIAL_MEDIA, "audience": Audience.PUBLIC,
        "format": Format.SHORT_TEXT, "licence": Licence.CC_BY_SA, "visibility": Visibility.PARTNERS,
        "review": (ReviewStatus.EDITORIAL, 30),
        "placeholders": _placeholders("Kommune", "Kontakt"),
        "template_text": (
            "Richtigstellen:\n"
            "Danke für die Frage. Die Fakten: … Weitere Informationen finden Sie auf der "
            "Website von {{Kommune}}.\n\n"
            "Grenze ziehen:\n"
            "Wir diskutieren gern kontrovers – aber ohne Beleidigungen, Drohungen und Rassismus. "
            "Beiträge, die gegen unsere Netiquette verstoßen, entfernen wir; strafbare Inhalte "
            "zeigen wir an.\n\n"
            "Betroffene stärken:\n"
            "Wir stehen an der Seite unserer Mitarbeitenden. Wer sie angreift, bekommt es mit "
            "uns allen zu tun.\n\n"
            "Hilfe anbieten:\n"
            "Sie haben Hass erlebt oder beobachtet? Schreiben Sie uns vertraulich: {{Kontakt}}"
        ),
    },
    {
        "slug": "erklaerung-fuer-den-gemeinderat",
        "title": "Erklärung für den Gemeinderat",
        "kind": Kind.TEMPLATE, "template_type": TemplateType.COUNCIL_STATEMENT,
        "summary": "Erklärung der Verwaltungsspitze in der nächsten Rats- oder Kreistagssitzung: "
                   "was passiert ist, was die Verwaltung getan hat und worum sie die Fraktionen "
                   "bittet.",
        "situation": Situation.AFTERCARE, "channel": Channel.COUNCIL, "audience": Audience.COUNCIL,
        "format": Format.TEXT, "licence": Licence.PROGRAMME, "visibility": Visibility.NETWORK,
        "review": (ReviewStatus.LEGAL, 120),
        "placeholders": _placeholders("Sitzung", "Vorfall", "Maßnahmen", "Bürgermeisterin"),
        "template_text": (
            "Erklärung zur {{Sitzung}}\n\n"
            "Sehr geehrte Damen und Herren,\n\n"
            "ich möchte Sie über einen Vorfall informieren, der uns alle angeht: {{Vorfall}}\n\n"
            "Die Verwaltung hat gehandelt: {{Maßnahmen}}\n\n"
            "Ich bitte alle Fraktionen um ein gemeinsames Zeichen: Angriffe auf Mitarbeitende "
            "und Mandatsträger:innen, Rassismus und Hass weisen wir gemeinsam zurück – "
            "unabhängig davon, wie wir in der Sache streiten. Bitte tragen Sie keine Details "
            "weiter, die Betroffene erkennbar machen.\n\n"
            "{{Bürgermeisterin}}"
        ),
    },
    {
        "slug": "brief-an-betroffene-beschaeftigte",
        "title": "Brief an betroffene Beschäftigte",
        "kind": Kind.TEMPLATE, "template_type": TemplateType.STAFF_LETTER,
        "summary": "Persönlicher Brief der Dienststellenleitung an Beschäftigte, die angegriffen "
                   "oder bedroht wurden: Rückhalt, konkrete Unterstützung, Freistellung und "
                   "Beratung.",
        "situation": Situation.ACUTE, "channel": Channel.INTERNAL, "audience": Audience.AFFECTED,
        "format": Format.LETTER, "licence": Licence.CC_BY, "visibility": Visibility.NETWORK,
        "review": (ReviewStatus.EDITORIAL, 75),
        "placeholders": _placeholders("Anrede", "Vorfall", "Ansprechperson", "Beratungsstelle",
                                      "Bürgermeisterin"),
        "template_text": (
            "{{Anrede}},\n\n"
            "was Ihnen passiert ist, ist nicht in Ordnung: {{Vorfall}}\n\n"
            "Sie haben in Ausübung Ihres Dienstes gehandelt, und die Verwaltung steht hinter "
            "Ihnen. Sie müssen damit nicht allein umgehen.\n\n"
            "Was wir für Sie tun:\n"
            "– Wir erstatten Anzeige im Namen der Dienststelle; Ihre Privatanschrift geben wir "
            "nicht heraus.\n"
            "– Sie können sich freistellen lassen oder vorübergehend andere Aufgaben übernehmen.\n"
            "– Vertrauliche Beratung erhalten Sie bei {{Beratungsstelle}}.\n\n"
            "Ihre Ansprechperson in der Verwaltung ist {{Ansprechperson}}. Melden Sie sich "
            "jederzeit – auch wenn erst später etwas hochkommt.\n\n"
            "Mit herzlichen Grüßen\n{{Bürgermeisterin}}"
        ),
    },
    {
        "slug": "interne-information-belegschaft",
        "title": "Interne Information an die Belegschaft",
        "kind": Kind.TEMPLATE, "template_type": TemplateType.INTERNAL_INFO,
        "summary": "Rundmail an alle Beschäftigten nach einem Vorfall: informieren, Gerüchten "
                   "vorbeugen, Verhaltensregeln für Anfragen von außen und Hilfsangebote nennen.",
        "situation": Situation.ACUTE, "channel": Channel.INTERNAL, "audience": Audience.STAFF,
        "format": Format.TEXT, "licence": Licence.CC_BY, "visibility": Visibility.NETWORK,
        "review": (ReviewStatus.UNREVIEWED, None),
        "placeholders": _placeholders("Anrede", "Datum", "Vorfall", "Ansprechperson", "Kontakt"),
        "template_text": (
            "{{Anrede}},\n\n"
            "am {{Datum}} ist es zu einem Vorfall gekommen, über den wir Sie offen informieren "
            "möchten: {{Vorfall}}\n\n"
            "Bitte beachten Sie:\n"
            "– Anfragen von Medien leiten Sie bitte an die Pressestelle weiter.\n"
            "– Teilen Sie keine Screenshots, Namen oder Vermutungen in sozialen Netzwerken.\n"
            "– Wenn Sie selbst bedroht werden: Sichern Sie Beweise und informieren Sie sofort "
            "Ihre Vorgesetzten.\n\n"
            "Fragen und Beobachtungen nimmt {{Ansprechperson}} vertraulich entgegen: {{Kontakt}}"
        ),
    },
    # ---------------------------------------------------------------- guides
    {
        "slug": "leitfaden-beweissicherung",
        "title": "Leitfaden Beweissicherung bei Hass im Netz",
        "kind": Kind.GUIDE,
        "summary": "Wie Verwaltungsmitarbeitende Hasskommentare, Drohungen und Beleidigungen so "
                   "sichern, dass Polizei und Staatsanwaltschaft damit arbeiten können – nach den "
                   "Elementen der HateAid-Beweissicherung.",
        "situation": Situation.ACUTE, "channel": Channel.INTERNAL, "audience": Audience.STAFF,
        "format": Format.STEPS, "licence": Licence.CC_BY, "visibility": Visibility.PARTNERS,
        "review": (ReviewStatus.LEGAL, 20),
        "body": (
            "<p>Beweise verschwinden schnell: Beiträge werden gelöscht, Accounts umbenannt. "
            "Sichern Sie deshalb zuerst – und melden oder löschen Sie erst danach.</p>"
            "<h2>Was ein gerichtsfester Screenshot zeigen muss</h2>"
            "<ol><li><b>Der Inhalt</b>: der vollständige Beitrag, der Kommentar oder die "
            "Nachricht, gut lesbar.</li>"
            "<li><b>Das Datum</b>, an dem der Inhalt veröffentlicht wurde.</li>"
            "<li><b>Die Uhrzeit des Screenshots</b>: Systemuhr mit Datum im Bild, oder notieren "
            "Sie Datum und Uhrzeit sofort.</li>"
            "<li><b>Der Account</b>: Profilname und, wenn möglich, die Profil-URL des "
            "Verfassers.</li>"
            "<li><b>Der Kontext</b>: der Beitrag, unter dem kommentiert wurde, und der "
            "Gesprächsverlauf.</li></ol>"
            "<p>Notieren Sie zusätzlich die URL des Beitrags. Speichern Sie Screenshots nur in "
            "der Vorfallsdokumentation Ihrer Kommune (Toolbox → Vorfälle), nicht auf privaten "
            "Geräten, und leiten Sie strafbare Inhalte nicht weiter.</p>"
            "<h2>Danach</h2><p>Anzeige erstatten (Online-Wache der Landespolizei oder über die "
            "Dienststelle), den Inhalt bei der Plattform melden und die Betroffenen auf "
            "Beratungsangebote hinweisen.</p>"
        ),
    },
    {
        "slug": "leitfaden-krisenkommunikation",
        "title": "Leitfaden Krisenkommunikation nach Anfeindungen",
        "kind": Kind.GUIDE,
        "summary": "Wer spricht, wann und wie? Rollen, Botschaften und Kanäle für die ersten "
                   "Tage nach einem Vorfall – abgestimmt in der kommunalen Allianz.",
        "situation": Situation.ACUTE, "channel": Channel.PRESS, "audience": Audience.STAFF,
        "format": Format.STEPS, "licence": Licence.CC_BY_SA, "visibility": Visibility.NETWORK,
        "review": (ReviewStatus.EDITORIAL, 150),
        "body": (
            "<h2>Grundsätze</h2><ul><li>Schutz der Betroffenen geht vor Öffentlichkeit.</li>"
            "<li>Schnell, aber abgestimmt: eine Stimme nach außen (Verwaltungsspitze oder "
            "Pressestelle).</li><li>Haltung zeigen: Rassismus und Hass klar benennen.</li>"
            "<li>Keine Details, die Betroffene erkennbar machen.</li></ul>"
            "<h2>Ablauf</h2><ol><li>Krisenteam einberufen (Spitze, Pressestelle, Personal, "
            "Sicherheit, ggf. Integrationsbeauftragte:r).</li><li>Lage klären und Fakten "
            "sichern.</li><li>Betroffene fragen, was öffentlich werden darf.</li><li>Intern vor "
            "extern informieren.</li><li>Partner der Allianz einbinden: Beratungsstellen, "
            "Polizei, lokale Medien, Zivilgesellschaft.</li><li>Nachsorge planen.</li></ol>"
        ),
    },
    {
        "slug": "leitfaden-nachsorge",
        "title": "Leitfaden Nachsorge: Betroffene über Wochen begleiten",
        "kind": Kind.GUIDE,
        "summary": "Nach der akuten Phase: wie Führungskräfte Betroffene begleiten, Schutzkonzepte "
                   "überprüfen und aus dem Vorfall für das Clearingverfahren lernen.",
        "situation": Situation.AFTERCARE, "channel": Channel.INTERNAL, "audience": Audience.STAFF,
        "format": Format.STEPS, "licence": Licence.PROGRAMME, "visibility": Visibility.NETWORK,
        # Not reviewed for over a year: the editors' dashboard lists it as stale.
        "review": (ReviewStatus.EDITORIAL, 430),
        "body": (
            "<p>Viele Betroffene spüren die Folgen erst Wochen später. Führungskräfte und Teams "
            "tragen Verantwortung dafür, dass niemand allein bleibt.</p>"
            "<ul><li>Regelmäßige Gespräche anbieten, Entlastung ermöglichen.</li>"
            "<li>Stand von Anzeige und Verfahren weitergeben.</li>"
            "<li>Schutzkonzept und Clearingverfahren auswerten: Was hat funktioniert?</li>"
            "<li>Trainings und Coachings im Umgang mit Rassismus und Hass für das Team "
            "anfragen.</li></ul>"
        ),
    },
    # ---------------------------------------------------------------- checklists
    {
        "slug": "checkliste-erste-24-stunden",
        "title": "Die ersten 24 Stunden nach einem Angriff auf Mitarbeitende",
        "kind": Kind.CHECKLIST,
        "summary": "Schritt für Schritt durch den ersten Tag: Schutz, Beweissicherung, Anzeige, "
                   "interne und öffentliche Kommunikation und die Partner der Allianz.",
        "situation": Situation.ACUTE, "channel": Channel.INTERNAL, "audience": Audience.STAFF,
        "format": Format.LIST, "licence": Licence.CC_BY, "visibility": Visibility.NETWORK,
        "review": (ReviewStatus.LEGAL, 25),
        "items": [
            ("Akute Gefahr? Notruf 110 wählen und Betroffene in Sicherheit bringen.",
             "sofort", "Bei Drohungen mit konkretem Ort oder Zeitpunkt immer die Polizei rufen."),
            ("Betroffene Person persönlich ansprechen und Unterstützung anbieten.",
             "in der ersten Stunde", "Zuhören, nicht bewerten. Fragen, was jetzt gebraucht wird."),
            ("Verwaltungsspitze und unmittelbare Vorgesetzte informieren.",
             "in der ersten Stunde", ""),
            ("Beweise sichern: Inhalt, Datum, Uhrzeit des Screenshots, Account und Kontext.",
             "in der ersten Stunde", "Siehe Leitfaden Beweissicherung; Vorfall in der Toolbox "
             "dokumentieren."),
            ("Krisenteam einberufen (Spitze, Presse, Personal, Sicherheit).",
             "in den ersten 2 Stunden", ""),
            ("Anzeige erstatten oder mit der Polizei abstimmen.",
             "in den ersten 4 Stunden", "Dienstanschrift angeben, nicht die Privatanschrift."),
            ("Betroffene fragen, was öffentlich werden darf.", "in den ersten 4 Stunden", ""),
            ("Belegschaft intern informieren, bevor die Presse berichtet.",
             "in den ersten 6 Stunden", "Vorlage: Interne Information an die Belegschaft."),
            ("Öffentliche Stellungnahme oder Pressemitteilung abstimmen und veröffentlichen.",
             "in den ersten 12 Stunden", ""),
            ("Social-Media-Kanäle moderieren; Gegenrede nach Netiquette.",
             "laufend", "Strafbare Kommentare sichern, dann verbergen oder löschen."),
            ("Beratungsstelle und Partner der lokalen Allianz einbinden.",
             "in den ersten 24 Stunden",
             "Opferberatung, Polizei, lokale Medien, Zivilgesellschaft."),
            ("Schutzmaßnahmen für die nächsten Tage festlegen und Nachsorge planen.",
             "in den ersten 24 Stunden", "Auskunftssperre im Melderegister prüfen, "
             "Arbeitsplatz und Wege absichern."),
        ],
    },
    {
        "slug": "checkliste-beweise-sichern",
        "title": "Beweise sichern – Kurzcheckliste",
        "kind": Kind.CHECKLIST,
        "summary": "Die fünf Elemente eines verwertbaren Screenshots nach HateAid und was danach "
                   "zu tun ist – zum Abhaken am Bildschirm.",
        "situation": Situation.ACUTE, "channel": Channel.SOCIAL_MEDIA, "audience": Audience.STAFF,
        "format": Format.LIST, "licence": Licence.CC0, "visibility": Visibility.PARTNERS,
        "review": (ReviewStatus.LEGAL, 20),
        "items": [
            ("Inhalt vollständig und lesbar im Screenshot.", "", ""),
            ("Veröffentlichungsdatum sichtbar oder notiert.", "", ""),
            ("Uhrzeit des Screenshots sichtbar oder notiert.", "", ""),
            ("Account: Profilname und Profil-URL gesichert.", "", ""),
            ("Kontext gesichert: Ursprungsbeitrag und Gesprächsverlauf.", "", ""),
            ("URL notiert und Vorfall in der Toolbox dokumentiert.", "", ""),
        ],
    },
    {
        "slug": "checkliste-praevention-schutzkonzept",
        "title": "Vorbereitet sein: Checkliste Schutzkonzept für die Verwaltung",
        "kind": Kind.CHECKLIST,
        "summary": "Präventiv handeln, bevor etwas passiert: Zuständigkeiten, Meldewege, "
                   "Clearingverfahren, Kontakte der Allianz und Fortbildungen.",
        "situation": Situation.PREVENTION, "channel": Channel.INTERNAL, "audience": Audience.STAFF,
        "format": Format.LIST, "licence": Licence.CC_BY, "visibility": Visibility.PARTNERS,
        "review": (ReviewStatus.EDITORIAL, 200),
        "items": [
            ("Die Verwaltungsspitze unterstützt das Schutzkonzept sichtbar.", "", ""),
            ("Eine Ansprechperson für Anfeindungen ist benannt und bekannt.", "", ""),
            ("Meldeweg für Vorfälle ist festgelegt und allen Beschäftigten erklärt.", "", ""),
            ("Clearingverfahren: Wer bewertet Vorfälle und entscheidet über Maßnahmen?", "", ""),
            ("Kontakte der lokalen Allianz (Polizei, Beratung, Medien) liegen vor.", "", ""),
            ("Netiquette für die Social-Media-Kanäle ist veröffentlicht.", "", ""),
            ("Vorlagen für Pressemitteilung und Stellungnahme sind vorbereitet.", "", ""),
            ("Führungskräfte haben ein Training im Umgang mit Rassismus und Hass besucht.", "", ""),
            ("Auskunftssperren im Melderegister für gefährdete Beschäftigte sind geprüft.", "", ""),
            ("Das Schutzkonzept wird jährlich überprüft.", "", ""),
        ],
    },
    {
        "slug": "checkliste-nachsorge",
        "title": "Nachsorge in den ersten vier Wochen",
        "kind": Kind.CHECKLIST,
        "summary": "Was nach der akuten Phase nicht vergessen werden darf: Gespräche, "
                   "Verfahrensstand, Auswertung und Dank an die Partner.",
        "situation": Situation.AFTERCARE, "channel": Channel.INTERNAL,
        "audience": Audience.AFFECTED,
        "format": Format.LIST, "licence": Licence.CC_BY, "visibility": Visibility.NETWORK,
        "review": (ReviewStatus.UNREVIEWED, None),
        "items": [
            ("Folgegespräch mit der betroffenen Person geführt.", "nach einer Woche", ""),
            ("Stand der Anzeige bei der Polizei erfragt.", "nach zwei Wochen", ""),
            ("Auswertung im Krisenteam: Was lief gut, was ändern wir?", "nach drei Wochen", ""),
            ("Partnern der Allianz für ihre Unterstützung gedankt.", "nach vier Wochen", ""),
        ],
    },
    # ---------------------------------------------------------------- FAQs
    {
        "slug": "faq-buergerinnen-und-buerger",
        "title": "FAQ für Bürgerinnen und Bürger: Was tut die Kommune gegen Hass?",
        "kind": Kind.FAQ,
        "summary": "Antworten auf häufige Fragen aus der Bürgerschaft nach einem Vorfall – für die "
                   "Website der Kommune.",
        "situation": Situation.AFTERCARE, "channel": Channel.WEBSITE, "audience": Audience.CITIZENS,
        "format": Format.QUESTIONS, "licence": Licence.CC0, "visibility": Visibility.PUBLIC,
        "review": (ReviewStatus.EDITORIAL, 45),
        "body": "<p>Diese Fragen erreichen Verwaltungen nach Vorfällen am häufigsten.</p>",
        "faq": [
            ("Warum nennt die Verwaltung keine Namen?",
             "<p>Zum Schutz der Betroffenen. Wer angegriffen wurde, soll nicht ein zweites Mal "
             "zur Zielscheibe werden.</p>"),
            ("Was tut die Kommune, damit so etwas nicht wieder passiert?",
             "<p>Sie arbeitet in einer lokalen Allianz mit Beratungs- und Hilfestellen, Polizei, "
             "Medien und Zivilgesellschaft zusammen und entwickelt Schutzkonzepte für ihre "
             "Beschäftigten.</p>"),
            ("Ich habe Hass im Netz gesehen. Was kann ich tun?",
             "<p>Nicht teilen. Einen Screenshot mit Datum, Uhrzeit, Account und Zusammenhang "
             "sichern, den Inhalt bei der Plattform melden und Anzeige erstatten – zum Beispiel "
             "bei der Online-Wache der Polizei.</p>"),
            ("Wo finden Betroffene Hilfe?",
             "<p>Bei den Opferberatungsstellen in Ihrem Bundesland – vertraulich, kostenlos und "
             "auf Wunsch anonym.</p>"),
        ],
    },
    {
        "slug": "faq-einfache-sprache",
        "title": "Fragen und Antworten in Einfacher Sprache: Hass und Hetze",
        "kind": Kind.FAQ,
        "summary": "Kurze Antworten in Einfacher Sprache für die Website und für Aushänge im "
                   "Bürgerbüro.",
        "situation": Situation.PREVENTION, "channel": Channel.WEBSITE,
        "audience": Audience.CITIZENS,
        "format": Format.QUESTIONS, "language": Language.PLAIN_GERMAN, "licence": Licence.CC_BY,
        "visibility": Visibility.PUBLIC,
        "review": (ReviewStatus.EDITORIAL, 100),
        "faq": [
            ("Was ist Hass im Netz?",
             "<p>Jemand schreibt im Internet böse Dinge über andere Menschen. Zum Beispiel: "
             "Beleidigungen oder Drohungen.</p>"),
            ("Ist das verboten?",
             "<p>Vieles davon ist verboten. Sie können es bei der Polizei anzeigen.</p>"),
            ("Wer hilft mir?",
             "<p>Es gibt Beratungs-Stellen. Die Beratung kostet nichts. Sie müssen Ihren Namen "
             "nicht sagen.</p>"),
        ],
    },
]  # fmt: skip

PLAYBOOK = {
    "slug": "erste-24-stunden-nach-einem-vorfall",
    "title": "Die ersten 24 Stunden nach einem Vorfall",
    "alliance_situation": "attack_on_staff",
    "intro": (
        "Ein Angriff, eine Drohung, eine Hasskampagne gegen Mitarbeitende oder die "
        "Verwaltungsspitze: Dieser Ablauf führt Ihr Krisenteam durch den ersten Tag. Jeder "
        "Schritt zeigt, was jetzt zu tun ist, die passende Checkliste Ihrer Kommune, die "
        "Vorlagen für die Kommunikation und – wo es hilft – die Partner aus dem "
        "Allianz-Verzeichnis in Ihrem Bundesland."
    ),
    "steps": [
        {
            "title": "Schützen und die Lage klären",
            "time_window": "Stunde 0–1",
            "guidance": "Sicherheit geht vor. Bringen Sie Betroffene in Sicherheit, rufen Sie bei "
                        "akuter Gefahr die Polizei und informieren Sie die Verwaltungsspitze. "
                        "Haken Sie ab, was erledigt ist – alle Mitglieder Ihrer Kommune sehen "
                        "denselben Stand.",
            "checklist": "checkliste-erste-24-stunden",
            "templates": [],
            "show_contacts": True,
        },
        {
            "title": "Beweise sichern",
            "time_window": "Stunde 1–3",
            "guidance": "Bevor Beiträge gelöscht werden: Inhalt, Datum, Uhrzeit des Screenshots, "
                        "Account und Kontext sichern und den Vorfall in der Toolbox "
                        "dokumentieren. Erst dann melden oder löschen.",
            "checklist": "checkliste-beweise-sichern",
            "templates": [],
            "show_contacts": False,
        },
        {
            "title": "Intern informieren",
            "time_window": "Stunde 2–6",
            "guidance": "Die Betroffenen zuerst, dann die Belegschaft – bevor die Presse "
                        "berichtet. Klare Regeln für Anfragen von außen verhindern Gerüchte.",
            "checklist": "",
            "templates": ["brief-an-betroffene-beschaeftigte", "interne-information-belegschaft"],
            "show_contacts": False,
        },
        {
            "title": "Öffentlich Haltung zeigen",
            "time_window": "Stunde 4–12",
            "guidance": "Mit den Betroffenen abstimmen, was öffentlich werden darf. Eine Stimme "
                        "nach außen, klare Worte gegen Rassismus und Hass, keine Details, die "
                        "Betroffene erkennbar machen.",
            "checklist": "",
            "templates": ["pressemitteilung-angriff-auf-mitarbeitende",
                          "stellungnahme-rassistischer-vorfall", "gegenrede-social-media"],
            "show_contacts": False,
        },
        {
            "title": "Die Allianz einbinden und Nachsorge planen",
            "time_window": "bis Stunde 24",
            "guidance": "Beratungsstellen, Polizei, lokale Medien und Zivilgesellschaft "
                        "unterstützen Betroffene von allen Seiten. Informieren Sie den Rat und "
                        "planen Sie die Nachsorge der nächsten Wochen.",
            "checklist": "",
            "templates": ["erklaerung-fuer-den-gemeinderat"],
            "show_contacts": True,
        },
    ],
}  # fmt: skip

# Checklist progress: municipality AGS -> (member pseudonym, checklist slug, [(step no., note)])
PROGRESS = [
    ("14629", "MutigeEiche", "checkliste-erste-24-stunden", [
        (1, ""),
        (2, "Gespräch mit der Kollegin geführt, sie arbeitet heute im Homeoffice."),
        (3, ""),
        (4, "Drei Screenshots in der Vorfallsdokumentation gesichert."),
        (5, "Krisenteam tagt um 14 Uhr im kleinen Sitzungssaal."),
    ]),
    ("05199000", "StarkeLinde", "checkliste-praevention-schutzkonzept", [
        (1, ""),
        (2, "Ansprechperson: Stab des Bürgermeisters."),
        (5, ""),
    ]),
]  # fmt: skip

INCIDENT = {
    "municipality": "14629",
    "author": "MutigeEiche",
    "title": "Drohkommentar gegen Mitarbeiterin des Ordnungsamts",
    "platform": "Facebook – Kommentar auf der Seite des Landkreises",
    "url": "https://social.example/landkreis-elbtal-heide/posts/4711#comment-0815",
    "account_name": "@Heimatstimme_Elbtal",
    "content_text": (
        "Die Tante vom Ordnungsamt soll sich mal nicht so wichtig machen. Wir wissen, wo "
        "ihr Auto steht. Irgendwann ist auch mal Schluss mit lustig …"
    ),
    "context": (
        "Kommentar unter dem Beitrag des Landkreises zur Kontrolle der Corona-Verordnung auf "
        "dem Wochenmarkt. Der Account hat in der Woche davor bereits zwei beleidigende "
        "Kommentare gegen Beschäftigte geschrieben (nicht gesichert). Die Mitarbeiterin ist "
        "informiert; Anzeige über die Online-Wache wird vorbereitet."
    ),
    "hours_ago": 26,
}


@receiver(demo_data, dispatch_uid="toolbox.demo")
def toolbox_demo(sender, context, **kwargs):
    """Seed the toolbox's demo content (see the module docstring)."""
    seed_toolbox(context)


@transaction.atomic
def seed_toolbox(ctx) -> None:
    """Resources, the playbook, checklist progress and a sample incident record."""
    resources = {spec["slug"]: _seed_resource(spec) for spec in RESOURCES}
    _seed_playbook(resources)
    _seed_progress(ctx, resources)
    _seed_incident(ctx)
    ctx.log(f"{len(resources)} toolbox resources, 1 playbook, checklist progress, 1 incident")


def _seed_resource(spec: dict) -> Resource:
    existing = Resource.objects.filter(slug=spec["slug"]).first()
    if existing is not None:
        return existing
    status, days = spec["review"]
    resource = Resource(
        slug=spec["slug"],
        title=spec["title"],
        kind=spec["kind"],
        template_type=spec.get("template_type", ""),
        summary=spec["summary"],
        body=spec.get("body", ""),
        template_text=spec.get("template_text", ""),
        situation=spec["situation"],
        channel=spec["channel"],
        audience=spec["audience"],
        format=spec["format"],
        language=spec.get("language", Language.GERMAN),
        licence=spec["licence"],
        publisher=PUBLISHER,
        last_reviewed=(timezone.localdate() - timedelta(days=days)) if days is not None else None,
        review_status=status,
        reviewed_by_role=REVIEWERS[status],
        visibility=spec["visibility"],
        live=False,
    )
    resource.placeholders = [
        TemplatePlaceholder(
            key=key, label=label, kind=kind, required=required, max_length=max_length,
            help_text=help_text, sort_order=n,
        )
        for n, (key, label, kind, required, max_length, help_text)
        in enumerate(spec.get("placeholders", []))
    ]  # fmt: skip
    resource.items = [
        ChecklistItem(text=text, time_window=window, help_text=help_text, sort_order=n)
        for n, (text, window, help_text) in enumerate(spec.get("items", []))
    ]
    resource.faq_entries = [
        FaqEntry(question=question, answer=answer, sort_order=n)
        for n, (question, answer) in enumerate(spec.get("faq", []))
    ]
    resource.save()
    # Published through a revision, as an editor in the admin would.
    resource.save_revision().publish()
    resource.refresh_from_db()
    return resource


def _seed_playbook(resources: dict) -> Playbook:
    playbook = Playbook.objects.filter(slug=PLAYBOOK["slug"]).first()
    if playbook is not None:
        return playbook
    playbook = Playbook.objects.create(
        slug=PLAYBOOK["slug"],
        title=PLAYBOOK["title"],
        intro=PLAYBOOK["intro"],
        alliance_situation=PLAYBOOK["alliance_situation"],
        live=True,
    )
    for n, spec in enumerate(PLAYBOOK["steps"]):
        step = PlaybookStep.objects.create(
            playbook=playbook,
            sort_order=n,
            title=spec["title"],
            time_window=spec["time_window"],
            guidance=spec["guidance"],
            checklist=resources.get(spec["checklist"]),
            show_contacts=spec["show_contacts"],
        )
        step.templates.set([resources[slug] for slug in spec["templates"]])
        step.save()  # ParentalManyToManyField: written on save
    return playbook


def _seed_progress(ctx, resources: dict) -> None:
    now = timezone.now()
    for ags, pseudonym, slug, steps in PROGRESS:
        municipality = ctx.municipalities.get(ags)
        user = ctx.people.get(pseudonym)
        if municipality is None or user is None:
            continue
        resource = resources[slug]
        items = list(resource.items.order_by("sort_order", "pk"))
        started = now - timedelta(hours=3)
        ChecklistRun.objects.get_or_create(
            municipality=municipality, resource=resource, defaults={"started_at": started}
        )
        for offset, (number, note) in enumerate(steps):
            ChecklistProgress.objects.get_or_create(
                municipality=municipality,
                item=items[number - 1],
                defaults={
                    "checked_by": user,
                    "checked_at": started + timedelta(minutes=20 * (offset + 1)),
                    "note": note,
                },
            )


def _seed_incident(ctx) -> None:
    municipality = ctx.municipalities.get(INCIDENT["municipality"])
    user = ctx.people.get(INCIDENT["author"])
    if municipality is None or user is None:
        return
    record = IncidentRecord.objects.filter(
        municipality=municipality, title=INCIDENT["title"]
    ).first()
    occurred = timezone.now() - timedelta(hours=INCIDENT["hours_ago"])
    if record is None:
        from . import incidents

        fields = incidents.IncidentFields(
            title=INCIDENT["title"],
            occurred_at=occurred,
            platform=INCIDENT["platform"],
            url=INCIDENT["url"],
            content_text=INCIDENT["content_text"],
            account_name=INCIDENT["account_name"],
            context=INCIDENT["context"],
        )
        record = incidents.check_create_incident(user, municipality, fields)
    if not record.screenshots.exists():
        from . import incidents

        captured = occurred + timedelta(minutes=35)
        upload = incidents.ScreenshotUpload(
            data=fake_post_png(INCIDENT["account_name"], INCIDENT["content_text"], occurred),
            captured_at=captured,
            caption="Screenshot des Kommentars mit Account, Datum und Ursprungsbeitrag",
        )
        # The same checks as a member's upload: type from content, size, metadata removed.
        incidents.check_add_screenshot(user, record, upload)


FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def _font(path: str, size: int):
    from PIL import ImageFont

    if os.path.exists(path):
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def fake_post_png(account: str, text: str, posted_at) -> bytes:
    """A PNG that looks like a screenshot of a social media comment (fictitious),
    with the account, the post time, the text and the device clock of the capture."""
    from PIL import Image, ImageDraw

    width, height = 900, 460
    image = Image.new("RGB", (width, height), "#e9ebee")
    draw = ImageDraw.Draw(image)
    regular, bold, small = _font(FONT, 22), _font(FONT_BOLD, 22), _font(FONT, 17)
    # Status bar with the device clock: the time of the screenshot.
    captured = timezone.localtime(posted_at + timedelta(minutes=35))
    draw.rectangle([0, 0, width, 36], fill="#23395d")
    draw.text((16, 7), captured.strftime("%d.%m.%Y  %H:%M"), font=small, fill="white")
    draw.text((width - 220, 7), "social.example", font=small, fill="white")
    # The original post (context).
    draw.rounded_rectangle([24, 56, width - 24, 140], radius=12, fill="white")
    draw.text((44, 68), "Landkreis Elbtal-Heide", font=bold, fill="#1b1b1f")
    draw.text((44, 102), "Kontrollen auf dem Wochenmarkt: Das Ordnungsamt informiert …",
              font=small, fill="#4a4f57")  # fmt: skip
    # The comment.
    draw.rounded_rectangle([56, 160, width - 24, height - 24], radius=12, fill="white",
                           outline="#b00020", width=3)  # fmt: skip
    draw.ellipse([76, 180, 124, 228], fill="#8a2c4f")
    draw.text((140, 182), account, font=bold, fill="#1b1b1f")
    posted = timezone.localtime(posted_at).strftime("%d.%m.%Y um %H:%M")
    draw.text((140, 212), f"Kommentar · {posted}", font=small, fill="#4a4f57")
    y = 252
    for line in _wrap(draw, text, regular, width - 180):
        draw.text((80, y), line, font=regular, fill="#1b1b1f")
        y += 32
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
