"""The fee rule: what a deal's developer earns on it, as money (`Decimal`, never float), and who that is.

The percentage is the one the company accepted with its expression of interest (stored on the
interest), never the opportunity's current one; the fee is rounded half-up to cents.

The fee goes to the Lab partner company an opportunity was posted by or for (`Opportunity.partner`),
under the same fee format; otherwise to the Lab (its business developer). The deal records the
company and its name as they were when the deal was recorded.
"""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def fee_for(value: Decimal, percentage: Decimal) -> Decimal:
    """The fee on `value` at `percentage` percent, rounded half-up to cents."""
    return (value * percentage / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)


def fee_recipient_for(opportunity):
    """The Lab partner company that earns the fee on a deal for this opportunity, or None (the Lab)."""
    partner = opportunity.partner
    return partner.company if partner is not None else None


def fee_recipient_label(deal) -> str:
    """Who earns the deal's fee, as the overview and its CSV show it: the partner company, else the Lab."""
    if deal.fee_recipient_name:
        return deal.fee_recipient_name
    return deal.introduction.interest.opportunity.lab.name
