"""Dashboard views too slow to count in a request: counted by the worker, kept, and refreshed by beat.

The rule. A view (a person's scope, the filters of the address, the page's language) is counted in the request
when it fits in `INSIGHTS_LIVE_BUDGET_MS`: on PostgreSQL that is the statement timeout of the counting, and
between two tables a deadline. A view that does not fit is handed to the worker (`tasks.compute_insight_summary`)
and kept as an `InsightSummary`; from then on the page shows the kept figures and the time they were counted,
and beat (`tasks.refresh_insight_summaries`) counts again those older than `INSIGHTS_SUMMARY_MAX_AGE` seconds
that someone looked at in the last `INSIGHTS_SUMMARY_KEEP_DAYS` days (the others are deleted). A view that
fits is counted afresh on every request, so a small programme never sees a figure older than the page.

The kept figures are those `selectors.dashboard` builds, the same selectors as the lists behind them: kept
figures may be minutes old (the page says how many), never counted another way. The key holds the person and
their scope as it is now, so a changed role never shows the figures of the old one.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import pickle
import time
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.http import QueryDict
from django.utils import timezone, translation

from creativelabs.celery import enqueue_on_commit
from creativelabs.statement_timeout import is_statement_timeout

from ..permissions import following_scope
from . import selectors
from .forms import InsightFilterForm
from .models import InsightSummary
from .scope import insight_scope

# A computation asked for and not done within this time is taken as lost (a worker restarted): asked again.
REQUEST_LOST_AFTER = datetime.timedelta(minutes=15)
# The time a view was last looked at is written at most this often (one UPDATE, not one per request).
VIEWED_EVERY = datetime.timedelta(minutes=10)


@dataclass(frozen=True)
class View:
    """What the dashboard shows: the figures (None while they are being counted) and, for kept figures, when
    they were counted."""

    board: selectors.Dashboard | None
    counted_at: datetime.datetime | None = None

    @property
    def pending(self) -> bool:
        return self.board is None


def normalised_query(data: QueryDict) -> str:
    """The filters of an address, in one order, without empty or unknown parameters."""
    query = QueryDict(mutable=True)
    for name in sorted(InsightFilterForm.base_fields):
        value = data.get(name, "")
        if value:
            query[name] = value
    return query.urlencode()


def summary_key(user, query: str, language: str) -> str:
    rule = following_scope(user)
    scope = (rule.everything, sorted(rule.lab_ids), sorted(rule.country_ids), sorted(rule.partner_ids))
    return hashlib.sha256(repr((user.pk, scope, language, query)).encode()).hexdigest()


def dashboard_view(user, filters, data: QueryDict) -> View:
    """The figures for this person and these filters: kept ones when the view is too slow to count now."""
    query = normalised_query(data)
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = summary_key(user, query, language)
    now = timezone.now()
    summary = InsightSummary.objects.filter(key=key).first()
    if summary is not None and summary.board:
        _looked_at(summary, now)
        return View(board=_loads(summary.board), counted_at=summary.computed_at)
    if summary is not None and summary.requested_at and now - summary.requested_at < REQUEST_LOST_AFTER:
        return View(board=None)
    try:
        return View(board=counted_within(user, filters, settings.INSIGHTS_LIVE_BUDGET_MS))
    except selectors.TooSlow:
        pass
    summary = _ask(user, key, query, language, now)
    summary.refresh_from_db()  # counted already where tasks run in-process (the embedded default)
    return View(board=_loads(summary.board), counted_at=summary.computed_at) if summary.board else View(board=None)


def kept_board(user, data: QueryDict) -> selectors.Dashboard | None:
    """The kept figures of this view, if it has any (an export of a slow view writes those)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = summary_key(user, normalised_query(data), language)
    board = InsightSummary.objects.filter(key=key).values_list("board", flat=True).first()
    return _loads(board) if board else None


def counted_within(user, filters, budget_ms: int) -> selectors.Dashboard:
    """The dashboard counted now, or `selectors.TooSlow` when it does not fit in `budget_ms`."""
    deadline = time.monotonic() + budget_ms / 1000
    if connection.vendor != "postgresql":
        return selectors.dashboard(user, filters, deadline=deadline)
    with _for_this_transaction(statement_timeout=str(int(budget_ms)), work_mem=settings.INSIGHTS_WORK_MEM):
        try:
            return selectors.dashboard(user, filters, deadline=deadline)
        except OperationalError as error:
            if is_statement_timeout(error):
                raise selectors.TooSlow from error
            raise


