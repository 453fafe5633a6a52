"""Toolbox URLs: resources (see ``toolbox.urls``)."""

from django.urls import path

from . import views_resources as views

urlpatterns = [
    path("", views.index, name="index"),
    path("ressource/<slug:slug>/", views.resource, name="resource"),
    path("ressource/<slug:slug>/feedback/", views.resource_feedback, name="resource_feedback"),
    path("ressource/<slug:slug>/download/", views.resource_download, name="resource_download"),
]
