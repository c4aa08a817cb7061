"""Conditional requests (ETag, Last-Modified, 304), CORS, caching headers and rate limits (429)."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from django.utils.http import http_date, parse_http_date

from opportunities.models import Opportunity

from .helpers import published

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/v1/opportunities",
    "/api/v1/themes",
    "/api/v1/countries",
    "/api/v1/labs",
    "/api/v1/posts",
    "/api/v1/companies",
]


@pytest.fixture
def some_data(lab_a, listed_company):
    return published(lab_a)


# --- Conditional requests ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ENDPOINTS)
def test_every_list_answers_304_to_its_etag(api, some_data, path):
    first = api.get(path)
    assert first.status_code == 200 and first["ETag"].startswith('"')
    again = api.get(path, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Access-Control-Allow-Origin"] == "*"
    assert api.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_the_etag_changes_with_the_content(api, some_data):
    first = api.get(f"/api/v1/opportunities/{some_data.pk}")
    Opportunity.objects.filter(pk=some_data.pk).update(title="A new title")
    second = api.get(f"/api/v1/opportunities/{some_data.pk}", headers={"If-None-Match": first["ETag"]})
    assert second.status_code == 200 and second.json()["title"] == "A new title"
    assert second["ETag"] != first["ETag"]


def test_if_modified_since_against_the_last_change(api, some_data):
    first = api.get(f"/api/v1/opportunities/{some_data.pk}")
    assert parse_http_date(first["Last-Modified"]) == int(some_data.updated_at.timestamp())
    unchanged = api.get(f"/api/v1/opportunities/{some_data.pk}", headers={"If-Modified-Since": first["Last-Modified"]})
    assert unchanged.status_code == 304
    earlier = http_date((some_data.updated_at - datetime.timedelta(hours=1)).timestamp())
    assert api.get(f"/api/v1/opportunities/{some_data.pk}", headers={"If-Modified-Since": earlier}).status_code == 200


def test_a_list_is_modified_when_an_opportunity_leaves_it(api, some_data, lab_a):
    """The list's Last-Modified is the last change to any opportunity (their change history): one
    withdrawn, which leaves the list without a newer row in it, moves it too."""
    other = published(lab_a)
    first = api.get("/api/v1/opportunities")
    assert first.status_code == 200
    assert api.get("/api/v1/opportunities", headers={"If-Modified-Since": first["Last-Modified"]}).status_code == 304
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):
        other.status = "withdrawn"
        other.save()
        after = api.get("/api/v1/opportunities", headers={"If-Modified-Since": first["Last-Modified"]})
    assert after.status_code == 200 and [row["id"] for row in after.json()["results"]] == [some_data.pk]


def test_a_company_list_is_modified_when_a_company_leaves_the_directory(api, listed_company):
    first = api.get("/api/v1/companies")
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):
        listed_company.is_listed = False
        listed_company.save()
        after = api.get("/api/v1/companies", headers={"If-Modified-Since": first["Last-Modified"]})
    assert after.status_code == 200 and after.json()["count"] == 0


def test_if_none_match_wins_over_if_modified_since(api, some_data):
    first = api.get("/api/v1/opportunities")
    both = api.get(
        "/api/v1/opportunities",
        headers={"If-None-Match": '"stale"', "If-Modified-Since": first["Last-Modified"]},
    )
    assert both.status_code == 200


# --- CORS and caching ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ENDPOINTS)
def test_any_site_may_read_without_credentials(api, some_data, path):
    response = api.get(path, headers={"Origin": "https://partner.example"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert "Retry-After" in response["Access-Control-Expose-Headers"]


def test_errors_carry_cors_too_so_a_page_can_read_them(api):
    response = api.get("/api/v1/opportunities", country="XX", headers={"Origin": "https://partner.example"})
    assert response.status_code == 422 and response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("path", [*ENDPOINTS, "/api/v1/opportunities/1"])
def test_a_preflight_lets_a_page_send_a_key_and_a_conditional_request(api, path):
    preflight = api.client.options(
        path,
        headers={
            "Origin": "https://partner.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "x-api-key, if-none-match",
        },
    )
    assert preflight.status_code == 204 and preflight.content == b""
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    allowed = {header.strip().lower() for header in preflight["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "x-api-key", "if-none-match", "if-modified-since"} <= allowed
    assert int(preflight["Access-Control-Max-Age"]) > 0


def test_only_the_api_answers_a_preflight(api, client):
    headers = {"Origin": "https://partner.example", "Access-Control-Request-Method": "GET"}
    assert "Access-Control-Allow-Origin" not in client.options("/opportunities/", headers=headers)
    unknown = api.client.options("/api/v1/no-such-thing", headers=headers)
    assert unknown.status_code == 404 and unknown.json() == {"detail": "Not found."}


def test_a_visitors_answer_is_public_and_a_partners_private(api, some_data, plain_key):
    visitor = api.get("/api/v1/opportunities")
    assert "public" in visitor["Cache-Control"] and "max-age=60" in visitor["Cache-Control"]
    partner = api.get("/api/v1/opportunities", key=plain_key[1])
    assert "private" in partner["Cache-Control"] and "no-cache" in partner["Cache-Control"]
    assert {"Authorization", "X-Api-Key"} <= {part.strip() for part in visitor["Vary"].split(",")}


def test_a_logged_in_browser_gets_the_public_data_not_its_own(api, some_data, developer_a, lab_a):
    from tests.opportunities.factories import OpportunityFactory

    draft = OpportunityFactory(lab=lab_a, created_by=developer_a)
    api.client.force_login(developer_a)
    assert draft.pk not in [row["id"] for row in api.json("/api/v1/opportunities")["results"]]
    assert api.get(f"/api/v1/opportunities/{draft.pk}").status_code == 404


# --- Rate limits --------------------------------------------------------------------------------------------


@pytest.fixture
def tight_limits(settings):
    settings.API_RATE_LIMITS = {"visitor": "3/m/ip", "partner": "5/m/key", "refused_key": "2/m/ip"}


@pytest.mark.usefixtures("tight_limits")
def test_a_visitor_over_the_limit_gets_429_with_retry_after(api):
    for _ in range(3):
        assert api.get("/api/v1/themes").status_code == 200
    refused = api.get("/api/v1/countries")  # the limit is per client, not per endpoint
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["detail"].startswith("Too many requests")
    assert refused["Access-Control-Allow-Origin"] == "*"


@pytest.mark.usefixtures("tight_limits")
def test_limits_count_per_address(api):
    for _ in range(3):
        api.get("/api/v1/themes", headers={"X-Forwarded-For": "ignored"})
    assert api.get("/api/v1/themes").status_code == 429
    other = api.client.get("/api/v1/themes", REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 200


@pytest.mark.usefixtures("tight_limits")
def test_a_key_raises_the_limit_and_counts_on_its_own(api, plain_key):
    for _ in range(3):
        api.get("/api/v1/themes")
    assert api.get("/api/v1/themes").status_code == 429  # the address is spent ...
    for _ in range(5):
        assert api.get("/api/v1/themes", key=plain_key[1]).status_code == 200  # ... the key is not
    refused = api.get("/api/v1/themes", key=plain_key[1])
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1


@pytest.mark.usefixtures("tight_limits")
def test_guessing_keys_is_limited_per_address(api):
    assert api.get("/api/v1/themes", key="clp_" + "x" * 43).status_code == 401
    assert api.get("/api/v1/themes", key="not a key").status_code == 401
    guessed = api.get("/api/v1/themes", key="clp_" + "y" * 43)
    assert guessed.status_code == 429 and int(guessed["Retry-After"]) >= 1


def test_the_docs_and_schema_are_not_counted(api, settings):
    settings.API_RATE_LIMITS = {"visitor": "1/m/ip"}
    for _ in range(3):
        assert api.get("/api/v1/openapi.json").status_code == 200
    assert api.get("/api/v1/themes").status_code == 200
