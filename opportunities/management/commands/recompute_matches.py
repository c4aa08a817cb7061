import time

from django.core.management.base import BaseCommand

from opportunities.suggestions import recompute_entry, recompute_full, stale_queue_entries


class Command(BaseCommand):
    help = "Recompute match suggestions: the queued changes, or everything with --full."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="Every open opportunity against every company.")

    def handle(self, *args, full: bool = False, **options):
        if full:
            started = time.perf_counter()
            kept = recompute_full()
            if kept < 0:
                self.stderr.write("A full recompute is already running; try again when it has finished.")
                return
            self.stdout.write(f"Full recompute done: {kept} suggestions kept ({time.perf_counter() - started:.1f} s).")
            return
        done = sum(
            recompute_entry(kind, object_id)
            for kind, object_id in stale_queue_entries(0).values_list("kind", "object_id")
        )
        self.stdout.write(f"Recomputed {done} queued change(s).")
