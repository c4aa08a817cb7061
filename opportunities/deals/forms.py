import re

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import Discipline
from creativelabs.validators import single_line
from labs.models import Country, Lab, Theme

from ..models import Deal, Introduction, Opportunity
from .services import DealError, clean_amount

PHONE = re.compile(r"^\+?[0-9 ()./-]{4,40}$")


def optional_amount(raw: str):
    """A typed amount as a Decimal (`clean_amount`), None when left empty; a field error otherwise."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        return clean_amount(raw)
    except DealError as error:
        raise forms.ValidationError(str(error)) from None


def _clean_phone(value: str) -> str:
    value = value.strip()
    if value and not PHONE.match(value):
        raise forms.ValidationError(_("Enter a phone number with digits, spaces and + - ( ) only."))
    return value


class IntroductionForm(forms.Form):
    client_contact_name = forms.CharField(label=_("Client contact's name"), max_length=150, validators=[single_line])
    client_contact_email = forms.EmailField(label=_("Client contact's e-mail address"), max_length=254)
    client_contact_phone = forms.CharField(
        label=_("Client contact's phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("Introduction note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Sent to both sides: why they should talk, and what you agreed with the client."),
    )

    def clean_client_contact_phone(self):
        return _clean_phone(self.cleaned_data["client_contact_phone"])


WON_FIELDS = ("value", "currency", "closed_on", "description")


class OutcomeForm(forms.Form):
    """How an introduction ended; for a won one also the deal (correctable until the company confirms)."""

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        widget=forms.RadioSelect,
        choices=[
            (Introduction.Outcome.WON, Introduction.Outcome.WON.label),
            (Introduction.Outcome.LOST, Introduction.Outcome.LOST.label),
            (Introduction.Outcome.STALLED, Introduction.Outcome.STALLED.label),
        ],
    )
    value = forms.CharField(
        label=_("Deal value"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("Won deals only. Digits with at most two decimals, such as 12500.50."),
    )
    currency = forms.ChoiceField(
        label=_("Currency"),
        choices=Opportunity.Currency.choices,
        required=False,
        error_messages={"invalid_choice": _("Choose one of the currencies EUR, USD or CNY.")},
    )
    closed_on = forms.DateField(
        label=_("Date of the deal"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter the date as YYYY-MM-DD.")},
    )
    description = forms.CharField(
        label=_("Short description of the deal"), max_length=300, required=False, widget=forms.TextInput
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional, for the Lab: what happened, what comes next."),
    )

    def __init__(self, *args, introduction: Introduction, **kwargs):
        deal = getattr(introduction, "deal", None)
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("currency", introduction.interest.opportunity.currency)
        if introduction.outcome != Introduction.Outcome.OPEN:
            initial.setdefault("outcome", introduction.outcome)
            initial.setdefault("note", introduction.outcome_note)
        if deal is not None:
            initial.update(
                value=deal.value, currency=deal.currency, closed_on=deal.closed_on, description=deal.description
            )
        super().__init__(*args, **kwargs)
        self.introduction = introduction
        if introduction.outcome == Introduction.Outcome.WON:
            # A won introduction stays won; only its deal can still be corrected.
            self.fields["outcome"].choices = [(Introduction.Outcome.WON, Introduction.Outcome.WON.label)]

    def clean_value(self):
        return optional_amount(self.cleaned_data["value"])

    def clean_closed_on(self):
        closed_on = self.cleaned_data["closed_on"]
        if closed_on is None:
            return None
        if closed_on > timezone.localdate():
            raise forms.ValidationError(_("The deal date can't be in the future."))
        introduced_on = timezone.localdate(self.introduction.created_at)
        if closed_on < introduced_on:
            raise forms.ValidationError(
                _("The deal can't have closed before the introduction on %(date)s.") % {"date": introduced_on}
            )
        return closed_on

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Introduction.Outcome.WON:
            for name in WON_FIELDS:
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Needed for a won deal."))
        return data


class DealResponseForm(forms.Form):
    """The company's answer to a deal: confirm it, or dispute it with a note."""

    CONFIRM, DISPUTE = "confirm", "dispute"

    action = forms.ChoiceField(choices=[(CONFIRM, CONFIRM), (DISPUTE, DISPUTE)], widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("What is wrong with this deal?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == self.DISPUTE and not data.get("note", "").strip():
            self.add_error("note", _("Tell the business developer what is wrong, so that it can be corrected."))
        return data


class DealFilterForm(forms.Form):
    lab = forms.ModelChoiceField(label=_("Lab"), queryset=Lab.objects.none(), required=False, empty_label=_("All"))
    state = forms.ChoiceField(label=_("State"), choices=[("", _("All")), *Deal.State.choices], required=False)
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    # The dashboard's figures (`/insights/`) link here with their filters: the same narrowing, by the same rule.
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.none(), to_field_name="code", required=False, empty_label=_("All")
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"), queryset=Theme.objects.all(), to_field_name="slug", required=False, empty_label=_("All")
    )
    discipline = forms.ModelChoiceField(
        label=_("Discipline"),
        queryset=Discipline.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All"),
    )
    closed_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    closed_to = forms.DateField(
        label=_("To (inclusive)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, labs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lab"].queryset = labs
        self.fields["country"].queryset = Country.objects.filter(code__in=labs.values("country_id"))

    def filter(self, deals):
        """`deals` narrowed by the filters that are valid; invalid ones are shown as errors and ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        opportunity = "introduction__interest__opportunity__"
        if data.get("lab"):
            deals = deals.filter(introduction__interest__opportunity__lab=data["lab"])
        if data.get("state"):
            deals = deals.filter(state=data["state"])
        if data.get("year"):
            deals = deals.filter(closed_on__year=data["year"])
        if data.get("country"):
            deals = deals.filter(**{f"{opportunity}lab__country": data["country"]})
        if data.get("theme"):
            themed = Opportunity.themes.through.objects.filter(theme=data["theme"]).values("opportunity_id")
            deals = deals.filter(**{f"{opportunity}pk__in": themed})
        if data.get("discipline"):
            required = Opportunity.required_disciplines.through.objects.filter(discipline=data["discipline"])
            nice = Opportunity.nice_disciplines.through.objects.filter(discipline=data["discipline"])
            deals = deals.filter(
                Q(**{f"{opportunity}pk__in": required.values("opportunity_id")})
                | Q(**{f"{opportunity}pk__in": nice.values("opportunity_id")})
            )
        if data.get("closed_from"):
            deals = deals.filter(closed_on__gte=data["closed_from"])
        if data.get("closed_to"):
            deals = deals.filter(closed_on__lte=data["closed_to"])
        return deals
