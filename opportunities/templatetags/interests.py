from django import template
from django.utils.translation import gettext_lazy as _

from opportunities.models import Suggestion

register = template.Library()

ACTION_LABELS = {
    "added": _("Added by hand"),
    "cleared": _("Decision undone"),
    **{value: label for value, label in Suggestion.Decision.choices if value},
}


@register.filter
def action_label(action: str) -> str:
    """A SuggestionAction's action as people read it."""
    return str(ACTION_LABELS.get(action, action))
