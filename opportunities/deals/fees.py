"""The fee rule: what a business developer earns on a deal, as money (`Decimal`, never float).

The percentage is the one the company accepted with its expression of interest (stored on the
interest), never the opportunity's current one; the fee is rounded half-up to cents.
"""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def fee_for(value: Decimal, percentage: Decimal) -> Decimal:
    """The fee on `value` at `percentage` percent, rounded half-up to cents."""
    return (value * percentage / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)
