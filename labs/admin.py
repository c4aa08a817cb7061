from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from creativelabs.autocomplete import SafeAutocompleteMixin

from .models import BusinessDeveloper, Country, EmbassyStaff, Lab, Post, RoleInvitation, Theme
from .services import role_invitation_send


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_focus", "ordering"]
    list_filter = ["is_focus"]
    search_fields = ["code"]


@admin.register(Lab)
class LabAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "city", "default_fee_percentage", "is_trusted"]
    list_filter = ["country", "is_trusted"]
    search_fields = ["name", "city"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "city"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "city"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_en", "name_nl", "is_archived", "updated_at"]
    list_filter = ["is_archived", "countries"]
    search_fields = ["slug", "name_en", "name_nl"]
    filter_horizontal = ["countries"]


@admin.register(BusinessDeveloper)
class BusinessDeveloperAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["user", "lab", "job_title", "created_at"]
    list_filter = ["lab__country", "lab"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user", "lab"]
    autocomplete_fields = ["user"]


@admin.register(EmbassyStaff)
class EmbassyStaffAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["user", "post", "job_title", "created_at"]
    list_filter = ["post__country", "post"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user", "post"]
    autocomplete_fields = ["user"]


@admin.register(RoleInvitation)
class RoleInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "lab", "post", "invited_by", "created_at", "accepted_at"]
    list_filter = ["role", "lab", "post"]
    search_fields = ["email"]
    list_select_related = ["lab", "post", "invited_by"]
    fields = ["email", "role", "lab", "post"]
    actions = ["send_again"]

    def has_change_permission(self, request, obj=None):
        # An invitation is sent as it was written; a correction is a new invitation.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        obj.invited_by = request.user
        super().save_model(request, obj, form, change)
        role_invitation_send(invitation=obj)

    @admin.action(description=_("Send the invitation e-mail again"))
    def send_again(self, request, queryset):
        for invitation in queryset.filter(accepted_at__isnull=True):
            role_invitation_send(invitation=invitation)
