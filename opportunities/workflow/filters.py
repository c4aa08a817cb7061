import datetime

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import LANGUAGES, Discipline
from companies.search import expansion
from creativelabs.search import text_search
from labs.models import Country, Lab, Theme

from ..models import Opportunity, Status

SEARCH_FIELDS = ["title", "summary", "brief", "client_name"]


class OpportunityFilter(django_filters.FilterSet):
    """The opportunity list's filters, all GET parameters so a filtered list can be shared."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    country = django_filters.ModelChoiceFilter(
        queryset=Country.objects.focus(), to_field_name="code", label=_("Country"), empty_label=_("Any")
    )
    lab = django_filters.ModelChoiceFilter(
        queryset=Lab.objects.all(), to_field_name="slug", label=_("Lab"), empty_label=_("Any")
    )
    theme = django_filters.ModelChoiceFilter(
        field_name="themes", queryset=Theme.objects.all(), to_field_name="slug", label=_("Theme"), empty_label=_("Any")
    )
    discipline = django_filters.ModelChoiceFilter(
        method="with_discipline",
        queryset=Discipline.objects.all(),
        to_field_name="slug",
        label=_("Discipline"),
        empty_label=_("Any"),
    )
    budget = django_filters.ChoiceFilter(
        field_name="budget_band", choices=Opportunity.Budget.choices, label=_("Budget"), empty_label=_("Any")
    )
    deadline = django_filters.ChoiceFilter(
        method="by_deadline",
        choices=[("open", _("Open now")), ("soon", _("Closing within 14 days"))],
        label=_("Deadline"),
        empty_label=_("Any"),
    )
    language = django_filters.ChoiceFilter(
        method="in_language", choices=LANGUAGES, label=_("Working language"), empty_label=_("Any")
    )
    # Programme staff only (the dashboard's counts by status link here): other statuses, within what they may see.
    status = django_filters.ChoiceFilter(
        method="with_status", choices=Status.choices, label=_("Status"), empty_label=_("Published")
    )
    sort = django_filters.ChoiceFilter(
        method="sort_by",
        choices=[("deadline", _("Deadline first")), ("newest", _("Newest first"))],
        label=_("Sort"),
        empty_label=_("Best match first when searching, else deadline"),
    )

    class Meta:
        model = Opportunity
        fields: list[str] = []
        form = forms.Form

    def __init__(self, data=None, queryset=None, *, staff: bool = False, published_only: bool = True, **kwargs):
        """`published_only`: without a status asked for, only published ones; off for a queryset that is
        already what the reader may see (the API's, where a partner key's scope adds closed ones)."""
        super().__init__(data, queryset, **kwargs)
        self.published_only = published_only
        if not staff:
            del self.filters["status"]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.published_only and not self.form.cleaned_data.get("status"):
            queryset = queryset.published()
        searching = bool(self.form.cleaned_data.get("q"))
        if not self.form.cleaned_data.get("sort"):
            order = (
                ["-search_rank", "deadline", "id"]
                if searching and "search_rank" in queryset.query.annotations
                else ["deadline", "id"]
            )
            queryset = queryset.order_by(*order)
        return queryset

    def with_status(self, queryset, name, value):
        return queryset.filter(status=value)

    def search(self, queryset, name, value):
        # The glossary and the theme and discipline names expand each word ("fiets" finds "cycling").
        return text_search(queryset, value, SEARCH_FIELDS, vector_column="search_vector", expand=expansion())

    def with_discipline(self, queryset, name, value):
        # Subqueries rather than joins: no DISTINCT over wide rows, for the count and the page.
        required = Opportunity.required_disciplines.through.objects.filter(discipline=value).values("opportunity_id")
        nice = Opportunity.nice_disciplines.through.objects.filter(discipline=value).values("opportunity_id")
        return queryset.filter(Q(pk__in=required) | Q(pk__in=nice))

    def by_deadline(self, queryset, name, value):
        today = timezone.localdate()
        if value == "soon":
            return queryset.open_for_interest().filter(deadline__lte=today + datetime.timedelta(days=14))
        return queryset.open_for_interest()

    def in_language(self, queryset, name, value):
        # Languages are a short JSON list of codes; "contains" on the text works on every database.
        return queryset.filter(languages__icontains=f'"{value}"')

    def sort_by(self, queryset, name, value):
        if value == "newest":
            return queryset.order_by(F("published_at").desc(nulls_last=True), "-id")
        return queryset.order_by("deadline", "id")


class LabWorkspaceFilter(django_filters.FilterSet):
    """The Lab workspace's one filter, the status (a GET parameter, so a page of it can be shared)."""

    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Status"), empty_label=_("Every status"))

    class Meta:
        model = Opportunity
        fields: list[str] = []
        form = forms.Form
