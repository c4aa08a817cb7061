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

import bisect
import datetime
import inspect
import io
import itertools
import json
import math
import random
import re
import resource
import statistics
import time
from decimal import Decimal
from unittest import mock

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from companies.models import Company, Discipline, PortfolioItem, Visibility
from labs.models import Country, Lab, Theme
from opportunities.matching import glossary
from opportunities.matching.text import warm_up
from opportunities.models import MatchQueue, Opportunity, Status, Suggestion
from opportunities.suggestions.queue import DEBOUNCE_SECONDS as DEBOUNCE

LAB_SLUG = "match-bench-"
COMPANY_SLUG = "match-bench-"
KVK_BASE = 90_000_000
COPY_ROWS = 20_000  # rows per COPY buffer

# The glossary's Dutch sections (by the first word of their comment) and the themes they are about.
SECTION_THEMES = {
    "mobility": ("mobility",),
    "children": ("education",),
    "elderly": ("elderly-care", "health-obesity"),
    "housing": ("smart-cities",),
    "inclusion": ("inclusion",),
    "water": ("water", "sustainability-circular"),
    "energy": ("energy-transition",),
    "circular": ("sustainability-circular",),
    "culture": ("culture-tourism",),
    "safety": ("safety",),
    "food": ("food", "health-obesity"),
}

CITIES_NL = [
    "Amsterdam", "Rotterdam", "Utrecht", "Eindhoven", "Den Haag", "Groningen", "Arnhem", "Nijmegen", "Tilburg",
    "Breda", "Zwolle", "Leeuwarden", "Maastricht", "Delft", "Haarlem", "Leiden", "Enschede", "Almere",
]  # fmt: skip
CITIES = {
    "DE": ["Berlin", "Hamburg", "Munich", "Cologne", "Leipzig", "Dresden", "Essen", "Potsdam", "Bremen", "Münster"],
    "CN": ["Shanghai", "Shenzhen", "Suzhou", "Hangzhou", "Guangzhou", "Nanjing", "Ningbo", "Wuxi"],
    "US": ["New York", "Boston", "Philadelphia", "Baltimore", "Newark", "Beacon", "Pittsburgh", "Chicago"],
}
COUNTRY_LANGUAGE = {"DE": "de", "CN": "zh", "US": "en"}
SYLLABLES = [
    "van", "ber", "kol", "mar", "ten", "dor", "lin", "sta", "wer", "hof", "kamp", "veld", "berg", "bos", "dijk",
    "zand", "ross", "mei", "jan", "ker", "pol", "tul", "vis", "ark", "lux", "nor", "sud", "ost", "wes", "kin", "zor",
    "vel", "gra", "mon", "tor", "bel", "cas", "fin", "gal", "hel", "ivo", "jor", "kar", "lum", "nov", "ora", "pim",
    "qui", "rix", "sol", "tam", "umi", "vor", "xen", "yar", "zef",
]  # fmt: skip

