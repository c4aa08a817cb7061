from ..models import SavedSearch


def saved_searches_of(user):
    """A person's own saved searches: the only ones they may see, open or change."""
    return SavedSearch.objects.filter(user=user).order_by("name", "pk")
