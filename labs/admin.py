from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from creativelabs.autocomplete import SafeAutocompleteMixin

from .models import (
    BusinessDeveloper,
    Country,
    EmbassyStaff,
    Lab,
    LabPartner,
    Organisation,
    OrganisationContact,
    OrganisationMember,
    Post,
    RoleInvitation,
    Theme,
)
from .services import role_invitation_send


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_focus", "ordering"]
    list_filter = ["is_focus"]
    search_fields = ["code"]


class LabPartnerInline(SafeAutocompleteMixin, admin.TabularInline):
    """Programme admins link a Dutch company with a local presence to the Lab, for a period."""

    model = LabPartner
    extra = 0
    fields = ["company", "starts_on", "ends_on"]
    autocomplete_fields = ["company"]


@admin.register(Lab)
class LabAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "city", "default_fee_percentage", "is_trusted"]
    list_filter = ["country", "is_trusted"]
    search_fields = ["name", "city"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [LabPartnerInline]


@admin.register(LabPartner)
class LabPartnerAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    """Lab partner companies: while current, their members develop opportunities for the Lab."""

    list_display = ["company", "lab", "starts_on", "ends_on"]
    list_filter = ["lab__country", "lab"]
    search_fields = ["company__name", "lab__name"]
    list_select_related = ["company", "lab"]
    fields = ["lab", "company", "starts_on", "ends_on"]
    autocomplete_fields = ["company"]


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
    list_display = ["email", "role", "lab", "post", "organisation", "invited_by", "created_at", "accepted_at"]
    list_filter = ["role", "lab", "post"]
    search_fields = ["email"]
    list_select_related = ["lab", "post", "organisation", "invited_by"]
    fields = ["email", "role", "lab", "post", "organisation"]
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


class OrganisationContactInline(admin.TabularInline):
    model = OrganisationContact
    extra = 0
    fields = ["name", "job_title", "email", "phone", "opted_in_at"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "city", "updated_at"]
    list_filter = ["kind", "country", "themes"]
    search_fields = ["name", "city", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["themes"]
    readonly_fields = ["created_by"]
    inlines = [OrganisationContactInline]


@admin.register(OrganisationMember)
class OrganisationMemberAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["user", "organisation", "created_at"]
    list_filter = ["organisation__kind"]
    search_fields = ["user__email", "user__full_name", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user"]