# Sentence templates; {a}, {b}, {c}: domain phrases, {d}: a discipline, {n}: a name, {x}: a client, {t}: a city.
EN = {
    "pitch": [
        "{d} studio for {a} and {b}.",
        "We make {a} work for people, with {d}.",
        "{d} for {a}, {b} and {c}.",
        "Design and research on {a} for cities and clients like {x}.",
    ],
    "sentences": [
        "{n} designs {a} for {b}.",
        "Our work on {a} started with {x} in {t}.",
        "We combine {d} with research into {a} and {b}.",
        "Projects range from {a} to {b} and {c}.",
        "Clients include {x} and the city of {t}.",
        "Every project starts with the people who use it: {a}, {b}.",
        "We have a small team in {t} and work across Europe on {a}.",
        "Recent work covers {a}, {b} and a long-running programme on {c}.",
        "The studio is known for {d} around {a}.",
    ],
    "item_title": ["{A} for {x}", "{A} in {t}", "{A}: {b}", "{x}: {a}"],
    "item": [
        "For {x} we developed {a} with {b}.",
        "A {d} project on {a} in {t}, together with {x}.",
        "The result: {a}, {b} and {c}, tested with residents.",
        "We ran workshops on {a} and delivered a prototype for {b}.",
    ],
    "title": ["Design of {a} in {t}", "A campaign on {a}", "{A} for {x}", "Service design for {a}", "{A} and {b}"],
    "summary": [
        "{X} in {t} looks for Dutch creative makers: {a} and {b}.",
        "{X} wants help with {a}.",
        "A pilot on {a} and {b} in {t}.",
    ],
    "brief": [
        "The client wants to start with a pilot on {a} in one neighbourhood and scale up if it works.",
        "Dutch experience with {a} is the main reason the client approached the Lab.",
        "Residents and users take part in workshops on {b} throughout the project.",
        "The budget covers concept, {d} and a tested prototype for {a}.",
        "The team should combine {d} with research and work with local partners on {c}.",
        "Results are evaluated after one year on use, reach and satisfaction.",
        "The client already has data on {a} and funding, but lacks a design that people understand.",
        "{X} asks for {a}, {b} and attention to {c}.",
    ],
}
NL = {
    "pitch": [
        "{d} voor {a} en {b}.",
        "Wij maken {a} die werkt voor mensen, met {d}.",
        "Ontwerpbureau voor {a}, {b} en {c}.",
        "Ontwerp en onderzoek naar {a} voor steden en opdrachtgevers zoals {x}.",
    ],
    "sentences": [
        "{n} ontwerpt {a} voor {b}.",
        "Ons werk aan {a} begon bij {x} in {t}.",
        "Wij combineren {d} met onderzoek naar {a} en {b}.",
        "Projecten lopen van {a} tot {b} en {c}.",
        "Opdrachtgevers zijn onder meer {x} en de gemeente {t}.",
        "Elk project begint bij de mensen die het gebruiken: {a}, {b}.",
        "Wij hebben een klein team in {t} en werken in heel Europa aan {a}.",
        "Recent werk gaat over {a}, {b} en een langlopend programma over {c}.",
        "Het bureau staat bekend om {d} rond {a}.",
    ],
    "item_title": ["{A} voor {x}", "{A} in {t}", "{A}: {b}", "{x}: {a}"],
    "item": [
        "Voor {x} ontwikkelden wij {a} met {b}.",
        "Een project over {a} in {t}, samen met {x}.",
        "Het resultaat: {a}, {b} en {c}, getest met bewoners.",
        "Wij gaven werksessies over {a} en leverden een prototype voor {b}.",
    ],
    "title": ["Ontwerp van {a} in {t}", "Een campagne over {a}", "{A} voor {x}", "{A} en {b}"],
    "summary": [
        "{X} in {t} zoekt Nederlandse creatieve makers: {a} en {b}.",
        "{X} wil hulp bij {a}.",
    ],
    "brief": [
        "De opdrachtgever begint met een pilot over {a} in één wijk en breidt die uit als het werkt.",
        "Nederlandse ervaring met {a} is de reden dat de opdrachtgever het Lab benaderde.",
        "Bewoners en gebruikers denken mee in werksessies over {b} tijdens het hele project.",
        "Het budget dekt concept, ontwerp en een getest prototype voor {a}.",
        "Het team combineert {d} met onderzoek en werkt met lokale partners aan {c}.",
        "De opdrachtgever heeft data over {a} en geld, maar mist een ontwerp dat mensen begrijpen.",
    ],
}
TEMPLATE_FIELDS = re.compile(r"\{(\w)\}")


def _glossary_sections() -> dict[str, list[tuple[str, str]]]:
    """The Dutch glossary's (Dutch, English) entries by theme slug ("" for the general sections),
    grouped by the section comments of glossary.py."""
    sections: dict[str, list[tuple[str, str]]] = {}
    section, inside = "", False
    entry = re.compile(r'^\s+"([^"]+)": "([^"]+)",')
    for line in inspect.getsource(glossary).splitlines():
        if line.startswith("NL: dict"):
            inside = True
            continue
        if not inside:
            continue
        if line.startswith("}"):
            break
        stripped = line.strip()
        if stripped.startswith("#"):
            section = stripped.lstrip("# ").split(",")[0].split()[0].lower()
            continue
        found = entry.match(line)
        if found and found.group(1) in glossary.NL:
            for theme in SECTION_THEMES.get(section, ("",)):
                sections.setdefault(theme, []).append((found.group(1), found.group(2)))
    return sections


