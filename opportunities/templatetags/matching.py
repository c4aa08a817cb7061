from functools import lru_cache

from django import template

register = template.Library()


@lru_cache(maxsize=1)
def _taxonomy() -> dict:
    from companies.models import Discipline
    from labs.models import Theme

    return {item.slug: item for item in [*Discipline.objects.all(), *Theme.objects.all()]}


@register.filter
def labels(slugs) -> str:
    """Discipline and theme slugs as names in the active language; unknown slugs as written."""
    taxonomy = _taxonomy()
    return ", ".join(taxonomy[slug].name if slug in taxonomy else str(slug).replace("-", " ") for slug in slugs or [])
