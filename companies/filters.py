import django_filters
from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from labs.models import Theme

from .models import Company, Discipline
from .search import directory_search


class ManyOptionsSelect(forms.Select):
    """A select of a few hundred options (the countries) written in one pass. Django's widget template
    renders each option through a template of its own, and the directory shows two country selects on
    every request: 130-225 ms of the page on a busy machine, a few ms this way. Same markup, no optgroups."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (
                    "" if option["value"] is None else option["value"],
                    mark_safe(" selected") if option["selected"] else "",
                    option["label"],
                )
                for _group, choices, _index in widget["optgroups"]
                for option in choices
            ),
        )
        return format_html('<select name="{}"{}>\n{}\n</select>', widget["name"], flatatt(widget["attrs"]), options)


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
        method="target_country",
        choices=lambda: list(countries),
        label=_("Target country"),
        empty_label=_("Any"),
        widget=ManyOptionsSelect,
    )
    presence = django_filters.ChoiceFilter(
        method="presence_country",
        choices=lambda: list(countries),
        label=_("Local presence in"),
        empty_label=_("Any"),
        widget=ManyOptionsSelect,
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