class Generator:
    """Synthetic companies, portfolio items and opportunities: topical, mixed English and Dutch text."""

    def __init__(self, seed: int, disciplines: dict, themes: dict, countries: list[str], labs: dict[str, int]):
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data
        self.disciplines = disciplines  # slug -> (id, English name, Dutch name)
        self.themes = themes  # slug -> id
        self.countries = countries
        self.labs = labs  # country code -> lab id
        sections = _glossary_sections()
        general = sections.pop("", [])
        self.pools = {slug: sections.get(slug) or general for slug in themes}
        self.general = general
        self.theme_slugs = sorted(themes)
        self.discipline_slugs = sorted(disciplines)
        # A long tail of rare words, as real texts have (client and product names): Zipf-like by rank.
        rng = self.rng
        self.names = sorted({"".join(rng.sample(SYLLABLES, rng.randint(2, 3))).capitalize() for _ in range(40_000)})
        self._cumulative = list(itertools.accumulate(1.0 / (rank + 10) for rank in range(len(self.names))))

    def _name(self) -> str:
        position = bisect.bisect_left(self._cumulative, self.rng.random() * self._cumulative[-1])
        return self.names[min(position, len(self.names) - 1)]

    def _phrase(self, topics: list[str], dutch: bool) -> str:
        rng = self.rng
        pool = self.pools[rng.choice(topics)] if rng.random() < 0.75 else self.general
        dutch_word, english = rng.choice(pool)
        return dutch_word if dutch else english

    def _fill(self, template: str, topics, dutch: bool, discipline: str, name: str, city: str) -> str:
        values = {
            "d": self.disciplines[discipline][2 if dutch else 1].lower(),
            "n": name,
            "t": city,
        }

        def value(match) -> str:
            key = match.group(1)
            if key in values:
                return values[key]
            if key in "xX":
                client = f"{self._name()} {self.rng.choice(('Foundation', 'Group', 'BV', 'Lab', 'Works'))}"
                return client
            phrase = self._phrase(topics, dutch)
            return phrase[:1].upper() + phrase[1:] if key.isupper() else phrase

        text = TEMPLATE_FIELDS.sub(value, template)
        return text[:1].upper() + text[1:]

    def _labels(self, slugs: list[str], near: list[str], low: int, high: int) -> list[str]:
        """`low`..`high` slugs, mostly from `near`."""
        rng = self.rng
        count = rng.randint(low, high)
        chosen = [slug for slug in near if rng.random() < 0.8][:count]
        while len(chosen) < count:
            slug = rng.choice(slugs)
            if slug not in chosen:
                chosen.append(slug)
        return chosen

    def company(self, number: int) -> dict:
        rng = self.rng
        dutch = rng.random() < 0.2
        words = NL if dutch else EN
        topics = rng.sample(self.theme_slugs, rng.choice((1, 1, 2, 2, 3)))
        disciplines = rng.sample(self.discipline_slugs, rng.randint(1, 3))
        name = f"{self._name()} {rng.choice(('Studio', 'Design', 'Lab', 'Collective', 'Works', 'Media'))}"
        city = rng.choice(CITIES_NL)
        fill = self._fill

        def text(kind: str, count: int, discipline=None) -> str:
            return " ".join(
                fill(template, topics, dutch, discipline or rng.choice(disciplines), name, city)
                for template in rng.sample(words[kind], count)
            )

        focus = self.countries
        targets = rng.sample(focus, rng.randint(0, len(focus)))
        presence = [code for code in focus if rng.random() < 0.08]
        items = []
        for position in range(_poisson(rng, 3.0, high=8)):
            item_dutch = dutch if rng.random() < 0.9 else not dutch
            item_words = NL if item_dutch else EN
            discipline = rng.choice(disciplines)
            item_city = rng.choice(CITIES_NL + CITIES.get(rng.choice(focus), []))
            title = fill(rng.choice(item_words["item_title"]), topics, item_dutch, discipline, name, item_city)
            description = " ".join(
                fill(template, topics, item_dutch, discipline, name, item_city)
                for template in rng.sample(item_words["item"], rng.randint(1, 3))
            )
            visibility = rng.choices((Visibility.PUBLIC, Visibility.LAB, Visibility.PRIVATE), weights=(75, 15, 10))[0]
            items.append(
                {
                    "title": title[:150],
                    "client": self._name(),
                    "year": rng.randint(2008, 2026),
                    "description": description,
                    "visibility": visibility,
                    "position": position,
                    "disciplines": self._labels(self.discipline_slugs, [discipline], 0, 2),
                    "themes": self._labels(self.theme_slugs, topics, 0, 2),
                }
            )
        return {
            "name": name[:150],
            "slug": f"{COMPANY_SLUG}{number}",
            "kvk_number": f"{KVK_BASE + number:08d}",
            "city": city,
            "size": rng.choice(Company.Size.values),
            "founded_year": rng.randint(1990, 2025),
            "pitch": text("pitch", 1)[:300],
            "description": text("sentences", rng.randint(2, 6)),
            "target_countries": ",".join(sorted(targets)),
            "presence_countries": ",".join(sorted(presence)),
            "languages": ["nl", "en"] + [code for code in ("de", "zh") if rng.random() < 0.1],
            "open_to_matching": rng.random() < 0.97,
            "is_listed": rng.random() < 0.6,
            "disciplines": disciplines,
            "themes": self._labels(self.theme_slugs, topics, 0, 3),
            "portfolio": items,
        }

    def opportunity(self, number: int) -> dict:
        rng = self.rng
        dutch = rng.random() < 0.1
        words = NL if dutch else EN
        topics = rng.sample(self.theme_slugs, rng.choice((1, 1, 2)))
        required = rng.sample(self.discipline_slugs, rng.randint(1, 3))
        nice = [slug for slug in rng.sample(self.discipline_slugs, rng.randint(0, 2)) if slug not in required]
        code = rng.choice(self.countries)
        city = rng.choice(CITIES.get(code, ["Capital"]))
        client = self._name()
        fill = self._fill

        def text(kind: str, count: int) -> str:
            return " ".join(
                fill(template, topics, dutch, rng.choice(required), client, city)
                for template in rng.sample(words[kind], count)
            )

        today = timezone.localdate()
        status = rng.choices(
            (Status.PUBLISHED, Status.DRAFT, Status.SUBMITTED, Status.CLOSED_WON, Status.EXPIRED),
            weights=(90, 3, 2, 3, 2),
        )[0]
        open_days = rng.randint(1, 120) if status != Status.EXPIRED and rng.random() < 0.98 else -rng.randint(1, 60)
        languages = ["en"] + ([COUNTRY_LANGUAGE[code]] if code in COUNTRY_LANGUAGE and rng.random() < 0.4 else [])
        return {
            "title": text("title", 1)[:200],
            "summary": text("summary", 1)[:300],
            "brief": text("brief", rng.randint(3, 6)),
            "client_name": f"{client} ({city})",
            "city": city,
            "country_id": code,
            "lab_id": self.labs[code],
            "status": status,
            "deadline": today + datetime.timedelta(days=open_days),
            "languages": list(dict.fromkeys(languages)),
            "published": status in (Status.PUBLISHED, Status.CLOSED_WON, Status.EXPIRED),
            "required": required,
            "nice": nice,
            "themes": self._labels(self.theme_slugs, topics, 1, 3),
            "number": number,
        }


