from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from creativelabs.translation import BilingualName
from creativelabs.validators import single_line

from .permissions import is_member_of, sees_every_company


class Discipline(BilingualName, models.Model):
    """A creative discipline from the taxonomy (architecture, games, ...)."""

    slug = models.SlugField(_("slug"), unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_nl = models.CharField(_("name (Dutch)"), max_length=100)
    ordering = models.PositiveSmallIntegerField(_("ordering"), default=0)

    class Meta:
        ordering = ["ordering", "name_en"]
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")

    def __str__(self) -> str:
        return self.name


class CompanyQuerySet(models.QuerySet):
    def listed(self):
        """Companies that opted in to the public directory."""
        return self.filter(is_listed=True)

    def present_in(self, country_code: str):
        """Companies with an office, partner or staff in the country."""
        # CountryField(multiple=True) stores comma-separated two-letter codes.
        return self.filter(presence_countries__contains=country_code.upper())


LANGUAGES = [
    ("nl", _("Dutch")),
    ("en", _("English")),
    ("de", _("German")),
    ("zh", _("Chinese")),
    ("fr", _("French")),
    ("es", _("Spanish")),
]


class Company(models.Model):
    """A Dutch creative SME."""

    class Size(models.TextChoices):
        MICRO = "1-9", _("1–9 people")
        SMALL = "10-49", _("10–49 people")
        MEDIUM = "50-249", _("50–249 people")

    name = models.CharField(_("name"), max_length=150, validators=[single_line])
    slug = models.SlugField(_("slug"), unique=True, max_length=170)
    kvk_number = models.CharField(_("Chamber of Commerce (KvK) number"), max_length=8, unique=True)
    website = models.URLField(_("website"), blank=True)
    city = models.CharField(_("city"), max_length=100)
    size = models.CharField(_("size"), max_length=10, choices=Size.choices)
    founded_year = models.PositiveSmallIntegerField(_("founded"), null=True, blank=True)
    pitch = models.CharField(_("short pitch"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    disciplines = models.ManyToManyField(Discipline, related_name="companies", verbose_name=_("disciplines"))
    themes = models.ManyToManyField(
        "labs.Theme", blank=True, related_name="companies", verbose_name=_("themes of interest")
    )
    target_countries = CountryField(_("target countries"), multiple=True, blank=True)
    presence_countries = CountryField(
        _("local presence"),
        multiple=True,
        blank=True,
        help_text=_("Countries where the company already has an office, a partner or staff."),
    )
    languages = models.JSONField(_("working languages"), default=list, blank=True)
    logo = models.FileField(_("logo"), upload_to="logos/", blank=True)
    is_listed = models.BooleanField(
        _("listed in the public directory"),
        default=False,
        help_text=_("Visitors see listed companies; business developers and embassy staff see every company."),
    )
    open_to_matching = models.BooleanField(
        _("open to match suggestions"),
        default=True,
        help_text=_("Business developers may suggest your company for opportunities."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CompanyQuerySet.as_manager()
    # Every change, with who made it (`creativelabs.history`); `updated_at` moves on each save and says nothing.
    history = HistoricalRecords(
        excluded_fields=["updated_at"], m2m_fields=["disciplines", "themes"], cascade_delete_history=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        constraints = [
            models.CheckConstraint(condition=models.Q(kvk_number__regex=r"^[0-9]{8}$"), name="company_kvk_8_digits"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("companies:detail", kwargs={"slug": self.slug})


class Membership(models.Model):
    """A person's place in a company. A person belongs to at most one company."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MEMBER = "member", _("Member")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership", verbose_name=_("user")
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("company")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        ordering = ["company", "-role", "created_at"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.company} ({self.get_role_display()})"


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    LAB = "lab", _("Lab only (business developers and embassy staff)")
    PRIVATE = "private", _("Private (your company only)")


class PortfolioItemQuerySet(models.QuerySet):
    def visible_to(self, user, company=None):
        """Items a viewer may see: own company all, programme staff public + Lab-only, else public."""
        if company is not None and is_member_of(user, company.pk):
            return self
        if sees_every_company(user):
            return self.exclude(visibility=Visibility.PRIVATE)
        return self.filter(visibility=Visibility.PUBLIC)


class PortfolioItem(models.Model):
    """A piece of work that shows what a company can do."""

    MAX_IMAGES = 6
    MAX_PDFS = 2

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="portfolio", verbose_name=_("company"))
    title = models.CharField(_("title"), max_length=150, validators=[single_line])
    client = models.CharField(_("client"), max_length=150, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    country = CountryField(_("country of the work"), blank=True)
    description = models.TextField(_("description"))
    disciplines = models.ManyToManyField(Discipline, blank=True, related_name="+", verbose_name=_("disciplines"))
    themes = models.ManyToManyField("labs.Theme", blank=True, related_name="+", verbose_name=_("themes"))
    link = models.URLField(_("link"), blank=True)
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PortfolioItemQuerySet.as_manager()
    # `position` changes when a neighbour moves (written with update(), never saved): not a change to the work.
    history = HistoricalRecords(
        excluded_fields=["updated_at", "position"], m2m_fields=["disciplines", "themes"], cascade_delete_history=True
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("portfolio item")
        verbose_name_plural = _("portfolio items")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__isnull=True) | models.Q(year__gte=1900, year__lte=2100),
                name="portfolio_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def cover(self):
        files = [f for f in self.files.all() if f.kind == PortfolioFile.Kind.IMAGE]
        return next((f for f in files if f.is_cover), files[0] if files else None)


def _portfolio_path(instance, filename: str) -> str:
    # `filename` is already a generated name (see companies/uploads.py), never the user's.
    return f"companies/{instance.item.company_id}/portfolio/{filename}"


class PortfolioFile(models.Model):
    """An image or PDF of a portfolio item, stored re-encoded under a generated name."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        PDF = "pdf", _("PDF")

    item = models.ForeignKey(PortfolioItem, on_delete=models.CASCADE, related_name="files", verbose_name=_("item"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=_portfolio_path, max_length=255)
    thumbnail = models.FileField(_("thumbnail"), upload_to=_portfolio_path, max_length=255, blank=True)
    original_name = models.CharField(_("original file name"), max_length=150)
    content_type = models.CharField(_("content type"), max_length=50)
    size_bytes = models.PositiveBigIntegerField(_("size in bytes"))
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    is_cover = models.BooleanField(_("cover image"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("portfolio file")
        verbose_name_plural = _("portfolio files")
        constraints = [
            models.UniqueConstraint(fields=["item"], condition=models.Q(is_cover=True), name="one_cover_per_item"),
            models.CheckConstraint(condition=models.Q(is_cover=False) | models.Q(kind="image"), name="cover_is_image"),
        ]

    def __str__(self) -> str:
        return self.original_name


class CompanyInvitation(models.Model):
    """An owner's or member's invitation to a colleague to join the company."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("company")
    )
    email = models.EmailField(_("e-mail address"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    # Set by the worker as it sends the e-mail (the claim that makes a repeated task send once);
    # cleared when the invitation is to be sent again.
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("team invitation")
        verbose_name_plural = _("team invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.company}"
