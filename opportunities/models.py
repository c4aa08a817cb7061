import json
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from companies.models import LANGUAGES
from creativelabs.models import known_choice
from creativelabs.translation import with_dutch_version
from creativelabs.validators import single_line
from labs.models import MAX_FEE_PERCENTAGE


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    CLOSED_WON = "closed_won", _("Closed: won")
    CLOSED_NOT_WON = "closed_not_won", _("Closed: not won")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


class OpportunityQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def open_for_interest(self):
        """Published, and the deadline for expressions of interest not passed (today still counts)."""
        return self.filter(open_for_interest_q())


def open_for_interest_q(path: str = "") -> models.Q:
    """`OpportunityQuerySet.open_for_interest` as a filter on the opportunity reached through `path`."""
    return models.Q(**{f"{path}status": Status.PUBLISHED, f"{path}deadline__gte": timezone.localdate()})


class Opportunity(models.Model):
    """A local demand in a focus country, developed by a Lab into an assignment for Dutch SMEs."""

    class Budget(models.TextChoices):
        UNDER_25K = "lt25k", _("Under 25,000")
        FROM_25K = "25k-100k", _("25,000 – 100,000")
        FROM_100K = "100k-500k", _("100,000 – 500,000")
        OVER_500K = "gt500k", _("Over 500,000")
        UNKNOWN = "unknown", _("Not known yet")

    class Currency(models.TextChoices):
        EUR = "EUR", "EUR"
        USD = "USD", "USD"
        CNY = "CNY", "CNY"

    lab = models.ForeignKey("labs.Lab", on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("Lab"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    # Posted by or for a Lab partner company: its members manage it, and a deal's fee goes to the company.
    partner = models.ForeignKey(
        "labs.LabPartner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
        verbose_name=_("Lab partner"),
    )
    title = models.CharField(_("title"), max_length=200, validators=[single_line])
    summary = models.CharField(_("summary"), max_length=300, help_text=_("Public: shown to everyone."))
    brief = models.TextField(_("full brief"), help_text=_("Shown to logged-in companies."))
    client_name = models.CharField(_("local client"), max_length=200, blank=True)
    client_is_public = models.BooleanField(
        _("show the client's name to visitors"), default=False, help_text=_("Logged-in companies always see it.")
    )
    country = models.ForeignKey(
        "labs.Country", on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("country")
    )
    city = models.CharField(_("city"), max_length=100)
    themes = models.ManyToManyField("labs.Theme", blank=True, related_name="opportunities", verbose_name=_("themes"))
    required_disciplines = models.ManyToManyField(
        "companies.Discipline", related_name="required_by", verbose_name=_("required disciplines")
    )
    nice_disciplines = models.ManyToManyField(
        "companies.Discipline", blank=True, related_name="nice_for", verbose_name=_("nice-to-have disciplines")
    )
    budget_band = models.CharField(_("budget"), max_length=20, choices=Budget.choices, default=Budget.UNKNOWN)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR)
    expected_start = models.DateField(_("expected start"), null=True, blank=True)
    deadline = models.DateField(_("deadline for expressions of interest"))
    languages = models.JSONField(_("working languages"), default=list, blank=True)
    contacts = models.ManyToManyField(
        "labs.BusinessDeveloper", blank=True, related_name="contact_for", verbose_name=_("contact business developers")
    )
    fee_percentage = models.DecimalField(
        _("fee percentage"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_FEE_PERCENTAGE)],
        help_text=_("What the business developer asks of the resulting deal, 0–25%."),
    )
    fee_note = models.CharField(
        _("what the fee covers"), max_length=300, blank=True, help_text=_("For example: introduction, local follow-up.")
    )
    # Empty in the database too: bulk loads that write no Dutch note (the benchmarks' COPY) need not name it.
    fee_note_nl = models.CharField(
        _("what the fee covers (Dutch)"),
        max_length=300,
        blank=True,
        default="",
        db_default="",
        help_text=_("Shown on Dutch pages; the text above when empty. A company accepts both as they stand."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    featured_on_themes = models.BooleanField(_("featured on its theme pages"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OpportunityQuerySet.as_manager()
    # Every change, with who made it (`creativelabs.history`); `updated_at` moves on each save and says nothing.
    history = HistoricalRecords(
        excluded_fields=["updated_at"],
        m2m_fields=["themes", "required_disciplines", "nice_disciplines", "contacts"],
        cascade_delete_history=True,
    )

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fee_percentage__gte=0, fee_percentage__lte=MAX_FEE_PERCENTAGE),
                name="opportunity_fee_in_range",
            ),
            known_choice("status", Status.choices, "opportunity_status_known"),
        ]
        indexes = [models.Index(fields=["status", "deadline"]), models.Index(fields=["status", "-published_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("opportunities:detail", kwargs={"pk": self.pk})

    @property
    def local_fee_note(self) -> str:
        return with_dutch_version(self, "fee_note")

    @property
    def is_open_for_interest(self) -> bool:
        """The same rule as `Opportunity.objects.open_for_interest()`, for one opportunity in hand."""
        return self.status == Status.PUBLISHED and self.deadline >= timezone.localdate()

    @property
    def language_names(self) -> list[str]:
        names = dict(LANGUAGES)
        return [str(names.get(code, code)) for code in self.languages]


class OpportunityEvent(models.Model):
    """One step in an opportunity's history: who did what, when, and why."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        EDITED = "edited", _("edited")
        SUBMITTED = "submitted", _("submitted for review")
        SENT_BACK = "sent_back", _("sent back")
        REJECTED = "rejected", _("rejected")
        PUBLISHED = "published", _("published")
        CLOSED = "closed", _("closed")
        WITHDRAWN = "withdrawn", _("withdrawn")
        EXPIRED = "expired", _("expired")

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history")

    def __str__(self) -> str:
        return f"{self.opportunity} {self.action}"


def _attachment_path(instance, filename: str) -> str:
    return f"opportunities/{instance.opportunity_id}/{filename}"


class OpportunityAttachment(models.Model):
    """A PDF with more about the demand, checked like portfolio uploads and served as a download."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=255)
    original_name = models.CharField(max_length=150)
    size_bytes = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Notification(models.Model):
    """An in-app message to one person; the same event may also go out by e-mail."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # The words as first written, in the recipient's language; shown for rows without `params`.
    message = models.CharField(max_length=300)
    # What the message is made of (notifications/params.py), put into words in the reader's language.
    params = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set once the e-mail went out; a retried task sends nothing twice.
    emailed_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=120, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text

    @property
    def link(self) -> str:
        """Where a notification about something else than an opportunity leads: its `link`, as a path on this
        site ('' when it has none, or one that is not this site's)."""
        link = (self.params or {}).get("link")
        if not isinstance(link, str) or not link.startswith(settings.SITE_URL + "/"):
            return ""
        return link.removeprefix(settings.SITE_URL)

    @property
    def text(self) -> str:
        """The message in the active language (notifications.messages.notification_text)."""
        from .notifications.messages import notification_text

        return notification_text(self)


class JSONTextField(models.TextField):
    """JSON kept as plain text: read and written whole, never queried inside. On PostgreSQL `jsonb` would
    parse every value on the way in, which is a tenth of a full recompute's write."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else json.loads(value)

    def to_python(self, value):
        return json.loads(value) if isinstance(value, str) else value

    def get_prep_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False)

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))


class SuggestionDecision(models.TextChoices):
    NONE = "", _("No decision yet")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    DISMISSED = "dismissed", _("Dismissed")
    INVITED = "invited", _("Invited to express interest")
    INTRODUCED = "introduced", _("Introduced")


class SuggestionSource(models.TextChoices):
    ENGINE = "engine", _("Suggested by the matching engine")
    MANUAL = "manual", _("Added by hand")


class Suggestion(models.Model):
    """One (company, opportunity) pair the matching engine ranks high, with its explanation.

    The engine rewrites score, ranks and parts; a person's decision on the pair is theirs and
    survives every recompute (a decided pair is kept even when it falls out of the top).
    """

    Decision = SuggestionDecision

    Source = SuggestionSource

    class Band(models.TextChoices):
        STRONG = "strong", _("Strong fit")
        GOOD = "good", _("Good fit")
        POSSIBLE = "possible", _("Possible fit")

    # No other indexes than the pair's unique constraint (opportunity first) and (company, rank): each
    # index costs every row of a full recompute.
    # No foreign-key constraints in the database either: they would check (and lock) the company and
    # the opportunity of each of a full recompute's million rows, a fifth of its time. Deleting a company
    # or an opportunity deletes its suggestions all the same (Django cascades), and a recompute drops
    # the rows of one deleted while it ran (`opportunities.suggestions._drop_orphans`).
    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.CASCADE,
        related_name="suggestions",
        db_index=False,
        db_constraint=False,
        verbose_name=_("opportunity"),
    )
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        related_name="suggestions",
        db_index=False,
        db_constraint=False,
        verbose_name=_("company"),
    )
    score = models.FloatField(_("score"))
    rank_for_opportunity = models.PositiveIntegerField(_("rank for the opportunity"), null=True, blank=True)
    rank_for_company = models.PositiveIntegerField(_("rank for the company"), null=True, blank=True)
    # matching.engine.stored_parts, as canonical JSON text
    parts = JSONTextField(_("explanation"), default=list)
    engine_version = models.CharField(_("engine version"), max_length=20)
    computed_at = models.DateTimeField(_("computed at"))
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, default=Decision.NONE, blank=True
    )
    decision_note = models.CharField(_("note on the decision"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.ENGINE)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["rank_for_opportunity", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "company"], name="one_suggestion_per_pair"),
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=1), name="suggestion_score_0_1"),
            known_choice("decision", SuggestionDecision.choices, "suggestion_decision_known"),
            known_choice("source", SuggestionSource.choices, "suggestion_source_known"),
        ]
        # An opportunity's rows are found through the unique pair (opportunity first) and sorted by rank in
        # memory (a few dozen rows); a company's need an index of their own.
        indexes = [models.Index(fields=["company", "rank_for_company"])]

    def __str__(self) -> str:
        return f"{self.company_id} → {self.opportunity_id}: {self.score:.2f}"

    @property
    def band(self) -> str:
        return band_of(self.score)

    def get_band_display(self) -> str:
        return self.Band(self.band).label


# Score bands shown to people; tuned on the gold set (see docs/matching.md).
BAND_FLOORS = ((0.55, Suggestion.Band.STRONG), (0.35, Suggestion.Band.GOOD))


def band_of(score: float) -> str:
    return next((band for floor, band in BAND_FLOORS if score >= floor), Suggestion.Band.POSSIBLE)


class MatchQueue(models.Model):
    """A company or opportunity whose suggestions must be recomputed, written with the change itself."""

    class Kind(models.TextChoices):
        COMPANY = "company", "company"
        OPPORTUNITY = "opportunity", "opportunity"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    dirty_since = models.DateTimeField()
    # A recompute that keeps failing is tried again further apart each time (reset by the next change).
    attempts = models.PositiveIntegerField(default=0)
    retry_after = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("waiting recompute")
        verbose_name_plural = _("waiting recomputes")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="one_queue_entry_per_object")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class FullRecompute(models.Model):
    """A full recompute that committed: when it read the data and when its rankings were stored.

    A full recompute asked for at a time T is done once one that read the data after T has committed; a
    request that meets the lock of one running is tried again later unless that has happened."""

    read_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField()
    pairs = models.PositiveIntegerField()
    seconds = models.FloatField()

    class Meta:
        ordering = ["-finished_at"]
        get_latest_by = "finished_at"

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M}: {self.pairs} pairs"


class ShardedRecompute(models.Model):
    """A full recompute split into shards (`suggestions.sharded`), from its reads to its commit: the documents
    it read (so every shard, on any machine, builds the same processed corpus) and the queue entries it saw.
    Its shards' candidates stay in `RecomputeShard` until the commit, which deletes them with the documents."""

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Committed")
        SUPERSEDED = "superseded", _("Superseded by a later full recompute")

    read_at = models.DateTimeField()
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.RUNNING)
    shards = models.PositiveIntegerField()
    documents = models.BinaryField(default=bytes)  # zlib-compressed pickle of the documents read
    seen = models.JSONField(default=list)  # [[queue entry pk, its dirty_since], ...] at the read

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}: {self.shards} shards, {self.state}"


class RecomputeShard(models.Model):
    """One shard of a `ShardedRecompute`: a block of open opportunities scored against every company; its
    candidate pairs (opportunity and company ids) once done. One row per shard: a shard run twice (a worker
    killed, the message delivered again) writes the same row."""

    run = models.ForeignKey(ShardedRecompute, on_delete=models.CASCADE, related_name="shard_rows")
    number = models.PositiveIntegerField()
    worker = models.CharField(max_length=200, blank=True)  # host and process of its last try
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    pairs = models.BinaryField(null=True)  # candidate (opportunity id, company id) pairs, int64, as .npy
    seconds = models.FloatField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="one_row_per_shard")]

    def __str__(self) -> str:
        return f"shard {self.number} of run {self.run_id}"


# --- From suggestion to deal -------------------------------------------------------------------------


class SuggestionAction(models.Model):
    """Who did what to a suggestion, and when: the history behind its current decision."""

    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="actions", verbose_name=_("suggestion")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("done by")
    )
    action = models.CharField(_("action"), max_length=20)  # "added", a Suggestion.Decision value, or "cleared"
    note = models.CharField(_("note"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("done at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.suggestion_id}"


MAX_MOTIVATION = 2000
REPLY_DAYS = 7


class InterestState(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for an answer")
    ANSWERED = "answered", _("Answered")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class InterestReply(models.TextChoices):
    NONE = "", _("No answer yet")
    INTRODUCED = "introduced", _("Introduced to the client")
    MORE_INFO = "more_info", _("Shortlisted, more information needed")
    NOT_SELECTED = "not_selected", _("Not selected")
    CLOSED = "closed", _("Opportunity closed")


class Interest(models.Model):
    """A company's expression of interest in an opportunity, with the fee terms it accepted then."""

    State = InterestState

    Reply = InterestReply

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="interests", verbose_name=_("opportunity")
    )
    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="interests", verbose_name=_("company")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("sent by")
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("contact person"),
    )
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    motivation = models.TextField(_("motivation"), max_length=MAX_MOTIVATION)
    portfolio_items = models.ManyToManyField(
        "companies.PortfolioItem", blank=True, related_name="+", verbose_name=_("portfolio items")
    )
    # The fee terms as they stood when the company accepted them; later edits don't touch these.
    accepted_fee_percentage = models.DecimalField(_("accepted fee percentage"), max_digits=5, decimal_places=2)
    accepted_fee_note = models.CharField(_("accepted fee note"), max_length=300, blank=True)
    accepted_fee_note_nl = models.CharField(
        _("accepted fee note (Dutch)"), max_length=300, blank=True, default="", db_default=""
    )
    fee_accepted_at = models.DateTimeField(_("fee accepted at"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SUBMITTED, db_index=True)
    reply = models.CharField(_("answer"), max_length=20, choices=Reply.choices, default=Reply.NONE, blank=True)
    reply_reason = models.TextField(_("reason"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    replied_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reply_due = models.DateTimeField(_("answer due"))  # submitted + REPLY_DAYS
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["updated_at"], m2m_fields=["portfolio_items"], cascade_delete_history=True
    )

    class Meta:
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "company"], name="one_interest_per_company"),
            models.CheckConstraint(
                condition=models.Q(accepted_fee_percentage__gte=0, accepted_fee_percentage__lte=MAX_FEE_PERCENTAGE),
                name="interest_fee_within_bounds",
            ),
            known_choice("state", InterestState.choices, "interest_state_known"),
            known_choice("reply", InterestReply.choices, "interest_reply_known"),
        ]
        indexes = [models.Index(fields=["state", "reply_due"])]

    def __str__(self) -> str:
        return f"{self.company_id} → {self.opportunity_id} ({self.state})"

    @property
    def local_accepted_fee_note(self) -> str:
        return with_dutch_version(self, "accepted_fee_note")


class IntroductionOutcome(models.TextChoices):
    OPEN = "open", _("In progress")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    STALLED = "stalled", _("Stalled")


class Introduction(models.Model):
    """A warm introduction of an interested company to the local client; contacts are shared from here on."""

    Outcome = IntroductionOutcome

    interest = models.OneToOneField(
        Interest, on_delete=models.CASCADE, related_name="introduction", verbose_name=_("expression of interest")
    )
    introduced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("introduced by"),
    )
    client_contact_name = models.CharField(_("client contact"), max_length=150, validators=[single_line])
    client_contact_email = models.EmailField(_("client contact e-mail"))
    client_contact_phone = models.CharField(_("client contact phone"), max_length=40, blank=True)
    note = models.TextField(_("introduction note"), max_length=2000, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.OPEN)
    outcome_note = models.CharField(_("outcome note"), max_length=500, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("outcome recorded by"),
    )
    outcome_recorded_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(cascade_delete_history=True)

    class Meta:
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")
        ordering = ["-created_at", "-id"]
        constraints = [known_choice("outcome", IntroductionOutcome.choices, "introduction_outcome_known")]

    def __str__(self) -> str:
        return f"introduction {self.interest_id} ({self.outcome})"


