"""Toolbox URLs: drafts (see ``toolbox.urls``)."""

urlpatterns: list = []
