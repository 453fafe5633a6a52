"""Choice lists of the accounts domain (German official terms as labels)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Bundesland(models.TextChoices):
    """The 16 German states; the value is the ISO 3166-2:DE suffix."""

    BW = "BW", "Baden-Württemberg"
    BY = "BY", "Bayern"
    BE = "BE", "Berlin"
    BB = "BB", "Brandenburg"
    HB = "HB", "Bremen"
    HH = "HH", "Hamburg"
    HE = "HE", "Hessen"
    MV = "MV", "Mecklenburg-Vorpommern"
    NI = "NI", "Niedersachsen"
    NW = "NW", "Nordrhein-Westfalen"
    RP = "RP", "Rheinland-Pfalz"
    SL = "SL", "Saarland"
    SN = "SN", "Sachsen"
    ST = "ST", "Sachsen-Anhalt"
    SH = "SH", "Schleswig-Holstein"
    TH = "TH", "Thüringen"


# The first two digits of an Amtlicher Gemeindeschlüssel name the state.
AGS_STATE_PREFIX = {
    "01": Bundesland.SH, "02": Bundesland.HH, "03": Bundesland.NI, "04": Bundesland.HB,
    "05": Bundesland.NW, "06": Bundesland.HE, "07": Bundesland.RP, "08": Bundesland.BW,
    "09": Bundesland.BY, "10": Bundesland.SL, "11": Bundesland.BE, "12": Bundesland.BB,
    "13": Bundesland.MV, "14": Bundesland.SN, "15": Bundesland.ST, "16": Bundesland.TH,
}  # fmt: skip


class MunicipalityKind(models.TextChoices):
    """Kinds of municipality the programme addresses (Ausschreibung KomMA)."""

    LANDKREIS = "landkreis", _("Landkreis")
    KREISFREIE_STADT = "kreisfreie_stadt", _("kreisfreie Stadt")
    KREISANGEHOERIGE_STADT = "kreisangehoerige_stadt", _("kreisangehörige Stadt")
    GEMEINDE = "gemeinde", _("Gemeinde")


class ProgrammeStatus(models.TextChoices):
    """A municipality's place in the KomMA programme."""

    MODEL = "model", _("model municipality")
    APPLICANT = "applicant", _("applicant municipality")
    OTHER = "other", _("other municipality")


class Visibility(models.TextChoices):
    """Who may see one identity field of a person. Each level includes the ones above it:
    moderators see what "my municipality" may see, and the network sees everything
    "my municipality" may see."""

    NOBODY = "nobody", _("nobody")
    MODERATORS = "moderators", _("moderators")
    MUNICIPALITY = "municipality", _("my municipality")
    NETWORK = "network", _("the whole network")


VISIBILITY_RANK = {
    Visibility.NOBODY: 0,
    Visibility.MODERATORS: 1,
    Visibility.MUNICIPALITY: 2,
    Visibility.NETWORK: 3,
}
