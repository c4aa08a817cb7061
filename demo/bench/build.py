"""The page bench's data: companies, opportunities, suggestions, interests, introductions and deals at
the benchmark scale, spread over the last 24 months, written with COPY in one transaction. PostgreSQL only.

Texts come from match_bench's generator (`opportunities.suggestions.bench`: topical English and Dutch,
portfolio items); the funnel on top of them (decisions and their actions, expressions of interest,
introductions, deals and wins outside the portal) is made here, consistent with the portal's rules: a
company expresses interest in an opportunity it was suggested for, an introduction answers an expression,
a deal rests on a won introduction with the fee the company accepted, and an opportunity closed as won
rests on its deals or on an `OutsideWin`.

Everything is tagged: the Labs, posts and companies have slugs or names starting with `TAG`, the logins
have addresses at `EMAIL_DOMAIN`, and every other row hangs off those, so `clean` removes exactly it.
"""

import datetime
import json
import random
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import connection, models, transaction
from django.utils import timezone

from companies.models import Company, Membership, PortfolioItem
from labs.models import BusinessDeveloper, Country, EmbassyStaff, Lab, Post
from opportunities.deals.fees import fee_for
from opportunities.matching.engine import ENGINE_VERSION
from opportunities.models import (
    Deal,
    Interest,
    Introduction,
    MatchQueue,
    Opportunity,
    OutsideWin,
    Status,
    Suggestion,
    SuggestionAction,
)
from opportunities.suggestions.bench.database import (
    CopyWriter,
    _advance_sequence,
    _next_id,
    focus_countries,
    generator_for,
)
from opportunities.suggestions.bench.words import WORDS

TAG = "page-bench-"
EMAIL_DOMAIN = "page-bench.invalid"
KVK_BASE = 70_000_000  # match_bench uses 90 000 000 upward; both may share a database
DAYS = 730  # the last 24 months
MARKER = "page_bench data: companies={companies} opportunities={opportunities} suggestions={suggestions} seed={seed}"

# Opportunity statuses and their shares; "most published", as in a programme that runs.
STATUS_WEIGHTS = {
    Status.PUBLISHED: 74,
    Status.CLOSED_WON: 10,
    Status.CLOSED_NOT_WON: 5,
    Status.EXPIRED: 4,
    Status.WITHDRAWN: 1,
    Status.DRAFT: 3,
    Status.SUBMITTED: 2,
    Status.REJECTED: 1,
}
SUGGESTED = {Status.PUBLISHED, Status.CLOSED_WON, Status.CLOSED_NOT_WON, Status.EXPIRED, Status.WITHDRAWN}
CURRENCY_BY_COUNTRY = {"CN": "CNY", "US": "USD"}
RANKED_FOR_COMPANY = 50  # a company's best suggestions on open opportunities carry a rank (its dashboard)


