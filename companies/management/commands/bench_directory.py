"""Benchmark the company directory's search at scale (PostgreSQL).

    python manage.py bench_directory [--companies 100000] [--runs 30] [--explain]

Uses match_bench's synthetic data (`opportunities/suggestions/bench/`: topical companies with about three
portfolio items each, a fifth in Dutch), generating it first if this database does not hold that data set
(only in a database of its own: the generator refuses a database with other companies). The generator
writes with COPY, around the services, so the search vectors are then stored for every company at once
(and the table vacuumed, as a backfill is followed in production). Then it requests the directory as a
visitor through Django's test client, a few warm-up and `--runs` timed requests per URL, and prints
median, p95 and max response times, the SQL queries per request and the matches.
"""

import os
import statistics
import time
from math import ceil

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext

from companies.filters import CompanyFilter
from companies.models import Company
from companies.search import refresh_search_vectors
from opportunities.suggestions.bench.database import bench_data_present, generate, marker

DIRECTORY_URL = "/companies/"
SCENARIOS = ["q=design", "q=service+design", "q=water+design", "q=ouderenzorg", "q=design&target=DE", ""]
TARGET_MS = 100


class Command(BaseCommand):
    help = "Time the company directory's search over many synthetic companies (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--companies", type=int, default=100_000)
        parser.add_argument("--opportunities", type=int, default=10_000, help="The data set's (as match_bench's).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--runs", type=int, default=30, help="Timed requests per URL, after the warm-up.")
        parser.add_argument("--warmup", type=int, default=3, help="Untimed requests per URL first.")
        parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each URL's slowest query.")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_directory runs on PostgreSQL only: set DATABASE_URL=postgres://...")
        companies, opportunities, seed = options["companies"], options["opportunities"], options["seed"]
        if bench_data_present(companies, opportunities, seed):
            self.stdout.write(f"Reusing the data: {marker(companies, opportunities, seed)}.")
        else:
            started = time.perf_counter()
            counts = generate(companies, opportunities, seed)
            described = ", ".join(f"{value} {name}" for name, value in counts.items())
            self.stdout.write(f"Generated in {time.perf_counter() - started:.1f} s: {described}.")
        self._ensure_vectors()
        self._measure(options["runs"], options["warmup"], explain=options["explain"])

    def _ensure_vectors(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM companies_company WHERE search_vector IS NULL")
            missing = cursor.fetchone()[0]
        if not missing:
            return
        started = time.perf_counter()
        refresh_search_vectors()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM FULL ANALYZE companies_company")
        self.stdout.write(
            f"Stored the search vectors of {Company.objects.count()} companies ({missing} had none) and vacuumed "
            f"the table in {time.perf_counter() - started:.1f} s."
        )

    def _measure(self, runs: int, warmup: int, *, explain: bool) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        self.stdout.write(
            f"PostgreSQL {version}; {Company.objects.count()} companies, {Company.objects.listed().count()} listed; "
            f"{runs} timed requests per URL after {warmup} warm-up, as a visitor; load average "
            f"{' '.join(f'{load:.1f}' for load in os.getloadavg())}."
        )
        self.stdout.write(f"{'URL':<44} {'matches':>7} {'median':>8} {'p95':>8} {'max':>8} {'queries':>7} {'SQL':>7}")
        client = Client()
        worst = []
        for params in SCENARIOS:
            url = f"{DIRECTORY_URL}?{params}" if params else DIRECTORY_URL
            for _ in range(warmup):
                self._get(client, url)
            timings = []
            for _ in range(runs):
                started = time.perf_counter()
                self._get(client, url)
                timings.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as captured:
                self._get(client, url)
            matches = CompanyFilter(QueryDict(params), queryset=Company.objects.listed()).qs.count()
            timings.sort()
            median, p95 = statistics.median(timings), timings[max(ceil(0.95 * len(timings)) - 1, 0)]
            sql_ms = sum(float(query["time"]) for query in captured.captured_queries) * 1000
            self.stdout.write(
                f"{url:<44} {matches:>7} {median:>6.1f}ms {p95:>6.1f}ms {timings[-1]:>6.1f}ms {len(captured):>7} "
                f"{sql_ms:>5.0f}ms"
            )
            worst.append((median, url))
            if explain:
                slowest = max(captured.captured_queries, key=lambda query: float(query["time"]))
                self._explain(slowest["sql"])
        median, url = max(worst)
        style = self.style.SUCCESS if median <= TARGET_MS else self.style.ERROR
        verdict = "within" if median <= TARGET_MS else "OVER"
        self.stdout.write(style(f"Slowest median {median:.1f} ms ({url}): {verdict} the {TARGET_MS} ms target."))

    def _get(self, client: Client, url: str) -> None:
        response = client.get(url, secure=True)
        if response.status_code != 200:
            raise CommandError(f"GET {url} answered {response.status_code}.")

    def _explain(self, sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(f"    {row[0]}" for row in cursor.fetchall())
        self.stdout.write(f"  slowest query:\n    {sql[:300]}…\n{plan}")
