"""Notifications are kept as a kind and parameters and put into words for each reader: the page's
language in the app, the recipient's preferred language in the e-mail, amounts and dates in that
language's format."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation

from creativelabs.formats import Money
from opportunities.models import Interest, Notification
from opportunities.notifications.services import notification_text, notify

from .factories import OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def opportunity(lab_a, developer_a):
    return OpportunityFactory(lab=lab_a, created_by=developer_a, title="Safe cycling to school")


def deal_confirmed(opportunity, user, capture):
    with capture(execute=True):
        [notification] = notify(
            users=[user],
            kind="deal_confirmed",
            opportunity=opportunity,
            company="Studio Fietsveilig",
            value=Money(Decimal("20000.00"), "EUR"),
            fee=Money(Decimal("1250.5"), "EUR"),
        )
    return Notification.objects.get(pk=notification.pk)


def test_the_same_notification_reads_in_each_language_with_its_own_amounts(
    opportunity, developer_a, django_capture_on_commit_callbacks
):
    notification = deal_confirmed(opportunity, developer_a, django_capture_on_commit_callbacks)

    assert notification.params["value"] == {"amount": "20000.00", "currency": "EUR"}
    with translation.override("en"):
        assert notification_text(notification) == (
            "Studio Fietsveilig confirmed the deal for “Safe cycling to school”: €20,000.00, fee €1,250.50."
        )
    with translation.override("nl"):
        text = notification_text(notification)
    assert "€\u00a020.000,00" in text and "€\u00a01.250,50" in text
    assert "bevestigde" in text or "bevestigd" in text


def test_the_list_follows_a_language_switch(client, opportunity, developer_a, django_capture_on_commit_callbacks):
    developer_a.preferred_language = "en"
    developer_a.save(update_fields=["preferred_language"])
    deal_confirmed(opportunity, developer_a, django_capture_on_commit_callbacks)
    client.force_login(developer_a)

    english = client.get("/notifications/").content.decode()
    client.post("/i18n/setlang/", {"language": "nl", "next": "/notifications/"})
    dutch = client.get("/notifications/").content.decode()

    assert "€20,000.00" in english and "confirmed the deal" in english
    assert "€&nbsp;20.000,00" in dutch or "€\u00a020.000,00" in dutch
    assert "confirmed the deal" not in dutch


def test_the_email_is_in_the_recipients_preferred_language(
    opportunity, developer_a, django_capture_on_commit_callbacks
):
    developer_a.preferred_language = "nl"
    developer_a.save(update_fields=["preferred_language"])
    mail.outbox.clear()

    deal_confirmed(opportunity, developer_a, django_capture_on_commit_callbacks)

    [message] = mail.outbox
    assert "€\u00a020.000,00" in message.body
    assert "confirmed the deal" not in message.body


def test_dates_and_choice_labels_are_translated_for_the_reader(
    opportunity, developer_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [reminder] = notify(
            users=[developer_a],
            kind="interest_reminder_7",
            opportunity=opportunity,
            company="Studio Fietsveilig",
            due=datetime.date(2026, 12, 3),
        )
        [reply] = notify(
            users=[developer_a],
            kind="interest_replied",
            opportunity=opportunity,
            reply=Interest.Reply.NOT_SELECTED.label,
        )

    assert reply.params["reply"] == {"msgid": str(Interest.Reply.NOT_SELECTED.label)}
    with translation.override("en"):
        assert "3 December 2026" in notification_text(reminder)
        english_label = str(Interest.Reply.NOT_SELECTED.label)
        assert english_label in notification_text(reply)
    with translation.override("nl"):
        assert "3 december 2026" in notification_text(reminder)
        dutch_label = str(Interest.Reply.NOT_SELECTED.label)
        assert dutch_label != english_label and dutch_label in notification_text(reply)


def test_a_row_from_before_the_parameters_says_its_stored_message(opportunity, developer_a):
    old = Notification.objects.create(
        user=developer_a, kind="published", opportunity=opportunity, message="“Old” is published."
    )
    unknown = Notification.objects.create(
        user=developer_a, kind="gone", opportunity=opportunity, message="A kind no longer known.", params={}
    )

    with translation.override("nl"):
        assert notification_text(old) == "“Old” is published."
        assert notification_text(unknown) == "A kind no longer known."
