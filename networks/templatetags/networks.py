"""A member's networks and how often it helped and was helped, for the company and organisation profiles.

A tag rather than the companies and labs views: those apps sit below networks and import nothing of it.
Three queries, and for an organisation two more (its suggested opportunities, the names in their explanations).
"""

from django import template

from opportunities.models import Opportunity
from opportunities.selectors import explanation_labels

from ..models import Membership, Network, NetworkSuggestion, OrganisationSuggestion
from ..selectors import help_per_network, member_reciprocity

register = template.Library()


@register.simple_tag
def member_networks(company=None, organisation=None) -> dict:
    member = {"company": company} if company is not None else {"organisation": organisation}
    joined = Network.objects.filter(
        **{f"memberships__{name}": value for name, value in member.items()},
        memberships__state=Membership.State.ACCEPTED,
    ).order_by("name")
    fitting = []
    suggested = []
    if organisation is not None:
        # The networks and open opportunities the engine finds fitting (counted hourly by the worker, `tasks`).
        fitting = list(
            NetworkSuggestion.objects.filter(organisation=organisation, network__status=Network.Status.ACTIVE)
            .exclude(network__in=joined)
            .select_related("network")
            .order_by("rank")
        )
        open_ids = Opportunity.objects.open_for_interest().values("pk")
        suggested = list(
            OrganisationSuggestion.objects.filter(organisation=organisation, opportunity__in=open_ids)
            .select_related("opportunity__country")
            .order_by("rank")
        )
    return {
        "joined": list(joined),
        "fitting": fitting,
        "help": member_reciprocity(**member),
        "suggested": suggested,
        "labels": explanation_labels() if suggested or fitting else {},
    }


@register.simple_tag
def network_help(user) -> list[dict]:
    """The programme dashboard's table of help in the theme networks, in the viewer's scope."""
    return help_per_network(user)
