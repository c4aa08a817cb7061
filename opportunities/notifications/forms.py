from django import forms

from accounts.models import NotificationPreference

from .preferences import CATEGORY_FIELDS


class NotificationPreferenceForm(forms.ModelForm):
    """The e-mails a person gets; only the choices that concern their roles are shown."""

    class Meta:
        model = NotificationPreference
        fields = [
            "match_alerts",
            "status_emails",
            "lab_digest",
            "opportunity_emails",
            "saved_search_emails",
            "other_emails",
        ]
        widgets = {"match_alerts": forms.RadioSelect}

    def __init__(self, *args, categories: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        shown = {CATEGORY_FIELDS[category] for category in categories}
        for name, field in list(self.fields.items()):
            if name not in shown:
                del self.fields[name]
            elif isinstance(field, forms.BooleanField):
                field.widget.attrs["class"] = "form-check-input"
