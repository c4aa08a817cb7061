import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import roles_of
from labs.models import Country, Lab, Post, Theme

from .models import Exchange, known_time_zones

LOCAL_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ExchangeForm(forms.ModelForm):
    """The organiser's form. Start and end are typed in the place's time zone and stored as instants."""

    local_start = forms.DateTimeField(label=_("Starts (local time of the place)"), widget=LOCAL_INPUT)
    local_end = forms.DateTimeField(label=_("Ends (local time of the place)"), widget=LOCAL_INPUT)
    online_url = forms.URLField(label=_("Link to join"), required=False, assume_scheme="https")

    class Meta:
        model = Exchange
        fields = [
            "kind", "title_en", "title_nl", "description_en", "description_nl", "lab", "post", "themes",
            "is_online", "venue", "city", "place_country", "online_url", "time_zone", "capacity",
            "registration_deadline", "audience", "requires_approval",
        ]  # fmt: skip
        widgets = {
            "registration_deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "themes": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        roles = roles_of(user)
        self.fields["themes"].queryset = Theme.objects.active()
        self.fields["time_zone"].help_text = _("The place's time zone, for example Europe/Berlin or Asia/Shanghai.")
        self.fields["time_zone"].widget.attrs["list"] = "time-zones"
        if self.instance.pk:
            self.initial["local_start"] = self.instance.local_start.replace(tzinfo=None)
            self.initial["local_end"] = self.instance.local_end.replace(tzinfo=None)
        # Who organises: an admin chooses; a business developer's is their Lab, embassy staff's their post.
        if roles.is_admin:
            self.fields["lab"].queryset = Lab.objects.all()
            self.fields["post"].queryset = Post.objects.all()
        else:
            del self.fields["lab"]
            del self.fields["post"]
            if not self.instance.pk:
                if roles.is_business_developer:
                    self.instance.lab = roles.business_developer.lab
                else:
                    self.instance.post = roles.embassy_staff.post

    def clean_time_zone(self):
        value = self.cleaned_data["time_zone"].strip()
        if value not in known_time_zones():
            raise forms.ValidationError(_("Not a known time zone (for example Europe/Berlin)."))
        return value

    def clean(self):
        data = super().clean()
        if "lab" in self.fields and bool(data.get("lab")) == bool(data.get("post")):
            self.add_error("lab", _("Choose either a Lab or a post as the organiser."))
        if data.get("is_online"):
            if not data.get("online_url"):
                self.add_error("online_url", _("Give the link to join an online exchange."))
        elif not data.get("city") or not data.get("place_country"):
            self.add_error("city", _("Give the city and country of the place, or mark the exchange as online."))
        zone = data.get("time_zone")
        start, end = data.get("local_start"), data.get("local_end")
        if zone and start and end:
            tz = zoneinfo.ZoneInfo(zone)
            self.starts_at = timezone.make_aware(start.replace(tzinfo=None), tz)
            self.ends_at = timezone.make_aware(end.replace(tzinfo=None), tz)
            if self.ends_at <= self.starts_at:
                self.add_error("local_end", _("The end must come after the start."))
            deadline = data.get("registration_deadline")
            if deadline and deadline > self.starts_at.astimezone(tz).date():
                self.add_error("registration_deadline", _("Registration must close by the day the exchange starts."))
        return data

    def service_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}
        themes = fields.pop("themes")
        lab = fields.pop("lab", self.instance.lab)
        post = fields.pop("post", self.instance.post)
        fields.update(
            lab=lab, post=post, country=_country_of(lab, post), starts_at=self.starts_at, ends_at=self.ends_at
        )
        return {"themes": themes, **fields}


def _country_of(lab, post) -> Country:
    return (lab or post).country


class RegistrationForm(forms.Form):
    participants = forms.ModelMultipleChoiceField(
        label=_("Who of your company takes part"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    motivation = forms.CharField(
        label=_("Why you want to take part"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import User

        membership = roles_of(user).membership
        if membership is None:
            self.fields["participants"].queryset = User.objects.filter(pk=user.pk)
            self.fields["participants"].required = False
            self.fields["participants"].widget = forms.MultipleHiddenInput()
        else:
            self.fields["participants"].queryset = User.objects.filter(
                membership__company_id=membership.company_id, is_active=True
            )
            self.initial.setdefault("participants", [user.pk])


class ExchangeFilterForm(forms.Form):
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.focus(), required=False, to_field_name="code"
    )
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.all(), required=False, to_field_name="slug")
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any kind")), *Exchange.Kind.choices], required=False)

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["country"]:
            queryset = queryset.filter(country=data["country"])
        if data["theme"]:
            queryset = queryset.filter(themes=data["theme"])
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        return queryset


class MeetingForm(forms.Form):
    """A meeting asked of another participant: the time is typed in the exchange's place's time zone."""

    invitee = forms.TypedChoiceField(label=_("Whom to meet"), coerce=int)
    starts_at = forms.DateTimeField(label=_("Starts (local time of the exchange)"), widget=LOCAL_INPUT)
    minutes = forms.TypedChoiceField(
        label=_("How long"),
        coerce=int,
        choices=[
            (15, _("15 minutes")),
            (30, _("30 minutes")),
            (45, _("45 minutes")),
            (60, _("1 hour")),
            (90, _("1.5 hours")),
            (120, _("2 hours")),
        ],  # fmt: skip
        initial=30,
    )
    message = forms.CharField(
        label=_("What you would like to talk about"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, exchange: Exchange, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.exchange = exchange
        self.fields["invitee"].choices = [(r.pk, str(r.company or r.registered_by)) for r, _shared in partners]
        start = exchange.local_start.replace(tzinfo=None)
        self.fields["starts_at"].widget.attrs.update(
            min=start.strftime("%Y-%m-%dT%H:%M"), max=exchange.local_end.replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M")
        )
        self.initial.setdefault("starts_at", start)

    def clean_starts_at(self):
        """The time as typed, in the exchange's zone, as an instant."""
        value = self.cleaned_data["starts_at"]
        return value.replace(tzinfo=None).replace(tzinfo=self.exchange.zone)
