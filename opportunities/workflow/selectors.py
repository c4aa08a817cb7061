"""Reads for the workflow: what closing an opportunity as won rests on.

A won opportunity rests on the deals recorded for it (through its expressions of interest and their
introductions) or, when it has none, on its `OutsideWin`. The closing form and the opportunity's page
read both from here. Who may see them is the views' question (`permissions.is_author`, `may_follow`).
"""

from dataclasses import dataclass

from django.db.models import QuerySet

from ..models import Deal, Opportunity, OutsideWin


def opportunity_deals(opportunity: Opportunity) -> QuerySet[Deal]:
    """The deals recorded for the opportunity, in any state, oldest first."""
    return Deal.objects.filter(introduction__interest__opportunity_id=opportunity.pk).order_by("closed_on", "id")


@dataclass(frozen=True)
class Win:
    """What an opportunity closed as won rests on: its deals, else its win outside the portal."""

    deals: list[Deal]
    outside: OutsideWin | None


def win_of(opportunity: Opportunity) -> Win:
    """The deals with their companies (two queries whatever their number), and the outside win if any."""
    deals = list(opportunity_deals(opportunity).select_related("introduction__interest__company"))
    outside = OutsideWin.objects.filter(opportunity_id=opportunity.pk).select_related("recorded_by").first()
    return Win(deals=deals, outside=outside)