def _poisson(rng: random.Random, mean: float, high: int) -> int:
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit or k >= high:
            return k
        k += 1


# --- COPY ---------------------------------------------------------------------------------------------------


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (list, dict)):
        value = json.dumps(value)
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


class CopyWriter:
    """Rows into one table through COPY, in buffers of `COPY_ROWS`."""

    def __init__(self, cursor, model, fields: list[str]):
        self.cursor = cursor
        quote = connection.ops.quote_name
        columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
        self.sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        self.lines: list[str] = []
        self.count = 0

    def add(self, *values) -> None:
        self.lines.append("\t".join(map(_copy_value, values)))
        if len(self.lines) >= COPY_ROWS:
            self.flush()

    def flush(self) -> None:
        if self.lines:
            self.cursor.copy_expert(self.sql, io.StringIO("\n".join(self.lines) + "\n"))
            self.count += len(self.lines)
            self.lines = []


def _next_id(cursor, model) -> int:
    quote = connection.ops.quote_name
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {quote(model._meta.db_table)}")  # noqa: S608
    return cursor.fetchone()[0]


def _advance_sequence(cursor, model) -> None:
    table = model._meta.db_table
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT COALESCE(MAX(id), 1) FROM "  # noqa: S608
        f"{connection.ops.quote_name(table)}))",
        [table],
    )


# --- Data -----------------------------------------------------------------------------------------------------


def _marker(companies: int, opportunities: int, seed: int) -> str:
    return f"match_bench data: companies={companies} opportunities={opportunities} seed={seed}"


def bench_data_present(companies: int, opportunities: int, seed: int) -> bool:
    """True if the database holds exactly this generated data set."""
    return (
        Lab.objects.filter(slug__startswith=LAB_SLUG, description_en=_marker(companies, opportunities, seed)).exists()
        and Company.objects.count() == companies
        and Opportunity.objects.count() == opportunities
    )