@dataclass(frozen=True)
class Scale:
    companies: int = 100_000
    opportunities: int = 10_000
    suggestions: int = 1_000_000
    interests: int = 100_000
    introductions: int | None = None  # default: interests / 25
    deals: int | None = None  # default: interests / 50
    seed: int = 12

    @property
    def introduction_count(self) -> int:
        return self.introductions if self.introductions is not None else max(1, self.interests // 25)

    @property
    def deal_count(self) -> int:
        return self.deals if self.deals is not None else max(1, self.interests // 50)

    def marker(self) -> str:
        return MARKER.format(
            companies=self.companies, opportunities=self.opportunities, suggestions=self.suggestions, seed=self.seed
        )


# --- Finding it again --------------------------------------------------------------------------------


def present() -> str | None:
    """The marker of the bench data in this database, or None when there is none."""
    lab = Lab.objects.filter(slug__startswith=TAG, description_en__startswith="page_bench data:").first()
    return lab.description_en if lab else None


def bench_labs():
    return Lab.objects.filter(slug__startswith=TAG)


def bench_companies():
    return Company.objects.filter(slug__startswith=TAG)


def bench_opportunities():
    return Opportunity.objects.filter(lab__slug__startswith=TAG)


def bench_users():
    return get_user_model().objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")


def bench_posts():
    return Post.objects.filter(name__startswith=TAG)


# --- Removing it ---------------------------------------------------------------------------------------


def clean() -> dict[str, int]:
    """Delete every bench row, and nothing else; returns rows deleted per table.

    A million suggestions are too many for Django's collector (it loads each row, and the history
    models' signals write one row each), so the rows that hang off the bench companies and opportunities
    are deleted with SQL, following every foreign key the models declare (new tables are covered by
    themselves); the few logins, posts and Labs then go through the ORM."""
    deleted: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for model, queryset in ((Opportunity, bench_opportunities()), (Company, bench_companies())):
            sql, params = queryset.values("pk").query.sql_with_params()
            kind = MatchQueue.Kind.OPPORTUNITY if model is Opportunity else MatchQueue.Kind.COMPANY
            cursor.execute(
                f"DELETE FROM {_quote(MatchQueue._meta.db_table)} WHERE kind = %s AND object_id IN ({sql})",  # noqa: S608
                [kind, *params],
            )
            _count(deleted, MatchQueue, cursor.rowcount)
            _delete_sql(cursor, model, sql, list(params), deleted)
        for queryset in (bench_users(), bench_posts(), bench_labs()):
            _total, by_model = queryset.delete()
            for label, count in by_model.items():
                deleted[label] = deleted.get(label, 0) + count
    return {label: count for label, count in deleted.items() if count}


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _count(deleted: dict, model, rows: int) -> None:
    deleted[model._meta.label] = deleted.get(model._meta.label, 0) + rows


def _referencing(model):
    """(model, field) for every foreign key, one-to-one or through-table key that points at `model`."""
    for other in apps.get_models(include_auto_created=True):
        for field in other._meta.concrete_fields:
            if (field.many_to_one or field.one_to_one) and field.remote_field.model is model:
                yield other, field


def _delete_sql(cursor, model, pk_sql: str, params: list, deleted: dict) -> None:
    """Delete the rows of `model` whose key is in `pk_sql`, and first what cascades from them."""
    for other, field in _referencing(model):
        on_delete = field.remote_field.on_delete
        column = _quote(field.column)
        where = f"{column} IN ({pk_sql})"
        if on_delete is models.CASCADE:
            inner = f"SELECT {_quote(other._meta.pk.column)} FROM {_quote(other._meta.db_table)} WHERE {where}"  # noqa: S608
            _delete_sql(cursor, other, inner, params, deleted)
        elif on_delete is models.SET_NULL:
            cursor.execute(f"UPDATE {_quote(other._meta.db_table)} SET {column} = NULL WHERE {where}", params)  # noqa: S608
        elif on_delete is models.DO_NOTHING:
            continue  # the history tables: their rows are deleted with their object below
        else:
            cursor.execute(f"SELECT 1 FROM {_quote(other._meta.db_table)} WHERE {where} LIMIT 1", params)  # noqa: S608
            if cursor.fetchone():
                raise CommandError(f"{other._meta.label}.{field.name} protects bench rows of {model._meta.label}.")
    history = getattr(getattr(model, "history", None), "model", None)
    if history is not None:
        cursor.execute(f"DELETE FROM {_quote(history._meta.db_table)} WHERE id IN ({pk_sql})", params)  # noqa: S608
        _count(deleted, history, cursor.rowcount)
    table = _quote(model._meta.db_table)
    cursor.execute(f"DELETE FROM {table} WHERE {_quote(model._meta.pk.column)} IN ({pk_sql})", params)  # noqa: S608
    _count(deleted, model, cursor.rowcount)


# --- Making it ---------------------------------------------------------------------------------------------


def build(scale: Scale) -> dict[str, int]:
    """Write the bench data at `scale`; returns rows written per table. Refuses when bench data is there."""
    if connection.vendor != "postgresql":
        raise CommandError("bench_pages --build writes with COPY: PostgreSQL only (set DATABASE_URL=postgres://...).")
    if present() or bench_companies().exists():
        raise CommandError("This database already holds page-bench data: run `bench_pages --clean` first.")
    with transaction.atomic(), connection.cursor() as cursor:
        builder = _Builder(cursor, scale)
        counts = builder.run()
    # Fresh statistics for the planner; VACUUM (which also sets the visibility map) only outside a transaction.
    analyze = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for model in builder.tables:
            cursor.execute(f"{analyze} {_quote(model._meta.db_table)}")
    return counts


class _Builder:
    def __init__(self, cursor, scale: Scale):
        self.cursor = cursor
        self.scale = scale
        self.rng = random.Random(scale.seed)  # noqa: S311 - synthetic data
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.start = self.now - datetime.timedelta(days=DAYS)
        self.counts: dict[str, int] = {}
        self.tables: list = []

    # helpers ------------------------------------------------------------------------------------

    def _writer(self, model, fields: list[str]) -> CopyWriter:
        self.tables.append(model)
        return CopyWriter(self.cursor, model, fields)

    def _between(self, low: datetime.datetime, high: datetime.datetime) -> datetime.datetime:
        if high <= low:
            return low
        return low + (high - low) * self.rng.random()

    def _later(self, moment: datetime.datetime, low_days: float, high_days: float) -> datetime.datetime:
        """A moment `low_days`..`high_days` after `moment`, never in the future."""
        later = moment + datetime.timedelta(days=self.rng.uniform(low_days, high_days))
        return min(later, self.now - datetime.timedelta(minutes=1))

    def _done(self, name: str, writer: CopyWriter) -> None:
        writer.flush()
        self.counts[name] = writer.count

    # the run ---------------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        countries = focus_countries()
        self.labs = self._labs(countries)
        self.people = self._people()
        self.generator = generator_for(self.scale.seed, countries, {code: lab.pk for code, lab in self.labs.items()})
        self.slugs = {pk: slug for slug, (pk, *_names) in self.generator.disciplines.items()}
        self.slugs |= {pk: slug for slug, pk in self.generator.themes.items()}
        self._companies()
        self._opportunities()
        self._funnel()
        self._sme_owner()
        for model in (
            Company,
            PortfolioItem,
            Opportunity,
            Suggestion,
            SuggestionAction,
            Interest,
            Introduction,
            Deal,
            OutsideWin,
        ):
            _advance_sequence(self.cursor, model)
        Lab.objects.filter(pk=self.labs[countries[0]].pk).update(description_en=self.scale.marker())
        return self.counts

    def _labs(self, countries: list[str]) -> dict[str, Lab]:
        labs = {}
        for code in countries:
            city = WORDS.cities.get(code, ["Capital"])[0]
            labs[code] = Lab.objects.create(
                slug=f"{TAG}{code.lower()}",
                name=f"{TAG}Lab {city}",
                country=Country.objects.get(code=code),
                city=city,
                default_fee_percentage=Decimal("5.00"),
            )
        return labs

    def _people(self) -> dict:
        """The logins: a business developer per bench Lab, embassy staff per country, an admin (the SME
        owner comes once the data says which company has the most to show)."""
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        users = get_user_model().objects

        def login(name: str, **extra):
            user = users.create_user(f"{name}@{EMAIL_DOMAIN}", password=None, full_name=f"Bench {name}", **extra)
            if extra.get("is_staff") or name.startswith(("developer", "embassy")):
                TOTP.activate(user, generate_totp_secret())  # the staff roles require two-factor
            return user

        people = {"developers": {}, "embassy": {}}
        for code, lab in self.labs.items():
            developer = login(f"developer-{code.lower()}")
            BusinessDeveloper.objects.create(user=developer, lab=lab, job_title="Business developer")
            people["developers"][code] = developer
            post = Post.objects.create(
                name=f"{TAG}Embassy {code}", kind=Post.Kind.EMBASSY, country_id=code, city=lab.city
            )
            staff = login(f"embassy-{code.lower()}")
            EmbassyStaff.objects.create(user=staff, post=post, job_title="Economic officer")
            people["embassy"][code] = staff
        people["admin"] = login("admin", is_staff=True)
        return people

    # companies --------------------------------------------------------------------------------------

    def _companies(self) -> None:
        company_fields = [
            "id", "name", "slug", "kvk_number", "website", "city", "size", "founded_year", "pitch", "description",
            "target_countries", "presence_countries", "is_listed", "created_at", "updated_at", "languages", "logo",
            "open_to_matching",
        ]  # fmt: skip
        item_fields = [
            "id", "title", "client", "year", "country", "description", "link", "visibility", "position",
            "created_at", "updated_at", "company",
        ]  # fmt: skip
        companies = self._writer(Company, company_fields)
        items = self._writer(PortfolioItem, item_fields)
        links = {
            "company disciplines": self._writer(Company.disciplines.through, ["company", "discipline"]),
            "company themes": self._writer(Company.themes.through, ["company", "theme"]),
            "item disciplines": self._writer(PortfolioItem.disciplines.through, ["portfolioitem", "discipline"]),
            "item themes": self._writer(PortfolioItem.themes.through, ["portfolioitem", "theme"]),
        }
        generator = self.generator
        disciplines = {slug: value[0] for slug, value in generator.disciplines.items()}
        company_id, item_id = _next_id(self.cursor, Company), _next_id(self.cursor, PortfolioItem)
        # What the funnel needs to know of each company, by position: id, disciplines, themes, countries.
        self.company_ids: list[int] = []
        self.company_disciplines: list[tuple[int, ...]] = []
        self.company_themes: list[frozenset[int]] = []
        self.company_countries: list[tuple[str, str]] = []
        self.pools: dict[int, list[int]] = {pk: [] for pk in disciplines.values()}  # discipline -> positions
        self.matchable: list[int] = []
        for number in range(1, self.scale.companies + 1):
            row = generator.company(number)
            created = self._between(self.start, self.now - datetime.timedelta(days=1))
            updated = self._between(created, self.now)
            companies.add(
                company_id, row["name"], f"{TAG}{number}", f"{KVK_BASE + number:08d}", "", row["city"], row["size"],
                row["founded_year"], row["pitch"], row["description"], row["target_countries"],
                row["presence_countries"], row["is_listed"], created, updated, row["languages"], "",
                row["open_to_matching"],
            )  # fmt: skip
            own = tuple(disciplines[slug] for slug in row["disciplines"])
            for pk in own:
                links["company disciplines"].add(company_id, pk)
            themes = frozenset(generator.themes[slug] for slug in row["themes"])
            for pk in themes:
                links["company themes"].add(company_id, pk)
            for item in row["portfolio"]:
                stamp = self._between(created, updated)
                items.add(
                    item_id, item["title"], item["client"], item["year"], "", item["description"], "",
                    item["visibility"], item["position"], stamp, stamp, company_id,
                )  # fmt: skip
                for slug in item["disciplines"]:
                    links["item disciplines"].add(item_id, disciplines[slug])
                for slug in item["themes"]:
                    links["item themes"].add(item_id, generator.themes[slug])
                item_id += 1
            position = number - 1
            self.company_ids.append(company_id)
            self.company_disciplines.append(own)
            self.company_themes.append(themes)
            self.company_countries.append((row["target_countries"], row["presence_countries"]))
            if row["open_to_matching"]:
                self.matchable.append(position)
                for pk in own:
                    self.pools[pk].append(position)
            company_id += 1
        self._done("companies", companies)
        self._done("portfolio items", items)
        for name, writer in links.items():
            self._done(name, writer)
        if not self.matchable:
            raise CommandError("No company is open to matching; build with more companies.")

    # opportunities ------------------------------------------------------------------------------------

    def _opportunities(self) -> None:
        fields = [
            "id", "title", "summary", "brief", "client_name", "client_is_public", "city", "budget_band", "currency",
            "expected_start", "deadline", "languages", "fee_percentage", "fee_note", "status", "featured_on_themes",
            "published_at", "submitted_at", "created_at", "updated_at", "country", "created_by", "lab",
        ]  # fmt: skip
        opportunities = self._writer(Opportunity, fields)
        links = {
            "opportunity themes": self._writer(Opportunity.themes.through, ["opportunity", "theme"]),
            "required disciplines": self._writer(
                Opportunity.required_disciplines.through, ["opportunity", "discipline"]
            ),
            "nice disciplines": self._writer(Opportunity.nice_disciplines.through, ["opportunity", "discipline"]),
        }
        generator, rng, day = self.generator, self.rng, datetime.timedelta(days=1)
        disciplines = {slug: value[0] for slug, value in generator.disciplines.items()}
        statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
        opportunity_id = _next_id(self.cursor, Opportunity)
        self.opportunities: list[dict] = []
        for number in range(1, self.scale.opportunities + 1):
            row = generator.opportunity(number)
            status = rng.choices(statuses, weights)[0]
            code = row["country_id"]
            closed = status in SUGGESTED and status != Status.PUBLISHED
            latest = self.now - (45 * day if closed else day)
            created = self._between(self.start, latest)
            submitted = None if status == Status.DRAFT else self._later(created, 0, 3)
            published = self._later(submitted, 0, 5) if status in SUGGESTED else None
            if closed:
                deadline = min((published + rng.randint(14, 90) * day).date(), self.today - day)
            elif status == Status.PUBLISHED and rng.random() < 0.05:
                deadline = self.today - rng.randint(1, 20) * day  # the expiry task has not run yet
            else:
                deadline = self.today + rng.randint(1, 180) * day
            currency = CURRENCY_BY_COUNTRY.get(code, "EUR") if rng.random() < 0.7 else "EUR"
            fee = Decimal(rng.choice(("3.00", "5.00", "5.00", "7.50", "10.00")))
            developer = self.people["developers"][code]
            updated = self._between(published or submitted or created, self.now)
            opportunities.add(
                opportunity_id, row["title"], row["summary"], row["brief"], row["client_name"], rng.random() < 0.5,
                row["city"], rng.choice(Opportunity.Budget.values), currency,
                deadline + rng.randint(14, 90) * day, deadline, row["languages"], fee,
                "Introduction and local follow-up.", status, rng.random() < 0.02, published, submitted, created,
                updated, code, developer.pk if rng.random() < 0.8 else None, self.labs[code].pk,
            )  # fmt: skip
            themes = [generator.themes[slug] for slug in row["themes"]]
            required = [disciplines[slug] for slug in row["required"]]
            for pk in themes:
                links["opportunity themes"].add(opportunity_id, pk)
            for pk in required:
                links["required disciplines"].add(opportunity_id, pk)
            for slug in row["nice"]:
                links["nice disciplines"].add(opportunity_id, disciplines[slug])
            self.opportunities.append(
                {
                    "id": opportunity_id,
                    "status": status,
                    "country": code,
                    "published": published,
                    "deadline": deadline,
                    "fee": fee,
                    "currency": currency,
                    "client": row["client_name"],
                    "title_words": [word for word in row["title"].lower().split() if len(word) > 4][:3],
                    "themes": frozenset(themes),
                    "required": required,
                    "open": status == Status.PUBLISHED and deadline >= self.today,
                }
            )
            opportunity_id += 1
        self._done("opportunities", opportunities)
        for name, writer in links.items():
            self._done(name, writer)

    # suggestions, decisions, interests, introductions, deals -----------------------------------------------

    def _funnel(self) -> None:
        rng, scale = self.rng, self.scale
        suggested = [o for o in self.opportunities if o["status"] in SUGGESTED]
        if not suggested:
            return
        per_opportunity = _spread(scale.suggestions, len(suggested), rng)
        interests = _spread(scale.interests, len(suggested), rng)
        # Deals on the opportunities closed as won (a tenth of those won outside the portal instead).
        won = [position for position, o in enumerate(suggested) if o["status"] == Status.CLOSED_WON]
        rng.shuffle(won)
        with_deals = won[: max(1, round(0.9 * len(won)))] if won else []
        deals = dict.fromkeys(with_deals, 0)
        for number in range(min(scale.deal_count, 3 * len(with_deals))):
            deals[with_deals[number % len(with_deals)]] += 1
        others = [position for position, o in enumerate(suggested) if o["status"] != Status.CLOSED_WON]
        introductions = dict.fromkeys(range(len(suggested)), 0)
        for position, count in deals.items():
            introductions[position] = count + (1 if rng.random() < 0.3 else 0)
        for _ in range(max(0, scale.introduction_count - sum(introductions.values()))):
            if others:
                introductions[rng.choice(others)] += 1

        # Pass 1: which companies each opportunity suggests, best first, and their scores.
        plan = []
        ranked: dict[int, list[tuple[float, int]]] = {}  # company position -> (score, row) on open opportunities
        row = 0
        for position, opportunity in enumerate(suggested):
            wanted = introductions[position]
            count = max(per_opportunity[position], interests[position], wanted)
            chosen = self._candidates(opportunity, min(count, len(self.matchable)))
            scores = sorted((round(rng.uniform(0.2, 0.9) * rng.uniform(0.8, 1.0), 6) for _ in chosen), reverse=True)
            interest_count = min(max(interests[position], wanted), len(chosen))
            wanted = min(wanted, interest_count)
            plan.append((opportunity, chosen, scores, interest_count, wanted, deals.get(position, 0)))
            if opportunity["open"]:
                for company, score in zip(chosen, scores, strict=True):
                    ranked.setdefault(company, []).append((score, row))
                    row += 1
            else:
                row += len(chosen)
        rank_for_company: dict[int, int] = {}
        for rows in ranked.values():
            rows.sort(key=lambda pair: (-pair[0], pair[1]))
            for rank, (_score, number) in enumerate(rows[:RANKED_FOR_COMPANY], start=1):
                rank_for_company[number] = rank
        del ranked

        # Pass 2: the rows.
        writers = self._funnel_writers()
        ids = {model: _next_id(self.cursor, model) for model in (Suggestion, SuggestionAction, Interest, Deal)}
        ids[Introduction] = _next_id(self.cursor, Introduction)
        self.deal_companies: dict[int, int] = {}  # company position -> deals
        computed = self.now - datetime.timedelta(hours=6)
        row = 0
        for opportunity, chosen, scores, interest_count, wanted, deal_count in plan:
            developer = self.people["developers"][opportunity["country"]]
            # Interest comes mostly from the best suggestions; the best of those are introduced.
            pool = range(min(len(chosen), 3 * interest_count))
            interested = set(rng.sample(pool, interest_count))
            introduced = sorted(interested)[:wanted]
            rng.shuffle(introduced)
            deal_positions = set(introduced[:deal_count])
            introduced = set(introduced)
            for rank, (company, score) in enumerate(zip(chosen, scores, strict=True), start=1):
                suggestion_id = ids[Suggestion]
                ids[Suggestion] += 1
                interest = rank - 1 in interested
                decision, actions, timeline = self._decision(opportunity, interest, rank - 1 in introduced)
                decided_at = actions[-1][1] if actions else None
                writers["suggestions"].add(
                    suggestion_id, opportunity["id"], self.company_ids[company], score, rank,
                    rank_for_company.get(row), json.dumps(self._parts(opportunity, company, score)), ENGINE_VERSION,
                    computed,
                    decision, "", developer.pk if decision else None, decided_at, "engine",
                )  # fmt: skip
                row += 1
                for action, moment in actions:
                    writers["suggestion actions"].add(
                        ids[SuggestionAction], suggestion_id, developer.pk, action, "", moment
                    )
                    ids[SuggestionAction] += 1
                if interest:
                    self._interest(writers, ids, opportunity, company, developer, timeline, rank - 1 in introduced,
                                   rank - 1 in deal_positions)  # fmt: skip
            if opportunity["status"] == Status.CLOSED_WON and not deal_positions:
                writers["outside wins"].add(
                    opportunity["id"], "Awarded by the client's own tender, outside the portal (bench data).",
                    Decimal(rng.randint(10, 400) * 1000) if rng.random() < 0.5 else None,
                    opportunity["currency"], developer.pk, self._later(opportunity["published"], 20, 60),
                )  # fmt: skip
        for name, writer in writers.items():
            self._done(name, writer)

    def _funnel_writers(self) -> dict[str, CopyWriter]:
        return {
            "suggestions": self._writer(
                Suggestion,
                [
                    "id",
                    "opportunity",
                    "company",
                    "score",
                    "rank_for_opportunity",
                    "rank_for_company",
                    "parts",
                    "engine_version",
                    "computed_at",
                    "decision",
                    "decision_note",
                    "decided_by",
                    "decided_at",
                    "source",
                ],
            ),  # fmt: skip
            "suggestion actions": self._writer(
                SuggestionAction, ["id", "suggestion", "actor", "action", "note", "created_at"]
            ),
            "interests": self._writer(
                Interest,
                [
                    "id",
                    "opportunity",
                    "company",
                    "submitted_by",
                    "contact",
                    "contact_phone",
                    "motivation",
                    "accepted_fee_percentage",
                    "accepted_fee_note",
                    "fee_accepted_at",
                    "state",
                    "reply",
                    "reply_reason",
                    "replied_by",
                    "replied_at",
                    "reply_due",
                    "withdrawn_at",
                    "created_at",
                    "updated_at",
                ],
            ),  # fmt: skip
            "introductions": self._writer(
                Introduction,
                [
                    "id",
                    "interest",
                    "introduced_by",
                    "client_contact_name",
                    "client_contact_email",
                    "client_contact_phone",
                    "note",
                    "outcome",
                    "outcome_note",
                    "outcome_recorded_by",
                    "outcome_recorded_at",
                    "created_at",
                ],
            ),  # fmt: skip
            "deals": self._writer(
                Deal,
                [
                    "id",
                    "introduction",
                    "value",
                    "currency",
                    "closed_on",
                    "description",
                    "fee_percentage",
                    "fee_amount",
                    "state",
                    "recorded_by",
                    "confirmation_round",
                    "confirmation_sent_at",
                    "confirmed_by",
                    "confirmed_at",
                    "dispute_note",
                    "disputed_at",
                    "created_at",
                    "updated_at",
                    "fee_recipient_name",
                ],
            ),  # fmt: skip
            "outside wins": self._writer(
                OutsideWin, ["opportunity", "reason", "value", "currency", "recorded_by", "recorded_at"]
            ),
        }

    def _candidates(self, opportunity: dict, count: int) -> list[int]:
        """`count` companies open to matching, mostly ones that do the first required discipline."""
        rng = self.rng
        pool = self.pools.get(opportunity["required"][0], []) if opportunity["required"] else []
        if len(pool) >= count:
            return rng.sample(pool, count)
        chosen = dict.fromkeys(pool)
        while len(chosen) < count:
            chosen.setdefault(rng.choice(self.matchable))
        return list(chosen)

    def _decision(self, opportunity: dict, interest: bool, introduced: bool) -> tuple[str, list, dict]:
        """A suggestion's decision, the actions that led to it, and the moments of the steps after it."""
        rng, day = self.rng, datetime.timedelta(days=1)
        published = opportunity["published"]
        closes = datetime.datetime.combine(opportunity["deadline"], datetime.time(18), tzinfo=published.tzinfo)
        window = max(min(closes, self.now) - published, datetime.timedelta(hours=1))
        shortlisted = published + window * rng.uniform(0, 0.3)
        invited = shortlisted + window * rng.uniform(0, 0.2)
        expressed = invited + window * rng.uniform(0, 0.4)
        answered = self._later(expressed, 1, 10)
        timeline = {"expressed": expressed, "answered": answered}
        Decision = Suggestion.Decision
        if interest:
            actions = [("shortlisted", shortlisted), ("invited", invited)] if rng.random() < 0.6 else []
            if introduced:
                actions.append(("introduced", answered))
            return (actions[-1][0] if actions else Decision.NONE), actions, timeline
        roll = rng.random()
        if roll < 0.04:
            return Decision.SHORTLISTED, [("shortlisted", shortlisted)], timeline
        if roll < 0.06:
            return Decision.DISMISSED, [("dismissed", shortlisted + day * rng.random())], timeline
        if roll < 0.07 and opportunity["open"]:
            return Decision.INVITED, [("shortlisted", shortlisted), ("invited", invited)], timeline
        return Decision.NONE, [], timeline

    def _parts(self, opportunity: dict, company: int, score: float) -> list[dict]:
        """Stored parts as the engine writes them (matching.stored), adding up to the score."""
        slugs = self.slugs
        required = [slugs[pk] for pk in opportunity["required"] if pk in self.company_disciplines[company]]
        themes = [slugs[pk] for pk in sorted(opportunity["themes"] & self.company_themes[company])]
        targets, presence = self.company_countries[company]
        code = opportunity["country"]
        fit = "presence" if code in presence else "interest" if code in targets else "none"
        shares = {"text": 0.5, "required": 0.25 if required else 0, "themes": 0.15 if themes else 0}
        shares["country"] = {"presence": 0.1, "interest": 0.05, "none": 0}[fit]
        total = sum(shares.values())
        value = {name: round(score * share / total, 6) for name, share in shares.items()}
        text = {"item": None, "terms": opportunity["title_words"][:2], "source": "profile"}
        parts = [{"name": "text", "value": value["text"], "detail": text}]
        if required:
            parts.append({"name": "required", "value": value["required"], "detail": {"matched": required}})
        if themes:
            parts.append({"name": "themes", "value": value["themes"], "detail": {"matched": themes}})
        parts.append({"name": "country", "value": value["country"], "detail": {"fit": fit}})
        return parts

    def _interest(self, writers, ids, opportunity, company, developer, timeline, introduced: bool, won: bool):
        rng, day = self.rng, datetime.timedelta(days=1)
        interest_id = ids[Interest]
        ids[Interest] += 1
        expressed, answered = timeline["expressed"], timeline["answered"]
        Reply, State = Interest.Reply, Interest.State
        state, reply, replied, withdrawn = State.ANSWERED, Reply.INTRODUCED, answered, None
        if not introduced:
            roll = rng.random()
            if opportunity["open"] and roll < 0.45:
                state, reply, replied = State.SUBMITTED, Reply.NONE, None
            elif roll > 0.92:
                state, reply, replied, withdrawn = State.WITHDRAWN, Reply.NONE, None, answered
            elif opportunity["open"]:
                reply = rng.choice((Reply.MORE_INFO, Reply.NOT_SELECTED))
            else:
                reply = rng.choice((Reply.NOT_SELECTED, Reply.CLOSED))
        updated = replied or withdrawn or expressed
        writers["interests"].add(
            interest_id, opportunity["id"], self.company_ids[company], None, None, "",
            "We have done this kind of work before and would like to take part (bench data).",
            opportunity["fee"], "Introduction and local follow-up.", expressed, state, reply,
            "" if reply in (Reply.NONE, Reply.INTRODUCED) else "Thank you; another fit was closer (bench data).",
            developer.pk if replied else None, replied, expressed + 7 * day, withdrawn, expressed, updated,
        )  # fmt: skip
        if not introduced:
            return
        introduction_id = ids[Introduction]
        ids[Introduction] += 1
        Outcome = Introduction.Outcome
        if won:
            outcome = Outcome.WON
        elif opportunity["status"] in (Status.CLOSED_WON, Status.CLOSED_NOT_WON):
            outcome = Outcome.LOST
        elif opportunity["status"] == Status.PUBLISHED:
            outcome = rng.choices((Outcome.OPEN, Outcome.STALLED, Outcome.LOST), (6, 2, 2))[0]
        else:
            outcome = Outcome.STALLED
        recorded = self._later(answered, 7, 60) if outcome != Outcome.OPEN else None
        writers["introductions"].add(
            introduction_id, interest_id, developer.pk, f"Client contact {introduction_id}",
            f"client-{introduction_id}@{EMAIL_DOMAIN}", "", "Meet the client to talk about the pilot.", outcome,
            "" if outcome == Outcome.OPEN else "Recorded by the business developer (bench data).",
            developer.pk if recorded else None, recorded, answered,
        )  # fmt: skip
        if not won:
            return
        value = Decimal(rng.choice((5, 8, 12, 20, 25, 40, 60, 90, 150, 250, 400)) * 1000 + rng.randint(0, 99) * 10)
        created = recorded or self._later(answered, 7, 60)
        state = rng.choices(list(Deal.State), (28, 60, 12))[0]
        confirmed = self._later(created, 1, 14) if state == Deal.State.CONFIRMED else None
        disputed = self._later(created, 1, 14) if state == Deal.State.DISPUTED else None
        writers["deals"].add(
            ids[Deal], introduction_id, value, opportunity["currency"], created.date(),
            f"Design and pilot for {opportunity['client']}"[:300], opportunity["fee"],
            fee_for(value, opportunity["fee"]), state, developer.pk, 1, created, None, confirmed,
            "The value is lower than recorded (bench data)." if disputed else "", disputed, created,
            confirmed or disputed or created, "",
        )  # fmt: skip
        ids[Deal] += 1
        self.deal_companies[company] = self.deal_companies.get(company, 0) + 1

    def _sme_owner(self) -> None:
        """The SME owner's login, for the company with the most deals (it has interests and suggestions too)."""
        if self.deal_companies:
            company = max(self.deal_companies, key=lambda position: (self.deal_companies[position], -position))
        else:
            company = self.matchable[0]
        owner = get_user_model().objects.create_user(
            f"sme-owner@{EMAIL_DOMAIN}", password=None, full_name="Bench owner"
        )
        Membership.objects.create(user=owner, company_id=self.company_ids[company], role=Membership.Role.OWNER)


def _spread(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` split into `parts` counts of about equal size (±50 %), adding up exactly."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    scale = total / sum(weights)
    counts = [int(weight * scale) for weight in weights]
    for position in rng.sample(range(parts), min(parts, total - sum(counts))):
        counts[position] += 1
    return counts
