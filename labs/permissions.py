"""Who may do what with labs/ data: organisations and the people who keep them current.

Programme staff (business developers, embassy staff, admins) add and edit every organisation; an
organisation member edits their own. Contact details (e-mail, phone) are for people taking part in the
programme (staff, company members, organisation members); the rest of a profile is public.
"""

from django.db.models import QuerySet

from accounts.roles import roles_of

from .models import Organisation


def may_add_organisations(user) -> bool:
    return roles_of(user).is_programme_staff


def editable_organisations(user) -> QuerySet[Organisation]:
    """The organisations `user` may edit: every one for programme staff, their own for a member."""
    roles = roles_of(user)
    if roles.is_programme_staff:
        return Organisation.objects.all()
    if roles.is_organisation_member:
        return Organisation.objects.filter(pk=roles.organisation_member.organisation_id)
    return Organisation.objects.none()


def may_edit_organisation(user, organisation: Organisation) -> bool:
    roles = roles_of(user)
    if roles.is_programme_staff:
        return True
    return roles.is_organisation_member and roles.organisation_member.organisation_id == organisation.pk


def may_invite_organisation_members(user) -> bool:
    """Staff invite a contact to keep the profile; the e-mail is verified on accepting."""
    return roles_of(user).is_programme_staff


def may_see_contact_details(user) -> bool:
    roles = roles_of(user)
    return roles.is_programme_staff or roles.is_sme_member or roles.is_organisation_member
