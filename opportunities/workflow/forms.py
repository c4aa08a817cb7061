import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import roles_of
from companies.forms import ThemeChoiceMixin
from companies.models import LANGUAGES, Discipline
from creativelabs.validators import single_line
from labs.models import BusinessDeveloper, Lab, Theme

from ..deals.forms import optional_amount
from ..models import Opportunity

M2M_FIELDS = ["themes", "required_disciplines", "nice_disciplines", "contacts"]


class OpportunityForm(ThemeChoiceMixin, forms.ModelForm):
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.none(), widget=forms.CheckboxSelectMultiple, required=False, label=_("Themes")
    )
    required_disciplines = forms.ModelMultipleChoiceField(
        queryset=Discipline.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Required disciplines"),
        error_messages={"required": _("Choose at least one required discipline: matching starts from it.")},
    )
    nice_disciplines = forms.ModelMultipleChoiceField(
        queryset=Discipline.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Nice-to-have disciplines"),
    )
    languages = forms.MultipleChoiceField(
        choices=LANGUAGES, widget=forms.CheckboxSelectMultiple, required=False, label=_("Working languages")
    )
    contacts = forms.ModelMultipleChoiceField(
        queryset=BusinessDeveloper.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Contact business developers"),
    )

    class Meta:
        model = Opportunity
        fields = [
            "lab",
            "title",
            "summary",
            "brief",
            "client_name",
            "client_is_public",
            "city",
            "themes",
            "required_disciplines",
            "nice_disciplines",
            "budget_band",
            "currency",
            "expected_start",
            "deadline",
            "languages",
            "contacts",
            "fee_percentage",
            "fee_note",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2, "maxlength": 300}),
            "brief": forms.Textarea(attrs={"rows": 8}),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "expected_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        roles = roles_of(user)
        self.limit_themes(self.instance.themes.values_list("pk", flat=True) if self.instance.pk else [])
        if roles.is_admin:
            labs = Lab.objects.all()
        elif roles.business_developer:
            labs = Lab.objects.filter(pk=roles.business_developer.lab_id)
        elif roles.embassy_staff:
            labs = Lab.objects.filter(country_id=roles.embassy_staff.post.country_id)
        else:
            labs = Lab.objects.none()
        self.fields["lab"].queryset = labs.select_related("country")
        if roles.business_developer and not self.instance.pk:
            self.fields["lab"].initial = roles.business_developer.lab_id
            self.fields["fee_percentage"].initial = roles.business_developer.lab.default_fee_percentage
        if self.instance.pk:
            # The Lab is chosen once; moving an opportunity to another Lab is not an edit.
            self.fields["lab"].disabled = True
        lab_ids = list(labs.values_list("pk", flat=True))
        self.fields["contacts"].queryset = BusinessDeveloper.objects.filter(lab_id__in=lab_ids).select_related("user")

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        unchanged = self.instance.pk and self.instance.deadline == deadline
        if deadline < timezone.localdate() and not unchanged:
            raise forms.ValidationError(_("The deadline can't be in the past."))
        if deadline > timezone.localdate() + datetime.timedelta(days=730):
            raise forms.ValidationError(_("Choose a deadline within two years."))
        return deadline

    def clean(self):
        data = super().clean()
        lab = data.get("lab")
        contacts = data.get("contacts")
        if lab and contacts and any(contact.lab_id != lab.pk for contact in contacts):
            self.add_error("contacts", _("Contacts must work for the opportunity's Lab."))
        return data

    def split(self) -> tuple[dict, dict]:
        """(plain fields, many-to-many fields) for the services."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name not in M2M_FIELDS}
        if self.instance.pk:
            data.pop("lab")
        else:
            data["country"] = data["lab"].country
        return data, {name: self.cleaned_data[name] for name in M2M_FIELDS}


class TransitionForm(forms.Form):
    note = forms.CharField(
        label=_("Reason or note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CloseWonForm(forms.Form):
    """Closing as won: on the deals recorded (an optional note), or how it was won outside the portal.

    The field checks here give field errors; `services.opportunity_close_won` checks the same again.
    """

    reason = forms.CharField(label=_("How was it won outside the portal?"), max_length=500, validators=[single_line])
    value = forms.CharField(
        label=_("Value, if known"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("Digits with at most two decimals, such as 12500.50. A win outside the portal carries no fee."),
    )
    currency = forms.ChoiceField(
        label=_("Currency"),
        choices=[("", "—"), *Opportunity.Currency.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose one of the currencies EUR, USD or CNY.")},
    )

    def __init__(self, *args, opportunity: Opportunity, has_deals: bool, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("currency", opportunity.currency)
        super().__init__(*args, **kwargs)
        self.has_deals = has_deals
        if has_deals:
            # The deals carry the value; the reason is a note on the step.
            del self.fields["value"], self.fields["currency"]
            reason = self.fields["reason"]
            reason.label, reason.required = _("Note (optional)"), False
            reason.help_text = _("For the history: anything the Lab should remember about this win.")
        else:
            self.fields["reason"].help_text = _(
                "For example: the client hired the studio directly after our matchmaking day. One line."
            )
            self.fields["reason"].error_messages["required"] = _(
                "No deal is recorded for this opportunity: say how it was won outside the portal."
            )

    def clean_value(self):
        return optional_amount(self.cleaned_data["value"])

    def clean(self):
        data = super().clean()
        if not self.has_deals and data.get("value") is not None and not data.get("currency"):
            self.add_error("currency", _("Choose the currency of the value."))
        return data
