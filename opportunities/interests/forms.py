"""Forms for decisions on suggestions, expressions of interest and the Lab's replies.

They validate what a person typed; who may do what and whether the step applies now is checked by
the services in `interests.py`.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from companies.models import Company, PortfolioItem, Visibility

from ..models import MAX_MOTIVATION, Interest, Opportunity
from .selectors import fee_note_digest
from .services import LAB_REPLIES, MAX_NOTE

PHONE = re.compile(r"^\+?[0-9 ()./-]{6,40}$")


class DecisionNoteForm(forms.Form):
    """The optional note with a decision: a dismissal's reason, an invitation's personal note."""

    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AddCompanyForm(forms.Form):
    company = forms.ModelChoiceField(
        queryset=Company.objects.filter(open_to_matching=True),
        label=_("Company"),
        error_messages={"invalid_choice": _("Choose a company that is open to match suggestions.")},
    )
    note = DecisionNoteForm.base_fields["note"]


class PortfolioChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, item: PortfolioItem) -> str:
        label = f"{item.title} ({item.year})" if item.year else item.title
        if item.visibility == Visibility.PRIVATE:
            return _("%(item)s — private: the Lab sees it with this expression") % {"item": label}
        return label


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user: User) -> str:
        return f"{user.full_name} ({user.email})" if user.full_name else user.email


class InterestForm(forms.Form):
    """An expression of interest for the member's own company, with the fee terms accepted as shown."""

    motivation = forms.CharField(
        label=_("Motivation"),
        max_length=MAX_MOTIVATION,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Why your company fits this demand, in at most 2000 characters."),
        error_messages={"required": _("Tell the business developer why your company fits.")},
    )
    portfolio_items = PortfolioChoiceField(
        queryset=PortfolioItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Portfolio items that show you can do it"),
        error_messages={"invalid_choice": _("Choose only portfolio items of your own company.")},
    )
    contact = ContactChoiceField(
        queryset=User.objects.none(),
        label=_("Contact person"),
        empty_label=None,
        error_messages={"invalid_choice": _("The contact person must be a member of your company.")},
    )
    contact_phone = forms.CharField(
        label=_("Contact phone (optional)"),
        required=False,
        max_length=40,
        help_text=_("With the country code, for example +31 20 123 4567."),
    )
    accept_fee = forms.BooleanField(
        label=_("I accept these fee terms on behalf of my company."),
        error_messages={"required": _("Accept the fee terms to express interest.")},
    )
    # The terms the person read: compared with the terms as they stand when the form comes back.
    fee_percentage = forms.DecimalField(widget=forms.HiddenInput, max_digits=5, decimal_places=2, required=False)
    fee_digest = forms.CharField(widget=forms.HiddenInput, max_length=16, required=False)

    def __init__(self, *args, company: Company, opportunity: Opportunity, user: User, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        initial = {"contact": user.pk, **initial, **self.terms_of(opportunity)}
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["portfolio_items"].queryset = company.portfolio.all()
        self.fields["contact"].queryset = User.objects.filter(membership__company=company, is_active=True).order_by(
            "full_name", "email"
        )

    @staticmethod
    def terms_of(opportunity: Opportunity) -> dict:
        return {"fee_percentage": opportunity.fee_percentage, "fee_digest": fee_note_digest(opportunity)}

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data["contact_phone"].strip()
        if phone and not PHONE.match(phone):
            raise ValidationError(_("Enter a phone number of digits, spaces and + ( ) - only."))
        return phone


class ReplyForm(forms.Form):
    reply = forms.ChoiceField(
        label=_("Answer"),
        choices=[(value, Interest.Reply(value).label) for value in LAB_REPLIES],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the answers."), "invalid_choice": _("Choose one of the answers.")},
    )
    reason = forms.CharField(
        label=_("Reason or message for the company"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when the company is not selected; the company reads it."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reply") == Interest.Reply.NOT_SELECTED and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Give the company a reason why it was not selected."))
        return cleaned
