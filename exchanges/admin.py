from django.contrib import admin

from creativelabs.history_admin import HistoryAdmin

from .models import Exchange, Registration


@admin.register(Exchange)
class ExchangeAdmin(HistoryAdmin):
    """Read-mostly: exchanges are made and moved through their steps in the portal (services)."""

    list_display = ["title_en", "kind", "country", "starts_at", "status"]
    list_filter = ["status", "kind", "country"]
    search_fields = ["title_en", "title_nl"]
    readonly_fields = ["status", "published_at", "created_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Registration)
class RegistrationAdmin(HistoryAdmin):
    list_display = ["exchange", "company", "registered_by", "state", "seats"]
    list_filter = ["state"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
