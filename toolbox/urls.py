"""URLs of the toolbox, mounted by the core under ``/toolbox/`` (namespace ``toolbox``).

Each area keeps its routes in its own module: resources and template filling,
municipal drafts, checklists, the crisis playbook, incident records.
"""

from django.urls import include, path

urlpatterns = [
    path("", include("toolbox.urls_resources")),
    path("", include("toolbox.urls_drafts")),
    path("", include("toolbox.urls_checklists")),
    path("", include("toolbox.urls_playbook")),
    path("", include("toolbox.urls_incidents")),
]