MAX_DEAL_VALUE = Decimal("1000000000")  # 10⁹: anything above is a typo, not a deal


class DealState(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting the company's confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    DISPUTED = "disputed", _("Disputed")


class Deal(models.Model):
    """A won introduction: its value, and the fee computed from the percentage the company accepted."""

    State = DealState

    introduction = models.OneToOneField(
        Introduction, on_delete=models.CASCADE, related_name="deal", verbose_name=_("introduction")
    )
    value = models.DecimalField(_("deal value"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Opportunity.Currency.choices)
    closed_on = models.DateField(_("date"))
    description = models.CharField(_("short description"), max_length=300)
    fee_percentage = models.DecimalField(_("fee percentage"), max_digits=5, decimal_places=2)
    fee_amount = models.DecimalField(_("fee"), max_digits=14, decimal_places=2)
    # Who earns the fee: the Lab partner company the opportunity was posted for, else (empty) the Lab.
    # The name is kept as recorded, so the fee record still says who earned it if the company goes.
    fee_recipient = models.ForeignKey(
        "companies.Company",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fee recipient (Lab partner)"),
    )
    fee_recipient_name = models.CharField(_("fee recipient's name"), max_length=150, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.AWAITING, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("recorded by")
    )
    # Each (re)sent confirmation link carries this number; sending a new one invalidates the old.
    confirmation_round = models.PositiveIntegerField(_("confirmation link number"), default=0)
    confirmation_sent_at = models.DateTimeField(_("confirmation link sent at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    dispute_note = models.TextField(_("dispute note"), blank=True)
    disputed_at = models.DateTimeField(_("disputed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # A correction or a second dispute overwrites the row; its history keeps every earlier value and note.
    # The worker's "link sent" stamp is bookkeeping, not a change anyone made.
    history = HistoricalRecords(excluded_fields=["updated_at", "confirmation_sent_at"], cascade_delete_history=True)

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["-closed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__gte=0, value__lte=MAX_DEAL_VALUE), name="deal_value_within_bounds"
            ),
            models.CheckConstraint(
                condition=models.Q(fee_percentage__gte=0, fee_percentage__lte=MAX_FEE_PERCENTAGE),
                name="deal_fee_within_bounds",
            ),
            models.CheckConstraint(condition=models.Q(fee_amount__gte=0), name="deal_fee_amount_not_negative"),
            known_choice("state", DealState.choices, "deal_state_known"),
            known_choice("currency", Opportunity.Currency.choices, "deal_currency_known"),
        ]

    def __str__(self) -> str:
        return f"{self.value} {self.currency} ({self.state})"


class OutsideWin(models.Model):
    """An opportunity closed as won with no deal recorded in the portal: why, and what it was worth if known.

    Closing as won either rests on the deals recorded for the opportunity or on this record, so the
    programme's "won" figures and its fee totals can be reconciled: a win here has no fee.
    """

    opportunity = models.OneToOneField(
        Opportunity, on_delete=models.CASCADE, related_name="outside_win", verbose_name=_("opportunity")
    )
    reason = models.CharField(_("how it was won outside the portal"), max_length=500)
    value = models.DecimalField(_("value, if known"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Opportunity.Currency.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("win outside the portal")
        verbose_name_plural = _("wins outside the portal")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=0, value__lte=MAX_DEAL_VALUE),
                name="outside_win_value_within_bounds",
            ),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | ~models.Q(currency=""),
                name="outside_win_value_has_currency",
            ),
            known_choice("currency", [("", ""), *Opportunity.Currency.choices], "outside_win_currency_known"),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity_id}: {self.reason[:40]}"


# Their own modules; their migrations are here.
from .insights.models import InsightSummary  # noqa: E402, F401
from .searches.models import SavedSearch, SavedSearchFrequency, SavedSearchList, SavedSearchMatch  # noqa: E402, F401
