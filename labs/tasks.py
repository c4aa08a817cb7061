from celery import shared_task

from creativelabs.mail import send_templated_mail

from .models import RoleInvitation


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_role_invitation_email(invitation_id: int) -> None:
    """E-mail the invitation link; a mail-server failure is retried with backoff."""
    from .services import role_invitation_url

    invitation = RoleInvitation.objects.select_related("lab", "post", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or invitation.accepted_at is not None:
        return
    send_templated_mail(
        "role_invitation",
        to=[invitation.email],
        context={"invitation": invitation, "accept_url": role_invitation_url(invitation)},
    )
