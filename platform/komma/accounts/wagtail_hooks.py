"""Admin UI of the accounts app: municipalities, members by pseudonym, identity reveal."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet

from . import actions
from .forms import RevealIdentityForm
from .models import Municipality, User
from .presentation import PEOPLE_PREFETCH


class MunicipalityViewSet(ModelViewSet):
    """Admins manage the municipalities of the network."""

    model = Municipality
    icon = "home"
    menu_label = _("Municipalities")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "kind", "bundesland", "programme_status", "public_naming_consent"]
    list_filter = ["kind", "bundesland", "programme_status"]
    search_fields = ["name", "ags"]
    form_fields = ["name", "kind", "bundesland", "ags", "programme_status", "public_naming_consent"]


@hooks.register("register_admin_viewset")
def register_municipality_viewset():
    return MunicipalityViewSet("municipalities")


def members_view(request):
    """Members by pseudonym and roles only; identity needs the reveal action."""
    if not request.user.has_perm("accounts.reveal_identity"):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:60]
    members = User.objects.filter(deleted_at__isnull=True).prefetch_related("groups")
    if query:
        members = members.filter(Q(pseudonym__icontains=query))
    return render(
        request,
        "accounts/admin/members.html",
        {"members": members.order_by("pseudonym")[:100], "query": query},
    )


def reveal_view(request, pk):
    """Reveal one member's identity: explicit, with a reason, logged, told to the member."""
    if not request.user.has_perm("accounts.reveal_identity"):
        raise PermissionDenied
    subject = get_object_or_404(User.objects.prefetch_related(*PEOPLE_PREFETCH), pk=pk)
    form = RevealIdentityForm(request.POST or None)
    identity = None
    if request.method == "POST" and form.is_valid():
        try:
            identity = actions.check_reveal_identity(
                request.user, subject, form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error("reason", exc)
        else:
            messages.warning(request, _("The reveal has been logged and the member informed."))
    return render(
        request,
        "accounts/admin/reveal.html",
        {"subject": subject, "form": form, "identity": identity},
    )


@hooks.register("register_admin_urls")
def register_member_urls():
    return [
        path("mitglieder/", members_view, name="komma_members"),
        path("mitglieder/<int:pk>/offenlegen/", reveal_view, name="komma_reveal_identity"),
    ]


class MembersMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("accounts.reveal_identity")


@hooks.register("register_admin_menu_item")
def register_members_menu_item():
    return MembersMenuItem(_("Members"), reverse("komma_members"), icon_name="group", order=220)
