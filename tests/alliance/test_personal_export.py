# ruff: noqa: F811  (pytest fixtures imported from partner_cast are used as arguments)
"""The directory's part of the GDPR export: own links and proposals, nobody else's."""

import json

import pytest

from alliance.models import ChangeProposal, ProposalKind
from plugins.hooks import personal_data_export

from .partner_cast import orgs, people, towns  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def export_of(user) -> dict:
    sections = {}
    for _receiver, response in personal_data_export.send(sender=None, user=user):
        if isinstance(response, dict):
            sections.update(response)
    return sections


def test_export_lists_own_links_and_proposals_only(people, orgs):
    ChangeProposal.objects.create(
        organization=orgs["linden"], submitted_by=people["partner"], kind=ProposalKind.CHANGE,
        payload={"description": "Neue Sprechzeiten Dienstag 9842"},
    )  # fmt: skip
    ChangeProposal.objects.create(
        organization=orgs["elster"], submitted_by=people["foreign"], kind=ProposalKind.CHANGE,
        payload={"description": "Fremder Vorschlag 5531"},
    )  # fmt: skip
    data = export_of(people["partner"])["alliance"]
    text = json.dumps(data, ensure_ascii=False)
    assert [link["organization"] for link in data["partner_links"]] == [orgs["linden"].name]
    assert data["partner_links"][0]["verified"] is True
    assert "Neue Sprechzeiten Dienstag 9842" in text
    assert "Fremder Vorschlag 5531" not in text and orgs["elster"].name not in text


def test_export_of_an_account_without_directory_data_is_empty(people):
    data = export_of(people["member"])["alliance"]
    assert data == {"partner_links": [], "proposals": [], "invitations_sent": [],
                    "invitations_accepted": []}  # fmt: skip
