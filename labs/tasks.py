import smtplib

from celery import shared_task

from creativelabs.mail import send_invitation_once

from .models import RoleInvitation


@shared_task(autoretry_for=(OSError, smtplib.SMTPException), retry_backoff=True, max_retries=5, outbox=True)
def send_role_invitation_email(invitation_id: int) -> bool:
    """E-mail the invitation link once per time it is asked for; a mail-server failure is retried with backoff."""
    from .services import role_invitation_url

    return send_invitation_once(
        RoleInvitation,
        invitation_id,
        template="role_invitation",
        related=("lab", "post", "invited_by"),
        accept_url=role_invitation_url,
    )
