from django.contrib import admin

from creativelabs.history_admin import HistoryAdmin

from .models import (
    Deal,
    Interest,
    Introduction,
    MatchQueue,
    Notification,
    Opportunity,
    OpportunityAttachment,
    OpportunityEvent,
    OutsideWin,
    Suggestion,
    SuggestionAction,
)
from .workflow import services as workflow_services


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


class OutsideWinInline(admin.StackedInline):
    """Why an opportunity closed as won without a deal: recorded by the closing step (`opportunity_close_won`),
    read here, never written (closing as won is the portal's step, which rests on the deals or on this)."""

    model = OutsideWin
    extra = 0
    can_delete = False
    fields = readonly_fields = ["reason", "value", "currency", "recorded_by", "recorded_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


OPPORTUNITY_M2M = ["themes", "required_disciplines", "nice_disciplines", "contacts"]


@admin.register(Opportunity)
class OpportunityAdmin(HistoryAdmin):
    """An edit here is the portal's edit (`workflow.services.opportunity_update`): recorded, and the
    opportunity's suggestions recomputed. The workflow's fields change only through its steps, and
    opportunities are posted through the portal's form (a draft by its author, then reviewed)."""

    list_display = ["title", "lab", "country", "status", "deadline", "fee_percentage", "published_at"]
    list_filter = ["status", "country", "lab", "budget_band", "themes"]
    search_fields = ["title", "summary", "client_name", "city"]
    list_select_related = ["lab", "country"]
    filter_horizontal = OPPORTUNITY_M2M
    readonly_fields = [
        "status",
        "published_at",
        "submitted_at",
        "featured_on_themes",  # the embassy's step on the page (`opportunity_feature`)
        "created_by",
        "created_at",
        "updated_at",
    ]
    date_hierarchy = "deadline"
    inlines = [OutsideWinInline, OpportunityAttachmentInline, OpportunityEventInline]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        fields = {name: value for name, value in form.cleaned_data.items() if name not in OPPORTUNITY_M2M}
        m2m = {name: form.cleaned_data[name] for name in OPPORTUNITY_M2M if name in form.cleaned_data}
        obj._history_user = request.user
        workflow_services.opportunity_update(opportunity=obj, user=request.user, data=fields, m2m=m2m)

    def save_related(self, request, form, formsets, change):
        # The service set the many-to-many fields already; only the inlines are left to save.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "message", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    search_fields = ["user__email", "message"]
    list_select_related = ["user"]
    readonly_fields = ["user", "kind", "opportunity", "message", "created_at", "read_at", "emailed_at", "dedupe_key"]

    def has_add_permission(self, request):
        # Every field is read-only, so an "add" form could only save a notification for nobody
        # (an IntegrityError); notifications are written by notifications.services.notify.
        return False


# --- Suggestions and expressions of interest ---


class SuggestionActionInline(admin.TabularInline):
    model = SuggestionAction
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "actor", "action", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["opportunity", "company", "score", "rank_for_opportunity", "decision", "source", "decided_at"]
    list_filter = ["decision", "source"]
    search_fields = ["opportunity__title", "company__name"]
    list_select_related = ["opportunity", "company"]
    readonly_fields = [field.name for field in Suggestion._meta.fields]
    inlines = [SuggestionActionInline]

    def has_add_permission(self, request):
        return False


@admin.register(Interest)
class InterestAdmin(HistoryAdmin):
    list_display = ["opportunity", "company", "state", "reply", "reply_due", "accepted_fee_percentage", "created_at"]
    list_filter = ["state", "reply"]
    search_fields = ["opportunity__title", "company__name"]
    list_select_related = ["opportunity", "company"]
    # The accepted fee terms are a record of what the company agreed to: never edited afterwards. The state
    # and the Lab's answer change through the portal's steps (answer, withdraw, introduce), which tell the company.
    readonly_fields = [
        "opportunity",
        "company",
        "submitted_by",
        "accepted_fee_percentage",
        "accepted_fee_note",
        "accepted_fee_note_nl",
        "fee_accepted_at",
        "state",
        "reply",
        "reply_reason",
        "replied_by",
        "replied_at",
        "reply_due",
        "withdrawn_at",
        "created_at",
        "updated_at",
    ]
    raw_id_fields = ["contact"]
    filter_horizontal = ["portfolio_items"]

    def has_add_permission(self, request):
        return False


# --- Introductions and deals ----------------------------------------------------------------------


@admin.register(Introduction)
class IntroductionAdmin(HistoryAdmin):
    """The client contact can be corrected here; the outcome is recorded through the portal, which makes the deal."""

    list_display = ["interest", "client_contact_name", "outcome", "introduced_by", "created_at"]
    list_filter = ["outcome"]
    search_fields = ["client_contact_name", "client_contact_email", "interest__company__name"]
    list_select_related = ["interest", "introduced_by"]
    readonly_fields = [
        "interest",
        "introduced_by",
        "outcome",
        "outcome_note",
        "outcome_recorded_by",
        "outcome_recorded_at",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(Deal)
class DealAdmin(HistoryAdmin):
    """Deals are recorded, corrected and confirmed through the portal, which computes the fee and asks the
    company to confirm each version; here they are read, with every earlier value and dispute in the history."""

    list_display = ["introduction", "value", "currency", "fee_percentage", "fee_amount", "state", "closed_on"]
    list_filter = ["state", "currency"]
    search_fields = ["introduction__interest__company__name", "description"]
    list_select_related = ["introduction"]
    date_hierarchy = "closed_on"
    readonly_fields = [field.name for field in Deal._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MatchQueue)
class MatchQueueAdmin(admin.ModelAdmin):
    """Changes waiting for their suggestions to be recomputed; one failing again and again shows here."""

    list_display = ["kind", "object_id", "dirty_since", "attempts", "retry_after", "last_error"]
    list_filter = ["kind"]
    ordering = ["-attempts", "dirty_since"]
    readonly_fields = [field.name for field in MatchQueue._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
