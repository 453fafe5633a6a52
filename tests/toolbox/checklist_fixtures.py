"""Fixtures of the checklist and playbook tests (on top of ``conftest``'s ``towns``,
``cast`` and ``make_resource``).

Import them into a test module by name (pytest finds fixtures in the module's
namespace)::

    from tests.toolbox.checklist_fixtures import *  # noqa: F403  (fixtures)
"""

import pytest
from django.urls import reverse

from toolbox.models import Kind, Playbook, PlaybookStep, Visibility

__all__ = ["checklist", "other_checklist", "playbook"]  # the fixtures; helpers by name

STEPS = [
    ("Betroffene Person in Sicherheit bringen", "sofort"),
    ("Verwaltungsspitze informieren", "in der ersten Stunde"),
    ("Beweise sichern: Inhalt, Datum, Uhrzeit, Account, Kontext", "in der ersten Stunde"),
    ("Anzeige erstatten", "in den ersten 4 Stunden"),
]


@pytest.fixture
def checklist(make_resource):
    """A network-level checklist with the four ``STEPS``."""
    return make_resource(
        kind=Kind.CHECKLIST,
        title="Erste Stunden nach einem Angriff",
        slug="erste-stunden",
        visibility=Visibility.NETWORK,
        items=STEPS,
    )


@pytest.fixture
def other_checklist(make_resource):
    """A second checklist (its steps are forged ids for ``checklist``)."""
    return make_resource(
        kind=Kind.CHECKLIST,
        title="Vorbeugung im Rathaus",
        slug="vorbeugung",
        visibility=Visibility.NETWORK,
        items=[("Ansprechperson benennen", ""), ("Meldeweg festlegen", "")],
    )


def items_of(resource):
    return list(resource.items.order_by("sort_order", "pk"))


def toggle_url(resource):
    return reverse("toolbox:checklist_toggle", kwargs={"slug": resource.slug})


def checklist_url(resource):
    return reverse("toolbox:checklist", kwargs={"slug": resource.slug})


@pytest.fixture
def playbook(make_resource, checklist):
    """A published playbook: step 1 with the checklist and contacts, step 2 with a
    network template and a partners-only template... and a hidden (draft) one."""
    network_template = make_resource(
        kind=Kind.TEMPLATE, title="Pressemitteilung Netzwerk", slug="pm-netzwerk",
        visibility=Visibility.NETWORK,
    )  # fmt: skip
    public_template = make_resource(
        kind=Kind.TEMPLATE, title="Stellungnahme Öffentlich", slug="stellungnahme-oeffentlich",
        visibility=Visibility.PUBLIC,
    )  # fmt: skip
    draft_template = make_resource(
        kind=Kind.TEMPLATE, title="Unveröffentlichte Vorlage", slug="entwurf-vorlage",
        visibility=Visibility.PUBLIC, live=False,
    )  # fmt: skip
    book = Playbook.objects.create(
        title="Die ersten 24 Stunden", slug="erste-24", intro="Ein geführter Ablauf.",
        alliance_situation="attack_on_staff", live=True,
    )  # fmt: skip
    first = PlaybookStep.objects.create(
        playbook=book, sort_order=0, title="Schützen und Lage klären", time_window="Stunde 0–1",
        guidance="Sicherheit geht vor.", checklist=checklist, show_contacts=True,
    )  # fmt: skip
    second = PlaybookStep.objects.create(
        playbook=book, sort_order=1, title="Öffentlich Haltung zeigen", time_window="Stunde 4–12",
        guidance="Eine Stimme nach außen.",
    )  # fmt: skip
    second.templates.set([network_template, public_template, draft_template])
    second.save()
    return {
        "playbook": book,
        "steps": [first, second],
        "network_template": network_template,
        "public_template": public_template,
        "draft_template": draft_template,
    }