def _counted(user, filters) -> selectors.Dashboard:
    """The worker's count: no time limit, with the dashboard's memory for sorts and hashes (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return selectors.dashboard(user, filters)
    with _for_this_transaction(work_mem=settings.INSIGHTS_WORK_MEM):
        return selectors.dashboard(user, filters)


@contextlib.contextmanager
def _for_this_transaction(**values: str):
    """PostgreSQL settings while the block runs, in one statement. Inside a transaction already, a setting made
    in the savepoint would outlive it: the old values are put back after (a failure rolls them back anyway)."""
    names = list(values)
    nested = connection.in_atomic_block
    with transaction.atomic():
        with connection.cursor() as cursor:
            reads = ", ".join(["current_setting(%s)"] * len(names) + ["set_config(%s, %s, true)"] * len(names))
            cursor.execute(f"SELECT {reads}", [*names, *(part for name in names for part in (name, values[name]))])
            previous = cursor.fetchone()[: len(names)]
        yield
        if nested:
            with connection.cursor() as cursor:
                sets = ", ".join(["set_config(%s, %s, true)"] * len(names))
                cursor.execute(f"SELECT {sets}", [part for pair in zip(names, previous, strict=True) for part in pair])


def _looked_at(summary: InsightSummary, now) -> None:
    if now - summary.viewed_at >= VIEWED_EVERY:
        InsightSummary.objects.filter(pk=summary.pk).update(viewed_at=now)
    stale = summary.computed_at is None or now - summary.computed_at >= _max_age()
    lost = summary.requested_at is None or now - summary.requested_at >= REQUEST_LOST_AFTER
    if stale and lost:
        _request(summary.pk, now)


def _ask(user, key: str, query: str, language: str, now) -> InsightSummary:
    summary, _created = InsightSummary.objects.get_or_create(
        key=key, defaults={"user": user, "query": query, "language": language, "viewed_at": now}
    )
    _request(summary.pk, now)
    return summary


def _request(pk: int, now) -> None:
    from .tasks import compute_insight_summary

    InsightSummary.objects.filter(pk=pk).update(requested_at=now)
    enqueue_on_commit(compute_insight_summary, pk)


def _max_age() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.INSIGHTS_SUMMARY_MAX_AGE)


def _loads(board: bytes) -> selectors.Dashboard:
    return pickle.loads(zlib.decompress(bytes(board)))  # noqa: S301 - written by `compute` below, never by a user


# --- The worker's side ----------------------------------------------------------------------------------


def compute(pk: int) -> float | None:
    """Count one kept view again, as its person now sees it; returns the seconds it took (None: the row is
    gone, or the person no longer has this view, and the row is deleted)."""
    from accounts.roles import roles_of

    summary = InsightSummary.objects.select_related("user").filter(pk=pk).first()
    if summary is None:
        return None
    user = summary.user
    if not user.is_active or not roles_of(user).has("business_developer", "embassy_staff", "admin"):
        summary.delete()
        return None
    with translation.override(summary.language):
        if summary_key(user, summary.query, summary.language) != summary.key:
            summary.delete()  # the person's scope changed: the view with their new scope has a key of its own
            return None
        form = InsightFilterForm(QueryDict(summary.query) or None, scope=insight_scope(user))
        if summary.query and not form.is_valid():
            summary.delete()
            return None
        filters = form.filters() if summary.query else InsightFilterForm.default_filters()
        started, clock = timezone.now(), time.perf_counter()
        board = _counted(user, filters)
        seconds = time.perf_counter() - clock
    InsightSummary.objects.filter(pk=pk).update(
        board=zlib.compress(pickle.dumps(board, protocol=pickle.HIGHEST_PROTOCOL)),
        computed_at=started,
        seconds=seconds,
        requested_at=None,
    )
    return seconds


def refresh_due(now=None) -> dict:
    """Beat: delete the views nobody looked at for `INSIGHTS_SUMMARY_KEEP_DAYS`, ask for the stale ones again."""
    now = now or timezone.now()
    forgotten = now - datetime.timedelta(days=settings.INSIGHTS_SUMMARY_KEEP_DAYS)
    deleted, _ = InsightSummary.objects.filter(viewed_at__lt=forgotten).delete()
    due = InsightSummary.objects.filter(computed_at__lt=now - _max_age()) | InsightSummary.objects.filter(
        computed_at__isnull=True
    )
    due = due.exclude(requested_at__gte=now - REQUEST_LOST_AFTER)
    asked = 0
    for pk in due.values_list("pk", flat=True):
        _request(pk, now)
        asked += 1
    return {"deleted": deleted, "asked": asked}
