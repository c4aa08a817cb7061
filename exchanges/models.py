"""Exchanges around themes (missions, delegations, sessions, matchmaking days) and registrations for them.

Times are stored as instants (UTC in the database) and shown and entered in the place's time zone
(`time_zone`, an IANA name): an exchange in Shanghai starts at 09:00 Shanghai time whoever looks at it.
"""

import secrets
import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from creativelabs.models import RankedSuggestion
from creativelabs.translation import in_active_language
from creativelabs.validators import single_line


@cache
def known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in known_time_zones():
        raise ValidationError(_("Not a known time zone (for example Europe/Berlin)."), code="time_zone")


class ExchangeQuerySet(models.QuerySet):
    def public(self):
        """What a visitor may see: everything but drafts."""
        return self.exclude(status=Exchange.Status.DRAFT)

    def upcoming(self):
        return self.filter(status=Exchange.Status.PUBLISHED, ends_at__gte=timezone.now()).order_by("starts_at")

    def past(self):
        return self.filter(
            models.Q(status=Exchange.Status.HELD)
            | models.Q(status=Exchange.Status.PUBLISHED, ends_at__lt=timezone.now())
        ).order_by("-starts_at")


class Exchange(models.Model):
    """A trade mission, incoming delegation, theme session, matchmaking day or webinar."""

    class Kind(models.TextChoices):
        TRADE_MISSION = "trade_mission", _("Trade mission")
        INCOMING_DELEGATION = "incoming_delegation", _("Incoming delegation")
        THEME_SESSION = "theme_session", _("Theme session")
        MATCHMAKING_DAY = "matchmaking_day", _("Matchmaking day")
        WEBINAR = "webinar", _("Webinar")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")
        HELD = "held", _("Held")

    class Audience(models.TextChoices):
        COMPANIES = "companies", _("Members of a creative company")
        ORGANISATIONS = "organisations", _("Members of a company or an organisation")
        ANYONE = "anyone", _("Anyone logged in")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title_en = models.CharField(_("title (English)"), max_length=200, validators=[single_line])
    title_nl = models.CharField(_("title (Dutch)"), max_length=200, blank=True, validators=[single_line])
    description_en = models.TextField(_("description (English)"), max_length=5000)
    description_nl = models.TextField(_("description (Dutch)"), max_length=5000, blank=True)
    lab = models.ForeignKey(
        "labs.Lab", on_delete=models.PROTECT, null=True, blank=True, related_name="exchanges", verbose_name=_("Lab")
    )
    post = models.ForeignKey(
        "labs.Post", on_delete=models.PROTECT, null=True, blank=True, related_name="exchanges", verbose_name=_("post")
    )
    # The focus country the exchange belongs to (the organiser's): lists, filters and embassy staff go by it.
    country = models.ForeignKey(
        "labs.Country", on_delete=models.PROTECT, related_name="exchanges", verbose_name=_("country")
    )
    themes = models.ManyToManyField("labs.Theme", blank=True, related_name="exchanges", verbose_name=_("themes"))
    is_online = models.BooleanField(_("online"), default=False)
    city = models.CharField(_("city"), max_length=100, blank=True, validators=[single_line])
    place_country = CountryField(_("country of the place"), blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True, validators=[single_line])
    online_url = models.URLField(_("link to join"), blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("places"), help_text=_("How many people can take part."))
    registration_deadline = models.DateField(_("registration deadline"))
    audience = models.CharField(_("who may register"), max_length=20, choices=Audience.choices)
    requires_approval = models.BooleanField(_("registrations need the organiser's approval"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ExchangeQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=["themes"], cascade_delete_history=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("exchange")
        verbose_name_plural = _("exchanges")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lab__isnull=False, post__isnull=True)
                | models.Q(lab__isnull=True, post__isnull=False),
                name="exchange_one_organiser",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="exchange_ends_after_start"
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="exchange_capacity_positive"),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published", "cancelled", "held"]), name="exchange_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(audience__in=["companies", "organisations", "anyone"]),
                name="exchange_audience_known",
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return self.title_en

    def get_absolute_url(self) -> str:
        return reverse("exchanges:detail", kwargs={"pk": self.pk})

    @property
    def title(self) -> str:
        return in_active_language(self, "title")

    @property
    def description(self) -> str:
        return in_active_language(self, "description")

    @property
    def organiser(self):
        return self.lab or self.post

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self):
        return timezone.localtime(self.starts_at, self.zone)

    @property
    def local_end(self):
        return timezone.localtime(self.ends_at, self.zone)

    @property
    def place(self) -> str:
        if self.is_online:
            return str(_("Online"))
        return ", ".join(part for part in (self.venue, self.city, str(self.place_country.name or "")) if part)

    @property
    def registration_closes_at(self):
        """The end of the deadline day in the place's time zone."""
        import datetime

        day_after = self.registration_deadline + datetime.timedelta(days=1)
        return datetime.datetime.combine(day_after, datetime.time(0, 0), tzinfo=self.zone)

    @property
    def is_registration_open(self) -> bool:
        return self.status == self.Status.PUBLISHED and timezone.now() < self.registration_closes_at


