import smtplib

from celery import shared_task
from django.utils import timezone

from creativelabs.mail import send_templated_mail

from .models import RoleInvitation


@shared_task(autoretry_for=(OSError, smtplib.SMTPException), retry_backoff=True, max_retries=5, outbox=True)
def send_role_invitation_email(invitation_id: int) -> bool:
    """E-mail the invitation link once per time it is asked for; a mail-server failure is retried with backoff.

    The invitation is claimed (`emailed_at`) before sending, so a redelivered or repeated task sends
    nothing twice; a failed send gives the claim back for the retry (or the outbox, when retries run out).
    """
    from .services import role_invitation_url

    claimed = RoleInvitation.objects.filter(pk=invitation_id, accepted_at=None, emailed_at=None).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False  # sent already, accepted meanwhile, or withdrawn
    invitation = RoleInvitation.objects.select_related("lab", "post", "invited_by").get(pk=invitation_id)
    try:
        send_templated_mail(
            "role_invitation",
            to=[invitation.email],
            context={"invitation": invitation, "accept_url": role_invitation_url(invitation)},
        )
    except Exception:
        RoleInvitation.objects.filter(pk=invitation_id).update(emailed_at=None)  # not sent: to be retried
        raise
    return True
