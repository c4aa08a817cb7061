"""Shared fixtures: the named people of the programme, and test isolation for Celery, the cache,
static files and parallel runs (pytest-xdist, `make test`)."""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings
from django.core.management import call_command

from labs.models import Country
from opportunities.models import Status

from .factories import (
    BusinessDeveloperFactory,
    CompanyFactory,
    EmbassyStaffFactory,
    LabFactory,
    MembershipFactory,
    OrganisationFactory,
    OrganisationMemberFactory,
    PostFactory,
    UserFactory,
    give_mfa,
)
from .opportunities.factories import OpportunityFactory

requires_postgres = pytest.mark.skipif(
    not settings.USING_POSTGRES, reason="needs PostgreSQL: set DATABASE_URL=postgres://..."
)
requires_redis = pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis: set REDIS_URL=redis://...")


def pytest_configure(config):
    """Templates resolve {% static %} through the manifest: collect once per run, so it is fresh.

    Only the process that runs the session does it, before any test: under pytest-xdist that is the
    controller, which starts the workers only after this (in pytest_sessionstart), so no two
    processes ever write var/staticfiles at once and every worker reads a complete manifest.
    """
    if not hasattr(config, "workerinput"):
        call_command("collectstatic", interactive=False, verbosity=0)


def _redis_url_for_xdist_worker(url: str, worker: str) -> str:
    """`url` with its database number moved on by the worker's index: gw0 keeps it, gw1 takes the next."""
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0) + int(worker.removeprefix("gw"))
    return urlunsplit(parts._replace(path=f"/{database}"))


