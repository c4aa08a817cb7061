"""Posting an admin change form as a browser would: every field and inline as the page shows it, then changes."""

from django.forms.models import BaseInlineFormSet


def _field_values(form, prefix_fields=None) -> dict:
    data = {}
    for name in form.fields:
        bound = form[name]
        value = bound.value()
        key = bound.html_name
        if value is None or value is False:
            continue
        if value is True:
            data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(item) for item in value]
        else:
            data[key] = str(value)
    return data


def admin_post_data(response, **changes) -> dict:
    """The change page's form as it stands (from `response.context`), with `changes` applied."""
    data = _field_values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset: BaseInlineFormSet = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management[name].html_name] = str(management[name].value())
        for form in formset.forms:
            data.update(_field_values(form))
    data.update(changes)
    return data
