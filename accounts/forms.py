from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import NotificationPreference, User


def _terms_label():
    link = format_html('<a href="{}">', reverse_lazy("privacy"))
    return format_html(
        _("I accept the portal's {link}terms and privacy statement{end}"),
        link=link,
        end=mark_safe("</a>"),  # noqa: S308
    )


class SignupForm(AllauthSignupForm):
    full_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    accept_terms = forms.BooleanField(
        label=lazy(_terms_label, str)(),
        error_messages={"required": _("Please accept the terms and privacy statement to create an account.")},
    )

    field_order = ["full_name", "email", "password1", "password2", "accept_terms"]


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "preferred_language"]


class NotificationPreferenceForm(forms.ModelForm):
    """The e-mails a person gets; only the choices that concern their roles are shown."""

    class Meta:
        model = NotificationPreference
        fields = ["match_alerts", "status_emails", "lab_digest", "opportunity_emails", "other_emails"]
        widgets = {"match_alerts": forms.RadioSelect}

    def __init__(self, *args, categories: list[str], **kwargs):
        from .preferences import CATEGORY_FIELDS

        super().__init__(*args, **kwargs)
        shown = {CATEGORY_FIELDS[category] for category in categories}
        for name, field in list(self.fields.items()):
            if name not in shown:
                del self.fields[name]
            elif isinstance(field, forms.BooleanField):
                field.widget.attrs["class"] = "form-check-input"
