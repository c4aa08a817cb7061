"""Display only: amounts in the reader's format (`creativelabs.formats`)."""

from django import template

from creativelabs.formats import format_money, format_number

register = template.Library()


@register.filter
def money(amount, currency=""):
    """{{ deal.value|money:deal.currency }} → €1,250.00 (English), € 1.250,00 (Dutch)."""
    return format_money(amount, currency)


@register.filter
def number(value, decimal_pos=2):
    """{{ total|number }} → 1,250.00 (English), 1.250,00 (Dutch)."""
    return format_number(value, int(decimal_pos))
