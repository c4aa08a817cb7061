"""Digests: the companies' weekly matches and the Labs' daily news, each sent once per person and period.

- The weekly digest (Mondays from 07:00 Amsterdam time) lists, for those who chose "weekly", the
  opportunities of the match notifications written since their previous weekly digest that are
  still well-matched; nothing is sent when there is nothing new.
- The Lab digest (daily from 07:00) tells a business developer the strong suggestions for their
  Lab's open opportunities that no earlier digest told them (and nobody decided on yet), and the
  expressions of interest in the Lab's opportunities since the previous digest.
- `digest_send` records (person, kind, period) in the transaction that sends: a rerun or a retry
  finds the record and sends nothing, and a failed send rolls the record back, to be retried.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import NotificationPreference, SentDigest, User
from companies.models import Membership
from creativelabs.mail import send_templated_mail
from labs.models import BusinessDeveloper

from ..models import Interest, Notification, Suggestion, open_for_interest_q
from .alerts import MATCH_KIND, STRONG_FLOOR, well_matched_suggestions
from .emails import unsubscribe_link
from .preferences import Category, preference_of

DIGEST_HOUR = 7  # local time (settings.TIME_ZONE) from which the day's or week's digest goes out
WEEKLY_DIGEST_WEEKDAY = 0  # Monday
# How far back a digest looks when there was no digest before (or a long pause).
WEEKLY_LOOKBACK = datetime.timedelta(days=15)
LAB_LOOKBACK = datetime.timedelta(days=7)
# Suggestions told in a Lab digest within this time are not told again.
LAB_TOLD_MEMORY = datetime.timedelta(days=120)
MAX_DIGEST_ITEMS = 30

WEEKLY = SentDigest.Kind.WEEKLY_MATCHES.value
LAB_DAILY = SentDigest.Kind.LAB_DAILY.value


def digest_period(kind: str, now: datetime.datetime) -> str | None:
    """The period a digest sent now belongs to ("2030-W11", "2030-03-11"); None before it is due."""
    local = timezone.localtime(now)
    if local.hour < DIGEST_HOUR:
        return None
    if kind == WEEKLY:
        if local.weekday() != WEEKLY_DIGEST_WEEKDAY:
            return None
        year, week, _day = local.isocalendar()
        return f"{year}-W{week:02d}"
    return local.date().isoformat()


def digests_due(now: datetime.datetime | None = None) -> list[tuple[int, str, str]]:
    """(user id, kind, period) of each digest that may be due now and was not sent this period.

    Whether there is anything to tell is for `digest_send` to find out.
    """
    now = now or timezone.now()
    due = []
    for kind, people in ((LAB_DAILY, _lab_digest_readers()), (WEEKLY, _weekly_digest_readers(now))):
        period = digest_period(kind, now)
        if period is None:
            continue
        sent = SentDigest.objects.filter(user=OuterRef("pk"), kind=kind, period=period)
        due.extend((pk, kind, period) for pk in people.filter(~Exists(sent)).values_list("pk", flat=True))
    return due


def _lab_digest_readers():
    return User.objects.filter(is_active=True, business_developer__isnull=False).exclude(
        notification_preference__lab_digest=False
    )


def _weekly_digest_readers(now):
    recent = Notification.objects.filter(user=OuterRef("pk"), kind=MATCH_KIND, created_at__gte=now - WEEKLY_LOOKBACK)
    return (
        User.objects.filter(is_active=True, membership__isnull=False)
        .filter(Exists(recent))
        .exclude(
            notification_preference__match_alerts__in=[
                NotificationPreference.MatchAlerts.IMMEDIATELY,
                NotificationPreference.MatchAlerts.NEVER,
            ]
        )
    )


@dataclass
class Digest:
    template: str
    category: str
    items: list  # recorded with the digest, so the next one tells only what is new
    context: dict


def digest_send(*, user_id: int, kind: str, period: str, now: datetime.datetime | None = None) -> bool:
    """Send one person's digest for one period, once; False when sent before or there is nothing new."""
    now = now or timezone.now()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or SentDigest.objects.filter(user=user, kind=kind, period=period).exists():
        return False
    digest = DIGESTS[kind](user, preference_of(user), now)
    if digest is None:
        return False
    with transaction.atomic():
        try:
            with transaction.atomic():
                SentDigest.objects.create(user=user, kind=kind, period=period, items=digest.items, sent_at=now)
        except IntegrityError:
            return False  # another run sent it meanwhile
        # Inside the transaction: if the mail server fails, the record goes too and the retry sends it.
        send_templated_mail(
            digest.template,
            to=[user.email],
            context={"user": user, **digest.context},
            language=user.preferred_language,
            unsubscribe=unsubscribe_link(user, digest.category),
        )
    return True


