"""Saved searches and what their alerts told: kept in the `opportunities` app's migrations."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from creativelabs.models import known_choice
from creativelabs.validators import single_line


class SavedSearchList(models.TextChoices):
    OPPORTUNITIES = "opportunities", _("Opportunities")
    COMPANIES = "companies", _("Companies")


class SavedSearchFrequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately, as soon as one is published")
    DAILY = "daily", _("Once a day")
    WEEKLY = "weekly", _("Once a week")


class SavedSearch(models.Model):
    """A filtered list a person keeps under a name, and how often they hear of what newly appears in it.

    `query` is the list's querystring (without the page), as the list's own URL carries it; it is read
    again through the list's FilterSet each time, so a search whose filters no longer exist finds nothing
    rather than everything (`searches.lists`)."""

    List = SavedSearchList
    Frequency = SavedSearchFrequency

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches", verbose_name=_("user")
    )
    list = models.CharField(_("list"), max_length=20, choices=List.choices)
    name = models.CharField(_("name"), max_length=100, validators=[single_line])
    query = models.CharField(_("filters"), max_length=1000, blank=True)
    frequency = models.CharField(_("alerts"), max_length=20, choices=Frequency.choices, default=Frequency.DAILY)
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)
    # When the last alert run for this search finished (daily and weekly ones are due a period after it).
    alerted_at = models.DateTimeField(_("last alert"), null=True, blank=True)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["name", "id"]
        constraints = [
            known_choice("list", SavedSearchList.choices, "saved_search_list_known"),
            known_choice("frequency", SavedSearchFrequency.choices, "saved_search_frequency_known"),
        ]

    def __str__(self) -> str:
        return self.name


class SavedSearchMatch(models.Model):
    """One object a saved search alerted about: each is told once, whatever runs again or at once."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="matches")
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    matched_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["saved_search", "opportunity"], name="saved_search_opportunity_once"),
            models.UniqueConstraint(fields=["saved_search", "company"], name="saved_search_company_once"),
            models.CheckConstraint(
                condition=models.Q(opportunity__isnull=True) ^ models.Q(company__isnull=True),
                name="saved_search_match_one_object",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.saved_search_id}: {self.opportunity_id or self.company_id}"
