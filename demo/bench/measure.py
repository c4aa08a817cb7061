"""Timing pages through Django's test client: each page as its role (`Client.force_login`), warm-up
requests first, then per page the median, p95 and max of the whole request (middleware, views,
templates), the SQL queries of one request, their time, the slowest of them and the response size."""

import statistics
import time
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from opportunities.suggestions.bench.measure import percentile

from .pages import Page

# The portal's rate limits stop scripts, and this is one: lifted while it runs (they are counted all the same).
NO_LIMITS = {
    "search": "1000000/m/user",
    "download": "1000000/m/user",
    "express_interest": "1000000/m/user",
    "unsubscribe": "1000000/m/ip,1000000/m/key",
}


@dataclass
class Result:
    page: Page
    status: int
    timings: list[float]  # ms
    queries: int
    sql_ms: float
    size: int  # bytes
    slowest_sql: str
    slowest_ms: float

    @property
    def median(self) -> float:
        return statistics.median(self.timings)

    @property
    def p95(self) -> float:
        return percentile(self.timings, 0.95)

    @property
    def ok(self) -> bool:
        return self.status == 200


def clients(people: dict) -> dict[str, Client]:
    """A test client per role, logged in as that role's bench login."""
    made = {}
    for role, user in people.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        made[role] = client
    return made


def measure_page(client: Client, page: Page, *, runs: int, warmup: int) -> Result:
    with override_settings(PORTAL_RATE_LIMITS=NO_LIMITS):
        for _ in range(warmup):
            client.get(page.url, secure=True)
        timings = []
        for _ in range(max(runs, 1)):
            started = time.perf_counter()
            client.get(page.url, secure=True)
            timings.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.url, secure=True)
    queries = captured.captured_queries
    slowest = max(queries, key=lambda query: float(query["time"]), default=None)
    return Result(
        page=page,
        status=response.status_code,
        timings=timings,
        queries=len(queries),
        sql_ms=sum(float(query["time"]) for query in queries) * 1000,
        size=len(response.content) if not response.streaming else 0,
        slowest_sql=slowest["sql"] if slowest else "",
        slowest_ms=float(slowest["time"]) * 1000 if slowest else 0.0,
    )


def explain(sql: str) -> list[str]:
    """EXPLAIN ANALYZE of a captured query (PostgreSQL), line by line."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return [row[0] for row in cursor.fetchall()]


HEADER = f"{'role':<18} {'URL':<48} {'median':>8} {'p95':>8} {'max':>8} {'queries':>7} {'SQL':>8} {'KiB':>7}"


def line(result: Result) -> str:
    page = result.page
    status = "" if result.ok else f"  !! answered {result.status}"
    return (
        f"{page.role:<18} {page.url:<48} {result.median:>6.1f}ms {result.p95:>6.1f}ms {max(result.timings):>6.1f}ms "
        f"{result.queries:>7} {result.sql_ms:>6.0f}ms {result.size / 1024:>7.1f}{status}"
    )
