"""Fixtures for the API's tests: partner keys, companies in and out of the directory, a JSON client."""

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler

from companies.models import Discipline, PortfolioItem, Visibility
from labs.models import Theme
from tests.factories import CompanyFactory, LabFactory

from .helpers import ApiClient, issue_key


@pytest.fixture(autouse=True)
def _roomy_rate_limits(settings):
    """Tests read many pages; the limits are tested on their own (test_ratelimits.py lowers them)."""
    settings.API_RATE_LIMITS = {"visitor": "10000/m/ip", "partner": "10000/m/key", "refused_key": "10000/m/ip"}


@pytest.fixture
def api():
    return ApiClient()


@pytest.fixture
def lab_us(db):
    from labs.models import Country

    return LabFactory(slug="lab-us", name="Creative Lab New York", country=Country.objects.get(code="US"), city="NY")


@pytest.fixture
def de_key(db):
    return issue_key(scopes=["country:DE"])


@pytest.fixture
def plain_key(db):
    return issue_key()


@pytest.fixture
def mobility(db):
    return Theme.objects.get(slug="mobility")


@pytest.fixture
def games(db):
    return Discipline.objects.get(slug="games")


@pytest.fixture
def listed_company(db):
    company = CompanyFactory(
        name="Studio Openbaar", slug="studio-openbaar", pitch="Games for safer streets.", city="Utrecht"
    )
    for visibility in (Visibility.PUBLIC, Visibility.LAB, Visibility.PRIVATE):
        PortfolioItem.objects.create(
            company=company, title=f"{visibility} work", description=f"The {visibility} work.", visibility=visibility
        )
    return company


@pytest.fixture
def unlisted_company(db):
    return CompanyFactory(name="Studio Verborgen", slug="studio-verborgen", is_listed=False, pitch="Hidden studio.")


@pytest.fixture
def live_server(live_server):
    """pytest-django's live server with /static/ served by WhiteNoise from STATIC_ROOT, as in production
    (the templates name the hashed files, which the live server's own static handler doesn't know; the
    same as tests/e2e/conftest.py does)."""
    app = live_server.thread.httpd.get_app()
    if isinstance(app, StaticFilesHandler):
        live_server.thread.httpd.set_app(app.application)
    return live_server
