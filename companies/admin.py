from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from creativelabs.autocomplete import SafeAutocompleteMixin
from creativelabs.history_admin import HistoryAdmin

from . import services
from .models import Company, Discipline, Membership


@admin.register(Discipline)
class DisciplineAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_en", "name_nl", "ordering"]
    search_fields = ["slug", "name_en", "name_nl"]


class MembershipInline(SafeAutocompleteMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class CompanyAdminForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")
    """The admin's form for the fields it may change (the logo is shown read-only): the logo can only be removed."""

    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)


@admin.register(Company)
class CompanyAdmin(HistoryAdmin):
    """An edit here is the profile's edit (`services.company_update`): recorded, and the company's suggestions
    recomputed. A logo is uploaded by the company, whose upload is checked and re-encoded; here it can only go.
    Companies are registered by their owner in the portal."""

    form = CompanyAdminForm
    list_display = ["name", "kvk_number", "city", "size", "is_listed", "created_at"]
    list_filter = ["size", "is_listed", "disciplines"]
    search_fields = ["name", "kvk_number", "city"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["disciplines", "themes"]
    readonly_fields = ["logo", "created_at", "updated_at"]
    inlines = [MembershipInline]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        data = {name: value for name, value in form.cleaned_data.items() if name != "remove_logo"}
        obj._history_user = request.user
        services.company_update(company=obj, data=data, remove_logo=form.cleaned_data.get("remove_logo", False))

    def save_related(self, request, form, formsets, change):
        # The service set the disciplines and themes already; only the team inline is left to save.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(Membership)
class MembershipAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["user", "company", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__full_name", "company__name"]
    list_select_related = ["user", "company"]
    autocomplete_fields = ["user", "company"]
