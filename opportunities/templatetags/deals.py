"""Deal links on pages other views render; no queries and no permission decisions (the views make those)."""

from django import template

from opportunities.deals import links
from opportunities.models import Deal

register = template.Library()


@register.simple_tag
def deal_confirmation_path(deal: Deal) -> str:
    """The company's own way to the confirmation page of an awaiting deal, besides the e-mailed link."""
    return links.deal_confirmation_path(deal)
