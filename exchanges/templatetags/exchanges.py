"""The upcoming exchanges a home, country, Lab or theme page shows (labs/ templates include them).

A tag rather than the labs views: labs sits below exchanges and imports nothing of it. One query.
"""

from django import template

from ..selectors import upcoming_for

register = template.Library()


@register.simple_tag
def upcoming_exchanges(country=None, lab=None, theme=None, limit=5):
    return list(upcoming_for(country=country, lab=lab, theme=theme, limit=limit))


@register.simple_tag
def exchanges_in_figures(user):
    """The programme dashboard's table of exchanges and what came of them, in the viewer's part of it."""
    from ..selectors import exchanges_in_figures as newest

    return list(newest(user))
