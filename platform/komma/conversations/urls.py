"""URLs of the conversations app (German paths, mounted under /nachrichten/)."""

from django.urls import path

from . import views

app_name = "conversations"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("archiv/", views.inbox, {"archived": True}, name="archive"),
    path("<int:conversation_id>/", views.thread, name="thread"),
    path("<int:conversation_id>/archivieren/", views.set_archived, name="set_archived"),
    path("neu/<str:pseudonym>/", views.start, name="start"),
    path("kontakt/<int:page_id>/<str:block_id>/", views.contact, name="contact"),
]
