"""Programme admins issue partner keys (the key shown once, on the page after saving) and revoke them.

Both go through api/services.py. A key is never edited: a partner whose scope changes gets a new key
and the old one is revoked, so what a key could read is what it was issued with.
"""

from django import forms
from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from labs.models import Country

from .models import ApiKey
from .scopes import country_scope
from .services import api_key_issue, api_key_revoke

ADD_FIELDS = ["partner_name", "contact_name", "contact_email", "countries"]
SHOWN_FIELDS = [
    "partner_name",
    "contact_name",
    "contact_email",
    "scopes",
    "prefix",
    "issued_by",
    "created_at",
    "last_used_at",
    "revoked_at",
]


def _focus_countries():
    return [(country.code, country.name) for country in Country.objects.focus()]


class ApiKeyForm(forms.ModelForm):
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        choices=_focus_countries,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The key also reads these countries' opportunities that closed in the last year. "
            "Leave empty for a key that only raises the rate limit."
        ),
    )

    class Meta:
        model = ApiKey
        fields = ["partner_name", "contact_name", "contact_email"]


class RevokedFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", _("Active")), ("revoked", _("Revoked"))]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = ["partner_name", "prefix", "contact_name", "contact_email", "scopes", "created_at", "last_used_at"]
    list_display_links = ["partner_name"]
    list_filter = [RevokedFilter]
    search_fields = ["partner_name", "contact_name", "contact_email", "prefix"]
    list_select_related = ["issued_by"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        return SHOWN_FIELDS if obj is not None else ADD_FIELDS

    def get_readonly_fields(self, request, obj=None):
        return SHOWN_FIELDS if obj is not None else []

    def has_change_permission(self, request, obj=None):
        # The list's action needs the permission; a key itself is never edited.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # A revoked key stays on record: who had access, until when.
        return False

    def save_model(self, request, obj, form, change):
        issued = api_key_issue(
            partner_name=form.cleaned_data["partner_name"],
            contact_name=form.cleaned_data["contact_name"],
            contact_email=form.cleaned_data["contact_email"],
            scopes=[country_scope(code) for code in form.cleaned_data["countries"]],
            issued_by=request.user,
        )
        # The admin logs and answers with the row the service made (or found).
        obj.pk = issued.api_key.pk
        obj.prefix = issued.api_key.prefix
        obj._state.adding = False
        request.issued_api_key = issued

    def response_add(self, request, obj, post_url_continue=None):
        """The one page that shows the key: it is stored nowhere, so it can't be shown again."""
        issued = request.issued_api_key
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("API key issued"),
            "api_key": issued.api_key,
            "secret": issued.secret,
        }
        return TemplateResponse(request, "admin/api/apikey/issued.html", context)

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        revoked = sum(api_key_revoke(api_key=key) for key in queryset.filter(revoked_at__isnull=True))
        self.message_user(
            request,
            ngettext("%(count)d key revoked.", "%(count)d keys revoked.", revoked) % {"count": revoked},
        )
