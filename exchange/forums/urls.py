"""URLs of the forums plugin, mounted by the core under ``/foren/`` (namespace ``forums``)."""

from django.urls import include, path

from .views import personal, reading, writing

urlpatterns = [
    path("", reading.index, name="index"),
    path("ungelesen/", reading.unread, name="unread"),
    path("bereich/<slug:slug>/", reading.category, name="category"),
    path("bereich/<slug:slug>/neu/", writing.new_thread, name="new_thread"),
    path("bereich/<slug:slug>/fall/", writing.new_case, name="new_case"),
    path("bereich/<slug:slug>/folgen/", writing.watch_category, name="watch_category"),
    path("bereich/<slug:slug>/gelesen/", writing.mark_category_read, name="mark_category_read"),
    path("thema/<int:pk>/", reading.thread, name="thread"),
    path("thema/<int:pk>/ungelesen/", reading.first_unread, name="first_unread"),
    path("thema/<int:pk>/antworten/", writing.reply, name="reply"),
    path("thema/<int:pk>/folgen/", writing.watch_thread, name="watch_thread"),
    path("beitrag/<int:pk>/", reading.post, name="post"),
    path("beitrag/<int:pk>/bearbeiten/", writing.edit_post, name="edit_post"),
    path("beitrag/<int:pk>/hilfreich/", writing.toggle_helpful, name="helpful"),
    path("beitrag/<int:pk>/lesezeichen/", writing.toggle_bookmark, name="bookmark"),
    path("beitrag/<int:pk>/loesung/", writing.mark_solution, name="solution"),
    path("anhang/<int:pk>/", reading.attachment, name="attachment"),
    path("lesezeichen/", personal.bookmarks, name="bookmarks"),
    path("benachrichtigungen/", personal.notifications, name="notifications"),
    path("einstellungen/", personal.preferences, name="preferences"),
    # Flags, edit history, appeals and the moderators' pages.
    path("", include("exchange.forums.urls_moderation")),
]
