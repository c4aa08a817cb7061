from django import template
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _
from django_countries import countries

from ..matching.glossary import explains, term_for_reader

register = template.Library()


@register.filter
def labels(slugs, names: dict | None = None) -> str:
    """Discipline and theme slugs as the names the view handed over (`explanation_labels`); else as written."""
    names = names or {}
    return words([str(names.get(slug) or str(slug).replace("-", " ")) for slug in slugs or []])


@register.filter
def words(items) -> str:
    """A list in words: "a, b and c" (in the active language)."""
    items = [str(item) for item in items or [] if str(item)]
    if len(items) < 2:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


@register.filter
def reader_terms(terms) -> str:
    """The shared terms of an explanation in the reader's language where the glossary bridges them, in words."""
    language = get_language() or "en"
    shown = (term_for_reader(str(term), language) for term in terms or [] if explains(str(term)))
    return words(list(dict.fromkeys(shown)))


@register.filter
def country_label(code) -> str:
    """A country code as the country's name in the active language."""
    return str(countries.name(str(code or "").upper())) or str(code or "")


@register.filter
def language_labels(codes) -> str:
    """Language codes as their names in the active language, in words."""
    names = []
    for code in codes or []:
        try:
            names.append(str(get_language_info(str(code).lower())["name_translated"]))
        except KeyError:
            names.append(str(code).upper())
    return words(names)
