import time

from django.core.management.base import BaseCommand, CommandError

from opportunities.models import MatchQueue
from opportunities.suggestions.full import recompute_full
from opportunities.suggestions.incremental import recompute_entry


class Command(BaseCommand):
    help = "Recompute match suggestions: the queued changes, or everything with --full."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="Every open opportunity against every company.")

    def handle(self, *args, full: bool = False, **options):
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
