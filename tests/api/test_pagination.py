"""api/pagination.py: the one-pass page of a search (count beside the page) is the two-pass page, exactly."""

import pytest
from django.db.models import Value
from django.test import RequestFactory
from ninja.errors import HttpError

from api.pagination import page_of
from api.schemas import PageQuery
from opportunities.models import Opportunity
from opportunities.workflow.filters import OpportunityFilter

from .helpers import published

pytestmark = pytest.mark.django_db


def _search(text: str):
    return OpportunityFilter({"q": text}, queryset=Opportunity.objects.published()).qs


def _page(queryset, page: int, size: int, *, one_pass: bool):
    request = RequestFactory().get("/api/v1/opportunities", {"q": "cycling", "page": page})
    numbers, rows = page_of(request, queryset, PageQuery(page=page, page_size=size), one_pass=one_pass)
    return numbers, [row.pk for row in rows]


def test_a_search_counted_beside_its_page_gives_the_same_pages(lab_a):
    for number in range(7):
        published(lab_a, title=f"Cycling route {number}", summary="cycling " * (number % 3 + 1))
    published(lab_a, title="Museum lighting", summary="Light for a museum.")
    seen = []
    for page in (1, 2, 3):
        two_pass = _page(_search("cycling"), page, 3, one_pass=False)
        one_pass = _page(_search("cycling"), page, 3, one_pass=True)
        assert one_pass == two_pass
        assert one_pass[0]["count"] == 7 and one_pass[0]["pages"] == 3
        seen += one_pass[1]
    assert len(seen) == len(set(seen)) == 7


def test_a_page_past_the_end_is_refused_either_way(lab_a):
    published(lab_a, title="Cycling route")
    for one_pass in (False, True):
        with pytest.raises(HttpError) as refused:
            _page(_search("cycling"), 2, 3, one_pass=one_pass)
        assert refused.value.status_code == 404 and "last page is 1" in str(refused.value)


def test_a_search_that_finds_nothing_is_one_empty_page(lab_a):
    published(lab_a, title="Museum lighting")
    numbers, keys = _page(_search("zeppelinhangar"), 1, 3, one_pass=True)
    assert (numbers["count"], numbers["pages"], keys) == (0, 1, [])


def test_a_distinct_query_is_counted_on_its_own(lab_a):
    for number in range(4):
        published(lab_a, title=f"Cycling route {number}")
    # Duplicated rows made distinct again: a window over them would count 8.
    # (Without their order: SQLite allows no ORDER BY inside a compound statement.)
    twice = [_search("cycling").annotate(one=Value(1)).order_by() for _ in range(2)]
    doubled = twice[0].union(twice[1], all=True)
    distinct = Opportunity.objects.filter(pk__in=doubled.values("pk")).distinct().order_by("id")
    numbers, keys = _page(distinct, 1, 10, one_pass=True)
    assert numbers["count"] == 4 and len(keys) == 4
