from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import SavedSearch
from .lists import QueryError, clean_query


class SavedSearchForm(forms.ModelForm):
    """A saved search's name and how often it alerts (the filters are the list's, not edited here)."""

    class Meta:
        model = SavedSearch
        fields = ["name", "frequency"]
        widgets = {"frequency": forms.RadioSelect}
        help_texts = {"name": _("So you recognise it in your list and in the alerts.")}

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())


class NewSavedSearchForm(SavedSearchForm):
    """Save the list as filtered now: its querystring comes along, checked against the list's filters."""

    query = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta(SavedSearchForm.Meta):
        fields = ["name", "frequency", "query"]

    def __init__(self, *args, list_name: str, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.list_name, self.user = list_name, user

    def clean_query(self):
        try:
            return clean_query(self.list_name, self.cleaned_data.get("query", ""), self.user)
        except QueryError:
            raise forms.ValidationError(
                _("These filters are not understood (a link cut short, or a choice that no longer exists)."),
                code="invalid",
            ) from None
