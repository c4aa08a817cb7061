"""Writes for labs/: role invitations and what accepting one grants."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import forget_roles
from creativelabs.celery import enqueue_on_commit
from creativelabs.tokens import LinkError, make_link_token, read_link_token

from .models import BusinessDeveloper, EmbassyStaff, Lab, Post, RoleInvitation, Theme

_INVITATION_SALT = "labs.role-invitation"

InvitationError = LinkError


def role_invitation_token(invitation: RoleInvitation) -> str:
    return make_link_token(salt=_INVITATION_SALT, pk=invitation.pk, binding=invitation.email)


def role_invitation_url(invitation: RoleInvitation) -> str:
    path = reverse("labs:invitation_accept", kwargs={"token": role_invitation_token(invitation)})
    return f"{settings.SITE_URL}{path}"


def role_invitation_from_token(token: str) -> RoleInvitation:
    """The invitation a link stands for; raises InvitationError if tampered, expired or used."""
    link = read_link_token(token, salt=_INVITATION_SALT, max_age=settings.ROLE_INVITATION_MAX_AGE)
    invitation = RoleInvitation.objects.select_related("lab__country", "post__country").filter(pk=link.pk).first()
    if invitation is None or not link.is_bound_to(invitation.email):
        raise InvitationError(_("This invitation no longer exists. Ask the programme team for a new one."))
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been used."))
    return invitation


def role_invitation_create(
    *, email: str, role: str, lab: Lab | None = None, post: Post | None = None, invited_by: User
) -> RoleInvitation:
    invitation = RoleInvitation.objects.create(
        email=email.strip().lower(), role=role, lab=lab, post=post, invited_by=invited_by
    )
    role_invitation_send(invitation=invitation)
    return invitation


def role_invitation_send(*, invitation: RoleInvitation) -> None:
    """Send (or send again) the invitation e-mail, once the invitation is committed."""
    from .tasks import send_role_invitation_email

    enqueue_on_commit(send_role_invitation_email, invitation.pk)


@transaction.atomic
def role_invitation_accept(*, invitation: RoleInvitation, user: User) -> BusinessDeveloper | EmbassyStaff:
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
    if invitation.role == RoleInvitation.Role.BUSINESS_DEVELOPER:
        granted, _created = BusinessDeveloper.objects.update_or_create(user=user, defaults={"lab": invitation.lab})
    else:
        granted, _created = EmbassyStaff.objects.update_or_create(user=user, defaults={"post": invitation.post})
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    forget_roles(user)
    return granted


# --- Themes -----------------------------------------------------------------------------------------


def theme_save(*, form) -> Theme:
    """Create or edit a theme from a valid `ThemeForm` (embassy staff and admins curate them)."""
    return form.save()


def theme_set_archived(*, theme: Theme, archived: bool) -> Theme:
    """Archive a theme (it leaves the pickers and public lists) or bring it back."""
    theme.is_archived = archived
    theme.save(update_fields=["is_archived", "updated_at"])
    return theme
