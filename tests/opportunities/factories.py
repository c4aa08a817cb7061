"""Opportunities for tests: a draft of a (German) Lab with a required discipline, unless told otherwise."""

import contextlib
import datetime
import time
from decimal import Decimal

import factory
import psycopg2
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.utils import timezone

from companies.models import Discipline
from labs.models import Theme
from opportunities.models import REPLY_DAYS, Interest, Opportunity, Status
from opportunities.suggestions import full
from tests.factories import CompanyFactory, LabFactory


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity
        skip_postgeneration_save = True

    lab = factory.SubFactory(LabFactory)
    country = factory.LazyAttribute(lambda o: o.lab.country)
    title = factory.Sequence(lambda n: f"Safe cycling to school {n}")
    summary = "Help a city teach children to cycle safely."
    brief = "The city wants a campaign and a game for primary schools."
    client_name = "City of Berlin"
    city = factory.LazyAttribute(lambda o: o.lab.city)
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    fee_percentage = Decimal("5.00")
    status = Status.DRAFT
    published_at = factory.LazyAttribute(lambda o: timezone.now() if o.status == Status.PUBLISHED else None)
    submitted_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status in (Status.SUBMITTED, Status.PUBLISHED) else None
    )

    @factory.post_generation
    def required_disciplines(self, create, extracted, **kwargs):
        """At least one required discipline, as the form demands: pass a list to choose them."""
        if not create:
            return
        disciplines = extracted or [Discipline.objects.order_by("ordering", "pk").first()]
        self.required_disciplines.add(*disciplines)

    @factory.post_generation
    def contacts(self, create, extracted, **kwargs):
        """Contact business developers (labs.BusinessDeveloper), none by default."""
        if create and extracted:
            self.contacts.add(*extracted)


class InterestFactory(factory.django.DjangoModelFactory):
    """A company's expression of interest in a published opportunity, waiting for an answer."""

    class Meta:
        model = Interest

    opportunity = factory.SubFactory(OpportunityFactory, status=Status.PUBLISHED)
    company = factory.SubFactory(CompanyFactory)
    motivation = "We made a cycling game for schools in Utrecht; we would love to do this in Berlin."
    accepted_fee_percentage = factory.LazyAttribute(lambda o: o.opportunity.fee_percentage)
    accepted_fee_note = factory.LazyAttribute(lambda o: o.opportunity.fee_note)
    fee_accepted_at = factory.LazyFunction(timezone.now)
    reply_due = factory.LazyAttribute(lambda o: o.fee_accepted_at + datetime.timedelta(days=REPLY_DAYS))


# --- Introductions and deals (area B) -------------------------------------------------------------


class IntroductionFactory(factory.django.DjangoModelFactory):
    """A warm introduction of an interest's company to the local client, its outcome still open."""

    class Meta:
        model = "opportunities.Introduction"

    interest = factory.SubFactory(InterestFactory)
    introduced_by = None
    client_contact_name = "Anna Schmidt"
    client_contact_email = "anna.schmidt@bezirk-mitte.example"
    client_contact_phone = "+49 30 1234567"
    note = "Anna leads the school cycling programme."


class DealFactory(factory.django.DjangoModelFactory):
    """A won introduction's deal awaiting the company's confirmation, its fee at the accepted percentage."""

    class Meta:
        model = "opportunities.Deal"

    introduction = factory.SubFactory(IntroductionFactory, outcome="won")
    value = Decimal("10000.00")
    currency = "EUR"
    closed_on = factory.LazyFunction(timezone.localdate)
    description = "Campaign and cycling game for primary schools."
    fee_percentage = factory.LazyAttribute(lambda o: o.introduction.interest.accepted_fee_percentage)
    fee_amount = factory.LazyAttribute(
        lambda o: (o.value * o.fee_percentage / 100).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    )
    confirmation_round = 1


# --- A published opportunity and a company with disciplines and themes, for matching tests ---------


def make_opportunity(lab, title, brief, disciplines=("serious-games",), themes=("mobility",)):
    """A published, open opportunity requiring `disciplines`, on `themes` (slugs)."""
    created = Opportunity.objects.create(
        lab=lab,
        country=lab.country,
        title=title,
        summary=title,
        brief=brief,
        city=lab.city,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        fee_percentage=Decimal("5"),
        status=Status.PUBLISHED,
        published_at=timezone.now(),
    )
    created.required_disciplines.set(Discipline.objects.filter(slug__in=disciplines))
    created.themes.set(Theme.objects.filter(slug__in=themes))
    return created


def make_company(name, description, disciplines=("serious-games",), themes=("mobility",), **fields):
    created = CompanyFactory(name=name, description=description, **fields)
    created.disciplines.set(Discipline.objects.filter(slug__in=disciplines))
    created.themes.set(Theme.objects.filter(slug__in=themes))
    return created


# --- The full-recompute lock, as another process would hold it ----------------------------------------


@contextlib.contextmanager
def full_recompute_elsewhere():
    """Another process in the middle of a full recompute, holding its lock; yields a function that kills
    that process (on PostgreSQL its connection is terminated, as when a worker dies)."""
    if connection.vendor != "postgresql":
        cache.add(full.FULL_LOCK_KEY, "running", 60)
        try:
            yield lambda: cache.delete(full.FULL_LOCK_KEY)
        finally:
            cache.delete(full.FULL_LOCK_KEY)
        return
    other = psycopg2.connect(**connection.get_connection_params())
    other.autocommit = True
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s), pg_backend_pid()", [full.FULL_LOCK])
        pid = cursor.fetchone()[1]

    def kill():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(100):  # the lock goes with the backend, a moment after the signal
            if not held_full_locks():
                return
            time.sleep(0.05)

    try:
        yield kill
    finally:
        other.close()
        _wait_until_ended(pid)


def _wait_until_ended(pid: int) -> None:
    """Closing a connection returns before its server process has ended and let go of its locks; a test
    that takes the lock next must not find it still held (more likely on a busy machine, with parallel workers)."""
    with contextlib.suppress(DatabaseError):  # the test's own connection broken: nothing to wait with
        for _ in range(100):
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
                if cursor.fetchone() is None:
                    return
            time.sleep(0.05)


def held_full_locks() -> int:
    """How many processes (this one included) hold the full-recompute lock."""
    if connection.vendor != "postgresql":
        return int(cache.get(full.FULL_LOCK_KEY) is not None)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = 0 "
            "AND objid = %s AND objsubid = 1 "
            # pg_locks lists every database of the server: parallel workers' test databases hold theirs.
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [full.FULL_LOCK],
        )
        return cursor.fetchone()[0]
