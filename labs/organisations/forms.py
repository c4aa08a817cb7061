from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Organisation, OrganisationContact, Theme


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https", max_length=200)
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Themes"),
    )

    class Meta:
        model = Organisation
        fields = ["name", "slug", "kind", "country", "city", "themes", "description_en", "description_nl", "website"]
        help_texts = {"slug": _("The organisation's address on the portal: lower-case letters, digits and hyphens.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The address of a profile does not move once people link to it.
            del self.fields["slug"]
        else:
            self.fields["slug"].required = True

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug == "new":  # /organisations/new/ is the page to add one
            raise forms.ValidationError(_("This address is reserved; choose another."))
        return slug


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Organisation.Kind.choices]
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    theme = forms.ModelChoiceField(
        label=_("Theme"), required=False, queryset=Theme.objects.active(), to_field_name="slug", empty_label=_("All")
    )

    def __init__(self, *args, countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All countries")), *countries]


class ContactForm(forms.ModelForm):
    opted_in = forms.BooleanField(
        label=_("This person agreed to be listed as a contact of the organisation"),
        required=True,
        error_messages={"required": _("Only people who agreed may be listed.")},
    )

    class Meta:
        model = OrganisationContact
        fields = ["name", "job_title", "email", "phone", "opted_in"]

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if self.organisation and self.organisation.contacts.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("This person is already a contact of the organisation."))
        return email
