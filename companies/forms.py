import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from labs.models import Theme

from .models import LANGUAGES, Company, CompanyInvitation, Discipline, PortfolioItem

KVK_HELP = _("The 8 digits of your company's registration at the Dutch Chamber of Commerce (KvK).")


def validate_kvk(value: str) -> str:
    value = value.replace(" ", "").replace(".", "")
    if not (len(value) == 8 and value.isascii() and value.isdigit()) or value == "00000000":
        raise forms.ValidationError(_("A KvK number has exactly 8 digits, for example 12345678."), code="kvk")
    return value


class ThemeChoiceMixin:
    """Archived themes can't be chosen for new records, but stay on records that have them."""

    def limit_themes(self, current_ids) -> None:
        field = self.fields["themes"]
        field.queryset = Theme.objects.filter(is_archived=False) | Theme.objects.filter(pk__in=list(current_ids))


class CountriesWidget(forms.MultiWidget):
    """Several countries: the focus countries as checkboxes, every other one in a list below (a plain multiple
    select: no JavaScript needed, and typing a name jumps to it). Submitted as one list of codes."""

    def __init__(self, focus, others, attrs=None):
        self.focus_codes = {code for code, _name in focus}
        widgets = {
            "focus": forms.CheckboxSelectMultiple(choices=focus),
            "other": forms.SelectMultiple(choices=others, attrs={"size": 6, "aria-label": _("Other countries")}),
        }
        super().__init__(widgets, attrs)

    def get_context(self, name, value, attrs):
        # The value is always one flat list of codes (from the form or the data): split it for the two widgets.
        return super().get_context(name, self.decompress(value), attrs)

    def decompress(self, value):
        codes = [str(code) for code in (value or [])]
        return [[c for c in codes if c in self.focus_codes], [c for c in codes if c not in self.focus_codes]]

    def value_from_datadict(self, data, files, name):
        focus, other = super().value_from_datadict(data, files, name)
        # The plain name too: a client that posts the codes as one list (as before this widget) still works.
        plain = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
        return list(dict.fromkeys([*(focus or []), *(other or []), *plain]))

    def value_omitted_from_data(self, data, files, name):
        return False  # an empty choice is a choice: no country


class CountriesField(forms.MultipleChoiceField):
    """A company's target or presence countries, the focus countries first (`CountriesWidget`)."""

    def __init__(self, *, label, help_text="", **kwargs):
        from django_countries import countries

        from labs.models import Country

        focus_codes = list(Country.objects.focus().values_list("code", flat=True))
        named = dict(countries)
        focus = [(code, named.get(code, code)) for code in focus_codes]
        others = sorted(((c, n) for c, n in countries if c not in focus_codes), key=lambda pair: str(pair[1]))
        super().__init__(
            choices=[*focus, *others],
            widget=CountriesWidget(focus, others),
            required=False,
            label=label,
            help_text=help_text,
            **kwargs,
        )


class CompanyForm(ThemeChoiceMixin, forms.ModelForm):
    disciplines = forms.ModelMultipleChoiceField(
        queryset=Discipline.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Disciplines"),
        error_messages={"required": _("Choose at least one discipline: matching starts from what you do.")},
    )
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Themes of interest"),
    )
    languages = forms.MultipleChoiceField(
        choices=LANGUAGES, widget=forms.CheckboxSelectMultiple, required=False, label=_("Working languages")
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    logo_upload = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = Company
        fields = [
            "name",
            "kvk_number",
            "website",
            "city",
            "size",
            "founded_year",
            "pitch",
            "description",
            "disciplines",
            "themes",
            "target_countries",
            "presence_countries",
            "languages",
            "is_listed",
            "open_to_matching",
        ]
        widgets = {
            "pitch": forms.Textarea(attrs={"rows": 2, "maxlength": 300}),
            "description": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {"kvk_number": KVK_HELP, "pitch": _("One or two sentences, at most 300 characters.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_themes(self.instance.themes.values_list("pk", flat=True) if self.instance.pk else [])
        self.fields["city"].help_text = _("Where the company is based in the Netherlands.")
        # Built here, not as class attributes: the focus countries are rows in the database.
        self.fields["target_countries"] = CountriesField(
            label=_("Target countries"), help_text=_("Where the company wants to work.")
        )
        self.fields["presence_countries"] = CountriesField(
            label=_("Local presence"), help_text=Company._meta.get_field("presence_countries").help_text
        )
        for name in ("target_countries", "presence_countries"):
            if self.instance.pk:
                self.initial[name] = [str(c.code) for c in getattr(self.instance, name)]

    def clean_kvk_number(self):
        value = validate_kvk(self.cleaned_data["kvk_number"])
        taken = Company.objects.filter(kvk_number=value).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _(
                    "A company with this KvK number is already registered. Ask your colleague "
                    "who registered it for an invitation to join the team."
                ),
                code="duplicate",
            )
        return value

    def clean_founded_year(self):
        year = self.cleaned_data.get("founded_year")
        if year is not None and not 1800 <= year <= datetime.date.today().year:
            raise forms.ValidationError(_("Enter a year between 1800 and this year."))
        return year

    def model_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        return data


class PortfolioItemForm(ThemeChoiceMixin, forms.ModelForm):
    disciplines = forms.ModelMultipleChoiceField(
        queryset=Discipline.objects.all(), widget=forms.CheckboxSelectMultiple, required=False, label=_("Disciplines")
    )
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.none(), widget=forms.CheckboxSelectMultiple, required=False, label=_("Themes")
    )
    link = forms.URLField(label=_("Link"), required=False, assume_scheme="https")

    class Meta:
        model = PortfolioItem
        fields = ["title", "client", "year", "country", "description", "disciplines", "themes", "link", "visibility"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        help_texts = {"client": _("Optional. Leave empty if the client should stay anonymous.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_themes(self.instance.themes.values_list("pk", flat=True) if self.instance.pk else [])

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year is not None and not 1900 <= year <= datetime.date.today().year + 1:
            raise forms.ValidationError(_("Enter a year between 1900 and next year."))
        return year

    def model_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PortfolioFileForm(forms.Form):
    upload = forms.FileField(
        label=_("Add an image or PDF"),
        help_text=_("JPEG, PNG or WebP images up to 10 MB; PDFs up to 20 MB. Up to 6 images and 2 PDFs per item."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}),
    )


class TeamInvitationForm(forms.ModelForm):
    class Meta:
        model = CompanyInvitation
        fields = ["email"]
        labels = {"email": _("Colleague's e-mail address")}
