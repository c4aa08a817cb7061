"""The processed corpus this process keeps between recomputes (`matching.engine.MatchIndex`), how far it has
followed the database, and what it knows of the stored rankings (the last-ranked pair of each full one).

An incremental recompute uses the corpus its process's last full recompute built, or one built on first use
(and again after `INDEX_MAX_AGE`). What a process knows of the stored rankings it trusts only while the
shared cache holds the generation token it wrote last; otherwise it reads the changed rows (`updated_at`,
and count and id sum for deletions) and the rankings' last pairs again. Rankings are written one process
at a time (`one_writer_at_a_time`)."""

import datetime
import logging
import threading
import uuid
from contextlib import contextmanager

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from companies.models import Company, PortfolioItem, Visibility

from ..models import Opportunity, Suggestion
from .loader import company_documents, consistent_reads, fetch, open_opportunities, opportunity_documents

logger = logging.getLogger(__name__)

PER_OPPORTUNITY = 20  # pairs ranked for each opportunity
PER_COMPANY = 10  # and for each company
INDEX_MAX_AGE = datetime.timedelta(hours=24)  # a worker's processed corpus is rebuilt after this
SYNC_MARGIN = datetime.timedelta(minutes=2)  # rows saved this long before a sync are read again at the next
INCREMENTAL_LOCK = 7_316_254  # PostgreSQL advisory lock: one writer of rankings at a time
GENERATION_KEY = "matching:rankings-generation"


def new_engine():
    # The engine (numpy, scipy) loads only where suggestions are computed, not on every save.
    from ..matching.engine import Engine

    return Engine()


def engine_key(engine) -> tuple:
    return (tuple(sorted(engine.weights.items())), engine.text_only)


class IndexCache:
    """What this process keeps between recomputes: the processed corpus (`MatchIndex`), how far it has
    followed the database, and the last-ranked pair of every full ranking (whether a changed company or
    opportunity enters a ranking is a comparison with it).

    The rankings are trusted while the shared cache holds the generation token this process wrote last:
    every write of rankings (here or in another process) puts a new token there first. Otherwise, the
    changed rows are read again and the last-ranked pairs are loaded from the database."""

    def __init__(self):
        self.lock = threading.RLock()
        self.forget()

    def forget(self) -> None:
        self.index = None
        self.engine_key = None
        self.built_at = None
        self.synced_at = None  # app clock before the reads of the last full sync
        self.fingerprint = None
        self.generation = None
        # side -> owner id -> (score in millionths, counterpart id) of its pair at rank PER_OPPORTUNITY /
        # PER_COMPANY; an owner without an entry has a ranking that is not full.
        self.last: dict[str, dict[int, tuple[int, int]]] = {"opportunity": {}, "company": {}}

    def adopt(self, index, engine, synced_at, fingerprint, last) -> None:
        self.index = index
        self.engine_key = engine_key(engine)
        self.built_at = self.synced_at = synced_at
        self.fingerprint = fingerprint
        self.last = last


CACHE = IndexCache()


def forget_index() -> None:
    """Drop this process's processed corpus; the next incremental recompute builds one."""
    with CACHE.lock:
        CACHE.forget()


def published_generation():
    try:
        return cache.get(GENERATION_KEY)
    except Exception:  # noqa: BLE001 - without the cache nothing is trusted, nothing breaks
        return None


def trust(token: str) -> None:
    """What this process knows of the rankings is what it just committed (an on_commit callback)."""
    CACHE.generation = token


def publish_generation() -> str:
    """A new generation token: rankings are being written (called inside the writing transaction, which
    holds the advisory lock, so the next recompute anywhere sees it)."""
    token = uuid.uuid4().hex
    try:
        cache.set(GENERATION_KEY, token, None)
    except Exception:  # noqa: BLE001
        logger.warning("Could not publish the rankings generation; other processes will read them again.")
    return token


def database_fingerprint(since=None) -> tuple[tuple, dict[str, set[int]]]:
    """(count and id sum of companies, portfolio items and opportunities, which tell deletions apart), and
    the companies and opportunities changed since `since` (a portfolio item counts for its company)."""
    tables = (
        ("company", Company.objects.all(), "pk"),
        ("item", PortfolioItem.objects.all(), "company_id"),
        ("opportunity", Opportunity.objects.all(), "pk"),
    )
    fingerprint, changed = [], {"company": set(), "opportunity": set()}
    for name, rows, owner in tables:
        if connection.vendor == "postgresql" and since is not None:
            from django.contrib.postgres.aggregates import ArrayAgg

            found = rows.aggregate(
                n=Count("pk"), total=Sum("pk"), changed=ArrayAgg(owner, filter=Q(updated_at__gte=since), default=[])
            )
            changed_ids = found["changed"]
        else:
            found = rows.aggregate(n=Count("pk"), total=Sum("pk"))
            changed_ids = rows.filter(updated_at__gte=since).values_list(owner, flat=True) if since else []
        fingerprint.append((found["n"], found["total"] or 0))
        changed["opportunity" if name == "opportunity" else "company"].update(changed_ids)
    return tuple(fingerprint), changed


