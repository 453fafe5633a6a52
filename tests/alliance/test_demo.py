"""Demo content: a few hundred organisations across all Länder and categories, mixed
visibility, one local alliance; seeding twice creates nothing twice."""

import pytest
from django.db.models import Count

from alliance.demo import LAENDER, seed_alliance
from alliance.models import (
    AllianceParticipation,
    Category,
    ChannelVisibility,
    ContactChannel,
    LocalAlliance,
    Organization,
    PartnerLink,
    Status,
)
from komma.accounts.choices import Bundesland
from komma.core.demo import seed_demo

pytestmark = pytest.mark.django_db


def test_demo_directory():
    """One seeding (it takes seconds), every property checked on it."""
    ctx = seed_demo()
    assert any("alliance directory" in message for message in ctx.messages)
    check_few_hundred_organisations_everywhere()
    check_coordinates_inside_each_land()
    check_mixed_visibility_status_and_freshness()
    check_local_alliance_and_partner_link(ctx)
    check_seeding_twice_creates_nothing(ctx)


def check_few_hundred_organisations_everywhere():
    assert 300 <= Organization.objects.count() <= 500
    lands = set(Organization.objects.values_list("location__bundesland", flat=True))
    assert lands == set(Bundesland.values)
    categories = set(Organization.objects.values_list("category", flat=True))
    assert categories == set(Category.values)
    per_land = Organization.objects.values("location__bundesland").annotate(n=Count("pk"))
    assert min(row["n"] for row in per_land) >= 15


def check_coordinates_inside_each_land():
    for org in Organization.objects.select_related("location"):
        loc = org.location
        (lat0, lat1), (lon0, lon1), _plz, _ags = LAENDER[loc.bundesland]
        assert lat0 - 0.03 <= loc.latitude <= lat1 + 0.03, org.name
        assert lon0 - 0.03 <= loc.longitude <= lon1 + 0.03, org.name
        assert len(loc.postal_code) == 5


def check_mixed_visibility_status_and_freshness():
    visibilities = set(ContactChannel.objects.values_list("visibility", flat=True))
    assert visibilities == set(ChannelVisibility.values)
    statuses = set(Organization.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    stale = [o for o in Organization.objects.all() if o.is_stale]
    assert 20 <= len(stale) < Organization.objects.count() / 2
    # Fictitious contact data only: reserved domain, film number ranges.
    for value in ContactChannel.objects.filter(kind="email").values_list("value", flat=True):
        assert value.endswith(".example")


def check_local_alliance_and_partner_link(seeded):
    alliance = LocalAlliance.objects.get(municipality__ags="05199000")
    assert alliance.participations.count() >= 5
    roles = set(AllianceParticipation.objects.values_list("role", flat=True))
    assert {"coordination", "member"} <= roles
    assert PartnerLink.objects.filter(user__pseudonym="FesteHarfe", verified=True).exists()
    assert seeded.municipalities["05199000"].latitude is not None


def check_seeding_twice_creates_nothing(seeded):
    models = (Organization, ContactChannel, AllianceParticipation, PartnerLink)
    counts = [model.objects.count() for model in models]
    seed_alliance(seeded)
    assert counts == [model.objects.count() for model in models]
