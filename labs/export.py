"""The labs/ part of a person's data export: their staff roles and the role invitations they sent or got.

Themes are curated by embassy staff, but a theme records no curator: there is nothing per person to export.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.export import labels, person, record, section
from accounts.models import User

from .models import (
    BusinessDeveloper,
    EmbassyStaff,
    Organisation,
    OrganisationContact,
    OrganisationMember,
    RoleInvitation,
)


@section(
    "roles",
    title=_("Your roles in the programme"),
    covers=["labs.BusinessDeveloper.user", "labs.EmbassyStaff.user"],
)
def _roles(user: User) -> dict:
    developer = BusinessDeveloper.objects.select_related("lab").filter(user=user).first()
    staff = EmbassyStaff.objects.select_related("post__country").filter(user=user).first()
    return {
        "programme_admin": user.is_staff,
        "business_developer": None if developer is None else record(developer, leave_out={"id", "user"}),
        "embassy_staff": (
            None if staff is None else {**record(staff, leave_out={"id", "user"}), "country": staff.country.name}
        ),
    }


@section(
    "role_invitations",
    title=_("Role invitations"),
    covers=["labs.RoleInvitation.email", "labs.RoleInvitation.invited_by", "labs.RoleInvitation.accepted_by"],
)
def _role_invitations(user: User) -> dict:
    invitations = RoleInvitation.objects.select_related("lab", "post", "invited_by", "accepted_by")
    return {
        "received": [
            _invitation(i) for i in invitations.filter(Q(email__iexact=user.email) | Q(accepted_by=user)).distinct()
        ],
        "sent": [_invitation(i) for i in invitations.filter(invited_by=user)],
    }


def _invitation(invitation: RoleInvitation) -> dict:
    return {
        **record(invitation, leave_out={"id", "invited_by", "accepted_by"}),
        "invited_by": person(invitation.invited_by),
        "accepted_by": person(invitation.accepted_by),
    }


@section(
    "organisations",
    title=_("Organisations"),
    covers=["labs.OrganisationMember.user", "labs.OrganisationContact.email", "labs.Organisation.created_by"],
)
def _organisations(user: User) -> dict:
    member = OrganisationMember.objects.select_related("organisation").filter(user=user).first()
    contacts = OrganisationContact.objects.select_related("organisation").filter(email__iexact=user.email)
    return {
        "organisation_member": None if member is None else record(member, leave_out={"id", "user"}),
        "listed_as_contact": [record(contact, leave_out={"id"}) for contact in contacts],
        "organisations_added": [o.name for o in Organisation.objects.filter(created_by=user)],
    }


labels(
    {
        "organisation_member": _("Organisation member"),
        "listed_as_contact": _("Listed as a contact"),
        "organisations_added": _("Organisations you added"),
        "organisation": _("Organisation"),
        "phone": _("Phone"),
        "opted_in_at": _("Opted in at"),
        "programme_admin": _("Programme admin"),
        "business_developer": _("Business developer"),
        "embassy_staff": _("Embassy staff"),
        "lab": _("Lab"),
        "post": _("Post"),
        "country": _("Country"),
        "job_title": _("Job title"),
        "job_title_nl": _("Job title (Dutch)"),
        "bio": _("Short biography"),
        "bio_nl": _("Short biography (Dutch)"),
        "received": _("Received"),
        "sent": _("Sent"),
        "role": _("Role"),
        "invited_by": _("Invited by"),
        "accepted_at": _("Accepted at"),
        "accepted_by": _("Accepted by"),
    }
)
