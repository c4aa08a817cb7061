"""The companies/ part of a person's data export: their membership, their company's data, team invitations."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.export import labels, person, record, section
from accounts.models import User

from .models import CompanyInvitation, Membership
from .selectors import company_export_data


@section("membership", title=_("Your place in a company"), covers=["companies.Membership.user"])
def _membership(user: User) -> dict | None:
    membership = Membership.objects.select_related("company").filter(user=user).first()
    return None if membership is None else record(membership, leave_out={"id", "user"})


@section("company", title=_("Your company"))
def _company(user: User) -> dict | None:
    """What the person and their colleagues wrote about the company: profile, team, portfolio."""
    membership = Membership.objects.select_related("company").filter(user=user).first()
    return None if membership is None else company_export_data(membership.company)


@section(
    "team_invitations",
    title=_("Team invitations"),
    covers=["companies.CompanyInvitation.email", "companies.CompanyInvitation.invited_by"],
)
def _team_invitations(user: User) -> dict:
    invitations = CompanyInvitation.objects.select_related("company", "invited_by")
    return {
        "received": [_invitation(i) for i in invitations.filter(Q(email__iexact=user.email))],
        "sent": [_invitation(i) for i in invitations.filter(invited_by=user)],
    }


def _invitation(invitation: CompanyInvitation) -> dict:
    return {**record(invitation, leave_out={"id", "invited_by"}), "invited_by": person(invitation.invited_by)}


labels(
    {
        "company": _("Company"),
        # The company's profile (companies.selectors.company_export_data).
        "name": _("Name"),
        "slug": _("Slug"),
        "kvk_number": _("Chamber of Commerce (KvK) number"),
        "website": _("Website"),
        "city": _("City"),
        "size": _("Size"),
        "founded_year": _("Founded"),
        "pitch": _("Short pitch"),
        "description": _("Description"),
        "disciplines": _("Disciplines"),
        "themes": _("Themes"),
        "target_countries": _("Target countries"),
        "presence_countries": _("Local presence"),
        "languages": _("Working languages"),
        "logo": _("Logo"),
        "is_listed": _("Listed in the public directory"),
        "open_to_matching": _("Open to match suggestions"),
        "team": _("Team"),
        "portfolio": _("Portfolio"),
        "title": _("Title"),
        "client": _("Client"),
        "year": _("Year"),
        "link": _("Link"),
        "visibility": _("Visibility"),
        "position": _("Position"),
        "files": _("Files"),
        "bytes": _("Size in bytes"),
        "uploaded_at": _("Uploaded at"),
    }
)
