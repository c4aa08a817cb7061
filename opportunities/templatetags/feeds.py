"""Links to the opportunity feeds on pages other apps render (country, theme, Lab); no queries."""

from django import template

from opportunities.workflow import feeds

register = template.Library()


@register.simple_tag
def opportunity_feed(scope=None) -> feeds.FeedLink:
    """The feed of a country, theme or Lab (all opportunities without one): its title and address."""
    return feeds.feed_link(scope)
