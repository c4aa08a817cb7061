"""match_bench's incremental changes: real ones through the services (alternately a company profile or a
portfolio item, and an opportunity), remembered so they can be put back afterwards."""

import random

from django.db import transaction

from companies.models import Company, Discipline, Visibility
from companies.services import company_update, portfolio_item_update
from labs.models import Theme

from ...models import MatchQueue, Opportunity
from ...workflow.services import opportunity_update
from .synthetic import Generator


class Changes:
    """Real changes through the services, alternating companies (profile, then a portfolio item) and
    opportunities; the recompute each enqueues is recorded instead of sent."""

    def __init__(self, generator: Generator, rng: random.Random):
        self.generator = generator
        self.rng = rng
        self.disciplines = dict(Discipline.objects.values_list("slug", "pk"))
        self.themes = dict(Theme.objects.values_list("slug", "pk"))
        self.company_ids = list(Company.objects.filter(open_to_matching=True).values_list("pk", flat=True))
        self.opportunity_ids = list(Opportunity.objects.open_for_interest().values_list("pk", flat=True))
        self.used: set[tuple[str, int]] = set()
        self.count = 0
        self.originals: list = []  # (model, pk, fields, {m2m name: ids}) to put back afterwards

    def _remember(self, instance, fields: list[str], m2m: list[str]) -> None:
        values = {name: getattr(instance, name) for name in fields}
        links = {name: list(getattr(instance, name).values_list("pk", flat=True)) for name in m2m}
        self.originals.append((type(instance), instance.pk, values, links))

    def restore(self) -> None:
        """Put the changed rows back as generated, so the next run reuses the same data (no recompute is
        queued: plain updates, not the services)."""
        with transaction.atomic():
            for model, pk, values, links in reversed(self.originals):
                model.objects.filter(pk=pk).update(**values)
                instance = model.objects.get(pk=pk)
                for name, ids in links.items():
                    getattr(instance, name).set(ids)
            MatchQueue.objects.all().delete()

    def _pick(self, kind: str, ids: list[int]) -> int:
        while True:
            pk = self.rng.choice(ids)
            if (kind, pk) not in self.used:
                self.used.add((kind, pk))
                return pk

    def next(self) -> tuple[str, int, str]:
        """Make the next change; returns (queue kind, object id, what changed)."""
        self.count += 1
        if self.count % 2:
            company = Company.objects.get(pk=self._pick("company", self.company_ids))
            fresh = self.generator.company(company.pk)
            item = company.portfolio.exclude(visibility=Visibility.PRIVATE).first()
            if self.count % 4 == 3 and item is not None and fresh["portfolio"]:
                new = fresh["portfolio"][0]
                self._remember(item, ["title", "description"], ["disciplines", "themes"])
                portfolio_item_update(
                    item=item,
                    data={
                        "title": new["title"],
                        "description": new["description"],
                        "disciplines": [self.disciplines[slug] for slug in new["disciplines"]],
                        "themes": [self.themes[slug] for slug in new["themes"]],
                    },
                )
                return MatchQueue.Kind.COMPANY, company.pk, "portfolio item"
            self._remember(company, ["pitch", "description"], ["disciplines", "themes"])
            company_update(
                company=company,
                data={
                    "pitch": fresh["pitch"],
                    "description": fresh["description"],
                    "disciplines": [self.disciplines[slug] for slug in fresh["disciplines"]],
                    "themes": [self.themes[slug] for slug in fresh["themes"]],
                },
            )
            return MatchQueue.Kind.COMPANY, company.pk, "company profile"
        opportunity = Opportunity.objects.get(pk=self._pick("opportunity", self.opportunity_ids))
        fresh = self.generator.opportunity(opportunity.pk)
        self._remember(
            opportunity, ["title", "summary", "brief"], ["themes", "required_disciplines", "nice_disciplines"]
        )
        opportunity_update(
            opportunity=opportunity,
            user=None,
            data={"title": fresh["title"], "summary": fresh["summary"], "brief": fresh["brief"]},
            m2m={
                "themes": [self.themes[slug] for slug in fresh["themes"]],
                "required_disciplines": [self.disciplines[slug] for slug in fresh["required"]],
                "nice_disciplines": [self.disciplines[slug] for slug in fresh["nice"]],
            },
        )
        return MatchQueue.Kind.OPPORTUNITY, opportunity.pk, "opportunity"
