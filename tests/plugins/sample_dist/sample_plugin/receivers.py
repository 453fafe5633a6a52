"""Receivers of every hook point, so tests can see them appear and disappear."""

from django.dispatch import receiver
from django.utils.html import format_html
from wagtail.admin.ui.components import Component

from plugins.hooks import (
    NavEntry,
    demo_data,
    editor_dashboard_panels,
    nav_entries,
    personal_data_export,
    role_permissions,
    search_documents,
)


class SamplePanel(Component):
    order = 500

    def render_html(self, parent_context=None):
        return format_html("<section>{}</section>", "Beispiel-Panel")


@receiver(nav_entries)
def sample_nav(sender, request, **kwargs):
    return [NavEntry(label="Beispiel", url="/beispiel/", order=90, key="sample")]


@receiver(editor_dashboard_panels)
def sample_panels(sender, request, **kwargs):
    return [SamplePanel()]


@receiver(demo_data)
def sample_demo(sender, context, **kwargs):
    context.log("sample plugin demo data")


@receiver(search_documents)
def sample_documents(sender, **kwargs):
    return ["sample_plugin.SampleDocument"]


@receiver(role_permissions)
def sample_roles(sender, **kwargs):
    return {"facilitator": ["plugins.view_pluginstate"]}


@receiver(personal_data_export)
def sample_export(sender, user, **kwargs):
    return {"sample_plugin": {"pseudonym_seen": user.pseudonym}}
