"""Writes about a person: deleting their account. Their data export is accounts/export.py."""

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import User


class AccountError(Exception):
    """An account action that can't be done; the message is for the person who tried."""


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete the account and every trace of the person's name and address (preferences and sent digests too).

    A sole member's company goes with them (with its files); an owner with colleagues must
    hand the company over first, so the team is never left without an owner.
    """
    from companies.models import CompanyInvitation, Membership
    from companies.services import company_delete
    from labs.models import RoleInvitation

    membership = Membership.objects.select_related("company").filter(user=user).first()
    if membership is not None:
        colleagues = Membership.objects.filter(company=membership.company).exclude(pk=membership.pk)
        if not colleagues.exists():
            company_delete(company=membership.company)
        elif membership.role == Membership.Role.OWNER and not colleagues.filter(role=Membership.Role.OWNER).exists():
            raise AccountError(
                _("You own %(company)s: make a colleague the owner before you delete your account.")
                % {"company": membership.company.name}
            )
    email = user.email
    RoleInvitation.objects.filter(email__iexact=email).delete()
    CompanyInvitation.objects.filter(email__iexact=email).delete()
    _delete_sessions_of(user)
    user.delete()


def _delete_sessions_of(user: User) -> None:
    """Sessions hold the address allauth logged in with; remove every session of this user."""
    user_id = str(user.pk)
    stale = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == user_id
    ]
    Session.objects.filter(pk__in=stale).delete()
