"""E-mails name the portal, not the host a request came in on, and say in their subject what happened."""

import pytest
from django.core import mail

from opportunities.models import Notification
from opportunities.notifications.emails import notification_send_email

pytestmark = pytest.mark.django_db


def test_allauths_emails_greet_from_the_portal_not_the_host(client, sme_owner, settings):
    settings.PORTAL_NAME = "Creative Labs"
    response = client.post("/accounts/password/reset/", {"email": sme_owner.email}, HTTP_HOST="127.0.0.1")
    assert response.status_code == 302
    (message,) = mail.outbox
    assert "127.0.0.1" not in message.body.split("\n")[0]
    assert "Creative Labs" in message.body.split("\n")[0]


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "New expression of interest: "), ("nl", "Nieuwe interesseverklaring: ")],
)
def test_a_notification_emails_subject_says_what_happened(developer_a, opportunity, language, expected):
    developer_a.preferred_language = language
    developer_a.save()
    notification = Notification.objects.create(
        user=developer_a, kind="interest_new", opportunity=opportunity, message="Studio X expressed interest."
    )
    notification_send_email(notification_id=notification.pk)
    (message,) = mail.outbox
    assert message.subject.startswith(expected + opportunity.title)
    assert "notification" not in message.subject.lower()
