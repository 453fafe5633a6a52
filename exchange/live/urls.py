"""URLs of the live sessions, mounted by the core under ``/live/`` (namespace ``live``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="index"),
    path("planen/", views.schedule, name="schedule"),
    path("<uuid:public_id>/", views.session, name="session"),
    path("<uuid:public_id>/bearbeiten/", views.edit, name="edit"),
    path("<uuid:public_id>/absagen/", views.cancel, name="cancel"),
    path("<uuid:public_id>/oeffnen/", views.open_lobby, name="open_lobby"),
    path("<uuid:public_id>/kalender.ics", views.ics, name="ics"),
    path("<uuid:public_id>/raum/", views.room, name="room"),
    path("<uuid:public_id>/protokoll/", views.minutes, name="minutes"),
    path("<uuid:public_id>/forumsentwurf/", views.draft, name="draft"),
]
