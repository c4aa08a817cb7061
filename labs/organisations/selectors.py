"""Reads for organisation pages: the public list with its filters, and a profile with its contacts."""

from django.db.models import Q, QuerySet
from django_countries import countries

from ..models import Organisation


def organisation_list(*, q: str = "", kind: str = "", country: str = "", theme=None) -> QuerySet[Organisation]:
    organisations = Organisation.objects.prefetch_related("themes")
    if q:
        organisations = organisations.filter(Q(name__icontains=q) | Q(city__icontains=q))
    if kind:
        organisations = organisations.filter(kind=kind)
    if country:
        organisations = organisations.filter(country=country)
    if theme is not None:
        organisations = organisations.filter(themes=theme)
    return organisations.order_by("name")


def organisation_countries() -> list[tuple[str, str]]:
    """The countries organisations are in, as (code, name) choices."""
    codes = Organisation.objects.order_by().values_list("country", flat=True).distinct()
    return sorted(((code, str(countries.name(code))) for code in codes), key=lambda choice: choice[1])
