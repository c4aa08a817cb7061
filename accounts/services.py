"""Writes and exports about a person: their data as JSON, and deleting their account."""

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import NotificationPreference, User
from .roles import roles_of

# Fields of the user model that are not personal data, or must never leave the database.
USER_FIELDS_NOT_EXPORTED = {"id", "password", "is_superuser", "is_staff", "is_active", "groups", "user_permissions"}
PREFERENCE_FIELDS_NOT_EXPORTED = {"id", "user"}


class AccountError(Exception):
    """An account action that can't be done; the message is for the person who tried."""


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def user_export_data(user: User) -> dict:
    """Everything the portal holds about `user` and their company, as plain JSON data."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from companies.selectors import company_export_data

    data = {
        "exported_at": timezone.now().isoformat(),
        "user": {
            field.name: _iso(getattr(user, field.name))
            for field in User._meta.concrete_fields
            if field.name not in USER_FIELDS_NOT_EXPORTED
        },
        "email_addresses": list(EmailAddress.objects.filter(user=user).values("email", "verified", "primary")),
        "two_factor": sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True)),
        "consents": {"terms_version": user.terms_version, "terms_accepted_at": _iso(user.terms_accepted_at)},
        "notification_preferences": _preferences_export(user),
        "digests_sent": [
            {"kind": kind, "period": period, "sent_at": _iso(sent_at)}
            for kind, period, sent_at in user.sent_digests.values_list("kind", "period", "sent_at")
        ],
        "roles": {},
    }
    roles = roles_of(user)
    if roles.business_developer:
        bd = roles.business_developer
        data["roles"]["business_developer"] = {"lab": bd.lab.name, "since": _iso(bd.created_at)}
    if roles.embassy_staff:
        staff = roles.embassy_staff
        data["roles"]["embassy_staff"] = {"post": staff.post.name, "since": _iso(staff.created_at)}
    if roles.membership:
        data["membership"] = {"role": roles.membership.role, "joined_at": _iso(roles.membership.created_at)}
        data["company"] = company_export_data(roles.membership.company)
    return data


def _preferences_export(user: User) -> dict:
    """The e-mails the person chose (the defaults when they never chose)."""
    preference = NotificationPreference.objects.of(user)
    return {
        field.name: _iso(getattr(preference, field.name))
        for field in NotificationPreference._meta.concrete_fields
        if field.name not in PREFERENCE_FIELDS_NOT_EXPORTED
    }


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
