from django import template

register = template.Library()


@register.filter
def labels(slugs, names: dict | None = None) -> str:
    """Discipline and theme slugs as the names the view handed over (`explanation_labels`); else as written."""
    names = names or {}
    return ", ".join(str(names.get(slug) or str(slug).replace("-", " ")) for slug in slugs or [])
