"""Writes for organisations: profiles, contacts (opted in) and inviting a contact as member."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from ..models import Organisation, OrganisationContact, RoleInvitation
from ..services import role_invitation_create


def organisation_save(*, form, user: User) -> Organisation | None:
    """Create or edit an organisation from a valid `OrganisationForm`.

    None, with the error on the form, when the same slug was taken meanwhile (two identical requests at once).
    """
    try:
        with transaction.atomic():
            organisation = form.save(commit=False)
            if organisation.pk is None:
                organisation.created_by = user
            organisation.save()
            form.save_m2m()
            return organisation
    except IntegrityError:
        form.add_error("slug", _("An organisation with this address exists already."))
        return None


def organisation_contact_add(*, organisation: Organisation, form) -> OrganisationContact | None:
    """Add an opted-in contact from a valid `ContactForm`; None (error on the form) when already there."""
    try:
        with transaction.atomic():
            Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
            if organisation.contacts.filter(email__iexact=form.cleaned_data["email"]).exists():
                raise IntegrityError
            contact = form.save(commit=False)
            contact.organisation = organisation
            contact.opted_in_at = timezone.now()
            contact.save()
            return contact
    except IntegrityError:
        form.add_error("email", _("This person is already a contact of the organisation."))
        return None


def organisation_contact_remove(*, contact: OrganisationContact) -> None:
    OrganisationContact.objects.filter(pk=contact.pk).delete()


def organisation_contact_invite(*, contact: OrganisationContact, invited_by: User) -> RoleInvitation:
    """Invite a contact to keep the profile current, through the role invitation flow (e-mail verified)."""
    return role_invitation_create(
        email=contact.email,
        role=RoleInvitation.Role.ORGANISATION_MEMBER,
        organisation=contact.organisation,
        invited_by=invited_by,
    )
