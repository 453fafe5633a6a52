"""Toolbox URLs: playbook (see ``toolbox.urls``)."""

urlpatterns: list = []
