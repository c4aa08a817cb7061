import smtplib

from celery import shared_task
from django.utils import timezone

from creativelabs.mail import send_templated_mail

from .models import CompanyInvitation


@shared_task(autoretry_for=(OSError, smtplib.SMTPException), retry_backoff=True, max_retries=5, outbox=True)
def send_team_invitation_email(invitation_id: int) -> bool:
    """E-mail a colleague the link to join, once per time it is asked for; a mail-server failure is retried.

    The invitation is claimed (`emailed_at`) before sending, so a redelivered or repeated task sends
    nothing twice; a failed send gives the claim back for the retry (or the outbox, when retries run out).
    """
    from .services import team_invitation_url

    claimed = CompanyInvitation.objects.filter(pk=invitation_id, accepted_at=None, emailed_at=None).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False  # sent already, accepted meanwhile, or withdrawn
    invitation = CompanyInvitation.objects.select_related("company", "invited_by").get(pk=invitation_id)
    try:
        send_templated_mail(
            "team_invitation",
            to=[invitation.email],
            context={"invitation": invitation, "accept_url": team_invitation_url(invitation)},
        )
    except Exception:
        CompanyInvitation.objects.filter(pk=invitation_id).update(emailed_at=None)  # not sent: to be retried
        raise
    return True
