"""Fixtures of the forum tests: a cast of every role with distinctive identities,
and one category per access level.

Every identity here is unusual enough that any occurrence in a page, JSON, e-mail
or notification is a leak (see ``NEEDLES``).
"""

import pytest
from django.contrib.auth.models import Group

from exchange.forums.models import Access, Category, ForumProfile, ForumSettings
from komma.accounts.models import Membership, Municipality

# pseudonym -> (first name, last name, e-mail, office)
IDENTITIES = {
    "FallGeberin": ("Ottilie", "Brennessel-Okonkwo", "ottilie.9137@rathaus-leak.example",
                    "Dezernat Lindwurm 4471"),
    "RatGeber": ("Quirin", "Mauerblum-Sato", "quirin.5521@amt-leak.example",
                 "Fachbereich Zaunkoenig 8802"),
    "AntragsKollege": ("Eberhard", "Silberdistel-Nakamura", "eberhard.7364@antrag-leak.example",
                       "Ordnungsamt Wiedehopf 3390"),
    "PartnerOrga": ("Philippa", "Hagebutte-Mensah", "philippa.2284@partner-leak.example",
                    "Beratungsstelle Kormoran 1157"),
    "ModeratorIn": ("Rosalind", "Wacholder-Ivanova", "rosalind.6630@moderation-leak.example",
                    "Moderation Eisvogel 7713"),
    "BereichsMod": ("Hubertus", "Schlehdorn-Adeyemi", "hubertus.4419@bereich-leak.example",
                    "Moderation Pirol 2208"),
    "Aussenstehend": ("Gundula", "Feldrain-Kowalczyk", "gundula.8845@redaktion-leak.example",
                      "Redaktion Rohrdommel 5567"),
}  # fmt: skip
MODEL_TOWN = "Modellstadt Quittenhain"
APPLICANT_TOWN = "Antragsgemeinde Mispelbach"
NEEDLES = [part for identity in IDENTITIES.values() for part in identity] + [
    MODEL_TOWN,
    APPLICANT_TOWN,
]


@pytest.fixture
def forum_settings(db):
    """Thresholds that keep the cast out of pre-moderation unless a test wants it."""
    settings = ForumSettings.load()
    settings.new_member_posts = 0
    settings.save()
    return settings


@pytest.fixture
def towns(db):
    model = Municipality.objects.create(
        name=MODEL_TOWN, kind="kreisfreie_stadt", bundesland="NW", ags="05998000",
        programme_status="model",
    )  # fmt: skip
    applicant = Municipality.objects.create(
        name=APPLICANT_TOWN, kind="gemeinde", bundesland="BY", ags="09998999",
        programme_status="applicant",
    )  # fmt: skip
    return {"model": model, "applicant": applicant}


@pytest.fixture
def cast(make_member, towns, forum_settings):
    """Members of every forum role, keyed by role:

    - ``case_giver`` and ``adviser``: members of a model municipality;
    - ``applicant``: member of an applicant municipality;
    - ``partner``: alliance partner, no municipality;
    - ``moderator``: role Moderation (every category);
    - ``category_mod``: member of the model municipality and moderator of the
      "members" category only;
    - ``outsider``: editorial account without municipality (no forum access).
    """
    people = {}
    roles = {
        "case_giver": ("FallGeberin", "model", None),
        "adviser": ("RatGeber", "model", None),
        "applicant": ("AntragsKollege", "applicant", None),
        "partner": ("PartnerOrga", None, "Allianzpartner"),
        "moderator": ("ModeratorIn", None, "Moderation"),
        "category_mod": ("BereichsMod", "model", None),
        "outsider": ("Aussenstehend", None, "Redaktion"),
    }
    for role, (pseudonym, town, group) in roles.items():
        first, last, email, office = IDENTITIES[pseudonym]
        user = make_member(pseudonym, email=email, first_name=first, last_name=last, office=office)
        if town:
            Membership.objects.create(user=user, municipality=towns[town])
        if group:
            user.groups.add(Group.objects.get(name=group))
        ForumProfile.objects.create(user=user, approved_posts=10)
        people[role] = user
    return people


@pytest.fixture
def categories(cast):
    """One category per access level; ``category_mod`` moderates "members"."""
    made = {
        Access.MODEL: Category.objects.create(
            name="Kollegiale Beratung Modellkommunen", slug="modellkommunen", access=Access.MODEL,
            position=1,
        ),
        Access.MEMBERS: Category.objects.create(
            name="Austausch aller Mitgliedskommunen", slug="mitgliedskommunen",
            access=Access.MEMBERS, position=2,
        ),
        Access.PARTNERS: Category.objects.create(
            name="Erweiterte Allianz", slug="allianz", access=Access.PARTNERS, position=3,
        ),
    }  # fmt: skip
    made[Access.MEMBERS].moderators.add(cast["category_mod"])
    return made
