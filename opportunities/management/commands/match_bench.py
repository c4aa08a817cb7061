"""Benchmark the match recompute at scale on PostgreSQL, with a synthetic data generator.

    createdb -h 127.0.0.1 -U postgres clmatch
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/clmatch
    python manage.py migrate
    python manage.py match_bench --companies 100000 --opportunities 10000 [--seed 1] [--changes 50]

Generates companies (about three portfolio items each) and opportunities across the focus countries, in
English and Dutch drawn from the matching glossary and the taxonomy, with COPY; a database that already
holds data of that size and seed is reused (--regenerate forces it). Then it times two full recomputes
(suggestions committed): into an empty table, and again over its rows with some of them decided (the
nightly case), each with its breakdown and peak memory; three floors measured in the same run (the input
with plain SELECTs, the bare TF-IDF product, a COPY of the output rows); and incremental recomputes after
real changes made through the services (put back afterwards). Refuses anything but PostgreSQL, and a
database that holds anything but its own data. See docs/matching.md for figures.
"""

import random
import statistics
import time
from unittest import mock

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from opportunities.matching.text import warm_up
from opportunities.models import Suggestion
from opportunities.suggestions.bench.changes import Changes
from opportunities.suggestions.bench.database import (
    bench_data_present,
    bench_labs,
    floor_copy,
    floor_read,
    focus_countries,
    generate,
    generator_for,
    marker,
    table_digest,
)
from opportunities.suggestions.bench.measure import (
    floor_product,
    load_average,
    peak_memory_mib,
    percentile,
    reset_peak_memory,
)
from opportunities.suggestions.corpus import CACHE, forget_index
from opportunities.suggestions.full import recompute_full
from opportunities.suggestions.incremental import recompute_entry
from opportunities.suggestions.queue import DEBOUNCE_SECONDS as DEBOUNCE
from opportunities.suggestions.tasks import recompute_entry_task


