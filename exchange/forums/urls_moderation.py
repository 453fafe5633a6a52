"""URLs of flags, edit histories, appeals and the moderators' pages (namespace ``forums``)."""

from django.urls import path

from .views import moderation as views

urlpatterns = [
    path("beitrag/<int:pk>/melden/", views.flag, name="flag"),
    path("beitrag/<int:pk>/verlauf/", views.post_history, name="post_history"),
    path("entscheidung/<int:action_pk>/einspruch/", views.appeal, name="appeal"),
    path("moderation/", views.queue, name="mod_queue"),
    path("moderation/protokoll/", views.log, name="mod_log"),
    path("moderation/beitrag/<int:pk>/<slug:action>/", views.post_action, name="mod_post_action"),
    path("moderation/thema/<int:pk>/<slug:action>/", views.thread_action, name="mod_thread_action"),
    path("moderation/mitglied/<str:pseudonym>/", views.member, name="mod_member"),
    path("moderation/woerter/", views.watched_words, name="mod_words"),
    path("moderation/einsprueche/", views.appeals, name="mod_appeals"),
    path("moderation/einsprueche/<int:pk>/", views.answer_appeal, name="mod_appeal"),
]
