"""Toolbox URLs: checklists (see ``toolbox.urls``)."""

urlpatterns: list = []
