"""Routes of the interactive checklists (``views_checklists``)."""

from django.urls import path

from . import views_checklists as views

urlpatterns = [
    path("checklisten/", views.checklist_list, name="checklists"),
    path("checklisten/<slug:slug>/", views.checklist_detail, name="checklist"),
    path("checklisten/<slug:slug>/schritt/", views.checklist_toggle, name="checklist_toggle"),
    path("checklisten/<slug:slug>/zuruecksetzen/", views.checklist_reset, name="checklist_reset"),
    path(
        "checklisten/<slug:slug>/export.<str:fmt>", views.checklist_export, name="checklist_export"
    ),
]
