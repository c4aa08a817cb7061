"""Saved-search alerts: what newly appears in a saved list, told to its owner once.

New, for a saved search, is an object that entered its list after the search was saved (an opportunity
published, a company registered) and that the search did not tell before: each told object is a
`SavedSearchMatch` row, written in the transaction that tells it, with the search's row locked, so a
rerun, a retry or two runs at once tell it once.

- "immediately": on publishing an opportunity (`saved_searches_on_publish`, enqueued by the workflow
  after commit) each such search of opportunities is run for it: an in-app notification, e-mailed at
  once (category "saved searches" of the e-mail preferences). Company searches, and anything a lost
  message left behind, are run by the beat every quarter of an hour.
- "daily" and "weekly": the beat runs each search a day or a week after its previous run; the objects
  are in-app notifications (opportunities) and one e-mail listing them all.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from creativelabs.mail import send_templated_mail

from ..models import SavedSearch, SavedSearchMatch
from ..notifications.emails import unsubscribe_link
from ..notifications.preferences import Category, category_emails_on, preference_of
from ..notifications.services import notify
from ..permissions import may_save_search
from .lists import LISTS, results

MAX_ALERT_ITEMS = 30  # per run; the rest is told by the next run
PERIODS = {
    SavedSearch.Frequency.DAILY: datetime.timedelta(days=1),
    SavedSearch.Frequency.WEEKLY: datetime.timedelta(days=7),
}
# Less than the beat's interval: a run a little early still counts as the next period's, and the time
# of day does not drift.
SLACK = datetime.timedelta(minutes=10)
IMMEDIATE_KIND = "saved_search"
LISTED_KIND = "saved_search_listed"


def saved_searches_due(now: datetime.datetime | None = None):
    """Ids of the saved searches the beat runs now: daily and weekly ones whose period is over, and
    immediate ones (publishing runs those of opportunities at once; this catches what it missed)."""
    now = now or timezone.now()
    due = Q(frequency=SavedSearch.Frequency.IMMEDIATELY)
    for frequency, period in PERIODS.items():
        due |= Q(frequency=frequency) & (Q(alerted_at=None) | Q(alerted_at__lte=now - period + SLACK))
    return SavedSearch.objects.filter(due, user__is_active=True).values_list("pk", flat=True)


def saved_search_alert(
    *, saved_search_id: int, now: datetime.datetime | None = None, opportunity_id: int | None = None
) -> int:
    """Tell the owner of one saved search what is new in it, once; the number of objects told.

    `opportunity_id`: only that one (an immediate search run on publishing it).
    """
    now = now or timezone.now()
    with transaction.atomic():
        search = SavedSearch.objects.select_for_update().select_related("user").filter(pk=saved_search_id).first()
        if search is None or not may_save_search(search.user, search.list):
            return 0  # deleted meanwhile, or the owner lost the role the list needs
        found = results(search)
        spec = LISTS[search.list]
        new = []
        if found is not None:
            told = SavedSearchMatch.objects.filter(saved_search=search).values(f"{spec.match_field}_id")
            found = found.filter(**{f"{spec.new_since}__gt": search.created_at}).exclude(pk__in=told)
            if opportunity_id is not None:
                found = found.filter(pk=opportunity_id)
            new = list(found.order_by(spec.new_since, "pk")[:MAX_ALERT_ITEMS])
        if opportunity_id is None:
            search.alerted_at = now
            search.save(update_fields=["alerted_at"])
        if not new:
            return 0
        SavedSearchMatch.objects.bulk_create(
            [SavedSearchMatch(saved_search=search, **{spec.match_field: item}) for item in new]
        )
        immediate = search.frequency == SavedSearch.Frequency.IMMEDIATELY
        if search.list == SavedSearch.List.OPPORTUNITIES:
            for opportunity in new:
                notify(
                    users=[search.user],
                    kind=IMMEDIATE_KIND if immediate else LISTED_KIND,
                    opportunity=opportunity,
                    dedupe=f"{IMMEDIATE_KIND}:{search.pk}:{opportunity.pk}",
                    search=search.name,
                )
        # Immediate opportunities go out one e-mail per notification; everything else in one list.
        listed = not immediate or search.list != SavedSearch.List.OPPORTUNITIES
        if listed and category_emails_on(preference_of(search.user), Category.SAVED_SEARCHES):
            # Inside the transaction: if the mail server fails, the matches go too and the next run tells them.
            send_templated_mail(
                "saved_search_alert",
                to=[search.user.email],
                context={"user": search.user, "search": search, "items": new, "companies": spec.name == "companies"},
                language=search.user.preferred_language,
                unsubscribe=unsubscribe_link(search.user, Category.SAVED_SEARCHES),
            )
    return len(new)


def saved_searches_on_publish(opportunity_id: int) -> int:
    """Run every immediate search of opportunities for one just published; the number of searches told."""
    searches = SavedSearch.objects.filter(
        list=SavedSearch.List.OPPORTUNITIES, frequency=SavedSearch.Frequency.IMMEDIATELY, user__is_active=True
    ).values_list("pk", flat=True)
    return sum(1 for pk in searches if saved_search_alert(saved_search_id=pk, opportunity_id=opportunity_id))
