"""Shared fixtures: the named people of the programme, and test isolation for Celery and the cache."""

import os

import pytest
from django.conf import settings
from django.core.management import call_command

from labs.models import Country

from .factories import (
    BusinessDeveloperFactory,
    CompanyFactory,
    EmbassyStaffFactory,
    LabFactory,
    MembershipFactory,
    PostFactory,
    UserFactory,
    give_mfa,
)

requires_postgres = pytest.mark.skipif(
    not settings.USING_POSTGRES, reason="needs PostgreSQL: set DATABASE_URL=postgres://..."
)
requires_redis = pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis: set REDIS_URL=redis://...")


@pytest.fixture(scope="session", autouse=True)
def _static_manifest():
    """Templates resolve {% static %} through the manifest: collect once per run, so it is fresh."""
    call_command("collectstatic", interactive=False, verbosity=0)


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
def plain_user(db):
    """Logged in, verified, but no role yet (a new SME before registering a company)."""
    return UserFactory(email="new@person.example")


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
