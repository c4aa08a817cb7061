from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Lab, Post, RoleInvitation, Theme


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

    class Meta:
        model = RoleInvitation
        fields = ["email", "role", "lab", "post"]

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
        return data


class ThemeForm(forms.ModelForm):
    class Meta:
        model = Theme
        fields = ["slug", "name_en", "name_nl", "description_en", "description_nl", "countries"]
        widgets = {"countries": forms.CheckboxSelectMultiple}
