"""``/suche/``: the search page and the search box's suggestions."""

from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("", views.search_page, name="page"),
    path("vorschlaege/", views.suggestions, name="suggestions"),
]
