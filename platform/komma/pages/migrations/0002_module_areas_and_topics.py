"""The programme's six module areas and the initial topics."""

from django.db import migrations
from django.utils.text import slugify

# Copied, not imported: a migration must not change when the code does.
MODULE_AREAS = [
    ("1", "Kommunale Allianzen",
     "Aufbau einer kommunalen Allianz zwischen Verwaltung, Beratungs- und Hilfestellen "
     "sowie Sicherheitsbehörden gegen Rassismus und Hass."),
    ("2", "Strategiekonzepte",
     "Entwicklung antirassistischer Strategiekonzepte, u. a. zu Clearingverfahren sowie "
     "antirassistischen Interventions- und Beteiligungsstrategien."),
    ("3", "Trainings und Coachings",
     "Bedarfsorientierte Trainings und Coachings für Führungskräfte und Teams im Umgang "
     "mit Rassismus und Hass."),
    ("1a", "Erweiterte Allianz",
     "Erweiterung der Allianz um lokale Medien, zivilgesellschaftliche Bündnisse und "
     "Wirtschaftsakteure."),
    ("2a", "Toolbox Kommunikation",
     "Toolbox für öffentlichkeitswirksame Kommunikation, ggf. in der erweiterten Allianz."),
    ("3a", "Austausch und kollegiale Beratung",
     "Austausch, Vernetzung und kollegiale Beratung der Modellkommunen."),
]  # fmt: skip

TOPICS = [
    "Clearingverfahren",
    "Interventionsstrategie",
    "Beteiligungsstrategie",
    "Allianzaufbau",
    "Schutz von Mandatsträger:innen",
    "Kommunikation nach Vorfällen",
]


def create(apps, schema_editor):
    ModuleArea = apps.get_model("pages", "ModuleArea")
    Topic = apps.get_model("pages", "Topic")
    for order, (code, title, description) in enumerate(MODULE_AREAS):
        ModuleArea.objects.update_or_create(
            code=code, defaults={"title": title, "description": description, "sort_order": order}
        )
    for name in TOPICS:
        Topic.objects.get_or_create(
            name=name, defaults={"slug": slugify(name.replace(":", ""))[:80]}
        )


class Migration(migrations.Migration):
    dependencies = [("pages", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
