"""URLs of the alliance directory, mounted by the core under ``/allianz/`` (namespace
``alliance``). The partner self-service, the public application and the local
alliances are in ``urls_partner``."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.directory, name="index"),
    path("organisation/<slug:slug>/", views.organization, name="organization"),
    path("organisation/<slug:slug>/vcard/", views.organization_vcard, name="organization_vcard"),
    path("wer-hilft/", views.wizard_view, name="wizard"),
    path("export/<str:fmt>/", views.export, name="export"),
    path("", include("alliance.urls_partner")),
]
