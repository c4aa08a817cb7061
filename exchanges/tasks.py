"""Reminders 7 days and 1 day before an exchange, once per exchange, start and person (dedupe keys)."""

import datetime

from celery import shared_task
from django.utils import timezone

from .models import Exchange, Registration
from .services import people_of, tell_people

REMINDER_DAYS = (7, 1)


def exchange_send_reminders(*, now: datetime.datetime | None = None) -> int:
    """Remind the confirmed participants of exchanges starting 7 or 1 days from today (the place's date)."""
    now = now or timezone.now()
    sent = 0
    soon = Exchange.objects.filter(
        status=Exchange.Status.PUBLISHED, starts_at__gt=now, starts_at__lte=now + datetime.timedelta(days=8)
    )
    for exchange in soon:
        days = (exchange.local_start.date() - timezone.localtime(now, exchange.zone).date()).days
        if days not in REMINDER_DAYS:
            continue
        people = {}
        for registration in exchange.registrations.filter(state=Registration.State.CONFIRMED):
            for person in people_of(registration):
                people[person.pk] = person
        dedupe = f"exchange_reminder:{exchange.pk}:{exchange.starts_at.isoformat()}:{days}"
        tell_people(people.values(), "exchange_reminder", exchange, dedupe=dedupe, days=days)
        sent += len(people)
    return sent


@shared_task(name="exchanges.tasks.send_exchange_reminders")
def send_exchange_reminders() -> int:
    """Hourly beat task; safe to run twice (a reminder already written is not written again)."""
    return exchange_send_reminders()


@shared_task(name="exchanges.tasks.suggest_companies_for_exchange")
def suggest_companies_for_exchange(exchange_pk: int) -> int:
    """After an exchange is published or changed: the companies to invite, ranked by the engine."""
    from .matchmaking import suggest_companies

    exchange = Exchange.objects.filter(pk=exchange_pk).first()
    return suggest_companies(exchange) if exchange is not None else 0