def _own_redis_database_per_xdist_worker() -> None:
    """Under pytest-xdist every worker gets a Redis database of its own, for the cache and the broker.

    The workers of one run share one Redis server; clearing the cache's keys between tests, rate-limit
    counters, locks and broker queues of one worker must never touch another's. Settings are read once
    per process before any conftest is imported, so this moves them on here, before the first cache
    or broker connection is made; a subprocess a test starts inherits the worker's database through
    the environment.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        url = getattr(settings, name)
        if not url.startswith(("redis://", "rediss://")):
            continue
        own = _redis_url_for_xdist_worker(url, worker)
        _check_redis_database(own, worker)
        setattr(settings, name, own)
        os.environ[name] = own
        if name == "REDIS_URL":
            settings.CACHES["default"]["LOCATION"] = own
    from creativelabs.celery import app

    app.conf.broker_url = settings.CELERY_BROKER_URL


def _check_redis_database(url: str, worker: str) -> None:
    # An index past the server's last database would only show as an always-empty cache
    # (the cache fails soft): say so instead. An unreachable Redis is left to the tests.
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.ResponseError as exc:
        raise pytest.UsageError(
            f"xdist worker {worker} would use Redis database {urlsplit(url).path.strip('/')}: {exc}. "
            "Use a lower database in REDIS_URL or fewer workers (-n)."
        ) from exc
    except (redis.ConnectionError, redis.TimeoutError):
        pass


_own_redis_database_per_xdist_worker()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hundreds of people are made in the tests; what their passwords are hashed with doesn't matter."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _insight_views_counted_in_the_request(settings):
    """The dashboard is counted in the request whatever the load of the test machine; the tests of kept
    views (`tests/opportunities/insights/test_summaries.py`) set the budget to nothing."""
    settings.INSIGHTS_LIVE_BUDGET_MS = 10 * 60 * 1000


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a request answered in Dutch leaves Dutch active in the
    thread (the locale middleware does not switch back), which would leak into the next test's texts."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_closed_broker_pools():
    """Celery publishes through a producer even when tasks run in-process. A drill that started a
    real worker or moved the broker can leave the app's pools closed ("Acquire on closed pool"):
    each test starts with fresh ones then."""
    from kombu import pools

    from creativelabs.celery import app

    def closed(resource) -> bool:
        return resource is not None and getattr(resource, "_closed", False)

    producer_pools = [app.amqp._producer_pool, *pools.producers.values()]
    connection_pools = [
        app._pool,
        *pools.connections.values(),
        *(getattr(p, "connections", None) for p in producer_pools),
    ]
    if any(closed(pool) for pool in producer_pools + connection_pools):
        app._pool = None
        app.amqp._producer_pool = None
        pools.reset()
    yield


@pytest.fixture(autouse=True)
def _eager_celery_and_clean_cache():
    """Tasks run in-process unless a test starts a real worker; rate limits start at zero."""
    from django.core.cache import cache

    from creativelabs.celery import app

    always_eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    _clear_cache(cache)
    yield
    app.conf.task_always_eager = always_eager
    _clear_cache(cache)


def _clear_cache(cache) -> None:
    if settings.REDIS_URL:
        # Only our own keys: the shared Redis also holds the Celery broker's queues.
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*"))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture
def germany(db):
    return Country.objects.get(code="DE")


@pytest.fixture
def china(db):
    return Country.objects.get(code="CN")


@pytest.fixture
def lab_a(germany):
    return LabFactory(slug="lab-a", name="Creative Lab Berlin", country=germany, city="Berlin")


@pytest.fixture
def lab_b(china):
    return LabFactory(slug="lab-b", name="Creative Lab Shanghai", country=china, city="Shanghai")


@pytest.fixture
def company(db):
    return CompanyFactory(name="Studio Fietsveilig", slug="studio-fietsveilig", presence_countries=["DE"])


@pytest.fixture
def sme_owner(company):
    return MembershipFactory(company=company, user=UserFactory(email="owner@studio.example")).user


@pytest.fixture
def sme_colleague(company):
    return MembershipFactory(company=company, role="member", user=UserFactory(email="colleague@studio.example")).user


@pytest.fixture
def outsider_sme(db):
    other = CompanyFactory(name="Outsider Design", slug="outsider-design")
    return MembershipFactory(company=other, user=UserFactory(email="owner@outsider.example")).user


@pytest.fixture
def developer_a(lab_a):
    return give_mfa(BusinessDeveloperFactory(lab=lab_a, user=UserFactory(email="bd@lab-a.example")).user)


@pytest.fixture
def developer_b(lab_b):
    return give_mfa(BusinessDeveloperFactory(lab=lab_b, user=UserFactory(email="bd@lab-b.example")).user)


@pytest.fixture
def embassy_de(germany):
    post = PostFactory(country=germany, city="Berlin", name="Embassy in Berlin")
    return give_mfa(EmbassyStaffFactory(post=post, user=UserFactory(email="staff@embassy-de.example")).user)


@pytest.fixture
def embassy_cn(china):
    post = PostFactory(country=china, city="Beijing", name="Embassy in Beijing")
    return give_mfa(EmbassyStaffFactory(post=post, user=UserFactory(email="staff@embassy-cn.example")).user)


@pytest.fixture
def admin_user(db):
    return give_mfa(UserFactory(email="admin@programme.example", is_staff=True, is_superuser=True))


@pytest.fixture
def partner_company(db):
    """A Dutch company with a presence in Germany, linked to Lab A as partner (see `lab_partner_a`)."""
    return CompanyFactory(name="Brandwerk Berlin", slug="brandwerk-berlin", presence_countries=["DE"])


@pytest.fixture
def lab_partner_a(lab_a, partner_company):
    """Lab A's current partnership with `partner_company`, since a month, with no end."""
    import datetime

    from django.utils import timezone

    from labs.models import LabPartner

    start = timezone.localdate() - datetime.timedelta(days=30)
    return LabPartner.objects.create(lab=lab_a, company=partner_company, starts_on=start)


@pytest.fixture
def partner_member(lab_partner_a):
    """The owner of Lab A's current partner company: manages the opportunities posted for the partner."""
    user = UserFactory(email="owner@brandwerk.example")
    return give_mfa(MembershipFactory(company=lab_partner_a.company, user=user).user)


@pytest.fixture
def expired_partner_member(lab_a):
    """The owner of a company whose partnership with Lab A ended yesterday: no Lab powers left."""
    import datetime

    from django.utils import timezone

    from labs.models import LabPartner

    other = CompanyFactory(name="Oud Partner", slug="oud-partner", presence_countries=["DE"])
    today = timezone.localdate()
    LabPartner.objects.create(
        lab=lab_a,
        company=other,
        starts_on=today - datetime.timedelta(days=400),
        ends_on=today - datetime.timedelta(days=1),
    )
    return give_mfa(MembershipFactory(company=other, user=UserFactory(email="owner@oud-partner.example")).user)


