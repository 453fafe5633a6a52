"""Routes of the incident records (``views_incidents``); see ``toolbox.urls``."""

from django.urls import path

from . import views_incidents as views

urlpatterns = [
    path("vorfaelle/", views.incident_list, name="incidents"),
    path("vorfaelle/neu/", views.incident_new, name="incident_new"),
    path("vorfaelle/<uuid:public_id>/", views.incident_detail, name="incident"),
    path("vorfaelle/<uuid:public_id>/bearbeiten/", views.incident_edit, name="incident_edit"),
    path("vorfaelle/<uuid:public_id>/loeschen/", views.incident_delete, name="incident_delete"),
    path(
        "vorfaelle/<uuid:public_id>/screenshots/",
        views.incident_screenshot_add,
        name="incident_screenshot_add",
    ),
    path(
        "vorfaelle/<uuid:public_id>/screenshots/<int:pk>/",
        views.incident_screenshot,
        name="incident_screenshot",
    ),
    path(
        "vorfaelle/<uuid:public_id>/screenshots/<int:pk>/loeschen/",
        views.incident_screenshot_delete,
        name="incident_screenshot_delete",
    ),
    path(
        "vorfaelle/<uuid:public_id>/export.<str:fmt>",
        views.incident_export,
        name="incident_export",
    ),
]
