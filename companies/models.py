from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from creativelabs.translation import BilingualName


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


class Company(models.Model):
    """A Dutch creative SME."""

    class Size(models.TextChoices):
        MICRO = "1-9", _("1–9 people")
        SMALL = "10-49", _("10–49 people")
        MEDIUM = "50-249", _("50–249 people")

    name = models.CharField(_("name"), max_length=150)
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
    is_listed = models.BooleanField(_("listed in the public directory"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        constraints = [
            models.CheckConstraint(condition=models.Q(kvk_number__regex=r"^[0-9]{8}$"), name="company_kvk_8_digits"),
        ]

    def __str__(self) -> str:
        return self.name


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
