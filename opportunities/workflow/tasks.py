"""The worker's side of the opportunity workflow: deadlines."""

import datetime

from celery import shared_task
from django.utils import timezone

from ..models import Opportunity
from ..notifications.services import notify_deadline_reminder
from .services import opportunity_expire

REMINDER_DAYS = (7, 1)


@shared_task(name="opportunities.tasks.expire_and_remind")
def expire_and_remind() -> dict:
    """Daily: expire published opportunities past their deadline; remind 7 and 1 days before."""
    today = timezone.localdate()
    expired = sum(
        opportunity_expire(opportunity=opportunity, today=today)
        for opportunity in Opportunity.objects.published().filter(deadline__lt=today)
    )
    reminded = 0
    for days in REMINDER_DAYS:
        due = Opportunity.objects.published().filter(deadline=today + datetime.timedelta(days=days))
        for opportunity in due:
            # Beat runs this every hour: count only the opportunities reminded now, not again.
            if notify_deadline_reminder(opportunity, days=days):
                reminded += 1
    return {"expired": expired, "reminded": reminded}
