"""match_bench's database side: the synthetic data written with COPY into a database of its own (and
found again there), and the floors measured against it (plain SELECTs of the input, a COPY of the output).
PostgreSQL only."""

import datetime
import io
import json
import time
from decimal import Decimal

from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from companies.models import Company, Discipline, PortfolioItem
from labs.models import Country, Lab, Theme

from ...models import MatchQueue, Opportunity, Suggestion
from .synthetic import COMPANY_SLUG, Generator
from .words import WORDS

LAB_SLUG = "match-bench-"
COPY_ROWS = 20_000  # rows per COPY buffer


def generator_for(seed: int, countries: list[str], labs: dict[str, int]) -> Generator:
    """A generator over this database's taxonomy (disciplines and themes)."""
    return Generator(
        seed,
        {d.slug: (d.pk, d.name_en, d.name_nl) for d in Discipline.objects.all()},
        dict(Theme.objects.values_list("slug", "pk")),
        countries,
        labs,
        sizes=Company.Size.values,
        today=timezone.localdate(),
    )


def bench_labs() -> dict[str, int]:
    """Country code -> id of the benchmark's Lab there."""
    return dict(Lab.objects.filter(slug__startswith=LAB_SLUG).values_list("country_id", "pk"))


def focus_countries() -> list[str]:
    return list(Country.objects.focus().values_list("code", flat=True)) or list(WORDS.cities)


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


def marker(companies: int, opportunities: int, seed: int) -> str:
    return f"match_bench data: companies={companies} opportunities={opportunities} seed={seed}"


def bench_data_present(companies: int, opportunities: int, seed: int) -> bool:
    """True if the database holds exactly this generated data set."""
    return (
        Lab.objects.filter(slug__startswith=LAB_SLUG, description_en=marker(companies, opportunities, seed)).exists()
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
        countries = list(Country.objects.focus().values_list("code", flat=True)) or list(WORDS.cities)
        labs = {}
        for code in countries:
            lab, _created = Lab.objects.update_or_create(
                slug=f"{LAB_SLUG}{code.lower()}",
                defaults={
                    "name": f"Bench Lab {code}",
                    "country_id": code,
                    "city": WORDS.cities.get(code, ["Capital"])[0],
                    "default_fee_percentage": Decimal("5.00"),
                    "description_en": "",
                },
            )
            labs[code] = lab.pk
        generator = generator_for(seed, countries, labs)
        counts.update(_copy_companies(cursor, generator, companies))
        counts.update(_copy_opportunities(cursor, generator, opportunities))
        Lab.objects.filter(slug__startswith=LAB_SLUG).update(description_en=marker(companies, opportunities, seed))
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
        "expected_start", "deadline", "languages", "fee_percentage", "fee_note", "fee_note_nl", "status",
        "featured_on_themes", "published_at", "submitted_at", "created_at", "updated_at", "country", "created_by",
        "lab",
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
            Decimal("5.00"), "", "", row["status"], False, now if row["published"] else None, None, now, now,
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