def quick_fingerprint() -> tuple:
    """Count and id sum of companies and opportunities (a deletion leaves no updated_at behind)."""
    found = [rows.aggregate(n=Count("pk"), total=Sum("pk")) for rows in (Company.objects, Opportunity.objects)]
    return tuple((row["n"], row["total"] or 0) for row in found)


def last_ranked_from_database() -> dict[str, dict[int, tuple[int, int]]]:
    last: dict[str, dict[int, tuple[int, int]]] = {"opportunity": {}, "company": {}}
    for side, rank, limit, owner, other in (
        ("opportunity", "rank_for_opportunity", PER_OPPORTUNITY, "opportunity_id", "company_id"),
        ("company", "rank_for_company", PER_COMPANY, "company_id", "opportunity_id"),
    ):
        rows = Suggestion.objects.filter(**{rank: limit}).values_list(owner, "score", other)
        last[side] = {owner_id: (round(score * 1_000_000), other_id) for owner_id, score, other_id in fetch(rows)}
    return last


def load_index(engine) -> None:
    with consistent_reads():
        synced_at = timezone.now()
        companies, opportunities = company_documents(), opportunity_documents()
        fingerprint, _changed = database_fingerprint()
        last = last_ranked_from_database()
    CACHE.adopt(engine.index(companies, opportunities), engine, synced_at, fingerprint, last)


def _sync(index, since) -> None:
    """Take in every company and opportunity changed since `since`, and the ones that came or went."""
    cached = CACHE
    now = timezone.now()
    fingerprint, changed = database_fingerprint(since=since)
    if fingerprint != cached.fingerprint:
        # Rows came or went (a deletion leaves no updated_at behind): compare the ids themselves.
        open_companies = set(Company.objects.filter(open_to_matching=True).values_list("pk", flat=True))
        changed["company"] |= {int(company_id) for company_id in index.company_ids} ^ open_companies
        items = set(
            PortfolioItem.objects.filter(company__open_to_matching=True)
            .exclude(visibility=Visibility.PRIVATE)
            .values_list("pk", "company_id")
        )
        indexed = {
            (int(item_id), int(index.company_ids[owner]))
            for item_id, owner in zip(index.item_ids, index.item_owner.tolist(), strict=True)
        }
        changed["company"] |= {company_id for _item, company_id in items ^ indexed}
        open_ids = set(open_opportunities().values_list("pk", flat=True))
        changed["opportunity"] |= open_ids ^ {int(opportunity_id) for opportunity_id in index.opportunity_ids}
    _reload(index, changed)
    cached.synced_at = now
    cached.fingerprint = fingerprint


def _reload(index, changed: dict[str, set[int]]) -> None:
    """Read the given companies and opportunities again (those no longer matched leave the index)."""
    if changed["company"]:
        found = company_documents(Company.objects.filter(pk__in=changed["company"]))
        index.remove_companies(changed["company"] - {int(doc.id) for doc in found})
        index.upsert_companies(found)
    if changed["opportunity"]:
        found = opportunity_documents(open_opportunities().filter(pk__in=changed["opportunity"]))
        index.remove_opportunities(changed["opportunity"] - {int(doc.id) for doc in found})
        index.upsert_opportunities(found)


def current_index(engine, kind: str, object_id: int):
    """This process's processed corpus and last-ranked pairs, ready for one entry (called holding the
    incremental lock): built first if there is none, it is old, or it was built for other weights; read
    again where the database changed since, if another process has written rankings; and always with the
    entry's own row read fresh."""
    cached = CACHE
    now = timezone.now()
    if (
        cached.index is None
        or cached.engine_key != engine_key(engine)
        or not (cached.built_at <= now < cached.built_at + INDEX_MAX_AGE)
        or cached.synced_at > now
    ):
        load_index(engine)
        cached.generation = published_generation()
    elif cached.generation is None or cached.generation != published_generation():
        _sync(cached.index, since=cached.synced_at - SYNC_MARGIN)
        cached.last = last_ranked_from_database()
        cached.generation = published_generation()
    elif quick_fingerprint() != cached.fingerprint[::2]:
        _sync(cached.index, since=cached.synced_at - SYNC_MARGIN)
    _reload(cached.index, {"company": set(), "opportunity": set(), kind: {int(object_id)}})
    return cached.index


@contextmanager
def one_writer_at_a_time():
    """A transaction in which no other process writes rankings (PostgreSQL advisory lock), so each sees
    the rankings the one before it wrote; and this process's corpus, used by one thread at a time."""
    with CACHE.lock, transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INCREMENTAL_LOCK])
        yield
