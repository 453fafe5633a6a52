"""The alliance directory's part of a member's data export (GDPR, hook
``personal_data_export``): the organisations the account speaks for, what it
proposed, and the invitations it sent or answered. Other people appear only by
pseudonym; editors who reviewed a proposal are not named."""

from .models import AllianceInvitation, ChangeProposal, PartnerLink


def _when(value):
    return value.isoformat() if value else None


def personal_data(user) -> dict:
    """JSON-serialisable data the directory holds about ``user``."""
    links = PartnerLink.objects.filter(user=user).select_related("organization")
    proposals = ChangeProposal.objects.filter(submitted_by=user).select_related("organization")
    sent = AllianceInvitation.objects.filter(invited_by=user).select_related("organization")
    accepted = AllianceInvitation.objects.filter(accepted_by=user).select_related("organization")
    return {
        "partner_links": [
            {
                "organization": link.organization.name,
                "verified": link.verified,
                "verified_at": _when(link.verified_at),
                "created_at": _when(link.created_at),
            }
            for link in links
        ],
        "proposals": [
            {
                "organization": proposal.organization.name if proposal.organization_id else None,
                "kind": proposal.kind,
                "status": proposal.status,
                "proposed_values": proposal.payload,
                "reason": proposal.reason,
                "submitted": _when(proposal.created_at),
                "reviewed": _when(proposal.reviewed_at),
            }
            for proposal in proposals
        ],
        "invitations_sent": [
            {
                "organization": item.organization.name,
                "status": item.status,
                "created_at": _when(item.created_at),
            }
            for item in sent
        ],
        "invitations_accepted": [
            {"organization": item.organization.name, "created_at": _when(item.created_at)}
            for item in accepted
        ],
    }