def generate(companies: int, opportunities: int, seed: int) -> dict:
    """Replace the database's companies and opportunities by a generated data set; returns row counts.

    Only in a database of its own: refuses if any company or opportunity is not benchmark data."""
    if connection.vendor != "postgresql":
        raise CommandError("match_bench generates data with COPY: PostgreSQL only.")
    foreign = (
        Company.objects.exclude(slug__startswith=COMPANY_SLUG).exists()
        or Opportunity.objects.exclude(lab__slug__startswith=LAB_SLUG).exists()
    )
    if foreign:
        raise CommandError(
            "This database holds companies or opportunities that match_bench did not generate. Run it in a "
            "database of its own (createdb clmatch; DATABASE_URL=postgres://.../clmatch manage.py migrate)."
        )
    counts: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        quote = connection.ops.quote_name
        cursor.execute(
            f"TRUNCATE {quote(Company._meta.db_table)}, {quote(Opportunity._meta.db_table)}, "
            f"{quote(MatchQueue._meta.db_table)} CASCADE"
        )
        countries = list(Country.objects.focus().values_list("code", flat=True)) or list(CITIES)
        labs = {}
        for code in countries:
            lab, _created = Lab.objects.update_or_create(
                slug=f"{LAB_SLUG}{code.lower()}",
                defaults={
                    "name": f"Bench Lab {code}",
                    "country_id": code,
                    "city": CITIES.get(code, ["Capital"])[0],
                    "default_fee_percentage": Decimal("5.00"),
                    "description_en": "",
                },
            )
            labs[code] = lab.pk
        generator = Generator(
            seed,
            {d.slug: (d.pk, d.name_en, d.name_nl) for d in Discipline.objects.all()},
            dict(Theme.objects.values_list("slug", "pk")),
            countries,
            labs,
        )
        counts.update(_copy_companies(cursor, generator, companies))
        counts.update(_copy_opportunities(cursor, generator, opportunities))
        Lab.objects.filter(slug__startswith=LAB_SLUG).update(description_en=_marker(companies, opportunities, seed))
    with connection.cursor() as cursor:
        for model in (Company, PortfolioItem, Opportunity):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        for through in _throughs():
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(through._meta.db_table)}")
    return counts


def _throughs():
    return [
        Company.disciplines.through,
        Company.themes.through,
        PortfolioItem.disciplines.through,
        PortfolioItem.themes.through,
        Opportunity.themes.through,
        Opportunity.required_disciplines.through,
        Opportunity.nice_disciplines.through,
    ]


def _copy_companies(cursor, generator: Generator, count: int) -> dict[str, int]:
    company_fields = [
        "id", "name", "slug", "kvk_number", "website", "city", "size", "founded_year", "pitch", "description",
        "target_countries", "presence_countries", "is_listed", "created_at", "updated_at", "languages", "logo",
        "open_to_matching",
    ]  # fmt: skip
    item_fields = [
        "id", "title", "client", "year", "country", "description", "link", "visibility", "position", "created_at",
        "updated_at", "company",
    ]  # fmt: skip
    companies = CopyWriter(cursor, Company, company_fields)
    items = CopyWriter(cursor, PortfolioItem, item_fields)
    links = {
        "company_disciplines": CopyWriter(cursor, Company.disciplines.through, ["company", "discipline"]),
        "company_themes": CopyWriter(cursor, Company.themes.through, ["company", "theme"]),
        "item_disciplines": CopyWriter(cursor, PortfolioItem.disciplines.through, ["portfolioitem", "discipline"]),
        "item_themes": CopyWriter(cursor, PortfolioItem.themes.through, ["portfolioitem", "theme"]),
    }
    disciplines = {slug: value[0] for slug, value in generator.disciplines.items()}
    themes = generator.themes
    now = timezone.now() - datetime.timedelta(days=1)  # changes made later are newer
    company_id, item_id = _next_id(cursor, Company), _next_id(cursor, PortfolioItem)
    for number in range(1, count + 1):
        row = generator.company(number)
        companies.add(
            company_id, row["name"], row["slug"], row["kvk_number"], "", row["city"], row["size"],
            row["founded_year"], row["pitch"], row["description"], row["target_countries"],
            row["presence_countries"], row["is_listed"], now, now, row["languages"], "", row["open_to_matching"],
        )  # fmt: skip
        for slug in row["disciplines"]:
            links["company_disciplines"].add(company_id, disciplines[slug])
        for slug in row["themes"]:
            links["company_themes"].add(company_id, themes[slug])
        for item in row["portfolio"]:
            items.add(
                item_id, item["title"], item["client"], item["year"], "", item["description"], "",
                item["visibility"], item["position"], now, now, company_id,
            )  # fmt: skip
            for slug in item["disciplines"]:
                links["item_disciplines"].add(item_id, disciplines[slug])
            for slug in item["themes"]:
                links["item_themes"].add(item_id, themes[slug])
            item_id += 1
        company_id += 1
    for writer in (companies, items, *links.values()):
        writer.flush()
    _advance_sequence(cursor, Company)
    _advance_sequence(cursor, PortfolioItem)
    return {"companies": companies.count, "portfolio items": items.count} | {
        name: writer.count for name, writer in links.items()
    }


