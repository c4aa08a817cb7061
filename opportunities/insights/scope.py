"""Whose figures the dashboard counts: the viewer's scope (`InsightScope`) and, narrowed by the filters, the
rows of each kind the figures are counted on (`Selection`). The rules are in `selectors`' docstring."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Exists,
    OuterRef,
    Q,
)
from django.db.models.functions import Coalesce, Length
from django.utils.translation import gettext as _

from accounts.roles import roles_of
from companies.models import Company, PortfolioItem
from labs.models import Country, Lab

from ..deals.selectors import overview_deals
from ..models import (
    Interest,
    Introduction,
    Opportunity,
    OutsideWin,
    Suggestion,
)
from ..permissions import NOTHING, following_scope
from ..selectors import visible_opportunities
from .forms import Filters

ThemeLink = Opportunity.themes.through
RequiredLink = Opportunity.required_disciplines.through
NiceLink = Opportunity.nice_disciplines.through
COMPLETE_DESCRIPTION = 200  # characters, as `company_completeness`


# --- The viewer's scope ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InsightScope:
    """What part of the programme a viewer's figures cover, from `following_scope`."""

    user: Any

    @property
    def rule(self):
        return following_scope(self.user)

    @property
    def everything(self) -> bool:
        return self.rule.everything

    def q(self, path: str = "") -> Q:
        """The opportunities (reached through `path`) in scope: their Lab's, or the Lab's country's."""
        return self.rule.q(path, country="lab__country_id")

    def labs(self):
        if self.everything:
            return Lab.objects.select_related("country").order_by("country__ordering", "name")
        rule = self.rule
        labs = NOTHING
        if rule.lab_ids:
            labs |= Q(pk__in=sorted(rule.lab_ids))
        if rule.country_ids:
            labs |= Q(country_id__in=sorted(rule.country_ids))
        return Lab.objects.filter(labs).select_related("country").order_by("country__ordering", "name")

    def countries(self):
        if self.everything:
            return Country.objects.focus()
        return Country.objects.filter(Q(code__in=self.labs().values("country_id")) | self._post_country())

    def _post_country(self) -> Q:
        return Q(code__in=sorted(self.rule.country_ids)) if self.rule.country_ids else NOTHING

    def label(self) -> str:
        roles = roles_of(self.user)
        if roles.is_admin:
            return _("The whole programme")
        if roles.business_developer:
            return roles.business_developer.lab.name
        return _("The Labs in %(country)s") % {"country": roles.embassy_staff.post.country.name}


def insight_scope(user) -> InsightScope:
    return InsightScope(user=user)


# --- The data the figures are counted on ------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """The viewer's scope narrowed by the filters: one querystring per kind of row."""

    scope: InsightScope
    filters: Filters
    # Figures several tables share, counted once per selection (`groups.group_figures`).
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def opportunity_q(self, path: str = "") -> Q:
        """Opportunities reached through `path` in scope and inside the filters (not the period)."""
        condition = self.scope.q(path)
        f = self.filters
        if f.country is not None:
            condition &= Q(**{f"{path}lab__country_id": f.country.pk})
        if f.lab is not None:
            condition &= Q(**{f"{path}lab_id": f.lab.pk})
        if f.theme is not None:
            condition &= Q(**{f"{path}pk__in": ThemeLink.objects.filter(theme_id=f.theme.pk).values("opportunity_id")})
        if f.discipline is not None:
            required = RequiredLink.objects.filter(discipline_id=f.discipline.pk).values("opportunity_id")
            nice = NiceLink.objects.filter(discipline_id=f.discipline.pk).values("opportunity_id")
            condition &= Q(**{f"{path}pk__in": required}) | Q(**{f"{path}pk__in": nice})
        return condition

    @property
    def period(self):
        return self.filters.period

    def opportunities(self):
        """For counts by status: also what the viewer may open (`visible_opportunities`)."""
        return visible_opportunities(self.scope.user).filter(self.opportunity_q())

    def all_opportunities(self):
        return Opportunity.objects.filter(self.opportunity_q())

    def interests(self):
        return Interest.objects.filter(self.opportunity_q("opportunity__"))

    def introductions(self):
        return Introduction.objects.filter(self.opportunity_q("interest__opportunity__"))

    def deals(self):
        """The deals of `/deals/` (`overview_deals`), narrowed by the filters."""
        deals = overview_deals(self.scope.user)
        narrowing = self.opportunity_q("introduction__interest__opportunity__")
        return deals.filter(narrowing) if narrowing else deals

    def outside_wins(self):
        return OutsideWin.objects.filter(self.opportunity_q("opportunity__"))

    def suggestions(self):
        return Suggestion.objects.filter(self.opportunity_q("opportunity__"))

    def companies(self):
        """Companies in scope (see the module's docstring), with the theme and discipline filters."""
        f = self.filters
        if self.scope.everything and f.country is None and f.lab is None:
            companies = Company.objects.all()
        else:
            if f.lab is not None:
                codes = [f.lab.country_id]
            elif f.country is not None:
                codes = [f.country.pk]
            else:
                codes = list(self.scope.countries().values_list("code", flat=True))
            there = Q(pk__in=self.suggestions().values("company_id")) | Q(pk__in=self.interests().values("company_id"))
            for code in codes:
                there |= Q(target_countries__contains=code) | Q(presence_countries__contains=code)
            companies = Company.objects.filter(there)
        if f.theme is not None:
            themed = Company.themes.through.objects.filter(theme_id=f.theme.pk).values("company_id")
            companies = companies.filter(pk__in=themed)
        if f.discipline is not None:
            companies = companies.filter(
                pk__in=Company.disciplines.through.objects.filter(discipline_id=f.discipline.pk).values("company_id")
            )
        return companies


def selection(user, filters: Filters) -> Selection:
    return Selection(scope=insight_scope(user), filters=filters)


def complete_profile_q() -> Q:
    """`companies.selectors.company_completeness` with every check done, as a filter on companies."""
    return Q(
        Q(_description_length__gte=COMPLETE_DESCRIPTION),
        Exists(Company.disciplines.through.objects.filter(company_id=OuterRef("pk"))),
        Exists(Company.themes.through.objects.filter(company_id=OuterRef("pk"))),
        Exists(PortfolioItem.objects.filter(company_id=OuterRef("pk"))),
        ~Q(target_countries=""),
        ~Q(languages=[]),
        ~Q(logo=""),
    )


def with_completeness(companies):
    return companies.alias(_description_length=Coalesce(Length("description"), 0))
