"""Benchmark the public opportunity list with many published opportunities.

    python manage.py bench_opportunity_list [--count 10000] [--runs 50] [--explain]
    python manage.py bench_opportunity_list --clean

Creates synthetic published opportunities (titles start with "[bench]") until there are `--count` of them,
then requests the list page through Django's test client with a few filter and search combinations and
prints median, p95 and max response times and the number of SQL queries per request. Only PostgreSQL
figures mean anything: SQLite has no full-text search and a different planner.
"""

import datetime
import random
import statistics
import time
from decimal import Decimal
from math import ceil

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from companies.models import Discipline
from labs.models import Country, Lab, Theme
from opportunities.models import Opportunity, Status
from opportunities.workflow.filters import OpportunityFilter

TAG = "[bench]"
LIST_URL = "/opportunities/"
# PostgreSQL takes at most 65,535 parameters a statement; an opportunity row has about 25 columns.
ROW_BATCH = 1000
LINK_BATCH = 5000

SCENARIOS = [
    "",
    "q=fietsen&country=DE&theme=mobility&deadline=open",
    "q=cycling+safety&country=DE&theme=mobility&deadline=open",
    "q=water+design&country=CN&deadline=open",
    "q=ouderenzorg&discipline=service-design",
    "discipline=service-design&deadline=open",
    "country=US&theme=health-obesity&deadline=soon&sort=newest",
    "q=museum&deadline=open&page=2",
]

CITIES = {
    "DE": ["Berlin", "Hamburg", "Munich", "Cologne", "Leipzig", "Dresden", "Essen", "Potsdam", "Bremen", "Münster"],
    "CN": ["Shanghai", "Shenzhen", "Suzhou", "Hangzhou", "Guangzhou", "Nanjing", "Ningbo", "Wuxi"],
    "US": ["New York", "Boston", "Philadelphia", "Baltimore", "Newark", "Beacon", "Pittsburgh", "Chicago"],
}

EN = {
    "actions": [
        "Design of",
        "A campaign for",
        "A prototype for",
        "Service design for",
        "A visual identity for",
        "An exhibition on",
        "A serious game about",
        "Wayfinding for",
        "A data dashboard for",
        "Interiors for",
        "Community engagement on",
    ],
    "subjects": [
        "safe cycling routes to school",
        "cycling safety for children",
        "elderly care at home",
        "a dementia-friendly day centre",
        "sponge city parks",
        "circular textile retail",
        "heat pumps in old housing blocks",
        "healthy school meals",
        "obesity prevention in schools",
        "museum visitors with a disability",
        "smart bus stops",
        "flood defences along the river",
        "community solar on school roofs",
        "a waterfront promenade",
        "reusable food packaging",
        "the energy transition in the neighbourhood",
        "open city data",
        "safe school streets",
    ],
    "clients": [
        "the city's transport department",
        "a regional energy cooperative",
        "a care provider",
        "a district government",
        "a museum foundation",
        "a department store group",
        "a public health coalition",
        "a water authority",
        "a school board",
        "a real estate developer",
    ],
    "sentences": [
        "The client wants to start with a pilot in one neighbourhood and scale up if it works.",
        "Dutch experience with {subject} is the main reason the client approached the Lab.",
        "Residents and users take part in workshops throughout the project.",
        "The budget covers concept, design and a tested prototype.",
        "The team should combine design with research and be able to work with local partners.",
        "Results are evaluated after one year on use, reach and satisfaction.",
        "Material must work in the local language; the project team also works in English.",
        "The client already has data and funding, but lacks a design that people understand.",
    ],
}

