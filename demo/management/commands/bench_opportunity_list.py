"""Benchmark the public opportunity list with many published opportunities.

    python manage.py bench_opportunity_list [--count 10000] [--runs 50] [--explain]
    python manage.py bench_opportunity_list --clean

Creates synthetic published opportunities (titles start with "[bench]", made by `demo.synthetic`) until
there are `--count` of them, then requests the list page through Django's test client with the filter and
search combinations of `demo/data/page_bench.json` and prints median, p95 and max response times and the
number of SQL queries per request. Only PostgreSQL figures mean anything: SQLite has no full-text search and
a different planner.
"""

import random
import statistics
import time
from math import ceil

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext

from demo.synthetic import (
    PAGE_BENCH,
    TAG,
    bench_opportunities_create,
    bench_opportunities_delete,
    bench_opportunities_published,
)
from opportunities.models import Opportunity
from opportunities.workflow.filters import OpportunityFilter

LIST_URL = "/opportunities/"
SCENARIOS: list[str] = PAGE_BENCH["scenarios"]


class Command(BaseCommand):
    help = "Time the public opportunity list with many synthetic published opportunities (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=10_000, help="Synthetic published opportunities to have.")
        parser.add_argument("--runs", type=int, default=50, help="Timed requests per URL, after a warm-up.")
        parser.add_argument("--warmup", type=int, default=3, help="Untimed requests per URL first.")
        parser.add_argument("--seed", type=int, default=20261, help="Random seed for the synthetic data.")
        parser.add_argument("--clean", action="store_true", help=f"Delete the {TAG} opportunities and stop.")
        parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each URL's slowest query.")
        parser.add_argument(
            "--allow-production", action="store_true", help="Run even with DEBUG off. Never on a live database."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "bench_opportunity_list writes thousands of fake opportunities; refusing with DEBUG off "
                "(use --allow-production on a scratch database only)."
            )
        postgres = connection.vendor == "postgresql"
        if not postgres:
            self.stdout.write(
                self.style.WARNING(
                    f"NOTE: the database is {connection.vendor}, not PostgreSQL. Search falls back to LIKE and the "
                    "planner differs: these figures are NOT the benchmark. Set DATABASE_URL=postgres://..."
                )
            )
        if options["clean"]:
            self._clean()
            return
        self._ensure(options["count"], random.Random(options["seed"]))  # noqa: S311 - synthetic data
        self._measure(options["runs"], options["warmup"], explain=options["explain"] and postgres)

    # --- Data -----------------------------------------------------------------------------------

    def _clean(self) -> None:
        opportunities, rows, labs = bench_opportunities_delete()
        self.stdout.write(
            f"Deleted {opportunities} {TAG} opportunities ({rows} rows with their links) and {labs} bench Labs."
        )

    def _ensure(self, count: int, rng: random.Random) -> None:
        existing = bench_opportunities_published()
        missing = count - existing
        if missing <= 0:
            self.stdout.write(f"{existing} {TAG} published opportunities exist; creating none.")
            return
        started = time.perf_counter()
        links = bench_opportunities_create(missing, rng)
        self.stdout.write(
            f"Created {missing} {TAG} published opportunities "
            f"({links} M2M rows) in {time.perf_counter() - started:.1f} s."
        )

    # --- Timing ---------------------------------------------------------------------------------

    def _measure(self, runs: int, warmup: int, *, explain: bool) -> None:
        published = Opportunity.objects.published().count()
        self.stdout.write(
            f"Database: {connection.vendor} {self._server_version()}; {published} published opportunities; "
            f"{runs} timed requests per URL after {warmup} warm-up."
        )
        client = Client()
        header = (
            f"{'URL':<72} {'matches':>7} {'median':>8} {'p95':>8} {'max':>8} {'queries':>7} {'SQL':>8}  slowest query"
        )
        self.stdout.write(header)
        medians = []
        for params in SCENARIOS:
            url = f"{LIST_URL}?{params}" if params else LIST_URL
            for _ in range(warmup):
                self._get(client, url)
            timings = []
            for _ in range(runs):
                started = time.perf_counter()
                self._get(client, url)
                timings.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as captured:
                self._get(client, url)
            slowest = max(captured.captured_queries, key=lambda q: float(q["time"]), default=None)
            matches = OpportunityFilter(QueryDict(params), queryset=Opportunity.objects.published()).qs.count()
            timings.sort()
            p95 = timings[max(ceil(0.95 * len(timings)) - 1, 0)]
            medians.append((statistics.median(timings), url))
            sql_ms = sum(float(query["time"]) for query in captured.captured_queries) * 1000
            slow = f"{float(slowest['time']) * 1000:.0f} ms" if slowest else "-"
            self.stdout.write(
                f"{url:<72} {matches:>7} {statistics.median(timings):>6.1f}ms {p95:>6.1f}ms {timings[-1]:>6.1f}ms "
                f"{len(captured):>7} {sql_ms:>6.0f}ms  {slow}"
            )
            if explain and slowest:
                self._explain(slowest["sql"])
        worst, url = max(medians)
        verdict = "within" if worst < 100 else "OVER"
        style = self.style.SUCCESS if worst < 100 else self.style.ERROR
        self.stdout.write(style(f"Slowest median {worst:.1f} ms ({url}): {verdict} the 100 ms target."))
        if connection.vendor != "postgresql":
            self.stdout.write(self.style.WARNING("Again: not PostgreSQL, so these are not the benchmark figures."))

    def _get(self, client: Client, url: str) -> None:
        response = client.get(url, secure=True)
        if response.status_code != 200:
            raise CommandError(f"GET {url} answered {response.status_code}; is the list page routed?")

    def _explain(self, sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(f"    {row[0]}" for row in cursor.fetchall())
        self.stdout.write(f"  slowest query:\n    {sql}\n{plan}")

    def _server_version(self) -> str:
        if connection.vendor != "postgresql":
            return getattr(connection.Database, "sqlite_version", "")
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return cursor.fetchone()[0]
