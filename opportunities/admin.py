from django.contrib import admin

from .models import Notification, Opportunity, OpportunityAttachment, OpportunityEvent


class OpportunityEventInline(admin.TabularInline):
    model = OpportunityEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "actor", "action", "from_status", "to_status", "note"]

    def has_add_permission(self, request, obj=None):
        return False


class OpportunityAttachmentInline(admin.TabularInline):
    model = OpportunityAttachment
    extra = 0
    readonly_fields = ["original_name", "size_bytes", "created_at"]
    fields = ["original_name", "size_bytes", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ["title", "lab", "country", "status", "deadline", "fee_percentage", "published_at"]
    list_filter = ["status", "country", "lab", "budget_band", "themes"]
    search_fields = ["title", "summary", "client_name", "city"]
    list_select_related = ["lab", "country"]
    filter_horizontal = ["themes", "required_disciplines", "nice_disciplines", "contacts"]
    readonly_fields = ["status", "published_at", "submitted_at", "created_by", "created_at", "updated_at"]
    date_hierarchy = "deadline"
    inlines = [OpportunityAttachmentInline, OpportunityEventInline]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "message", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    search_fields = ["user__email", "message"]
    list_select_related = ["user"]
    readonly_fields = ["user", "kind", "opportunity", "message", "created_at", "read_at", "emailed_at", "dedupe_key"]
