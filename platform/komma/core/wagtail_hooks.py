"""Core admin integration: audit actions and the plugins' dashboard panels."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from plugins.hooks import collect, editor_dashboard_panels

from .audit import AUDIT_ACTIONS


@hooks.register("register_log_actions")
def register_audit_actions(actions):
    """Make the platform's audit actions known to Wagtail's log and reports."""
    for action, (label, message) in AUDIT_ACTIONS.items():
        actions.register_action(action, _(label), _(message))


@hooks.register("construct_homepage_panels")
def add_plugin_dashboard_panels(request, panels):
    """Panels that switched-on plugins contribute through ``editor_dashboard_panels``."""
    panels.extend(collect(editor_dashboard_panels.send_robust(sender=None, request=request)))