@pytest.fixture
def organisation(db):
    """A Dutch university of applied sciences in the programme."""
    return OrganisationFactory(slug="hanze-ageing", name="Hanze Healthy Ageing")


@pytest.fixture
def other_organisation(db):
    """A German city department: org_member has no say over it."""
    return OrganisationFactory(slug="stadt-koeln", name="Stadt Köln", kind="city", country="DE", city="Köln")


@pytest.fixture
def org_member(organisation):
    """A member of `organisation` (invited, address verified), with no other role."""
    return OrganisationMemberFactory(organisation=organisation, user=UserFactory(email="member@hanze.example")).user


@pytest.fixture
def plain_user(db):
    """Logged in, verified, but no role yet (a new SME before registering a company)."""
    return UserFactory(email="new@person.example")


@pytest.fixture
def opportunity(lab_a, developer_a):
    """A published opportunity of Lab A, by its business developer."""
    return OpportunityFactory(
        lab=lab_a, created_by=developer_a, status=Status.PUBLISHED, title="Safe cycling to school"
    )


@pytest.fixture
def login(client):
    """Log `user` in on the test client, as after a complete (MFA) login."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


if os.environ.get("CI"):
    # In CI nothing may silently skip for lack of a service: fail instead.
    def pytest_collection_modifyitems(config, items):
        missing = []
        if not settings.USING_POSTGRES:
            missing.append("DATABASE_URL (PostgreSQL)")
        if not settings.REDIS_URL:
            missing.append("REDIS_URL")
        if missing:
            raise pytest.UsageError(f"CI must run with {', '.join(missing)} set.")


@pytest.fixture
def media_in_tmp(settings, tmp_path):
    """Files a test stores go to its own folder, so it can see exactly what is stored (`stored_files`)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return settings.MEDIA_ROOT


# --- Theme networks (networks/) -------------------------------------------------------------------
# network_de: Mobility NL–DE, curated by embassy_de; members sme_owner's company, org_member's organisation
# and Lab A; a request of the company (help_request_de) with the organisation's offer (answer_de); Stadt
# Köln asking to join (pending_join_de). network_cn: a Chinese network embassy_de does not curate.


@pytest.fixture
def network_de(company, organisation, lab_a, embassy_de):
    from networks.models import Membership
    from tests.networks.factories import NetworkFactory

    network = NetworkFactory(slug="mobility-nl-de", name="Mobility NL–DE", created_by=embassy_de, countries=["DE"])
    for member in ({"company": company}, {"organisation": organisation}, {"lab": lab_a}):
        Membership.objects.create(network=network, state=Membership.State.ACCEPTED, **member)
    return network


@pytest.fixture
def network_cn(db):
    from labs.models import Theme
    from tests.networks.factories import NetworkFactory

    elderly_care = Theme.objects.get(slug="elderly-care")
    return NetworkFactory(slug="elderly-care-nl-cn", name="Elderly care NL–CN", theme=elderly_care, countries=["CN"])


@pytest.fixture
def help_request_de(network_de, company, sme_owner):
    from networks.models import HelpRequest

    return HelpRequest.objects.create(
        network=network_de,
        membership=network_de.memberships.get(company=company),
        author=sme_owner,
        title="A local production partner for bike racks",
        body="We look for a workshop near Berlin that builds our school bike racks in small series.",
        contact="owner@studio.example",
    )


@pytest.fixture
def answer_de(help_request_de, organisation, org_member):
    from networks.models import Answer

    return Answer.objects.create(
        request=help_request_de,
        membership=help_request_de.network.memberships.get(organisation=organisation),
        author=org_member,
        message="Our partner workshop in Potsdam does this.",
        contact="member@hanze.example",
    )


@pytest.fixture
def pending_join_de(network_de, other_organisation):
    from networks.models import Membership

    return Membership.objects.create(
        network=network_de, organisation=other_organisation, motivation="Car-free streets."
    )
