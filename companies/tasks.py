import smtplib

from celery import shared_task

from creativelabs.mail import send_invitation_once

from .models import CompanyInvitation


@shared_task(autoretry_for=(OSError, smtplib.SMTPException), retry_backoff=True, max_retries=5, outbox=True)
def send_team_invitation_email(invitation_id: int) -> bool:
    """E-mail a colleague the link to join, once per time it is asked for; a mail-server failure is retried."""
    from .services import team_invitation_url

    return send_invitation_once(
        CompanyInvitation,
        invitation_id,
        template="team_invitation",
        related=("company", "invited_by"),
        accept_url=team_invitation_url,
    )
