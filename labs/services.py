"""Writes for labs/: role invitations and what accepting one grants."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import forget_roles
from creativelabs.celery import enqueue_on_commit
from creativelabs.tokens import LinkError, make_link_token, read_link_token

from .models import BusinessDeveloper, EmbassyStaff, Lab, Organisation, OrganisationMember, Post, RoleInvitation, Theme

_INVITATION_SALT = "labs.role-invitation"

InvitationError = LinkError


class RoleInvitationRefused(Exception):
    """An invitation that is not made; the message is for the admin who tried."""


def role_invitation_token(invitation: RoleInvitation) -> str:
    return make_link_token(salt=_INVITATION_SALT, pk=invitation.pk, binding=invitation.email)


def role_invitation_url(invitation: RoleInvitation) -> str:
    path = reverse("labs:invitation_accept", kwargs={"token": role_invitation_token(invitation)})
    return f"{settings.SITE_URL}{path}"


def role_invitation_from_token(token: str) -> RoleInvitation:
    """The invitation a link stands for; raises InvitationError if tampered, expired or used."""
    link = read_link_token(token, salt=_INVITATION_SALT, max_age=settings.ROLE_INVITATION_MAX_AGE)
    invitation = (
        RoleInvitation.objects.select_related("lab__country", "post__country", "organisation")
        .filter(pk=link.pk)
        .first()
    )
    if invitation is None or not link.is_bound_to(invitation.email):
        raise InvitationError(_("This invitation no longer exists. Ask the programme team for a new one."))
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been used."))
    return invitation


# A second click or a retried request within this time after the invitation e-mail went out sends
# nothing more; after it, "send again" sends again (the lost e-mail, the spam folder).
RESEND_AFTER = datetime.timedelta(minutes=1)


@transaction.atomic
def role_invitation_create(
    *,
    email: str,
    role: str,
    lab: Lab | None = None,
    post: Post | None = None,
    organisation: Organisation | None = None,
    invited_by: User,
) -> RoleInvitation:
    """Invite `email` to a role; the same pending invitation again is that invitation (sent again after a minute).

    The inviting admin's row is locked, so two identical requests at once make one invitation and one e-mail.
    """
    User.objects.select_for_update().filter(pk=invited_by.pk).first()
    email = email.strip().lower()
    refusal = role_already_held(email=email, role=role)
    if refusal:
        raise RoleInvitationRefused(refusal)
    pending = (
        RoleInvitation.objects.filter(
            email=email, role=role, lab=lab, post=post, organisation=organisation, accepted_at=None
        )
        .order_by("-created_at")
        .first()
    )
    if pending is not None:
        role_invitation_send(invitation=pending)
        return pending
    invitation = RoleInvitation.objects.create(
        email=email, role=role, lab=lab, post=post, organisation=organisation, invited_by=invited_by
    )
    _queue_email(invitation)
    return invitation


def role_already_held(*, email: str, role: str) -> str:
    """Why `email` can't be invited to `role`: the person holds it already (empty when they don't)."""
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        return ""
    if role == RoleInvitation.Role.BUSINESS_DEVELOPER:
        developer = BusinessDeveloper.objects.filter(user=user).select_related("lab").first()
        if developer is not None:
            return _("%(email)s is already a business developer of %(lab)s.") % {"email": email, "lab": developer.lab}
    if role == RoleInvitation.Role.EMBASSY_STAFF:
        staff = EmbassyStaff.objects.filter(user=user).select_related("post").first()
        if staff is not None:
            return _("%(email)s is already on the staff of %(post)s.") % {"email": email, "post": staff.post}
    return ""


@transaction.atomic
def role_invitation_revoke(*, invitation_id: int) -> bool:
    """Withdraw a pending invitation: its link stops working at once. False when there was none (used, or
    withdrawn already: the same request again)."""
    invitation = RoleInvitation.objects.select_for_update().filter(pk=invitation_id, accepted_at=None).first()
    if invitation is None:
        return False
    invitation.delete()
    return True


@transaction.atomic
def role_invitation_send(*, invitation: RoleInvitation) -> bool:
    """Send the invitation e-mail (again), once the change commits; False when it went out under a minute ago.

    One still on its way is asked for again: the worker claims the invitation before sending, so
    however many tasks there are, it goes out once.
    """
    invitation = RoleInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None or _emailed_recently(invitation):
        return False
    _queue_email(invitation)
    return True


def _emailed_recently(invitation) -> bool:
    return invitation.emailed_at is not None and invitation.emailed_at > timezone.now() - RESEND_AFTER


def _queue_email(invitation: RoleInvitation) -> None:
    """ "Sent at" is now and the e-mail is to be sent (the worker claims `emailed_at`), after commit."""
    from .tasks import send_role_invitation_email

    invitation.created_at = timezone.now()
    invitation.emailed_at = None
    invitation.save(update_fields=["created_at", "emailed_at"])
    enqueue_on_commit(send_role_invitation_email, invitation.pk)


@transaction.atomic
def role_invitation_accept(
    *, invitation: RoleInvitation, user: User
) -> BusinessDeveloper | EmbassyStaff | OrganisationMember:
    """Give `user` the invited role. The user must own the invited address, verified."""
    from allauth.account.models import EmailAddress

    invitation = RoleInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been used."))
    if not EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists():
        raise InvitationError(
            _("This invitation was sent to %(email)s. Log in with that address to accept it.")
            % {"email": invitation.email}
        )
    if invitation.role == RoleInvitation.Role.ORGANISATION_MEMBER:
        granted, _created = OrganisationMember.objects.update_or_create(
            user=user, defaults={"organisation": invitation.organisation}
        )
    elif invitation.role == RoleInvitation.Role.BUSINESS_DEVELOPER:
        granted, _created = BusinessDeveloper.objects.update_or_create(user=user, defaults={"lab": invitation.lab})
    else:
        granted, _created = EmbassyStaff.objects.update_or_create(user=user, defaults={"post": invitation.post})
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    forget_roles(user)
    return granted


# --- Themes -----------------------------------------------------------------------------------------


def theme_save(*, form) -> Theme | None:
    """Create or edit a theme from a valid `ThemeForm` (embassy staff and admins curate them).

    None, with the error on the form, when the same slug was taken meanwhile: two identical requests
    at once both pass the form's uniqueness check, and the database lets one of them in.
    """
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:
        form.add_error("slug", _("A theme with this slug exists already."))
        return None


def theme_set_archived(*, theme: Theme, archived: bool) -> Theme:
    """Archive a theme (it leaves the pickers and public lists) or bring it back."""
    theme.is_archived = archived
    theme.save(update_fields=["is_archived", "updated_at"])
    return theme