def _copy_opportunities(cursor, generator: Generator, count: int) -> dict[str, int]:
    fields = [
        "id", "title", "summary", "brief", "client_name", "client_is_public", "city", "budget_band", "currency",
        "expected_start", "deadline", "languages", "fee_percentage", "fee_note", "status", "featured_on_themes",
        "published_at", "submitted_at", "created_at", "updated_at", "country", "created_by", "lab",
    ]  # fmt: skip
    opportunities = CopyWriter(cursor, Opportunity, fields)
    links = {
        "opportunity_themes": CopyWriter(cursor, Opportunity.themes.through, ["opportunity", "theme"]),
        "required_disciplines": CopyWriter(
            cursor, Opportunity.required_disciplines.through, ["opportunity", "discipline"]
        ),
        "nice_disciplines": CopyWriter(cursor, Opportunity.nice_disciplines.through, ["opportunity", "discipline"]),
    }
    disciplines = {slug: value[0] for slug, value in generator.disciplines.items()}
    now = timezone.now() - datetime.timedelta(days=1)
    opportunity_id = _next_id(cursor, Opportunity)
    for number in range(1, count + 1):
        row = generator.opportunity(number)
        opportunities.add(
            opportunity_id, row["title"], row["summary"], row["brief"], row["client_name"], False, row["city"],
            Opportunity.Budget.UNKNOWN, Opportunity.Currency.EUR, None, row["deadline"], row["languages"],
            Decimal("5.00"), "", row["status"], False, now if row["published"] else None, None, now, now,
            row["country_id"], None, row["lab_id"],
        )  # fmt: skip
        for slug in row["themes"]:
            links["opportunity_themes"].add(opportunity_id, generator.themes[slug])
        for slug in row["required"]:
            links["required_disciplines"].add(opportunity_id, disciplines[slug])
        for slug in row["nice"]:
            links["nice_disciplines"].add(opportunity_id, disciplines[slug])
        opportunity_id += 1
    for writer in (opportunities, *links.values()):
        writer.flush()
    _advance_sequence(cursor, Opportunity)
    return {"opportunities": opportunities.count} | {name: writer.count for name, writer in links.items()}


# --- Measuring ---------------------------------------------------------------------------------------------


def _reset_peak_memory() -> bool:
    """Start a new peak-RSS measurement (Linux: writing 5 to clear_refs resets VmHWM)."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


def _peak_memory_mib() -> float:
    """Peak resident memory since the last reset (VmHWM), else over the process's life (ru_maxrss)."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _load() -> str:
    try:
        with open("/proc/loadavg") as handle:
            return " ".join(handle.read().split()[:3])
    except OSError:
        return "?"


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


READ_FLOOR_SQL = [
    "SELECT id, name, description, pitch, city, target_countries, presence_countries, languages "
    "FROM companies_company WHERE open_to_matching",
    "SELECT id, company_id, title, description, client, year, position FROM companies_portfolioitem "
    "WHERE visibility <> 'private'",
    "SELECT x.company_id, d.slug FROM companies_company_disciplines x JOIN companies_discipline d "
    "ON d.id = x.discipline_id",
    "SELECT x.company_id, t.slug FROM companies_company_themes x JOIN labs_theme t ON t.id = x.theme_id",
    "SELECT x.portfolioitem_id, d.slug FROM companies_portfolioitem_disciplines x JOIN companies_discipline d "
    "ON d.id = x.discipline_id",
    "SELECT x.portfolioitem_id, t.slug FROM companies_portfolioitem_themes x JOIN labs_theme t ON t.id = x.theme_id",
    "SELECT id, title, summary, brief, country_id, city, languages FROM opportunities_opportunity "
    "WHERE status = 'published' AND deadline >= CURRENT_DATE",
    "SELECT x.opportunity_id, t.slug FROM opportunities_opportunity_themes x JOIN labs_theme t ON t.id = x.theme_id",
    "SELECT x.opportunity_id, d.slug FROM opportunities_opportunity_required_disciplines x "
    "JOIN companies_discipline d ON d.id = x.discipline_id",
    "SELECT x.opportunity_id, d.slug FROM opportunities_opportunity_nice_disciplines x "
    "JOIN companies_discipline d ON d.id = x.discipline_id",
]


def floor_read() -> float:
    """(a) The input rows with plain SELECTs, fetched and dropped (no documents built)."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in READ_FLOOR_SQL:
            cursor.execute(sql)
            cursor.fetchall()
    return time.perf_counter() - started


def floor_product(index) -> float:
    """(b) The bare sparse product: TF-IDF opportunities × companies, float32, in blocks on the engine's
    threads, each block's result dropped."""
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np

    from opportunities.matching.engine import WORKERS

    opportunities = index.opportunity_vectors.astype(np.float32)
    companies_t = index.profiles.astype(np.float32).T.tocsr()
    block = 256
    started = time.perf_counter()

    def product(start: int) -> int:
        return (opportunities[start : start + block] @ companies_t).nnz

    with ThreadPoolExecutor(max_workers=WORKERS) as executor:
        list(executor.map(product, range(0, opportunities.shape[0], block)))
    return time.perf_counter() - started


