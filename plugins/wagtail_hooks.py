"""Admin UI of the plugin contract: one switch per plugin."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .models import PluginState
from .registry import belongs_to_switched_off_plugin


class SwitchOnlyPolicy(ModelPermissionPolicy):
    """Plugins are installed by deployment; in the admin they are only switched."""

    def user_has_permission(self, user, action):
        if action in {"add", "delete"}:
            return False
        return super().user_has_permission(user, action)


class PluginMetaColumn(Column):
    """A column reading the installed plugin's metadata (name, module area, version)."""

    def get_value(self, instance):
        plugin = instance.plugin
        if plugin is None:
            return _("(not installed)")
        return plugin.metadata()[self.name]


class PluginStateViewSet(ModelViewSet):
    """List the installed plugins and switch each on or off, without a deploy."""

    model = PluginState
    icon = "cogs"
    menu_label = _("Plugins")
    menu_order = 900
    add_to_settings_menu = True
    form_fields = ["enabled"]
    list_display = [
        "plugin_id",
        PluginMetaColumn("name", label=_("Name")),
        PluginMetaColumn("module_area", label=_("Module")),
        PluginMetaColumn("version", label=_("Version")),
        "enabled",
    ]


register_permission_policy(PluginState, SwitchOnlyPolicy(PluginState))


@hooks.register("before_serve_page")
def refuse_pages_of_switched_off_plugins(page, request, serve_args, serve_kwargs):
    """Wagtail pages whose model belongs to a switched-off plugin answer 404."""
    if belongs_to_switched_off_plugin(type(page)):
        raise Http404("This module is switched off.")


@hooks.register("register_admin_viewset")
def register_plugin_viewset():
    return PluginStateViewSet("plugins")
