"""„Wer hilft bei …?“: from a situation and a Bundesland to the right contacts.

``SITUATIONS`` is the mapping table: for each situation, the categories of
organisations that help, in the order a member should contact them, each with a
sentence why. Other plugins (the toolbox's crisis playbook) get the same answer
through the hook ``plugins.hooks.alliance_contacts`` (``receivers``).

An organisation "helps in" a Bundesland when its seat is there or its service
area covers it: nationwide, the Bundesland itself, or a Kreis/municipality whose
AGS lies in it. Organisations with their seat in the Land come first, then the
nationwide ones. Only active organisations are suggested, and only channels the
viewer may see are shown (``access``).
"""

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from komma.accounts.choices import AGS_STATE_PREFIX, Bundesland
from plugins.hooks import AllianceContact

from .access import directory_viewer, visible_channels_q, visible_organizations
from .models import Category, ContactChannel, ServiceArea, ServiceAreaScope, Status

PER_CATEGORY = 4


@dataclass(frozen=True)
class Step:
    category: str
    why: object  # lazy translation


@dataclass(frozen=True)
class Situation:
    key: str
    label: object
    steps: tuple[Step, ...]


SITUATIONS: dict[str, Situation] = {
    s.key: s
    for s in (
        Situation("attack_on_staff", _("An attack on or threat against staff"), (
            Step(Category.COUNSELLING, _("Victim support and counselling for those affected, "
                                         "also without reporting to the police.")),
            Step(Category.SECURITY_AUTHORITY, _("Police and state security: report the crime, "
                                                "assess the risk, protect the person.")),
            Step(Category.ADMINISTRATION, _("Administrative support: duty of care of the "
                                            "employer, blocking of registration data.")),
        )),
        Situation("online_hate", _("Hate speech and threats online"), (
            Step(Category.COUNSELLING, _("Counselling on hate online: securing evidence, "
                                         "reporting and deleting content.")),
            Step(Category.SECURITY_AUTHORITY, _("Report punishable content: police internet "
                                                "watch and public prosecutors.")),
            Step(Category.CIVIL_SOCIETY, _("Counter-speech and solidarity from civil society.")),
        )),
        Situation("threat_letters", _("Threatening letters or e-mails to the town hall"), (
            Step(Category.SECURITY_AUTHORITY, _("Hand over the letters and report the threat.")),
            Step(Category.COUNSELLING, _("Counselling for those threatened and their teams.")),
            Step(Category.ADMINISTRATION, _("Security measures of the administration.")),
        )),
        Situation("racist_incident", _("A racist incident in the municipality"), (
            Step(Category.COUNSELLING, _("Counselling for those affected by racist violence and "
                                         "discrimination.")),
            Step(Category.CIVIL_SOCIETY, _("Local alliances and migrant organisations for "
                                           "solidarity with those affected.")),
            Step(Category.ADMINISTRATION, _("Integration and anti-discrimination offices.")),
            Step(Category.LOCAL_MEDIA, _("Local media for a public statement.")),
        )),
        Situation("antisemitic_incident", _("An antisemitic incident"), (
            Step(Category.COUNSELLING, _("Counselling for those affected by antisemitism and "
                                         "reporting offices.")),
            Step(Category.CIVIL_SOCIETY, _("Jewish communities and civil-society initiatives.")),
            Step(Category.SECURITY_AUTHORITY, _("Report the crime.")),
        )),
        Situation("extremist_event", _("A right-wing extremist event or rally is planned"), (
            Step(Category.ADMINISTRATION, _("Assembly authority and legal advice on the "
                                            "municipality's options.")),
            Step(Category.SECURITY_AUTHORITY, _("Assessment of the situation by the police.")),
            Step(Category.CIVIL_SOCIETY, _("Mobile counselling and alliances that organise "
                                           "peaceful protest.")),
            Step(Category.LOCAL_MEDIA, _("Local media for information of the public.")),
        )),
        Situation("public_communication", _("Communicating in public after an incident"), (
            Step(Category.LOCAL_MEDIA, _("Local media who report and publish statements.")),
            Step(Category.COUNSELLING, _("Counselling services that know the perspective of "
                                         "those affected.")),
            Step(Category.CIVIL_SOCIETY, _("Partners who join a public statement.")),
        )),
        Situation("broad_alliance", _("Building a broad local alliance"), (
            Step(Category.CIVIL_SOCIETY, _("Civil-society alliances and associations.")),
            Step(Category.BUSINESS, _("Local business: employers, chambers, trade.")),
            Step(Category.LOCAL_MEDIA, _("Local media as partners of the alliance.")),
            Step(Category.COUNSELLING, _("Counselling services for those affected.")),
        )),
    )
}  # fmt: skip


