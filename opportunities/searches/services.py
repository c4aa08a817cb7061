"""Saving, renaming and deleting searches; each write is safe to send twice."""

from django.db import transaction

from accounts.models import User

from ..models import SavedSearch

MAX_SAVED_SEARCHES = 50  # per person: every one costs a query on each alert run


class SavedSearchLimit(Exception):
    """The person keeps as many saved searches as they may."""


@transaction.atomic
def saved_search_create(*, user: User, list_name: str, query: str, name: str, frequency: str) -> SavedSearch:
    """Save a search; the same list and filters saved again are the search saved already (renamed, its
    frequency as now chosen). The person's row is locked, so two identical requests at once save one."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    same = SavedSearch.objects.filter(user=user, list=list_name, query=query).first()
    if same is not None:
        return saved_search_update(saved_search=same, name=name, frequency=frequency)
    if SavedSearch.objects.filter(user=user).count() >= MAX_SAVED_SEARCHES:
        raise SavedSearchLimit
    return SavedSearch.objects.create(user=user, list=list_name, query=query, name=name, frequency=frequency)


@transaction.atomic
def saved_search_update(*, saved_search: SavedSearch, name: str, frequency: str) -> SavedSearch:
    """Rename a saved search or change how often it alerts."""
    saved_search = SavedSearch.objects.select_for_update().get(pk=saved_search.pk)
    if (saved_search.name, saved_search.frequency) != (name, frequency):
        saved_search.name, saved_search.frequency = name, frequency
        saved_search.save(update_fields=["name", "frequency"])
    return saved_search


@transaction.atomic
def saved_search_delete(*, saved_search: SavedSearch) -> None:
    """Delete a saved search and what it told (a second delete finds nothing left to do)."""
    SavedSearch.objects.filter(pk=saved_search.pk).delete()
