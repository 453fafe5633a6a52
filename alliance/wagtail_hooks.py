"""Admin UI of the alliance directory, grouped under "Alliance directory":

- the review queue of partners' proposals and public applications (``views_review``),
- the organisations (the entries' own fields; contact channels, seat and service
  areas change through proposals, which editors approve),
- the partner links, which editors verify (only a verified link lets an account
  propose changes and see its entries' every channel).

Permissions come from the models; the roles get them through
``freshness.alliance_role_permissions``. People are chosen and listed by pseudonym.
"""

from django import forms
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from komma.accounts.models import User

from . import (
    freshness,  # noqa: F401  (connects its receivers)
    views_review,
)
from .models import Organization, PartnerLink
from .proposals import LOG_ACTIONS, may_review


class ReviewMenuItem(MenuItem):
    def is_shown(self, request):
        return may_review(request.user)


class ReviewQueueViewSet(ViewSet):
    """The review queue: a list and a detail page with the diff and the decision."""

    name = "alliance_review"
    icon = "tasks"
    menu_label = _("Review queue")
    url_prefix = "allianz-pruefung"

    def get_urlpatterns(self):
        return [
            path("", views_review.queue, name="queue"),
            path("<int:pk>/", views_review.detail, name="detail"),
        ]

    @cached_property
    def menu_url(self):
        return reverse("alliance_review:queue")

    @cached_property
    def menu_item_class(self):
        return ReviewMenuItem


class PseudonymChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class OrganizationViewSet(ModelViewSet):
    model = Organization
    icon = "group"
    menu_label = _("Organisations")
    form_fields = [
        "name", "alternate_name", "slug", "description", "website", "category", "topics",
        "accessibility", "status", "last_verified_at", "verified_by_role",
    ]  # fmt: skip
    list_display = ["name", "category", "status", "last_verified_at", "verified_by_role"]
    list_filter = ["category", "status", "verified_by_role"]
    search_fields = ["name", "alternate_name", "slug"]
    copy_view_enabled = False
    inspect_view_enabled = False

    def formfield_for_dbfield(self, db_field, **kwargs):
        if db_field.name == "website":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, **kwargs)


class PartnerLinkViewSet(ModelViewSet):
    """Which account speaks for which organisation; editors verify the links."""

    model = PartnerLink
    icon = "link"
    menu_label = _("Partner links")
    form_fields = ["user", "organization", "verified"]
    list_display = ["user", "organization", "verified", "verified_at"]
    list_filter = ["verified"]
    search_fields = ["organization__name", "user__pseudonym"]
    copy_view_enabled = False
    inspect_view_enabled = False

    def formfield_for_dbfield(self, db_field, **kwargs):
        if db_field.name == "user":
            return PseudonymChoiceField(
                queryset=User.objects.filter(is_active=True, deleted_at__isnull=True).order_by(
                    "pseudonym"
                ),
                label=_("Partner account (pseudonym)"),
            )
        return super().formfield_for_dbfield(db_field, **kwargs)

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update)

        class PartnerLinkForm(form_class):
            def save(self, commit=True):
                link = super().save(commit=False)
                if "verified" in self.changed_data or not link.pk:
                    if link.verified:
                        link.verified_at = timezone.now()
                        link.verified_by = getattr(self, "for_user", None)
                    else:
                        link.verified_at = link.verified_by = None
                if commit:
                    link.save()
                return link

        return PartnerLinkForm


class AllianceViewSetGroup(ViewSetGroup):
    menu_label = _("Alliance directory")
    menu_icon = "site"
    menu_order = 260
    items = (
        ReviewQueueViewSet(),
        OrganizationViewSet("alliance_organizations"),
        PartnerLinkViewSet("alliance_partner_links"),
    )


@hooks.register("register_admin_viewset")
def register_alliance_viewsets():
    return AllianceViewSetGroup()


@hooks.register("register_log_actions")
def register_alliance_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, _(label), _(message))
