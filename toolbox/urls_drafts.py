"""Toolbox URLs: using a template (form, preview, downloads) and the municipal
drafts (see ``toolbox.urls``)."""

from django.urls import path

from . import views_templates as views

urlpatterns = [
    path("ressource/<slug:slug>/ausfuellen/", views.resource_use, name="resource_use"),
    path("ressource/<slug:slug>/export/<str:fmt>/", views.resource_export, name="resource_export"),
    path("entwuerfe/", views.drafts, name="drafts"),
    path("entwuerfe/<int:pk>/", views.draft, name="draft"),
    path("entwuerfe/<int:pk>/loeschen/", views.draft_delete, name="draft_delete"),
]
