"""Admin UI of the accounts app: municipalities, members by pseudonym, identity reveal."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.sidebar import MainMenuModule
from wagtail.admin.viewsets.model import ModelViewSet

from . import actions
from .forms import MemberRolesForm, RevealIdentityForm
from .models import Municipality, User
from .presentation import PEOPLE_PREFETCH
from .roles import ROLES


def _pseudonymous_sidebar_args(self):
    """Wagtail's sidebar names the user by ``user.first_name`` (the real name here)."""
    menu_items, account_items, account = _wagtail_sidebar_args(self)
    return [menu_items, account_items, {**account, "name": self.user.display_name}]


# Wagtail offers no hook for the sidebar's account name, and it reads ``first_name``
# directly; we replace that one method so the admin shows the pseudonym (tested in
# tests/test_no_unmasking.py).
_wagtail_sidebar_args = MainMenuModule.js_args
MainMenuModule.js_args = _pseudonymous_sidebar_args


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


# Revealing an identity or changing someone's access asks for the password again
# (allauth's "sudo mode"): a hijacked or unattended admin session is not enough.
sensitive = reauthentication_required(allow_get=True)


@sensitive
def roles_view(request, pk):
    """Change a member's roles and active state, with a reason that goes into the audit log."""
    if not request.user.has_perm("accounts.reveal_identity"):
        raise PermissionDenied
    subject = get_object_or_404(User, pk=pk, deleted_at__isnull=True)
    current = [key for key, role in ROLES.items() if subject.groups.filter(name=role.group_name)]
    form = MemberRolesForm(
        request.POST or None, initial={"roles": current, "is_active": subject.is_active}
    )
    if request.method == "POST" and form.is_valid():
        actions.do_update_member_access(
            subject,
            roles=form.cleaned_data["roles"],
            is_active=form.cleaned_data["is_active"],
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("The changes have been saved and logged."))
        return redirect("komma_members")
    return render(request, "accounts/admin/roles.html", {"subject": subject, "form": form})


REVEAL_SESSION_KEY = "komma_revealed_identity"


@sensitive
def reveal_view(request, pk):
    """Reveal one member's identity: explicit, with a reason, logged, told to the member.

    Post/redirect/get: the identity is shown once, on the page after the POST; a
    reload shows the form again instead of repeating (and re-logging) the reveal.
    """
    if not request.user.has_perm("accounts.reveal_identity"):
        raise PermissionDenied
    subject = get_object_or_404(User.objects.prefetch_related(*PEOPLE_PREFETCH), pk=pk)
    form = RevealIdentityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            identity = actions.check_reveal_identity(
                request.user, subject, form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error("reason", exc)
        else:
            if identity.pop("notification").failed:
                messages.error(
                    request,
                    _(
                        "The reveal has been logged, but the e-mail to the member could not be "
                        "sent. The member still sees it in their privacy settings."
                    ),
                )
            else:
                messages.warning(request, _("The reveal has been logged and the member informed."))
            request.session[REVEAL_SESSION_KEY] = {"subject": subject.pk, "identity": identity}
            return redirect("komma_reveal_identity", pk=subject.pk)
    shown = request.session.pop(REVEAL_SESSION_KEY, None) if request.method == "GET" else None
    identity = shown["identity"] if shown and shown.get("subject") == subject.pk else None
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
        path("mitglieder/<int:pk>/rollen/", roles_view, name="komma_member_roles"),
    ]


class MembersMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("accounts.reveal_identity")


@hooks.register("construct_settings_menu")
def hide_wagtail_user_admin(request, menu_items):
    """Wagtail's user admin lists names and e-mail addresses; members are managed by
    pseudonym in "Members" instead (the URLs are closed in ``komma.urls``)."""
    menu_items[:] = [item for item in menu_items if item.name != "users"]


@hooks.register("register_admin_menu_item")
def register_members_menu_item():
    return MembersMenuItem(_("Members"), reverse("komma_members"), icon_name="group", order=220)
