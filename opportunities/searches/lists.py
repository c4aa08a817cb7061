"""The lists a search can be saved of, read through their own FilterSets (so a saved search finds what
the list shows its owner today), and the stored querystring cleaned, checked and described."""

from dataclasses import dataclass

from django.http import QueryDict

from accounts.roles import roles_of
from companies.filters import CompanyFilter
from companies.selectors import visible_companies

from ..models import Opportunity, SavedSearch
from ..selectors import visible_opportunities
from ..workflow.filters import OpportunityFilter

MAX_QUERY_LENGTH = SavedSearch._meta.get_field("query").max_length
# Parameters of a list's URL that are not filters: left out of what is saved.
NOT_FILTERS = {"page"}


def _opportunity_filter(data, user):
    staff = roles_of(user).is_programme_staff
    queryset = visible_opportunities(user) if staff else Opportunity.objects.all()
    return OpportunityFilter(data, queryset=queryset, staff=staff)


def _company_filter(data, user):
    return CompanyFilter(data, queryset=visible_companies(user))


@dataclass(frozen=True)
class SearchList:
    name: str
    url_name: str  # the list's page
    new_since: str  # the field dating when an object entered the list: alerts tell those after the saving
    match_field: str  # SavedSearchMatch's field for one of its objects
    make_filter: object  # (data, user) -> FilterSet

    def filterset(self, query: str, user):
        return self.make_filter(QueryDict(query), user)


LISTS = {
    SavedSearch.List.OPPORTUNITIES: SearchList(
        "opportunities", "opportunities:list", "published_at", "opportunity", _opportunity_filter
    ),
    SavedSearch.List.COMPANIES: SearchList(
        "companies", "companies:directory", "created_at", "company", _company_filter
    ),
}


class QueryError(ValueError):
    """A querystring no list understands (garbled, too long, or naming what no longer exists)."""


def clean_query(list_name: str, raw: str, user) -> str:
    """The filters of `raw` that the list knows, in a stable order; QueryError when they don't validate."""
    spec = LISTS[list_name]
    data = QueryDict(raw or "", mutable=True)
    filterset = spec.filterset("", user)
    kept = QueryDict(mutable=True)
    for key in sorted(data):
        if key in NOT_FILTERS or key not in filterset.filters:
            continue
        values = [value for value in data.getlist(key) if value.strip()]
        if values:
            kept.setlist(key, values)
    query = kept.urlencode()
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError
    if not spec.filterset(query, user).is_valid():
        raise QueryError
    return query


def results(saved_search: SavedSearch):
    """What the saved search finds for its owner now; None when its filters no longer validate (a theme
    removed, a query edited by hand): such a search alerts about nothing rather than about everything."""
    filterset = LISTS[saved_search.list].filterset(saved_search.query, saved_search.user)
    if not filterset.is_valid():
        return None
    return filterset.qs


def describe(list_name: str, query: str, user) -> list[tuple[str, str]]:
    """(label, value) of each filter a querystring sets, as the list's form names them; [] when garbled."""
    try:
        filterset = LISTS[list_name].filterset(query, user)
        if not filterset.is_valid():
            return []
    except (KeyError, ValueError):
        return []
    described = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", [], ()):
            continue
        field = filterset.form.fields[name]
        choices = dict(getattr(field, "choices", None) or []) if not hasattr(field, "queryset") else {}
        described.append((str(field.label), str(choices.get(value, value))))
    return described
