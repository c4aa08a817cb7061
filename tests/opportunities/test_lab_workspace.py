"""The Lab workspace: its Lab's opportunities in the workflow's order of statuses, each by deadline, a page at
a time, filtered by status, in a number of queries that does not grow with the Lab."""

import datetime

import pytest
from django.utils import timezone

from opportunities.models import Status
from opportunities.workflow.views import WORKSPACE_PAGE_SIZE

from .factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def opportunity(lab, title, status=Status.DRAFT, days=30):
    return OpportunityFactory(
        lab=lab, title=title, status=status, deadline=timezone.localdate() + datetime.timedelta(days=days)
    )


def titles(response) -> list[str]:
    return [o.title for o in response.context["items"]]


def test_statuses_in_workflow_order_each_by_deadline(login, developer_a, lab_a, lab_b):
    opportunity(lab_a, "Published later", Status.PUBLISHED, days=40)
    opportunity(lab_a, "Published sooner", Status.PUBLISHED, days=10)
    opportunity(lab_a, "A draft", Status.DRAFT, days=50)
    opportunity(lab_a, "Expired one", Status.EXPIRED, days=-5)
    opportunity(lab_b, "Other Lab's draft")
    response = login(developer_a).get("/lab/")
    assert titles(response) == ["A draft", "Published sooner", "Published later", "Expired one"]
    page = response.content.decode()
    assert page.index("Draft</h2>") < page.index("Published</h2>") < page.index("Expired</h2>")
    assert "Other Lab" not in page


def test_a_status_filter_and_its_counts(login, developer_a, lab_a):
    opportunity(lab_a, "A draft")
    opportunity(lab_a, "A published one", Status.PUBLISHED)
    client = login(developer_a)
    response = client.get("/lab/", {"status": "published"})
    assert titles(response) == ["A published one"]
    assert {value: count for value, _label, count in response.context["statuses"]}["draft"] == 1
    assert response.context["total"] == 2
    assert 'href="?status=published" aria-current="page"' in response.content.decode()


def test_pages_keep_the_filter(login, developer_a, lab_a):
    for number in range(WORKSPACE_PAGE_SIZE + 3):
        opportunity(lab_a, f"Published {number:03}", Status.PUBLISHED, days=10 + number)
    opportunity(lab_a, "A draft")
    client = login(developer_a)
    first = client.get("/lab/", {"status": "published"})
    assert len(titles(first)) == WORKSPACE_PAGE_SIZE and "A draft" not in titles(first)
    assert "status=published&amp;page=2" in first.content.decode()
    second = client.get("/lab/", {"status": "published", "page": 2})
    rest = range(WORKSPACE_PAGE_SIZE, WORKSPACE_PAGE_SIZE + 3)
    assert titles(second) == [f"Published {number:03}" for number in rest]
    # Every status: the draft first, the page size kept.
    assert titles(client.get("/lab/"))[0] == "A draft"
    assert client.get("/lab/", {"page": 999}).status_code == 200


@pytest.mark.parametrize("value", ["nonsense", "<script>", "'", "published\u202e"])
def test_a_status_that_is_not_one_is_a_form_error_not_a_500(login, developer_a, lab_a, value):
    opportunity(lab_a, "A draft")
    response = login(developer_a).get("/lab/", {"status": value})
    assert response.status_code == 200
    assert titles(response) == ["A draft"]


def test_htmx_gets_the_results_only(login, developer_a, lab_a):
    opportunity(lab_a, "A draft")
    response = login(developer_a).get("/lab/", {"status": "draft"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page and "A draft" in page and "Expressions of interest awaiting" not in page


@pytest.mark.parametrize("count", [3, 80])
def test_the_workspace_uses_a_bounded_number_of_queries(
    login, developer_a, lab_a, django_assert_max_num_queries, count
):
    for number in range(count):
        opportunity(lab_a, f"Opportunity {number}", [Status.DRAFT, Status.PUBLISHED, Status.EXPIRED][number % 3])
    client = login(developer_a)
    client.get("/lab/")  # the session and the roles, once
    # 15: the session, the user and the roles (membership, Lab, post, organisation, TOTP), then the page's own.
    with django_assert_max_num_queries(15):
        response = client.get("/lab/")
    assert len(titles(response)) == min(count, WORKSPACE_PAGE_SIZE)
