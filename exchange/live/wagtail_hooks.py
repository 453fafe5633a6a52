"""Admin UI of the live sessions: a read-only list of sessions and their log.

For moderators and admins (``view`` permissions from ``receivers``); nobody adds,
changes or deletes here (not even superusers): sessions are scheduled on the site,
and the log is a record. People appear by pseudonym (``User.__str__``).
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .models import LiveSession, SessionLog


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Only ``view``: the add/change/delete views and buttons never appear."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a == "view"])

    def instances_user_has_any_permission_for(self, user, actions):
        if self.user_has_any_permission(user, actions):
            return self.model._default_manager.all()
        return self.model._default_manager.none()


register_permission_policy(LiveSession, ReadOnlyPolicy(LiveSession))
register_permission_policy(SessionLog, ReadOnlyPolicy(SessionLog))


class LiveSessionViewSet(ModelViewSet):
    model = LiveSession
    icon = "calendar"
    menu_label = _("Sessions")
    list_display = ["title", "starts_at", "state", "created_by", "case_giver", "capacity"]
    list_filter = ["state", "audience"]
    search_fields = ["title"]
    form_fields = ["title"]  # required by the viewset; the edit view is never allowed
    inspect_view_enabled = True
    inspect_view_fields = [
        "title", "description", "starts_at", "duration_minutes", "audience", "capacity",
        "created_by", "case_giver", "state", "phase", "opened_at", "started_at", "ended_at",
        "last_seq",
    ]  # fmt: skip
    copy_view_enabled = False


class SessionLogViewSet(ModelViewSet):
    model = SessionLog
    icon = "history"
    menu_label = _("Session log")
    list_display = ["created_at", "session", "actor", "action", "target", "reason"]
    list_filter = ["action"]
    form_fields = ["reason"]
    inspect_view_enabled = True
    copy_view_enabled = False


class LiveViewSetGroup(ViewSetGroup):
    menu_label = _("Live sessions")
    menu_icon = "group"
    menu_order = 260
    items = (LiveSessionViewSet("live_sessions"), SessionLogViewSet("live_session_log"))


@hooks.register("register_admin_viewset")
def register_live_viewsets():
    return LiveViewSetGroup()
