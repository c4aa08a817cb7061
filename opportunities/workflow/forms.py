import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import roles_of
from companies.forms import ThemeChoiceMixin
from companies.models import LANGUAGES, Discipline
from creativelabs.validators import single_line
from labs.models import MAX_FEE_PERCENTAGE, BusinessDeveloper, Lab, Theme

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
            "fee_note_nl",
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
        # A Lab partner posts for the Labs it is a current partner of (the partnership goes on the opportunity).
        self.partnerships = {partnership.lab_id: partnership for partnership in roles.lab_partnerships}
        if roles.is_admin:
            labs = Lab.objects.all()
        elif roles.business_developer:
            labs = Lab.objects.filter(Q(pk=roles.business_developer.lab_id) | Q(pk__in=list(self.partnerships)))
        elif roles.embassy_staff:
            labs = Lab.objects.filter(country_id=roles.embassy_staff.post.country_id)
        else:
            labs = Lab.objects.filter(pk__in=list(self.partnerships))
        self.fields["lab"].queryset = labs.select_related("country")
        first_lab = (
            roles.business_developer.lab
            if roles.business_developer
            else next((p.lab for p in roles.lab_partnerships), None)
        )
        if first_lab is not None and not self.instance.pk:
            self.fields["lab"].initial = first_lab.pk
            self.fields["fee_percentage"].initial = first_lab.default_fee_percentage
        self.is_admin = roles.is_admin
        self.developer_lab_id = roles.business_developer.lab_id if roles.business_developer else None
        if self.instance.pk:
            # The Lab is chosen once; moving an opportunity to another Lab is not an edit.
            self.fields["lab"].disabled = True
        fee = self.fields["fee_percentage"]
        # The bounds in the browser too; out of them, one sentence a person understands.
        fee.widget.attrs.update({"min": "0", "max": f"{MAX_FEE_PERCENTAGE:g}", "step": "0.01"})
        for code in ("invalid", "max_digits", "max_whole_digits", "max_decimal_places"):
            fee.error_messages[code] = self.fee_error()
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

    @staticmethod
    def fee_error() -> str:
        return _("Enter a percentage from 0 to %(max)s, with at most two decimals, such as 5 or 7.5.") % {
            "max": f"{MAX_FEE_PERCENTAGE:g}"
        }

    def clean_fee_percentage(self):
        fee = self.cleaned_data["fee_percentage"]
        if fee is not None and not 0 <= fee <= MAX_FEE_PERCENTAGE:
            raise forms.ValidationError(self.fee_error(), code="fee_range")
        return fee

    def clean_expected_start(self):
        start = self.cleaned_data.get("expected_start")
        unchanged = self.instance.pk and self.instance.expected_start == start
        if start and start < timezone.localdate() and not unchanged:
            raise forms.ValidationError(_("The expected start can't be in the past."), code="past")
        return start

    def clean(self):
        data = super().clean()
        start, deadline = data.get("expected_start"), data.get("deadline")
        unchanged = self.instance.pk and (self.instance.expected_start, self.instance.deadline) == (start, deadline)
        if start and deadline and start <= deadline and "expected_start" not in self.errors and not unchanged:
            self.add_error("expected_start", _("The work starts after the deadline for interest: choose a later date."))
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
            lab_id = data["lab"].pk
            if not self.is_admin and lab_id != self.developer_lab_id and lab_id in self.partnerships:
                data["partner"] = self.partnerships[lab_id]
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
