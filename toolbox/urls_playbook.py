"""Routes of the crisis playbook (``views_playbook``)."""

from django.urls import path

from . import views_playbook as views

urlpatterns = [
    path("krisenplan/", views.playbook_index, name="playbook_index"),
    path("krisenplan/<slug:slug>/", views.playbook_detail, name="playbook"),
]
