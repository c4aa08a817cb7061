"""The API against a live server, from outside Django: a plain HTTP client reads the first pages of every
endpoint, and a bounded property-based run of the schema (schemathesis) finds no 500 and no answer that
breaks the schema.
"""

import re

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from companies.models import PortfolioItem, Visibility
from exchanges.models import Exchange
from labs.models import Theme
from opportunities.models import Status
from tests.exchanges.factories import ExchangeFactory

from .helpers import closed, issue_key, published

# The live server answers from its own thread and connection: rows must be committed. The rows the
# migrations seed (countries, themes, disciplines) are put back after each test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ENDPOINTS = [
    "/api/v1/opportunities",
    "/api/v1/themes",
    "/api/v1/countries",
    "/api/v1/labs",
    "/api/v1/posts",
    "/api/v1/companies",
    "/api/v1/exchanges",
    "/api/v1/networks",
]
# Each operation's number of generated requests: the whole run stays within a few minutes on CI.
EXAMPLES_PER_OPERATION = 30


@pytest.fixture
def programme(lab_a, lab_b, listed_company, unlisted_company, embassy_de, games, network_de):
    mobility = Theme.objects.get(slug="mobility")
    for number in range(3):
        published(lab_a, title=f"Safe cycling {number}", client_is_public=True).themes.add(mobility)
        published(lab_b, title=f"Water design {number}", required_disciplines=[games])
    closed(lab_a, Status.CLOSED_WON, days_ago=10, title="Won in Berlin")
    listed_company.disciplines.add(games)
    PortfolioItem.objects.filter(company=listed_company, visibility=Visibility.PUBLIC).first().themes.add(mobility)
    ExchangeFactory(lab=lab_a, title_en="Mobility session").themes.add(mobility)
    ExchangeFactory(lab=lab_a, title_en="Draft session", status=Exchange.Status.DRAFT)
    return issue_key(scopes=["country:DE"])[1]


def test_a_plain_http_client_reads_the_first_page_of_every_endpoint(live_server, programme):
    with httpx.Client(base_url=live_server.url, timeout=30) as client:
        for path in ENDPOINTS:
            response = client.get(path)
            assert response.status_code == 200, path
            assert response.headers["content-type"].startswith("application/json")
            assert response.headers["access-control-allow-origin"] == "*"
            page = response.json()
            assert page["page"] == 1 and page["results"], path
            again = client.get(path, headers={"If-None-Match": response.headers["etag"]})
            assert again.status_code == 304 and again.content == b""
        first = client.get("/api/v1/opportunities").json()["results"][0]
        assert client.get(f"/api/v1/opportunities/{first['id']}").json()["title"] == first["title"]
        company = client.get("/api/v1/companies").json()["results"][0]
        assert client.get(f"/api/v1/companies/{company['id']}").json()["portfolio"] == company["portfolio"]
        # A partner's key, as a server would send it.
        keyed = client.get("/api/v1/opportunities", headers={"Authorization": f"Bearer {programme}"}).json()
        assert "Won in Berlin" in {row["title"] for row in keyed["results"]}
        assert client.get("/api/v1/opportunities", headers={"X-Api-Key": "clp_" + "z" * 43}).status_code == 401


def test_the_documentation_page_loads_its_files_from_the_portal(live_server, programme):
    with httpx.Client(base_url=live_server.url, timeout=30) as client:
        page = client.get("/api/v1/docs")
        assert page.status_code == 200
        html = page.text
        sources = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert sources and all(source.startswith("/static/") for source in sources), sources
        assert "cdn" not in html.lower() and "//" not in "".join(sources)
        for source in sources:
            assert client.get(source).status_code == 200, source
        assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "Creative Labs API"


def test_schemathesis_finds_no_500_and_no_answer_that_breaks_the_schema(live_server, programme):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 12
    sent: dict[str, int] = {}

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION,
            derandomize=True,  # the same requests on every run
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            sent[case.operation.label] = sent.get(case.operation.label, 0) + 1
            case.call_and_validate(checks=checks)

        run()
    # Every operation was really exercised (a run that generated nothing would pass too).
    assert len(sent) == 12 and min(sent.values()) >= EXAMPLES_PER_OPERATION // 2, sent
