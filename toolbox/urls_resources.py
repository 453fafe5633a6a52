"""Toolbox URLs: resources (see ``toolbox.urls``)."""

urlpatterns: list = []
