"""URLs of the partner self-service, the public application and the local alliances
(namespace ``alliance``; included by ``alliance.urls``)."""

from django.urls import path

from . import views_local, views_partner

urlpatterns = [
    path("meine-eintraege/", views_partner.my_entries, name="my_entries"),
    path("meine-eintraege/<int:pk>/vorschlag/", views_partner.propose, name="propose"),
    path("meine-eintraege/<int:pk>/aktuell/", views_partner.confirm_current,
         name="confirm_current"),
    path("meine-eintraege/vorschlag/<int:pk>/", views_partner.proposal, name="proposal"),
    path("meine-eintraege/vorschlag/<int:pk>/zurueckziehen/", views_partner.withdraw,
         name="withdraw"),
    path("meine-eintraege/einladung/<int:pk>/", views_partner.invitation, name="invitation"),
    path("einladung/<str:token>/", views_partner.invitation, name="invitation_token"),
    path("aufnahme/", views_partner.apply, name="apply"),
    path("aufnahme/danke/", views_partner.apply_done, name="apply_done"),
    path("lokal/", views_local.index, name="local_index"),
    path("lokal/<int:pk>/", views_local.alliance, name="local_alliance"),
    path("lokal/kommune/<int:municipality_pk>/", views_local.edit, name="local_edit"),
    path("lokal/<int:pk>/teilnahme/<int:participation_pk>/", views_local.participation,
         name="local_participation"),
    path("lokal/<int:pk>/einladung/<int:invitation_pk>/zurueckziehen/",
         views_local.revoke_invitation, name="local_revoke_invitation"),
]  # fmt: skip
