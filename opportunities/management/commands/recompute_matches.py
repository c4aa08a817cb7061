import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from opportunities.models import MatchQueue, ShardedRecompute
from opportunities.suggestions import sharded, tasks
from opportunities.suggestions.full import recompute_full
from opportunities.suggestions.incremental import recompute_entry


class Command(BaseCommand):
    help = "Recompute match suggestions: the queued changes, or everything with --full."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="Every open opportunity against every company.")
        parser.add_argument(
            "--shards",
            type=int,
            default=None,
            help="With --full: split it into this many shards run by the Celery workers, and wait for its commit "
            "(default: the MATCHING_FULL_SHARDS setting; 1 runs it in this process).",
        )
        parser.add_argument("--timeout", type=float, default=3600, help="Seconds to wait for a sharded run.")

    def handle(self, *args, full: bool = False, shards: int | None = None, timeout: float = 3600, **options):
        shards = settings.MATCHING_FULL_SHARDS if shards is None else shards
        if shards < 1:
            raise CommandError("--shards must be 1 or more.")
        if full and shards > 1:
            self._sharded(shards, timeout)
            return
        if full:
            started = time.perf_counter()
            kept = recompute_full()
            if kept < 0:
                raise CommandError(
                    "A full recompute is already running; this one stopped without recomputing. "
                    "Try again when it has finished."
                )
            self.stdout.write(f"Full recompute done: {kept} suggestions kept ({time.perf_counter() - started:.1f} s).")
            return
        done = failed = 0
        # Every queued change, those waiting to be tried again after a failure included.
        for kind, object_id in MatchQueue.objects.order_by("dirty_since").values_list("kind", "object_id"):
            try:
                done += recompute_entry(kind, object_id)
            except Exception as error:  # noqa: BLE001 - reported, recorded on the entry; go on with the rest
                failed += 1
                self.stderr.write(f"Recomputing {kind} {object_id} failed: {type(error).__name__}: {error}")
        self.stdout.write(f"Recomputed {done} queued change(s).")
        if failed:
            raise CommandError(f"{failed} queued change(s) failed; they stay queued and are tried again later.")

    def _sharded(self, shards: int, timeout: float) -> None:
        started = time.perf_counter()
        run_id = sharded.start_sharded(shards)
        if run_id is None:
            raise CommandError(
                "A full recompute is already running; this one stopped without recomputing. "
                "Try again when it has finished."
            )
        tasks.send_sharded(run_id, shards)
        self.stdout.write(f"Sharded full recompute {run_id}: {shards} shards sent to the workers.")
        while True:
            state = ShardedRecompute.objects.filter(pk=run_id).values_list("state", flat=True).first()
            if state == ShardedRecompute.State.DONE:
                self.stdout.write(f"Sharded full recompute done ({time.perf_counter() - started:.1f} s).")
                return
            if state != ShardedRecompute.State.RUNNING:
                raise CommandError(f"Sharded full recompute {run_id} did not commit: {state}.")
            if time.perf_counter() - started > timeout:
                raise CommandError(f"Sharded full recompute {run_id} has not committed after {timeout:.0f} s.")
            time.sleep(0.2)