class Registration(models.Model):
    """A company (or, when anyone may register, a person) taking part in an exchange."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        REFUSED = "refused", _("Not accepted")

    ACTIVE = (State.PENDING, State.CONFIRMED, State.WAITING)

    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="registrations")
    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, null=True, blank=True, related_name="exchange_registrations"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="exchange_registrations", verbose_name=_("who takes part")
    )
    seats = models.PositiveSmallIntegerField(_("places taken"), default=1)
    motivation = models.TextField(_("motivation"), max_length=1000)
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["updated_at"], m2m_fields=["participants"], cascade_delete_history=True
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            # One live registration per company per exchange (the person's own, when there is no company).
            models.UniqueConstraint(
                fields=["exchange", "company"],
                condition=models.Q(state__in=["pending", "confirmed", "waiting"], company__isnull=False),
                name="registration_one_per_company",
            ),
            models.UniqueConstraint(
                fields=["exchange", "registered_by"],
                condition=models.Q(state__in=["pending", "confirmed", "waiting"], company__isnull=True),
                name="registration_one_per_person",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["pending", "confirmed", "waiting", "cancelled", "refused"]),
                name="registration_state_known",
            ),
            models.CheckConstraint(condition=models.Q(seats__gte=1), name="registration_seats_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.company or self.registered_by} → {self.exchange}"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """The secret in a person's calendar feed address. Revoking deletes it: the old address then answers 404."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token")
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"calendar of {self.user}"


class Meeting(models.Model):
    """A meeting two participants of an exchange agree on, inside its programme: asked for, then accepted or
    declined by the other side. Accepted meetings are in both sides' agenda and calendar."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    LIVE = (State.REQUESTED, State.ACCEPTED)

    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="meetings")
    requester = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="meetings_asked")
    invitee = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="meetings_invited")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    message = models.TextField(_("what you would like to talk about"), max_length=500)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.REQUESTED)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(condition=~models.Q(requester=models.F("invitee")), name="meeting_not_with_oneself"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["requested", "accepted", "declined", "cancelled"]),
                name="meeting_state_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester} ↔ {self.invitee} at {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def local_start(self):
        return timezone.localtime(self.starts_at, self.exchange.zone)

    @property
    def local_end(self):
        return timezone.localtime(self.ends_at, self.exchange.zone)


class ExchangeSuggestion(RankedSuggestion):
    """A company the engine finds fitting for an exchange's themes, text and country, for the organiser to
    invite; `invited_at` once they did."""

    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="suggestions")
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    invited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["exchange", "rank"]
        verbose_name = _("suggested company")
        verbose_name_plural = _("suggested companies")
        constraints = [
            models.UniqueConstraint(fields=["exchange", "company"], name="exchange_suggestion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.company_id} for {self.exchange_id} ({self.rank})"
