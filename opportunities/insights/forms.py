"""The dashboard's filters: GET parameters, so a view of the figures can be shared as its address.

The choices of country and Lab are only those inside the viewer's scope (`scope.InsightScope`):
a value outside it is a field error, never a wider view.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import Discipline
from labs.models import Country, Lab, Theme

PERIODS = [
    ("30d", _("Last 30 days")),
    ("quarter", _("Last 3 months")),
    ("12m", _("Last 12 months")),
    ("24m", _("Last 24 months")),
    ("all", _("All time")),
]
PERIOD_DAYS = {"30d": 30, "quarter": 91, "12m": 365, "24m": 730}
DEFAULT_PERIOD = "12m"
# Dates outside these years are typing errors, and would not fit a timestamp in every time zone.
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Period:
    """From `start` (inclusive) to `end` (exclusive), aware datetimes; None: no bound on that side."""

    start: datetime.datetime | None = None
    end: datetime.datetime | None = None

    def q(self, field: str):
        """A filter keeping rows whose `field` (a datetime or a date) lies in the period."""
        condition = Q()
        if self.start is not None:
            condition &= Q(**{f"{field}__gte": self.start})
        if self.end is not None:
            condition &= Q(**{f"{field}__lt": self.end})
        return condition

    def date_q(self, field: str):
        """The same for a date field: the local dates the period covers."""
        condition = Q()
        if self.start is not None:
            condition &= Q(**{f"{field}__gte": timezone.localtime(self.start).date()})
        if self.end is not None:
            condition &= Q(**{f"{field}__lt": timezone.localtime(self.end).date()})
        return condition


@dataclass(frozen=True)
class Filters:
    """What the viewer narrowed the figures to (inside their scope)."""

    period: Period = Period()
    country: Country | None = None
    lab: Lab | None = None
    theme: Theme | None = None
    discipline: Discipline | None = None


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class DateInput(forms.DateInput):
    input_type = "date"


class InsightFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DateInput)
    end = forms.DateField(label=_("To (inclusive)"), required=False, widget=DateInput)
    country = forms.ModelChoiceField(
        label=_("Focus country"), queryset=Country.objects.none(), to_field_name="code", required=False
    )
    lab = forms.ModelChoiceField(label=_("Lab"), queryset=Lab.objects.none(), to_field_name="slug", required=False)
    theme = forms.ModelChoiceField(
        label=_("Theme"), queryset=Theme.objects.none(), to_field_name="slug", required=False
    )
    discipline = forms.ModelChoiceField(
        label=_("Discipline"), queryset=Discipline.objects.none(), to_field_name="slug", required=False
    )

    def __init__(self, data=None, *, scope):
        super().__init__(data)
        self.scope = scope
        self.fields["period"].help_text = _("From–to dates, when given, replace the period.")
        self.fields["country"].queryset = scope.countries()
        self.fields["lab"].queryset = scope.labs()
        self.fields["theme"].queryset = Theme.objects.all()
        self.fields["discipline"].queryset = Discipline.objects.all()
        for name in ("country", "lab", "theme", "discipline"):
            self.fields[name].empty_label = _("All in your view") if name in ("country", "lab") else _("All")
        self.fields["period"].initial = DEFAULT_PERIOD

    def _clean_year(self, name):
        value = self.cleaned_data.get(name)
        if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise forms.ValidationError(
                _("Give a date between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return value

    def clean_start(self):
        return self._clean_year("start")

    def clean_end(self):
        return self._clean_year("end")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date is before the start date."))
        return data

    def filters(self) -> Filters:
        """The filters asked for; call after `is_valid()` returned True."""
        data = self.cleaned_data
        return Filters(
            period=self.chosen_period(),
            country=data.get("country"),
            lab=data.get("lab"),
            theme=data.get("theme"),
            discipline=data.get("discipline"),
        )

    def chosen_period(self) -> Period:
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if start or end:
            return Period(
                start=_local_midnight(start) if start else None,
                end=_local_midnight(end + datetime.timedelta(days=1)) if end else None,
            )
        return preset_period(data.get("period") or DEFAULT_PERIOD)

    @staticmethod
    def default_filters() -> Filters:
        """What the page shows before anything is chosen: the whole scope, the default period."""
        return Filters(period=preset_period(DEFAULT_PERIOD))


def preset_period(choice: str) -> Period:
    """A preset: the last N days up to and including today, or all time."""
    if choice == "all":
        return Period()
    today = timezone.localdate()
    tomorrow = _local_midnight(today + datetime.timedelta(days=1))
    return Period(start=_local_midnight(today - datetime.timedelta(days=PERIOD_DAYS[choice] - 1)), end=tomorrow)
