"""Country, Lab and theme pages list their open opportunities; the home page the newest. Drafts, closed
ones and those past their deadline stay off, and the number of queries does not grow with the list."""

import pytest

from labs.models import Theme
from opportunities.models import Status
from tests.opportunities.test_views import make

pytestmark = pytest.mark.django_db


@pytest.fixture
def mix(lab_a, lab_b):
    care = Theme.objects.get(slug="elderly-care")
    berlin = make(lab_a, title="Berlin open brief")
    berlin.themes.add(care)
    make(lab_a, title="Berlin draft brief", status=Status.DRAFT).themes.add(care)
    make(lab_a, title="Berlin closed brief", status=Status.CLOSED_NOT_WON)
    make(lab_a, title="Berlin late brief", days=-2)
    make(lab_b, title="Shanghai open brief")


def shown(client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    return {
        title
        for title in (
            "Berlin open brief",
            "Berlin draft brief",
            "Berlin closed brief",
            "Berlin late brief",
            "Shanghai open brief",
        )
        if title in page
    }


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/", {"Berlin open brief", "Shanghai open brief"}),
        ("/countries/de/", {"Berlin open brief"}),
        ("/countries/cn/", {"Shanghai open brief"}),
        ("/labs/lab-a/", {"Berlin open brief"}),
        ("/themes/elderly-care/", {"Berlin open brief"}),
        ("/themes/mobility/", set()),
    ],
)
def test_pages_list_their_open_opportunities(client, mix, url, expected):
    assert shown(client, url) == expected


def test_an_empty_list_says_so_and_links_to_the_filtered_list(client, lab_a):
    page = client.get("/labs/lab-a/").content.decode()
    assert "No opportunity is open for interest here at the moment." in page
    make(lab_a, title="Berlin open brief")
    assert "/opportunities/?lab=lab-a" in client.get("/labs/lab-a/").content.decode()


@pytest.mark.parametrize("count", [2, 12])
def test_the_lists_cost_a_fixed_number_of_queries(client, lab_a, django_assert_max_num_queries, count):
    for number in range(count):
        make(lab_a, title=f"Brief {number}")
    client.get("/countries/de/")  # warm the per-process caches
    with django_assert_max_num_queries(12):
        assert client.get("/countries/de/").status_code == 200