def floor_copy() -> tuple[float, int]:
    """(c) A COPY of the output rows (the stored suggestions' columns) into a fresh table."""
    buffer = io.StringIO()
    table = connection.ops.quote_name(Suggestion._meta.db_table)
    columns = "opportunity_id, company_id, score, rank_for_opportunity, rank_for_company, parts, engine_version, "
    columns += "computed_at"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY (SELECT {columns} FROM {table}) TO STDOUT", buffer)  # noqa: S608
        rows = buffer.getvalue().count("\n")
        buffer.seek(0)
        cursor.execute(
            "CREATE TEMPORARY TABLE match_copy_floor (opportunity_id bigint, company_id bigint, score double "
            "precision, rank_for_opportunity integer, rank_for_company integer, parts text, engine_version "
            "varchar(20), computed_at timestamptz) ON COMMIT DROP"
        )
        started = time.perf_counter()
        cursor.cursor.copy_expert(f"COPY match_copy_floor ({columns}) FROM STDIN", buffer)
        seconds = time.perf_counter() - started
    return seconds, rows


def table_digest() -> tuple[int, str]:
    """Row count and a digest of every suggestion row (engine columns and decisions; not computed_at)."""
    table = connection.ops.quote_name(Suggestion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), md5(string_agg(concat_ws('|', id, opportunity_id, company_id, score, "  # noqa: S608
            "rank_for_opportunity, rank_for_company, parts::text, engine_version, decision), ',' "
            f"ORDER BY opportunity_id, company_id)) FROM {table}"
        )
        return cursor.fetchone()


class Changes:
    """Real changes through the services, alternating companies (profile, then a portfolio item) and
    opportunities; the recompute each enqueues is recorded instead of sent."""

    def __init__(self, generator: Generator, rng: random.Random):
        self.generator = generator
        self.rng = rng
        self.disciplines = dict(Discipline.objects.values_list("slug", "pk"))
        self.themes = dict(Theme.objects.values_list("slug", "pk"))
        self.company_ids = list(Company.objects.filter(open_to_matching=True).values_list("pk", flat=True))
        self.opportunity_ids = list(
            Opportunity.objects.published().filter(deadline__gte=timezone.localdate()).values_list("pk", flat=True)
        )
        self.used: set[tuple[str, int]] = set()
        self.count = 0
        self.originals: list = []  # (model, pk, fields, {m2m name: ids}) to put back afterwards

    def _remember(self, instance, fields: list[str], m2m: list[str]) -> None:
        values = {name: getattr(instance, name) for name in fields}
        links = {name: list(getattr(instance, name).values_list("pk", flat=True)) for name in m2m}
        self.originals.append((type(instance), instance.pk, values, links))

    def restore(self) -> None:
        """Put the changed rows back as generated, so the next run reuses the same data (no recompute is
        queued: plain updates, not the services)."""
        with transaction.atomic():
            for model, pk, values, links in reversed(self.originals):
                model.objects.filter(pk=pk).update(**values)
                instance = model.objects.get(pk=pk)
                for name, ids in links.items():
                    getattr(instance, name).set(ids)
            MatchQueue.objects.all().delete()

    def _pick(self, kind: str, ids: list[int]) -> int:
        while True:
            pk = self.rng.choice(ids)
            if (kind, pk) not in self.used:
                self.used.add((kind, pk))
                return pk

    def next(self) -> tuple[str, int, str]:
        """Make the next change; returns (queue kind, object id, what changed)."""
        from companies.services import company_update, portfolio_item_update
        from opportunities.services import opportunity_update

        self.count += 1
        if self.count % 2:
            company = Company.objects.get(pk=self._pick("company", self.company_ids))
            fresh = self.generator.company(company.pk)
            item = company.portfolio.exclude(visibility=Visibility.PRIVATE).first()
            if self.count % 4 == 3 and item is not None and fresh["portfolio"]:
                new = fresh["portfolio"][0]
                self._remember(item, ["title", "description"], ["disciplines", "themes"])
                portfolio_item_update(
                    item=item,
                    data={
                        "title": new["title"],
                        "description": new["description"],
                        "disciplines": [self.disciplines[slug] for slug in new["disciplines"]],
                        "themes": [self.themes[slug] for slug in new["themes"]],
                    },
                )
                return MatchQueue.Kind.COMPANY, company.pk, "portfolio item"
            self._remember(company, ["pitch", "description"], ["disciplines", "themes"])
            company_update(
                company=company,
                data={
                    "pitch": fresh["pitch"],
                    "description": fresh["description"],
                    "disciplines": [self.disciplines[slug] for slug in fresh["disciplines"]],
                    "themes": [self.themes[slug] for slug in fresh["themes"]],
                },
            )
            return MatchQueue.Kind.COMPANY, company.pk, "company profile"
        opportunity = Opportunity.objects.get(pk=self._pick("opportunity", self.opportunity_ids))
        fresh = self.generator.opportunity(opportunity.pk)
        self._remember(
            opportunity, ["title", "summary", "brief"], ["themes", "required_disciplines", "nice_disciplines"]
        )
        opportunity_update(
            opportunity=opportunity,
            user=None,
            data={"title": fresh["title"], "summary": fresh["summary"], "brief": fresh["brief"]},
            m2m={
                "themes": [self.themes[slug] for slug in fresh["themes"]],
                "required_disciplines": [self.disciplines[slug] for slug in fresh["required"]],
                "nice_disciplines": [self.disciplines[slug] for slug in fresh["nice"]],
            },
        )
        return MatchQueue.Kind.OPPORTUNITY, opportunity.pk, "opportunity"


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
            self.stdout.write(f"Reusing the data: {_marker(companies, opportunities, seed)}.")
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
            f"{numpy.__version__}, SciPy {scipy.__version__}; load average at start {_load()}."
        )

    def _targets(self, companies: int, opportunities: int) -> dict:
        if companies >= 100_000:
            return {"full": 60.0, "memory": 3 * 1024.0, "p95": 2.0}
        if companies >= 10_000:
            return {"full": 5.0, "memory": None, "p95": None}
        return {"full": None, "memory": None, "p95": None}

    def _full(self, title: str, targets: dict) -> dict:
        from opportunities.suggestions.corpus import forget_index
        from opportunities.suggestions.full import recompute_full

        forget_index()  # the run builds its own, and memory is measured from here
        import gc

        gc.collect()
        exact_peak = _reset_peak_memory()
        timings: dict = {}
        load = _load()
        started = time.perf_counter()
        kept = recompute_full(timings=timings)
        total = time.perf_counter() - started
        peak = _peak_memory_mib()
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
        self.stdout.write(f"  load average before / after: {load} / {_load()}")
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
        from opportunities.suggestions.corpus import CACHE as _CACHE

        read = floor_read()
        product = floor_product(_CACHE.index)
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
        from opportunities.suggestions.corpus import forget_index
        from opportunities.suggestions.incremental import recompute_entry
        from opportunities.suggestions.tasks import recompute_entry_task

        rng = random.Random(seed + 1)  # noqa: S311 - synthetic changes
        countries = list(Country.objects.focus().values_list("code", flat=True)) or list(CITIES)
        generator = Generator(
            seed + 1,
            {d.slug: (d.pk, d.name_en, d.name_nl) for d in Discipline.objects.all()},
            dict(Theme.objects.values_list("slug", "pk")),
            countries,
            dict(Lab.objects.filter(slug__startswith=LAB_SLUG).values_list("country_id", "pk")),
        )
        changes = Changes(generator, rng)
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
        queued = sum(1 for args, countdown in published if countdown == DEBOUNCE)
        self.stdout.write(
            f"Incremental: {len(every)} changes through the services ({queued} recomputes enqueued with the "
            f"{DEBOUNCE} s debounce, excluded); from the change's commit to the suggestions committed:"
        )
        for name, values in (("all", every), *seconds.items()):
            if values:
                self.stdout.write(
                    f"  {name:<12} n={len(values):<3} p50 {statistics.median(values):6.3f} s   "
                    f"p95 {_percentile(values, 0.95):6.3f} s   max {max(values):6.3f} s"
                )
        slowest = max(details, key=lambda item: item[1])
        self.stdout.write(f"  slowest: {slowest[0]} ({slowest[1]:.3f} s)")
        if targets["p95"]:
            p95 = _percentile(every, 0.95)
            self.stdout.write(f"  target p95 ≤ {targets['p95']:.0f} s: {'met' if p95 <= targets['p95'] else 'NOT met'}")
        self.stdout.write(
            f"  a fresh worker process (no processed corpus yet; it builds one first): {cold:.2f} s for one {cold_kind}"
        )
        self.stdout.write(f"Load average at the end: {_load()}.")
