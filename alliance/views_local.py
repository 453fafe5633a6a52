"""Views of the local alliances, thin: parse, call ``local``, render.

An alliance the viewer may not see answers 404 (``local.access_local_alliance``);
a viewer who sees it but may not change it gets no forms, and a forged POST 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from komma.accounts.models import Municipality
from komma.core.forms import add_action_errors

from . import local
from .forms_partner import (
    InviteForm,
    LocalAllianceForm,
    ParticipationEditForm,
    ParticipationForm,
)
from .models import AllianceInvitation

SECTION = "local"
TEMPLATES = "alliance/local/"


def index(request):
    """The viewer's municipalities and their alliances; published alliances of others."""
    own = local.own_municipalities(request.user)
    own_ids = {m.pk for m in own}
    published = [
        {"alliance": alliance, "label": alliance.municipality.public_label()}
        for alliance in local.published_alliances()
        if alliance.municipality_id not in own_ids
    ]
    return render(
        request,
        TEMPLATES + "index.html",
        {"alliance_section": SECTION, "own": own, "published": published},
    )


@login_required
def edit(request, municipality_pk):
    """Record or edit the municipality's alliance (members)."""
    municipality = get_object_or_404(Municipality, pk=municipality_pk)
    rights = local.rights(request.user, municipality.pk)
    if not rights.may_edit:
        raise Http404
    alliance = getattr(municipality, "local_alliance", None)
    initial = {"name": alliance.name, "description": alliance.description} if alliance else {}
    form = LocalAllianceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            alliance = local.check_save_local_alliance(
                request.user, municipality, form.cleaned_data["name"],
                form.cleaned_data["description"],
            )  # fmt: skip
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("The alliance has been saved."))
            return redirect("alliance:local_alliance", pk=alliance.pk)
    return render(
        request, TEMPLATES + "edit.html",
        {"alliance_section": SECTION, "municipality": municipality, "alliance": alliance,
         "form": form},
    )  # fmt: skip


def _alliance_page(request, alliance, rights, *, participation_form=None, invite_form=None):
    label = local.municipality_label(alliance.municipality, rights)
    return render(
        request, TEMPLATES + "alliance.html",
        {"alliance_section": SECTION, "alliance": alliance, "rights": rights,
         "municipality_label": label,
         "participations": local.participations(alliance, with_inactive=rights.may_edit),
         "invitations": local.invitations_of(alliance) if rights.may_edit else [],
         "participation_form": participation_form or ParticipationForm(),
         "invite_form": invite_form or InviteForm()},
    )  # fmt: skip


def alliance(request, pk):
    """One local alliance; its members also get the forms to keep it current."""
    item, rights = local.access_local_alliance(request.user, pk)
    participation_form = invite_form = None
    if request.method == "POST":
        if not rights.may_edit:
            raise Http404
        which = request.POST.get("form")
        try:
            if which == "participation":
                participation_form = ParticipationForm(request.POST)
                if participation_form.is_valid():
                    data = participation_form.cleaned_data
                    organization = local.resolve_organization(data["organization"])
                    local.check_add_participation(
                        request.user, item, organization, data["role"], data["since"]
                    )
                    messages.success(request, _("The organisation has been added."))
                    return redirect("alliance:local_alliance", pk=item.pk)
            elif which == "invite":
                invite_form = InviteForm(request.POST)
                if invite_form.is_valid():
                    data = invite_form.cleaned_data
                    organization = local.resolve_organization(data["organization"])
                    local.check_invite_organization(
                        request.user, item, organization, data["role"], data["message"]
                    )
                    messages.success(
                        request, _("The invitation has been sent to the organisation.")
                    )
                    return redirect("alliance:local_alliance", pk=item.pk)
            elif which == "publish":
                publish = request.POST.get("publish") == "1"
                local.check_publish_local_alliance(request.user, item, publish)
                messages.success(
                    request,
                    _("The alliance is published: everyone can see it.")
                    if publish
                    else _("The alliance is visible to the municipality's members only."),
                )
                return redirect("alliance:local_alliance", pk=item.pk)
        except ValidationError as exc:
            target = invite_form if which == "invite" else participation_form
            if target is None:
                messages.error(request, " ".join(exc.messages))
            else:
                add_action_errors(target, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
    return _alliance_page(
        request, item, rights, participation_form=participation_form, invite_form=invite_form
    )


@login_required
def participation(request, pk, participation_pk):
    """Change the role or date of a participation, or remove it (members)."""
    item, rights = local.access_local_alliance(request.user, pk)
    if not rights.may_edit:
        raise Http404
    entry = local.access_participation(request.user, item, participation_pk)
    form = ParticipationEditForm(
        request.POST if request.POST.get("form") == "edit" else None,
        initial={"role": entry.role, "since": entry.since},
    )
    if request.method == "POST":
        if request.POST.get("form") == "remove":
            local.check_remove_participation(request.user, entry)
            messages.success(request, _("The organisation has been removed from the alliance."))
            return redirect("alliance:local_alliance", pk=item.pk)
        if form.is_valid():
            try:
                local.check_update_participation(
                    request.user, entry, form.cleaned_data["role"], form.cleaned_data["since"]
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, _("The participation has been updated."))
                return redirect("alliance:local_alliance", pk=item.pk)
    return render(
        request, TEMPLATES + "participation.html",
        {"alliance_section": SECTION, "alliance": item, "participation": entry, "form": form},
    )  # fmt: skip


@login_required
@require_POST
def revoke_invitation(request, pk, invitation_pk):
    item, rights = local.access_local_alliance(request.user, pk)
    invitation = AllianceInvitation.objects.filter(pk=invitation_pk, local_alliance=item).first()
    if invitation is None or not rights.may_invite:
        raise Http404
    try:
        local.check_revoke_invitation(request.user, invitation)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("The invitation has been revoked."))
    return redirect("alliance:local_alliance", pk=item.pk)
