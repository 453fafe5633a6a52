"""Toolbox URLs: incidents (see ``toolbox.urls``)."""

urlpatterns: list = []