NL = {
    "actions": [
        "Ontwerp van",
        "Een campagne voor",
        "Een prototype voor",
        "Serviceontwerp voor",
        "Een tentoonstelling over",
        "Een serious game over",
        "Bewegwijzering voor",
        "Een datadashboard over",
        "Een interieur voor",
    ],
    "subjects": [
        "veilig fietsen naar school",
        "fietsen in de binnenstad",
        "ouderenzorg in de wijk",
        "een dementievriendelijk dagcentrum",
        "waterpleinen en sponsparken",
        "circulaire kleding in de winkel",
        "warmtepompen in oude woonblokken",
        "gezond eten op school",
        "overgewicht bij kinderen",
        "museumbezoek voor mensen met een beperking",
        "slimme bushaltes",
        "dijken en rivieroevers",
        "zonnepanelen op schooldaken",
        "herbruikbare verpakkingen",
        "de energietransitie in de buurt",
        "veilige schoolstraten",
    ],
    "clients": [
        "de verkeersafdeling van de stad",
        "een regionale energiecoöperatie",
        "een zorgaanbieder",
        "een stadsdeel",
        "een museumstichting",
        "een warenhuisketen",
        "een gezondheidscoalitie",
        "een waterschap",
        "een schoolbestuur",
        "een projectontwikkelaar",
    ],
    "sentences": [
        "De opdrachtgever begint met een pilot in één wijk en breidt die uit als het werkt.",
        "Nederlandse ervaring met {subject} is de reden dat de opdrachtgever het Lab benaderde.",
        "Bewoners en gebruikers denken mee in werksessies tijdens het hele project.",
        "Het budget dekt concept, ontwerp en een getest prototype.",
        "Het team combineert ontwerp met onderzoek en werkt samen met lokale partners.",
        "Na een jaar worden gebruik, bereik en tevredenheid geëvalueerd.",
        "Het materiaal moet in de lokale taal werken; het projectteam spreekt ook Engels.",
        "De opdrachtgever heeft data en geld, maar mist een ontwerp dat mensen begrijpen.",
    ],
}


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
        with transaction.atomic():
            rows, by_model = Opportunity.objects.filter(title__startswith=TAG).delete()
            labs, _by_model = Lab.objects.filter(slug__startswith="bench-", opportunities__isnull=True).delete()
        opportunities = by_model.get(Opportunity._meta.label, 0)
        self.stdout.write(
            f"Deleted {opportunities} {TAG} opportunities ({rows} rows with their links) and {labs} bench Labs."
        )

    def _ensure(self, count: int, rng: random.Random) -> None:
        existing = Opportunity.objects.filter(title__startswith=TAG, status=Status.PUBLISHED).count()
        missing = count - existing
        if missing <= 0:
            self.stdout.write(f"{existing} {TAG} published opportunities exist; creating none.")
            return
        started = time.perf_counter()
        with transaction.atomic():
            labs = self._labs()
            themes = list(Theme.objects.values_list("pk", flat=True))
            disciplines = list(Discipline.objects.values_list("pk", flat=True))
            if not themes or not disciplines:
                raise CommandError("No themes or disciplines: run `python manage.py migrate` first.")
            rows = [self._row(rng, labs) for _ in range(missing)]
            created = Opportunity.objects.bulk_create(rows, batch_size=ROW_BATCH)
            through = {name: getattr(Opportunity, name).through for name in ("themes", "required_disciplines")}
            through["nice_disciplines"] = Opportunity.nice_disciplines.through
            links = {name: [] for name in through}
            for opportunity in created:
                for pk in rng.sample(themes, rng.randint(1, 3)):
                    links["themes"].append(through["themes"](opportunity_id=opportunity.pk, theme_id=pk))
                required = rng.sample(disciplines, rng.randint(1, 3))
                nice = rng.sample([pk for pk in disciplines if pk not in required], rng.randint(0, 2))
                for name, chosen in (("required_disciplines", required), ("nice_disciplines", nice)):
                    model = through[name]
                    links[name].extend(model(opportunity_id=opportunity.pk, discipline_id=pk) for pk in chosen)
            for name, model in through.items():
                model.objects.bulk_create(links[name], batch_size=LINK_BATCH)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in [Opportunity, *through.values()]:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        self.stdout.write(
            f"Created {missing} {TAG} published opportunities "
            f"({sum(len(v) for v in links.values())} M2M rows) in {time.perf_counter() - started:.1f} s."
        )

    def _labs(self) -> list[Lab]:
        """The Labs to spread the data over; a bench Lab per focus country that has none (e.g. a fresh database)."""
        labs = list(Lab.objects.select_related("country"))
        have = {lab.country_id for lab in labs}
        for country in Country.objects.filter(code__in=CITIES).exclude(code__in=have):
            lab = Lab.objects.create(
                slug=f"bench-{country.code.lower()}",
                name=f"{TAG} Lab {country.code}",
                country=country,
                city=CITIES[country.code][0],
                default_fee_percentage=Decimal("5.00"),
            )
            labs.append(lab)
        if not labs:
            raise CommandError("No focus countries: run `python manage.py migrate` first.")
        return labs

    def _row(self, rng: random.Random, labs: list[Lab]) -> Opportunity:
        words = NL if rng.random() < 0.35 else EN
        subject = rng.choice(words["subjects"])
        client = rng.choice(words["clients"])
        lab = rng.choice(labs)
        code = lab.country_id
        city = rng.choice(CITIES.get(code, [lab.city]))
        title = f"{TAG} {rng.choice(words['actions'])} {subject} in {city}"
        if words is EN:
            summary = f"{client.capitalize()} in {city} looks for Dutch creative makers: {subject}."
        else:
            summary = f"{client.capitalize()} in {city} zoekt Nederlandse creatieve makers: {subject}."
        sentences = rng.sample(words["sentences"], rng.randint(3, 5))
        brief = " ".join(sentence.format(subject=subject) for sentence in [summary, *sentences])
        today = timezone.localdate()
        deadline = today + datetime.timedelta(days=rng.randint(1, 120))
        return Opportunity(
            lab=lab,
            title=title[:200],
            summary=summary[:300],
            brief=brief,
            client_name=f"{client.capitalize()} ({city})",
            client_is_public=rng.random() < 0.5,
            country_id=code,
            city=city,
            budget_band=rng.choice(Opportunity.Budget.values),
            currency=rng.choice(Opportunity.Currency.values),
            expected_start=deadline + datetime.timedelta(days=rng.randint(14, 90)),
            deadline=deadline,
            languages=rng.sample(["en", "nl", "de", "zh", "es"], rng.randint(1, 3)),
            fee_percentage=lab.default_fee_percentage,
            fee_note="Introduction and local follow-up.",
            status=Status.PUBLISHED,
            published_at=timezone.now() - datetime.timedelta(days=rng.randint(0, 90), minutes=rng.randint(0, 1440)),
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
