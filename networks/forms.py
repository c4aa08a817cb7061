from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.roles import roles_of
from labs.models import Country, Lab, Post, Theme

from .models import ANSWER_MAX, DESCRIPTION_MAX, REQUEST_MAX, Answer, HelpRequest, Network


def _limited(field: forms.Field, limit: int) -> None:
    """The browser counts too (maxlength); the server's limit is the model's validator."""
    field.widget.attrs["maxlength"] = limit


class NetworkForm(forms.ModelForm):
    class Meta:
        model = Network
        fields = ["name", "theme", "countries", "description_en", "description_nl"]
        widgets = {"countries": forms.CheckboxSelectMultiple}
        help_texts = {
            "name": _("Around one theme, for example “Elderly care NL–CN”."),
            "countries": _("The focus countries the network connects with the Netherlands."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        themes = Theme.objects.active()
        if self.instance.pk:
            themes = themes | Theme.objects.filter(pk=self.instance.theme_id)
        self.fields["theme"].queryset = themes
        self.fields["countries"].queryset = Country.objects.focus()
        for name in ("description_en", "description_nl"):
            _limited(self.fields[name], DESCRIPTION_MAX)

    def clean_countries(self):
        countries = self.cleaned_data["countries"]
        roles = roles_of(self.user)
        if roles.is_embassy_staff and not roles.is_admin:
            own = roles.embassy_staff.post.country_id
            if own not in {country.pk for country in countries}:
                raise forms.ValidationError(
                    _("Include your own country (%(country)s): you curate the networks of your post's country.")
                    % {"country": roles.embassy_staff.post.country.name}
                )
        return countries


class NetworkFilterForm(forms.Form):
    theme = forms.ModelChoiceField(
        label=_("Theme"), required=False, queryset=Theme.objects.all(), to_field_name="slug", empty_label=_("All")
    )
    country = forms.ModelChoiceField(
        label=_("Country"), required=False, queryset=Country.objects.focus(), empty_label=_("All countries")
    )
    archived = forms.BooleanField(label=_("Show archived networks"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].label_from_instance = lambda country: country.name


class JoinForm(forms.Form):
    motivation = forms.CharField(
        label=_("What you bring and what you look for"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": ANSWER_MAX}),
        max_length=ANSWER_MAX,
        required=False,
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
    reason = forms.CharField(label=_("Reason (told to them when you decline)"), max_length=300, required=False)


class AddMemberForm(forms.Form):
    lab = forms.ModelChoiceField(label=_("Lab"), queryset=Lab.objects.all(), required=False)
    post = forms.ModelChoiceField(label=_("Post"), queryset=Post.objects.all(), required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("lab")) == bool(data.get("post")):
            raise forms.ValidationError(_("Choose a Lab or a post (one of the two)."))
        return data


class _OnBehalf(forms.ModelForm):
    """The member one acts for: asked only when a person acts for more than one in the network (a Lab and a
    post, say)."""

    membership = forms.TypedChoiceField(label=_("On behalf of"), coerce=int)

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = list(memberships)
        if len(self.memberships) > 1:
            self.fields["membership"].choices = [(m.pk, str(m.member)) for m in self.memberships]
            self.order_fields(["membership"])
        else:
            del self.fields["membership"]

    @property
    def membership_id(self) -> int | None:
        if "membership" in self.fields:
            return self.cleaned_data.get("membership")
        return self.memberships[0].pk if self.memberships else None


class HelpRequestForm(_OnBehalf):
    class Meta:
        model = HelpRequest
        fields = ["title", "body", "contact"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "title": _("In one line, for example “Dutch examples of car-free school streets”."),
            "body": _("What you need, by when, and what you offer in return. At most 4,000 characters."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limited(self.fields["body"], REQUEST_MAX)

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Say what you are looking for."))
        return body


class AnswerForm(_OnBehalf):
    class Meta:
        model = Answer
        fields = ["message", "contact"]
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limited(self.fields["message"], ANSWER_MAX)
