from celery import shared_task

from creativelabs.mail import send_templated_mail

from .models import CompanyInvitation


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_team_invitation_email(invitation_id: int) -> None:
    """E-mail a colleague the link to join; a mail-server failure is retried with backoff."""
    from .services import team_invitation_url

    invitation = CompanyInvitation.objects.select_related("company", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or invitation.accepted_at is not None:
        return
    send_templated_mail(
        "team_invitation",
        to=[invitation.email],
        context={"invitation": invitation, "accept_url": team_invitation_url(invitation)},
    )