class Command(BaseCommand):
    help = "Benchmark full and incremental match recomputes on synthetic data (PostgreSQL only)."

    def add_arguments(self, parser):
        parser.add_argument("--companies", type=int, default=100_000)
        parser.add_argument("--opportunities", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--changes", type=int, default=50, help="Incremental changes to time.")
        parser.add_argument("--generate-only", action="store_true", help="Make sure the data is there, then stop.")
        parser.add_argument("--regenerate", action="store_true", help="Generate the data again even if it is there.")
        parser.add_argument("--skip-floors", action="store_true", help="Don't measure the floors (faster).")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                f"match_bench runs on PostgreSQL only (this database is {connection.vendor}): "
                "set DATABASE_URL=postgres://... to a database of its own."
            )
        companies, opportunities, seed = options["companies"], options["opportunities"], options["seed"]
        if bench_data_present(companies, opportunities, seed) and not options["regenerate"]:
            self.stdout.write(f"Reusing the data: {marker(companies, opportunities, seed)}.")
        else:
            started = time.perf_counter()
            counts = generate(companies, opportunities, seed)
            described = ", ".join(f"{value} {name}" for name, value in counts.items())
            self.stdout.write(f"Generated in {time.perf_counter() - started:.1f} s: {described}.")
        if options["generate_only"]:
            return
        self._environment()
        targets = self._targets(companies, opportunities)

        started = time.perf_counter()
        warm_up()  # as a worker process does when it starts (creativelabs/celery.py)
        self.stdout.write(
            f"Worker start: language model and glossary indexes loaded in {time.perf_counter() - started:.2f} s "
            "(before any recompute, as in a worker)."
        )
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {connection.ops.quote_name(Suggestion._meta.db_table)} CASCADE")
        first = self._full("Full recompute 1 (empty suggestions table: every row inserted)", targets)
        decided = self._decide_some()
        count_before, digest_before = table_digest()
        second = self._full("Full recompute 2 (over the rows of run 1, some decided: the nightly case)", targets)
        count_after, digest_after = table_digest()
        kept = Suggestion.objects.exclude(decision="").count()
        self.stdout.write(
            f"  twice: {'the same rows' if digest_before == digest_after else 'ROWS DIFFER'} "
            f"({count_before} → {count_after} rows); decided rows kept: {kept} of {decided}"
        )
        if not options["skip_floors"]:
            self._floors(first, second)
        self._incremental(options["changes"], seed, targets)

    def _environment(self) -> None:
        import os
        import platform

        import numpy
        import scipy

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        self.stdout.write(
            f"Machine: {cpus} CPUs, PostgreSQL {version}, Python {platform.python_version()}, NumPy "
            f"{numpy.__version__}, SciPy {scipy.__version__}; load average at start {load_average()}."
        )

    def _targets(self, companies: int, opportunities: int) -> dict:
        if companies >= 100_000:
            return {"full": 60.0, "memory": 3 * 1024.0, "p95": 2.0}
        if companies >= 10_000:
            return {"full": 5.0, "memory": None, "p95": None}
        return {"full": None, "memory": None, "p95": None}

    def _full(self, title: str, targets: dict) -> dict:
        forget_index()  # the run builds its own, and memory is measured from here
        import gc

        gc.collect()
        exact_peak = reset_peak_memory()
        timings: dict = {}
        load = load_average()
        started = time.perf_counter()
        kept = recompute_full(timings=timings)
        total = time.perf_counter() - started
        peak = peak_memory_mib()
        if kept < 0:
            raise CommandError("A full recompute is already running (the lock in the cache); try again later.")
        self.stdout.write(f"{title}: {kept} suggestions kept, {timings.get('candidates', 0)} candidates scored")
        rows = [
            ("read (queries and documents)", timings.get("read", 0.0)),
            ("text processing (language, stems, TF-IDF)", timings.get("text processing", 0.0)),
            ("labels (structured parts)", timings.get("labels", 0.0)),
            ("scoring: block pass products", timings.get("scoring: block pass", 0.0)),
            ("scoring: exact scores of the candidates", timings.get("scoring: exact", 0.0)),
            ("top-k: selection in the block pass", timings.get("top-k: block pass", 0.0)),
            ("top-k: final ranking", timings.get("top-k: ranking", 0.0)),
            ("write (render + COPY + merge + commit)", timings.get("write", 0.0)),
            ("  explanations rendered (a thread of its own)", timings.get("explanations", 0.0)),
            ("  chunks: COPY and merge, next chunk rendering", timings.get("write: chunks (render, COPY, merge)", 0.0)),
            ("    of which waiting for the rendering", timings.get("write: waiting for rendering", 0.0)),
            ("  rows outside the tops (decided kept, rest deleted)", timings.get("write: stale rows", 0.0)),
        ]
        for name, seconds in rows:
            self.stdout.write(f"  {name:<48} {seconds:7.2f} s")
        verdict = ""
        if targets["full"]:
            verdict = f"  (target ≤ {targets['full']:.0f} s: {'met' if total <= targets['full'] else 'NOT met'})"
        self.stdout.write(
            f"  rows updated / inserted / deleted: {timings.get('rows updated', '-')} / "
            f"{timings.get('rows inserted', '-')} / {timings.get('rows deleted', '-')}"
        )
        self.stdout.write(f"  {'total wall time, suggestions committed':<48} {total:7.2f} s{verdict}")
        memory = f"  peak memory ({'VmHWM since the start of the run' if exact_peak else 'ru_maxrss'})"
        verdict = ""
        if targets["memory"]:
            verdict = f"  (target ≤ {targets['memory']:.0f} MiB: {'met' if peak <= targets['memory'] else 'NOT met'})"
        self.stdout.write(f"{memory:<50} {peak:7.0f} MiB{verdict}")
        self.stdout.write(f"  load average before / after: {load} / {load_average()}")
        return {"total": total, "timings": timings}

    def _decide_some(self) -> int:
        """A person's decision on every hundredth suggestion (they must survive the next run)."""
        table = connection.ops.quote_name(Suggestion._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET decision = 'shortlisted', decision_note = 'match_bench', "  # noqa: S608
                f"decided_at = now() WHERE id % 100 = 0"
            )
            return cursor.rowcount

    def _floors(self, *runs: dict) -> None:
        read = floor_read()
        product = floor_product(CACHE.index)
        copy, rows = floor_copy()
        floors = read + product + copy
        self.stdout.write("Floors, measured in this run:")
        self.stdout.write(f"  (a) reading the input rows with plain SELECTs  {read:7.2f} s")
        self.stdout.write(f"  (b) the bare sparse product (TF-IDF o × c)      {product:7.2f} s")
        self.stdout.write(f"  (c) a COPY of the {rows} output rows       {copy:7.2f} s")
        for number, run in enumerate(runs, start=1):
            self.stdout.write(
                f"  run {number}: total / (a + b + c) = {run['total']:.2f} / {floors:.2f} = {run['total'] / floors:.2f}"
            )

    def _incremental(self, count: int, seed: int, targets: dict) -> None:
        rng = random.Random(seed + 1)  # noqa: S311 - synthetic changes
        changes = Changes(generator_for(seed + 1, focus_countries(), bench_labs()), rng)
        published = []

        def record(args=None, kwargs=None, **options):
            published.append((tuple(args or ()), options.get("countdown")))

        seconds: dict[str, list[float]] = {"company": [], "opportunity": []}
        details = []
        with mock.patch.object(recompute_entry_task, "apply_async", side_effect=record):
            for _ in range(count):
                kind, pk, what = changes.next()  # its transaction has committed here
                committed = time.perf_counter()
                # As the worker after the debounce countdown: the task's body, straight away.
                recompute_entry(kind, pk)
                seconds[kind].append(time.perf_counter() - committed)
                details.append((what, seconds[kind][-1]))
            cold_kind, cold_pk, _what = changes.next()
            forget_index()
            committed = time.perf_counter()
            recompute_entry(cold_kind, cold_pk)
            cold = time.perf_counter() - committed
        changes.restore()
        every = seconds["company"] + seconds["opportunity"]
        if not every:
            self.stdout.write("Incremental: no changes measured (--changes 0).")
            self._cold(cold, cold_kind)
            return
        queued = sum(1 for args, countdown in published if countdown == DEBOUNCE)
        self.stdout.write(
            f"Incremental: {len(every)} changes through the services ({queued} recomputes enqueued with the "
            f"{DEBOUNCE} s debounce, excluded); from the change's commit to the suggestions committed:"
        )
        for name, values in (("all", every), *seconds.items()):
            if values:
                self.stdout.write(
                    f"  {name:<12} n={len(values):<3} p50 {statistics.median(values):6.3f} s   "
                    f"p95 {percentile(values, 0.95):6.3f} s   max {max(values):6.3f} s"
                )
        slowest = max(details, key=lambda item: item[1])
        self.stdout.write(f"  slowest: {slowest[0]} ({slowest[1]:.3f} s)")
        if targets["p95"]:
            p95 = percentile(every, 0.95)
            self.stdout.write(f"  target p95 ≤ {targets['p95']:.0f} s: {'met' if p95 <= targets['p95'] else 'NOT met'}")
        self._cold(cold, cold_kind)

    def _cold(self, cold: float, cold_kind: str) -> None:
        self.stdout.write(
            f"  a fresh worker process (no processed corpus yet; it builds one first): {cold:.2f} s for one {cold_kind}"
        )
        self.stdout.write(f"Load average at the end: {load_average()}.")
