"""htmx gets a fragment only for a swap; a history restore and every other request get the whole page,
and each answer says it varies on the htmx headers, so the browser's cache never mixes them up."""

import pytest

from creativelabs.htmx import wants_fragment

pytestmark = pytest.mark.django_db

SWAP = {"HTTP_HX_REQUEST": "true"}
# What htmx 2 sends when Back finds no snapshot of the page (see en() in static/vendor/htmx/htmx.min.js).
HISTORY_RESTORE = {"HTTP_HX_REQUEST": "true", "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


def is_whole_page(response) -> bool:
    page = response.content.decode()
    return page.lstrip().startswith("<!DOCTYPE html>") and 'aria-label="Main"' in page


@pytest.fixture
def lists(opportunity, company):
    """Both filtered lists, each with one entry to show."""
    return {
        "/opportunities/?country=DE": opportunity.title,
        "/companies/?q=Fietsveilig": company.name,
    }


@pytest.mark.parametrize(
    ("headers", "whole"),
    [({}, True), (SWAP, False), (HISTORY_RESTORE, True)],
    ids=["plain request", "htmx swap", "htmx history restore"],
)
def test_lists_answer_a_fragment_only_to_an_htmx_swap(client, lists, headers, whole):
    for url, entry in lists.items():
        response = client.get(url, **headers)
        assert response.status_code == 200
        assert is_whole_page(response) is whole, url
        assert entry in response.content.decode(), url
        assert {"hx-request", "hx-history-restore-request"} <= vary(response), url


def test_a_fragment_is_the_results_only(client, lists):
    page = client.get("/opportunities/?country=DE", **SWAP).content.decode()
    assert "<html" not in page and "<nav" not in page


def test_reordering_the_portfolio_varies_on_htmx_both_ways(login, sme_owner, company):
    from companies.services import portfolio_item_create

    work = {"title": "Work", "description": "Made.", "visibility": "public"}
    item = portfolio_item_create(company=company, data=work)
    client = login(sme_owner)
    fragment = client.post(f"/company/portfolio/{item.pk}/move/", {"direction": "up"}, **SWAP)
    assert fragment.status_code == 200 and "<ol" in fragment.content.decode()
    assert "hx-request" in vary(fragment)
    redirect = client.post(f"/company/portfolio/{item.pk}/move/", {"direction": "up"})
    assert redirect.status_code == 302
    assert "hx-request" in vary(redirect)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, False),
        ({"HTTP_HX_REQUEST": "true"}, True),
        ({"HTTP_HX_REQUEST": "false"}, False),
        (HISTORY_RESTORE, False),
    ],
)
def test_wants_fragment_reads_django_htmx_request_details(rf, headers, expected):
    from django_htmx.middleware import HtmxMiddleware

    request = rf.get("/", **headers)
    HtmxMiddleware(lambda request: None)(request)
    assert wants_fragment(request) is expected


def test_without_the_middleware_nothing_is_a_fragment(rf):
    assert wants_fragment(rf.get("/", **SWAP)) is False
