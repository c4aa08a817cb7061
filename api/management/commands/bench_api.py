"""Time the API with many published opportunities: median, p95 and queries per request.

    python manage.py bench_opportunity_list --count 10000 --runs 1   # makes the synthetic data once
    python manage.py bench_api [--count 10000] [--runs 50]

Requests go through Django's test client (the whole request: middleware, the limits counted in the
cache, serialisation), with the requests of `api/data/bench.json`. A scenario marked "key" sends a
partner key with the scope country:DE, made for the run and deleted after it. Only PostgreSQL figures
mean anything.
"""

import json
import statistics
import time
from math import ceil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from opportunities.models import Opportunity

from ...keys import key_hash, new_key, shown_prefix
from ...models import ApiKey

SCENARIOS = json.loads((Path(__file__).resolve().parents[2] / "data" / "bench.json").read_text())["scenarios"]
TARGET_MS = 50
# The limits are counted as always, but set high enough that the bench never meets them.
BENCH_LIMITS = {"visitor": "100000/m/ip", "partner": "100000/m/key", "refused_key": "100000/m/ip"}


class Command(BaseCommand):
    help = "Time the API's pages of 50 with many published opportunities (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=10_000, help="Published opportunities there must be.")
        parser.add_argument("--runs", type=int, default=50, help="Timed requests per URL, after a warm-up.")
        parser.add_argument("--warmup", type=int, default=3, help="Untimed requests per URL first.")

    def handle(self, *args, **options):
        published = Opportunity.objects.published().count()
        if published < options["count"]:
            raise CommandError(
                f"{published} published opportunities, fewer than {options['count']}: make them first with "
                f"`python manage.py bench_opportunity_list --count {options['count']} --runs 1`."
            )
        if connection.vendor != "postgresql":
            self.stdout.write(self.style.WARNING("NOTE: not PostgreSQL; these are not the benchmark figures."))
        secret = new_key()
        api_key = ApiKey.objects.create(
            partner_name="[bench]",
            contact_name="bench",
            contact_email="bench@bench.invalid",
            scopes=["country:DE"],
            prefix=shown_prefix(secret),
            key_hash=key_hash(secret),
        )
        try:
            with override_settings(API_RATE_LIMITS=BENCH_LIMITS):
                self._measure(published, secret, options["runs"], options["warmup"])
        finally:
            api_key.delete()

    def _measure(self, published: int, secret: str, runs: int, warmup: int) -> None:
        first_id = Opportunity.objects.published().order_by("deadline", "id").values_list("id", flat=True).first()
        self.stdout.write(
            f"Database: {connection.vendor}; {published} published opportunities; "
            f"{runs} timed requests per URL after {warmup} warm-up."
        )
        self.stdout.write(f"{'URL':<86} {'count':>6} {'median':>8} {'p95':>8} {'max':>8} {'queries':>7}")
        client = Client()
        medians = []
        for scenario in SCENARIOS:
            url = scenario["url"].format(first_id=first_id)
            headers = {"Authorization": f"Bearer {secret}"} if scenario.get("key") else {}
            for _ in range(warmup):
                self._get(client, url, headers)
            timings = []
            for _ in range(runs):
                started = time.perf_counter()
                self._get(client, url, headers)
                timings.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as captured:
                body = self._get(client, url, headers)
            timings.sort()
            median = statistics.median(timings)
            p95 = timings[max(ceil(0.95 * len(timings)) - 1, 0)]
            medians.append((median, url))
            count = body.get("count", 1)
            label = url + ("  [key]" if scenario.get("key") else "")
            self.stdout.write(
                f"{label:<86} {count:>6} {median:>6.1f}ms {p95:>6.1f}ms {timings[-1]:>6.1f}ms {len(captured):>7}"
            )
        worst, url = max(medians)
        style = self.style.SUCCESS if worst <= TARGET_MS else self.style.ERROR
        verdict = "within" if worst <= TARGET_MS else "OVER"
        self.stdout.write(style(f"Slowest median {worst:.1f} ms ({url}): {verdict} the {TARGET_MS} ms target."))

    def _get(self, client: Client, url: str, headers: dict) -> dict:
        response = client.get(url, headers=headers)
        if response.status_code != 200:
            raise CommandError(f"GET {url} answered {response.status_code}: {response.content[:300]!r}")
        return response.json()
