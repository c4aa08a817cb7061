from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Lab, Organisation, Post, RoleInvitation, Theme


class RoleInvitationForm(forms.ModelForm):
    lab = forms.ModelChoiceField(
        queryset=Lab.objects.select_related("country"),
        required=False,
        label=_("Lab"),
        help_text=_("For a business developer."),
    )
    post = forms.ModelChoiceField(
        queryset=Post.objects.select_related("country"),
        required=False,
        label=_("Post"),
        help_text=_("For embassy staff."),
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.all(),
        required=False,
        label=_("Organisation"),
        help_text=_("For an organisation member."),
    )

    class Meta:
        model = RoleInvitation
        fields = ["email", "role", "lab", "post", "organisation"]

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role == RoleInvitation.Role.BUSINESS_DEVELOPER:
            if not data.get("lab"):
                self.add_error("lab", _("Choose the Lab this business developer will work for."))
            data["post"] = None
        elif role == RoleInvitation.Role.EMBASSY_STAFF:
            if not data.get("post"):
                self.add_error("post", _("Choose the post this staff member works at."))
            data["lab"] = None
        if role != RoleInvitation.Role.ORGANISATION_MEMBER:
            data["organisation"] = None
        elif not data.get("organisation"):
            self.add_error("organisation", _("Choose the organisation this person will keep current."))
        else:
            data["lab"] = data["post"] = None
        return data


class ThemeForm(forms.ModelForm):
    class Meta:
        model = Theme
        fields = ["slug", "name_en", "name_nl", "description_en", "description_nl", "countries"]
        widgets = {"countries": forms.CheckboxSelectMultiple}
