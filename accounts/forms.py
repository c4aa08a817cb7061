from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from creativelabs.validators import single_line

from .models import User


def _terms_label():
    link = format_html('<a href="{}">', reverse_lazy("privacy"))
    return format_html(
        _("I accept the portal's {link}terms and privacy statement{end}"),
        link=link,
        end=mark_safe("</a>"),  # noqa: S308
    )


class SignupForm(AllauthSignupForm):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        validators=[single_line],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
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
