from django.contrib import admin

from creativelabs.autocomplete import SafeAutocompleteMixin

from .models import Company, Discipline, Membership


@admin.register(Discipline)
class DisciplineAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_en", "name_nl", "ordering"]
    search_fields = ["slug", "name_en", "name_nl"]


class MembershipInline(SafeAutocompleteMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "kvk_number", "city", "size", "is_listed", "created_at"]
    list_filter = ["size", "is_listed", "disciplines"]
    search_fields = ["name", "kvk_number", "city"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["disciplines", "themes"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["user", "company", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__full_name", "company__name"]
    list_select_related = ["user", "company"]
    autocomplete_fields = ["user", "company"]
