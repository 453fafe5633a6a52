"""URLs of the accounts app (German paths, mounted under /konto/ and /mitglieder/)."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("profil/", views.profile, name="profile"),
    path("profil/avatar/", views.reroll_avatar, name="reroll_avatar"),
    path("privatsphaere/", views.privacy, name="privacy"),
    path("daten/", views.data, name="data"),
    path("daten/export.json", views.data_export, name="data_export"),
    path("loeschen/", views.delete_account, name="delete"),
    path("einladungen/", views.invitations, name="invitations"),
    path("einladungen/<int:pk>/widerrufen/", views.revoke_invitation, name="revoke_invitation"),
    path("einladung/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("mitglieder/<str:pseudonym>/", views.member, name="member"),
]