def _last_sent(user: User, kind: str):
    return (
        SentDigest.objects.filter(user=user, kind=kind).order_by("-sent_at").values_list("sent_at", flat=True).first()
    )


def weekly_matches_digest(user: User, preference: NotificationPreference, now: datetime.datetime) -> Digest | None:
    """The well-matched opportunities told in the app since the previous weekly digest."""
    if preference.match_alerts != NotificationPreference.MatchAlerts.WEEKLY:
        return None
    membership = Membership.objects.filter(user=user).select_related("company").first()
    if membership is None:
        return None
    last = _last_sent(user, WEEKLY)
    since = max(last, now - WEEKLY_LOOKBACK) if last else now - WEEKLY_LOOKBACK
    new = Notification.objects.filter(user=user, kind=MATCH_KIND, created_at__gt=since).values("opportunity_id")
    suggestions = list(
        well_matched_suggestions()
        .filter(company=membership.company, opportunity_id__in=new)
        .select_related("opportunity__country", "opportunity__lab")
        .order_by("rank_for_company", "pk")[:MAX_DIGEST_ITEMS]
    )
    if not suggestions:
        return None
    return Digest(
        template="match_digest",
        category=Category.MATCHES,
        items=[suggestion.opportunity_id for suggestion in suggestions],
        context={"company": membership.company, "suggestions": suggestions},
    )


def lab_daily_digest(user: User, preference: NotificationPreference, now: datetime.datetime) -> Digest | None:
    """New strong suggestions and new expressions of interest on the developer's Lab's opportunities."""
    if not preference.lab_digest:
        return None
    developer = BusinessDeveloper.objects.filter(user=user).select_related("lab").first()
    if developer is None:
        return None
    lab = developer.lab
    told, last = set(), None
    for items, sent_at in SentDigest.objects.filter(
        user=user, kind=LAB_DAILY, sent_at__gte=now - LAB_TOLD_MEMORY
    ).values_list("items", "sent_at"):
        told.update(items)
        last = max(last, sent_at) if last else sent_at
    since = max(last, now - LAB_LOOKBACK) if last else now - LAB_LOOKBACK

    strong = (
        Suggestion.objects.filter(
            open_for_interest_q("opportunity__"),
            opportunity__lab=lab,
            rank_for_opportunity__isnull=False,
            score__gte=STRONG_FLOOR,
            decision=Suggestion.Decision.NONE,
        )
        .select_related("company", "opportunity")
        .order_by("opportunity__deadline", "opportunity_id", "rank_for_opportunity")
    )
    suggestions = [s for s in strong if _suggestion_key(s) not in told][:MAX_DIGEST_ITEMS]
    interests = list(
        Interest.objects.filter(opportunity__lab=lab, created_at__gt=since)
        .exclude(state=Interest.State.WITHDRAWN)
        .select_related("company", "opportunity")
        .order_by("created_at", "pk")[:MAX_DIGEST_ITEMS]
    )
    if not suggestions and not interests:
        return None
    by_opportunity = defaultdict(list)
    for suggestion in suggestions:
        by_opportunity[suggestion.opportunity].append(suggestion)
    waiting = Interest.objects.filter(opportunity__lab=lab, state=Interest.State.SUBMITTED)
    return Digest(
        template="lab_digest",
        category=Category.LAB_DIGEST,
        items=[_suggestion_key(suggestion) for suggestion in suggestions],
        context={
            "lab": lab,
            "suggestion_groups": list(by_opportunity.items()),
            "suggestion_count": len(suggestions),
            "interests": interests,
            "waiting_count": waiting.count(),
            "overdue_count": waiting.filter(reply_due__lt=now).count(),
        },
    )


def _suggestion_key(suggestion: Suggestion) -> str:
    return f"{suggestion.opportunity_id}:{suggestion.company_id}"


DIGESTS = {WEEKLY: weekly_matches_digest, LAB_DAILY: lab_daily_digest}