def serves_land_q(bundesland: str) -> Q:
    """Organisations whose seat is in ``bundesland`` or whose service area covers it."""
    prefixes = [p for p, land in AGS_STATE_PREFIX.items() if land == bundesland]
    area = Q(scope=ServiceAreaScope.NATIONWIDE) | Q(
        scope=ServiceAreaScope.BUNDESLAND, bundesland=bundesland
    )
    for prefix in prefixes:
        area |= Q(scope__in=[ServiceAreaScope.KREIS, ServiceAreaScope.MUNICIPALITY],
                  ags__startswith=prefix)  # fmt: skip
    return Q(location__bundesland=bundesland) | Q(
        pk__in=ServiceArea.objects.filter(area).values("organization_id")
    )


@dataclass
class WizardGroup:
    step: Step
    category_label: str
    organizations: list

    @property
    def category_slug(self) -> str:
        """The category's value in the directory's ``?kategorie=``."""
        from .selectors import SLUG_OF_CATEGORY

        return SLUG_OF_CATEGORY[self.step.category]


def find_helpers(user, situation_key: str, bundesland: str) -> list[WizardGroup]:
    """The groups of contacts for a situation in a Bundesland, per category of the
    mapping table. Two queries per category (entries, their topics) plus one for the
    visible channels: constant, however many entries there are."""
    situation = SITUATIONS.get(situation_key)
    if situation is None or bundesland not in Bundesland.values:
        return []
    viewer = directory_viewer(user)
    base = (
        visible_organizations(user)
        .filter(status=Status.ACTIVE)
        .filter(serves_land_q(bundesland))
        .select_related("location")
        .prefetch_related("topics")
        .annotate(
            local=Case(
                When(location__bundesland=bundesland, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("local", "name", "pk")
    )
    groups = []
    labels = dict(Category.choices)
    for step in situation.steps:
        organizations = list(base.filter(category=step.category)[:PER_CATEGORY])
        groups.append(WizardGroup(step, str(labels[step.category]), organizations))
    found = [org for group in groups for org in group.organizations]
    if found:
        channels: dict[int, list] = {}
        for channel in ContactChannel.objects.filter(
            visible_channels_q(viewer), organization__in=[o.pk for o in found]
        ):
            channels.setdefault(channel.organization_id, []).append(channel)
        for org in found:
            org.visible_channels = channels.get(org.pk, [])
    return groups


def contacts_for(user, situation_key: str, bundesland: str) -> list[AllianceContact]:
    """The wizard's answer as plain data (the hook ``alliance_contacts``)."""
    contacts = []
    for group in find_helpers(user, situation_key, bundesland):
        for org in group.organizations:
            location = getattr(org, "location", None)
            contacts.append(
                AllianceContact(
                    name=org.name,
                    url=org.get_absolute_url(),
                    category=org.category,
                    category_label=group.category_label,
                    why=str(group.step.why),
                    city=location.city if location else "",
                    bundesland=location.bundesland if location else "",
                    channels=tuple(
                        (c.kind, str(c.get_kind_display()), c.value, c.label)
                        for c in org.visible_channels
                    ),
                )
            )
    return contacts
