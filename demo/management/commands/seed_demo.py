import contextlib
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo.accounts import DEMO_PASSWORD, DEMO_TOTP_SECRET
from demo.companies import seed_companies
from demo.deals import seed_deal_flow
from demo.exchanges import EXCHANGES, seed_exchanges
from demo.labs import seed_programme
from demo.networks import NETWORKS, seed_networks
from demo.opportunities import close_past_opportunities, seed_opportunities
from demo.organisations import seed_organisations
from demo.partners import seed_partners
from labs.models import Lab
from opportunities.models import Opportunity
from opportunities.suggestions.full import recompute_full
from opportunities.suggestions.queue import recompute_waiting, recomputes_held


class Command(BaseCommand):
    @contextlib.contextmanager
    def _step(self, number: int, total: int, what: str):
        """Say what is being done, then how long it took: the seed is no longer silent for half a minute."""
        self.stdout.write(f"[{number}/{total}] {what}…")
        self.stdout.flush()
        started = time.monotonic()
        yield
        self.stdout.write(f"[{number}/{total}] done in {time.monotonic() - started:.1f} s")

    help = "Fill the database with a fictional Creative Labs programme and demo logins. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when the database already has Labs.")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with DEBUG off. The demo logins share a published password: never on a live site.",
        )

    def handle(self, *args, allow_production: bool = False, if_empty: bool = False, **options):
        if if_empty and Lab.objects.exists():
            self.stdout.write("The database already has data; not seeding the demo programme.")
            return
        if not settings.DEBUG and not allow_production:
            raise CommandError("seed_demo creates logins with a published password; refusing with DEBUG off.")
        steps = 8
        # Each company and opportunity the steps change is recomputed once, at the end, not once per change.
        with recomputes_held():
            with (
                self._step(1, steps, "Labs, posts, staff, organisations and companies with their portfolios"),
                transaction.atomic(),
            ):
                logins = seed_programme() + seed_companies() + seed_organisations()
            with self._step(2, steps, "Opportunities, current and past, through the review workflow"):
                with transaction.atomic():
                    created = seed_opportunities()
                self.stdout.write(f"Opportunities: {Opportunity.objects.count()} in the database ({created} new).")
            # A Lab partner company with an opportunity of its own, before the suggestions are computed.
            with self._step(3, steps, "A Lab partner company and its own opportunity, and the theme networks"):
                with transaction.atomic():
                    logins += seed_partners()
                with transaction.atomic():
                    self.stdout.write(f"Theme networks: {len(NETWORKS)}, with {seed_networks()} requests for help.")
            # The demo's suggestions, computed now rather than by the worker a few seconds later.
            with self._step(4, steps, "Match suggestions"):
                self.stdout.write(f"Match suggestions: {recompute_full()} kept.")
            # Shortlists, expressions of interest, introductions and deals, on top of those suggestions.
            with self._step(5, steps, "Shortlists, expressions of interest, introductions and deals"):
                logins += seed_deal_flow()
            # The programme's past two years: closed once their story is told, won on their deals.
            with self._step(6, steps, "Closing the past opportunities"):
                self.stdout.write(f"Past opportunities closed: {close_past_opportunities()}.")
            # Exchanges around themes, past and upcoming, registered for by the companies' logins of the steps before.
            with self._step(7, steps, "Exchanges, past and upcoming, and their registrations"):
                self.stdout.write(f"Exchanges: {len(EXCHANGES)}, with {seed_exchanges()} registrations.")
        with self._step(8, steps, "Match suggestions of what the steps changed"):
            self.stdout.write(f"Companies and opportunities recomputed: {recompute_waiting()}.")
        self.stdout.write(self.style.SUCCESS("Demo programme ready. Log in at /accounts/login/ with:"))
        width = max(len(email) for _role, email in logins)
        for role, email in logins:
            self.stdout.write(f"  {email.ljust(width)}  {role}")
        self.stdout.write(f"Password for every demo login: {DEMO_PASSWORD}")
        self.stdout.write(
            "Staff logins ask for a two-factor code: run `python manage.py demo_totp`, "
            f"or add the secret {DEMO_TOTP_SECRET} to an authenticator app."
        )
