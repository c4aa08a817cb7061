import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from labs.models import Theme

from .models import Company, Discipline
from .search import directory_search


class CompanyFilter(django_filters.FilterSet):
    """The directory's filters; every one is a GET parameter, so a filtered list can be shared."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    discipline = django_filters.ModelChoiceFilter(
        field_name="disciplines",
        to_field_name="slug",
        queryset=Discipline.objects.all(),
        label=_("Discipline"),
        empty_label=_("Any"),
    )
    theme = django_filters.ModelChoiceFilter(
        field_name="themes", to_field_name="slug", queryset=Theme.objects.all(), label=_("Theme"), empty_label=_("Any")
    )
    target = django_filters.ChoiceFilter(
        method="target_country", choices=lambda: list(countries), label=_("Target country"), empty_label=_("Any")
    )
    presence = django_filters.ChoiceFilter(
        method="presence_country", choices=lambda: list(countries), label=_("Local presence in"), empty_label=_("Any")
    )
    size = django_filters.ChoiceFilter(choices=Company.Size.choices, label=_("Size"), empty_label=_("Any"))
    city = django_filters.CharFilter(field_name="city", lookup_expr="iexact", label=_("City"))

    class Meta:
        model = Company
        fields: list[str] = []
        form = forms.Form

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if "search_rank" in queryset.query.annotations:
            # Searching on PostgreSQL: the best match first, then the directory's own order.
            queryset = queryset.order_by("-search_rank", "name", "id")
        return queryset

    def search(self, queryset, name, value):
        return directory_search(queryset, value)

    def target_country(self, queryset, name, value):
        return queryset.filter(target_countries__contains=value)

    def presence_country(self, queryset, name, value):
        return queryset.present_in(value)
