from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creativelabs.validators import single_line


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address. Roles live in labs/ and companies/."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True, validators=[single_line])
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=settings.LANGUAGES, default="en"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("programme admin"),
        default=False,
        help_text=_("Creative Holland staff: may use the admin and every page of the portal."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    terms_version = models.CharField(_("accepted terms version"), max_length=20, blank=True)
    terms_accepted_at = models.DateTimeField(_("terms accepted at"), null=True, blank=True)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class NotificationPreferenceManager(models.Manager):
    def of(self, user) -> "NotificationPreference":
        """The person's preferences; the defaults (unsaved) when they never changed them."""
        preference = self.filter(user=user).first()
        return preference if preference is not None else self.model(user=user)


class NotificationPreference(models.Model):
    """Which e-mails a person wants; in-app notifications are written whatever is chosen here.

    A person without a row has the defaults below (see accounts/preferences.py).
    """

    class MatchAlerts(models.TextChoices):
        IMMEDIATELY = "immediately", _("Immediately, as soon as one is found")
        WEEKLY = "weekly", _("In a weekly digest, on Mondays")
        NEVER = "never", _("Never by e-mail (they stay on your dashboard)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    match_alerts = models.CharField(
        _("new opportunities that match your company"),
        max_length=20,
        choices=MatchAlerts.choices,
        default=MatchAlerts.WEEKLY,
    )
    status_emails = models.BooleanField(
        _("expressions of interest, introductions and deals"),
        default=True,
        help_text=_("Invitations, answers, reminders, introductions and deal confirmations."),
    )
    lab_digest = models.BooleanField(
        _("daily digest for your Lab"),
        default=True,
        help_text=_("New strong suggestions and new expressions of interest on your Lab's opportunities."),
    )
    opportunity_emails = models.BooleanField(
        _("reviews and deadlines of opportunities"),
        default=True,
        help_text=_("Submitted, sent back, rejected and published opportunities, and deadline reminders."),
    )
    saved_search_emails = models.BooleanField(
        _("alerts of your saved searches"),
        default=True,
        help_text=_("What newly matches a search you saved, as often as you chose for each search."),
    )
    other_emails = models.BooleanField(_("other notifications"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = NotificationPreferenceManager()

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(match_alerts__in=["immediately", "weekly", "never"]),
                name="notification_preference_match_alerts_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.match_alerts}"


class SentDigest(models.Model):
    """A digest e-mail that went out: one per person, kind and period, so a rerun or retry sends nothing twice."""

    class Kind(models.TextChoices):
        WEEKLY_MATCHES = "weekly_matches", _("weekly digest of matching opportunities")
        LAB_DAILY = "lab_daily", _("daily digest for a Lab")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_digests")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    period = models.CharField(max_length=20)  # "2030-W11" for a week, "2030-03-11" for a day
    # What it told about, so the next one tells only what is new.
    items = models.JSONField(default=list, blank=True)
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "period"], name="one_digest_per_person_kind_period"),
        ]
        indexes = [models.Index(fields=["user", "kind", "-sent_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.period} → {self.user_id}"


class UsedTOTPStep(models.Model):
    """The last time step whose code a TOTP authenticator accepted (RFC 6238, 5.2).

    A code is accepted only for a later step than this one, so no code, nor an older one, works
    twice. Kept in the database, not the cache, so that it holds while the cache is down.
    """

    authenticator = models.OneToOneField(
        "mfa.Authenticator", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    step = models.BigIntegerField(_("last used time step"))

    class Meta:
        verbose_name = _("used two-factor time step")
        verbose_name_plural = _("used two-factor time steps")

    def __str__(self) -> str:
        return f"{self.authenticator_id}: {self.step}"
