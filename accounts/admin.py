from allauth.mfa import admin as allauth_admin
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import NotificationPreference, SentDigest, User


class NotificationPreferenceInline(admin.StackedInline):
    model = NotificationPreference
    can_delete = False
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "preferred_language", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "preferred_language"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["date_joined", "last_login", "terms_version", "terms_accepted_at"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal"), {"fields": ["full_name", "preferred_language", "terms_version", "terms_accepted_at"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]
    inlines = [NotificationPreferenceInline]


@admin.register(SentDigest)
class SentDigestAdmin(admin.ModelAdmin):
    """What was e-mailed as a digest, per person and period: read-only, the record that prevents duplicates."""

    list_display = ["user", "kind", "period", "sent_at"]
    list_filter = ["kind"]
    search_fields = ["user__email"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AuthenticatorForm(forms.ModelForm):
    class Meta:
        model = Authenticator
        fields = "__all__"  # noqa: DJ007 - allauth's own admin shows every field too
        labels = {"created_at": _("Created at"), "last_used_at": _("Last used at")}


def _date_filter(title):
    """A date filter on a field without a translated name (allauth's), titled in the reader's language."""

    class Filter(admin.DateFieldListFilter):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return Filter


# allauth's admin for two-factor methods, with Dutch column and filter names (its fields have none).
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(allauth_admin.AuthenticatorAdmin):
    form = AuthenticatorForm
    list_display = ("user", "type", "created", "last_used")
    list_filter = (
        "type",
        ("created_at", _date_filter(_("created at"))),
        ("last_used_at", _date_filter(_("last used at"))),
    )

    @admin.display(description=_("Created at"), ordering="created_at")
    def created(self, obj):
        return obj.created_at

    @admin.display(description=_("Last used at"), ordering="last_used_at")
    def last_used(self, obj):
        return obj.last_used_at
