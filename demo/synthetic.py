"""Synthetic published opportunities for the page bench (`bench_opportunity_list`), in bulk.

Titles start with "[bench]" so they can be found and deleted again. The words they are made of (English
for about two thirds, Dutch for the rest) and the cities per focus country are in `data/page_bench.json`;
the same seed gives the same opportunities.
"""

import datetime
import random
from decimal import Decimal

from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from companies.models import Discipline
from labs.models import Country, Lab, Theme
from opportunities.models import Opportunity, Status

from .loader import load

TAG = "[bench]"
# PostgreSQL takes at most 65,535 parameters a statement; an opportunity row has about 25 columns.
ROW_BATCH = 1000
LINK_BATCH = 5000

PAGE_BENCH = load("page_bench.json")
CITIES: dict[str, list[str]] = PAGE_BENCH["cities"]
EN: dict[str, list[str]] = PAGE_BENCH["en"]
NL: dict[str, list[str]] = PAGE_BENCH["nl"]


def bench_opportunities_delete() -> tuple[int, int, int]:
    """Delete the bench opportunities and the bench Labs left without any; returns (opportunities, rows, Labs)."""
    with transaction.atomic():
        rows, by_model = Opportunity.objects.filter(title__startswith=TAG).delete()
        labs, _by_model = Lab.objects.filter(slug__startswith="bench-", opportunities__isnull=True).delete()
    return by_model.get(Opportunity._meta.label, 0), rows, labs


def bench_opportunities_published() -> int:
    return Opportunity.objects.filter(title__startswith=TAG, status=Status.PUBLISHED).count()


def bench_opportunities_create(count: int, rng: random.Random) -> int:
    """Create `count` published bench opportunities with their themes and disciplines; returns the M2M rows."""
    with transaction.atomic():
        labs = _labs()
        themes = list(Theme.objects.values_list("pk", flat=True))
        disciplines = list(Discipline.objects.values_list("pk", flat=True))
        if not themes or not disciplines:
            raise CommandError("No themes or disciplines: run `python manage.py migrate` first.")
        rows = [_row(rng, labs) for _ in range(count)]
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
    return sum(len(v) for v in links.values())


def _labs() -> list[Lab]:
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


def _row(rng: random.Random, labs: list[Lab]) -> Opportunity:
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
