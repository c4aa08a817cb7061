"""The portal's page benchmark at the benchmark scale (PostgreSQL, a scratch database).

    python manage.py bench_pages --build [--companies 100000 --opportunities 10000 --suggestions 1000000
                                          --interests 100000]
    python manage.py bench_pages [--runs 20] [--warmup 3] [--only PATTERN] [--explain]
    python manage.py bench_pages --concurrent 10 [--seconds 60] [--host http://127.0.0.1:8000]
    python manage.py bench_pages --clean

`--build` writes tagged synthetic data with COPY (`demo.bench.build`) and the bench logins; the default
measures each page of `demo/data/page_bench_pages.json` as its role through Django's test client and
prints median, p95 and max ms, SQL queries per request and bytes; `--concurrent N` serves the portal with
gunicorn (2 workers, unless `--host` names a server already running on this database) and drives it with
N locust users walking the same pages. Pages whose URL does not resolve are skipped with a note.
Figures: docs/performance.md, "Pages at benchmark scale".
"""

import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from demo.bench import build, load, measure, pages

# Issue 12: the dashboards' median; issue 15: every page's p50 and p95 under 10 concurrent users.
MEDIAN_TARGET_MS = 100


class Command(BaseCommand):
    help = "Build page-bench data at scale, time the portal's pages as their roles, or drive them with locust."

    def add_arguments(self, parser):
        data = parser.add_argument_group("data")
        data.add_argument("--build", action="store_true", help="Write the bench data (PostgreSQL), then stop.")
        data.add_argument("--clean", action="store_true", help="Delete the bench data and logins, then stop.")
        data.add_argument("--companies", type=int, default=build.Scale.companies)
        data.add_argument("--opportunities", type=int, default=build.Scale.opportunities)
        data.add_argument("--suggestions", type=int, default=build.Scale.suggestions)
        data.add_argument("--interests", type=int, default=build.Scale.interests)
        data.add_argument("--seed", type=int, default=build.Scale.seed)
        timing = parser.add_argument_group("timing")
        timing.add_argument("--runs", type=int, default=20, help="Timed requests per page.")
        timing.add_argument("--warmup", type=int, default=3, help="Untimed requests per page first.")
        timing.add_argument("--only", default="", metavar="PATTERN", help="Only pages whose URL or role contains it.")
        timing.add_argument("--exclude", default="", metavar="PATTERN", help="Leave out pages that contain it.")
        timing.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each page's slowest query.")
        concurrent = parser.add_argument_group("concurrent load")
        concurrent.add_argument("--concurrent", type=int, default=0, metavar="N", help="Locust users.")
        concurrent.add_argument("--seconds", type=int, default=60, help="How long locust runs.")
        concurrent.add_argument("--host", default="", help="A running server to drive (default: start gunicorn).")
        concurrent.add_argument("--workers", type=int, default=2, help="gunicorn workers when started here.")
        concurrent.add_argument(
            "--wait", type=float, nargs=2, default=(0.5, 1.5), metavar=("MIN", "MAX"), help="Pause between pages."
        )
        parser.add_argument(
            "--allow-production", action="store_true", help="Run even with DEBUG off. Never on a live database."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "bench_pages writes a million fake rows and logs in as fake people; refusing with DEBUG off "
                "(use --allow-production on a scratch database only)."
            )
        if connection.vendor != "postgresql":
            self.stdout.write(
                self.style.WARNING(
                    f"NOTE: the database is {connection.vendor}, not PostgreSQL: these are NOT the benchmark figures."
                )
            )
        if options["clean"]:
            started = time.perf_counter()
            deleted = build.clean()
            rows = ", ".join(f"{count} {label}" for label, count in deleted.items()) or "nothing"
            self.stdout.write(f"Deleted in {time.perf_counter() - started:.1f} s: {rows}.")
            return
        if options["build"]:
            self._build(options)
            return
        marker = build.present()
        if marker is None:
            raise CommandError("No page-bench data in this database: run `bench_pages --build` first.")
        try:
            people = pages.logins()
        except LookupError as error:
            raise CommandError(str(error)) from error
        chosen = pages.load_pages(options["only"], exclude=options["exclude"])
        ready, skipped = pages.routable(chosen, pages.placeholders(people))
        self.stdout.write(f"Database: PostgreSQL {self._server_version()}; {marker}.")
        for page, reason in skipped:
            self.stdout.write(self.style.WARNING(f"Skipped {page.name}: {reason}."))
        if not ready:
            raise CommandError("No page to measure.")
        if options["concurrent"]:
            self._concurrent(ready, people, options)
        else:
            self._measure(ready, people, options)

    # --- data ---------------------------------------------------------------------------------

    def _build(self, options) -> None:
        scale = build.Scale(
            companies=options["companies"],
            opportunities=options["opportunities"],
            suggestions=options["suggestions"],
            interests=options["interests"],
            seed=options["seed"],
        )
        started = time.perf_counter()
        counts = build.build(scale)
        described = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(f"Built in {time.perf_counter() - started:.1f} s (COPY, VACUUM ANALYZE): {described}.")

    # --- test client --------------------------------------------------------------------------------

    def _measure(self, ready: list, people: dict, options) -> list:
        runs, warmup = options["runs"], options["warmup"]
        self.stdout.write(f"Test client, {runs} timed requests per page after {warmup} warm-up:")
        self.stdout.write(measure.HEADER)
        clients = measure.clients(people)
        results = []
        for page in ready:
            result = measure.measure_page(clients[page.role], page, runs=runs, warmup=warmup)
            results.append(result)
            self.stdout.write(measure.line(result))
            if options["explain"] and result.slowest_sql and connection.vendor == "postgresql":
                self.stdout.write(f"  slowest query ({result.slowest_ms:.1f} ms):\n    {result.slowest_sql}")
                for row in measure.explain(result.slowest_sql):
                    self.stdout.write(f"    {row}")
        worst = max(results, key=lambda result: result.median)
        style = self.style.SUCCESS if worst.median <= MEDIAN_TARGET_MS else self.style.ERROR
        self.stdout.write(
            style(
                f"Slowest median {worst.median:.1f} ms ({worst.page.name}); median of medians "
                f"{statistics.median(result.median for result in results):.1f} ms; target ≤ {MEDIAN_TARGET_MS} ms."
            )
        )
        failed = [result for result in results if not result.ok]
        if failed:
            names = ", ".join(f"{result.page.name} ({result.status})" for result in failed)
            raise CommandError(f"Pages that did not answer 200: {names}.")
        return results

    # --- concurrent load ------------------------------------------------------------------------------

    def _concurrent(self, ready: list, people: dict, options) -> None:
        self.stdout.write("Queries per request, from one test-client request per page:")
        clients = measure.clients(people)
        queries = {}
        for page in ready:
            result = measure.measure_page(clients[page.role], page, runs=1, warmup=1)
            queries[page.name] = result.queries
        work = Path(settings.BASE_DIR) / "var"
        plan = work / "page_bench_plan.json"
        load.write_plan(plan, ready, people, tuple(options["wait"]))
        server = None
        host = options["host"]
        if not host:
            server = load.Server(workers=options["workers"])
            host = server.host
        users, seconds = options["concurrent"], options["seconds"]
        try:
            if server:
                server.wait_until_ready()
                self.stdout.write(f"gunicorn with {options['workers']} workers on {host} (DEBUG off).")
            self.stdout.write(
                f"locust: {users} users, {seconds} s, {options['wait'][0]}–{options['wait'][1]} s between pages; by "
                f"hand: PAGE_BENCH_PLAN={plan} locust -f {load.LOCUSTFILE} --headless -u {users} -r {users} "
                f"-t {seconds}s --host {host}"
            )
            rows = load.run_locust(
                plan, host=host, users=users, spawn_rate=users, seconds=seconds, prefix=work / "page_bench_locust"
            )
        finally:
            if server:
                server.stop()
        self.stdout.write(load.HEADER)
        for row in rows:
            self.stdout.write(load.line(row, queries))

    def _server_version(self) -> str:
        if connection.vendor != "postgresql":
            return connection.vendor
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return cursor.fetchone()[0]
