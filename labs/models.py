from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField

from creativelabs.translation import BilingualName, in_active_language, with_dutch_version
from creativelabs.validators import single_line

MAX_FEE_PERCENTAGE = Decimal("25")


class CountryQuerySet(models.QuerySet):
    def focus(self):
        return self.filter(is_focus=True)


class Country(models.Model):
    """A country the programme works in. The focus countries have a Lab and a page."""

    code = models.CharField(_("ISO code"), max_length=2, primary_key=True)
    is_focus = models.BooleanField(_("focus country"), default=True)
    introduction_en = models.TextField(_("introduction (English)"), blank=True)
    introduction_nl = models.TextField(_("introduction (Dutch)"), blank=True)
    ordering = models.PositiveSmallIntegerField(_("ordering"), default=0)

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["ordering", "code"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(condition=models.Q(code__regex=r"^[A-Z]{2}$"), name="country_code_iso2"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("labs:country", kwargs={"code": self.code.lower()})

    @property
    def name(self) -> str:
        return str(countries.name(self.code)) or self.code

    @property
    def introduction(self) -> str:
        return in_active_language(self, "introduction")


class Lab(models.Model):
    """A Creative Lab: a small public-private team in a focus country."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=120, validators=[single_line])
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="labs", verbose_name=_("country"))
    city = models.CharField(_("city"), max_length=100)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    default_fee_percentage = models.DecimalField(
        _("default fee percentage"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("5.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_FEE_PERCENTAGE)],
        help_text=_(
            "What a business developer of this Lab asks of a resulting deal, unless an opportunity says otherwise."
        ),
    )
    is_trusted = models.BooleanField(
        _("trusted"), default=False, help_text=_("Business developers of a trusted Lab may publish without review.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["country__ordering", "name"]
        verbose_name = _("Lab")
        verbose_name_plural = _("Labs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(default_fee_percentage__gte=0, default_fee_percentage__lte=MAX_FEE_PERCENTAGE),
                name="lab_default_fee_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("labs:lab", kwargs={"slug": self.slug})

    @property
    def description(self) -> str:
        return in_active_language(self, "description")


class Post(models.Model):
    """A Dutch embassy or consulate in a focus country."""

    class Kind(models.TextChoices):
        EMBASSY = "embassy", _("Embassy")
        CONSULATE = "consulate", _("Consulate-General")

    name = models.CharField(_("name"), max_length=150, validators=[single_line])
    name_nl = models.CharField(
        _("name (Dutch)"),
        max_length=150,
        blank=True,
        validators=[single_line],
        help_text=_("Shown on Dutch pages; the name above when empty."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="posts", verbose_name=_("country"))
    city = models.CharField(_("city"), max_length=100)

    class Meta:
        ordering = ["country__ordering", "kind", "city"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.UniqueConstraint(fields=["country", "city", "kind"], name="post_unique_per_city"),
        ]

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_name(self) -> str:
        """The Dutch name on a Dutch page when there is one, else the name."""
        return with_dutch_version(self, "name")


class ThemeQuerySet(models.QuerySet):
    def active(self):
        """Themes that may be chosen for new records."""
        return self.filter(is_archived=False)


class Theme(BilingualName, models.Model):
    """A societal theme (mobility, elderly care, ...) curated by embassy staff."""

    slug = models.SlugField(_("slug"), unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100, validators=[single_line])
    name_nl = models.CharField(_("name (Dutch)"), max_length=100, validators=[single_line])
    description_en = models.TextField(_("description (English)"), blank=True)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    countries = models.ManyToManyField(Country, blank=True, related_name="themes", verbose_name=_("countries"))
    is_archived = models.BooleanField(
        _("archived"),
        default=False,
        help_text=_("Archived themes stay on old records but can't be chosen for new ones."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("labs:theme", kwargs={"slug": self.slug})


class BusinessDeveloper(models.Model):
    """A person who works for one Lab and develops local demands into opportunities."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="business_developer", verbose_name=_("user")
    )
    lab = models.ForeignKey(Lab, on_delete=models.PROTECT, related_name="business_developers", verbose_name=_("Lab"))
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    job_title_nl = models.CharField(_("job title (Dutch)"), max_length=120, blank=True)
    bio = models.TextField(_("short biography"), blank=True)
    bio_nl = models.TextField(_("short biography (Dutch)"), blank=True)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        ordering = ["user__full_name"]
        verbose_name = _("business developer")
        verbose_name_plural = _("business developers")

    def __str__(self) -> str:
        return f"{self.user} ({self.lab})"

    @property
    def local_job_title(self) -> str:
        return with_dutch_version(self, "job_title")

    @property
    def local_bio(self) -> str:
        return with_dutch_version(self, "bio")


class EmbassyStaff(models.Model):
    """A person at a post who curates themes and reviews demands for the post's country."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="embassy_staff", verbose_name=_("user")
    )
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="staff", verbose_name=_("post"))
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        ordering = ["user__full_name"]
        verbose_name = _("embassy staff member")
        verbose_name_plural = _("embassy staff")

    def __str__(self) -> str:
        return f"{self.user} ({self.post})"

    @property
    def country(self) -> Country:
        return self.post.country


class RoleInvitation(models.Model):
    """An admin's invitation to become a business developer or embassy staff member.

    The link in the e-mail carries a signed, expiring token; the invitation is used once.
    """

    class Role(models.TextChoices):
        BUSINESS_DEVELOPER = "business_developer", _("Business developer")
        EMBASSY_STAFF = "embassy_staff", _("Embassy staff")
        ORGANISATION_MEMBER = "organisation_member", _("Organisation member")

    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("Lab"))
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("post"))
    organisation = models.ForeignKey(
        "Organisation", on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("organisation")
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    # Set by the worker as it sends the e-mail (the claim that makes a repeated task send once);
    # cleared when the invitation is to be sent again.
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("role invitation")
        verbose_name_plural = _("role invitations")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role="business_developer", lab__isnull=False, post__isnull=True, organisation__isnull=True)
                    | models.Q(role="embassy_staff", post__isnull=False, lab__isnull=True, organisation__isnull=True)
                    | models.Q(
                        role="organisation_member", organisation__isnull=False, lab__isnull=True, post__isnull=True
                    )
                ),
                name="role_invitation_target_matches_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.get_role_display()}"

    @property
    def target(self) -> "Lab | Post | Organisation":
        if self.role == self.Role.ORGANISATION_MEMBER:
            return self.organisation
        return self.lab if self.role == self.Role.BUSINESS_DEVELOPER else self.post


class LabPartnerQuerySet(models.QuerySet):
    def current(self, on=None):
        """Partnerships running on `on` (today): started, and not ended before it."""
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=on), starts_on__lte=on)


class LabPartner(models.Model):
    """A Dutch company with a local presence, linked to a Lab by a programme admin for a period.

    While the partnership is current its members post and manage opportunities for the Lab like a
    business developer (`opportunities.permissions.managing_scope`), and the fee of a deal on an
    opportunity posted for the partner is recorded to the company.
    """

    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="partners", verbose_name=_("Lab"))
    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="lab_partnerships", verbose_name=_("company")
    )
    starts_on = models.DateField(_("partner from"))
    ends_on = models.DateField(_("partner until"), null=True, blank=True, help_text=_("Empty: until further notice."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = LabPartnerQuerySet.as_manager()

    class Meta:
        ordering = ["lab", "company__name"]
        verbose_name = _("Lab partner")
        verbose_name_plural = _("Lab partners")
        constraints = [
            models.UniqueConstraint(fields=["lab", "company", "starts_on"], name="lab_partner_unique_period_start"),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="lab_partner_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} ({self.lab})"

    def is_current(self, on=None) -> bool:
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.starts_on <= on and (self.ends_on is None or self.ends_on >= on)


# --- Organisations: the programme's other participants (labs/organisations/) -------------------------


class OrganisationQuerySet(models.QuerySet):
    def with_contacts(self):
        return self.prefetch_related("themes", "contacts")


class OrganisationKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    APPLIED_SCIENCES = "applied_sciences", _("University of applied sciences")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    REGION = "region", _("Region")
    CITY = "city", _("City")
    NETWORK = "network", _("Network")
    SECTOR_ASSOCIATION = "sector_association", _("Sector association")
    LOCAL_STAKEHOLDER = "local_stakeholder", _("Local stakeholder")


class Organisation(models.Model):
    """A knowledge institution, region or city, network or local stakeholder taking part in the programme."""

    Kind = OrganisationKind

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=150, validators=[single_line])
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=100, validators=[single_line])
    themes = models.ManyToManyField(Theme, blank=True, related_name="organisations", verbose_name=_("themes"))
    description_en = models.TextField(_("description (English)"), max_length=5000, blank=True)
    description_nl = models.TextField(_("description (Dutch)"), max_length=5000, blank=True)
    website = models.URLField(_("website"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[value for value, _label in OrganisationKind.choices]),
                name="organisation_known_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("labs:organisation", kwargs={"slug": self.slug})

    @property
    def description(self) -> str:
        return in_active_language(self, "description")


class OrganisationContact(models.Model):
    """A contact person of an organisation, listed because they opted in (the date says when)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=150, validators=[single_line])
    job_title = models.CharField(_("job title"), max_length=120, blank=True, validators=[single_line])
    email = models.EmailField(_("e-mail address"))
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[single_line])
    opted_in_at = models.DateTimeField(_("opted in at"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation contact")
        verbose_name_plural = _("organisation contacts")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "email"], name="organisation_contact_unique_email"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class OrganisationMember(models.Model):
    """A person who keeps an organisation's profile current (invited, their address verified)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organisation_member",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="members", verbose_name=_("organisation")
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        ordering = ["user__full_name"]
        verbose_name = _("organisation member")
        verbose_name_plural = _("organisation members")

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"
