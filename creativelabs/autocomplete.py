"""The admin's autocomplete fields, safe with a value that names nothing.

When a form comes back with errors, Django's autocomplete widget shows the chosen values again by
looking them up (`id__in=[...]`) as they were sent, and a value that is not an id at all (`abc`,
a number past the column's range) made that lookup raise: a 500 where the form should have said
"Select a valid choice". Here the widget shows again only the values its model could hold; the
field itself still refuses the rest with its error.
"""

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError


class _ShowsOnlyValidChoices:
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [choice for choice in value if self._could_name_a_row(choice)], attr)

    def _could_name_a_row(self, value) -> bool:
        remote = self.field.remote_field
        target = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        try:
            target.run_validators(target.to_python(value))
        except ValidationError:
            return False
        return True


class SafeAutocompleteSelect(_ShowsOnlyValidChoices, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_ShowsOnlyValidChoices, AutocompleteSelectMultiple):
    pass


class SafeAutocompleteMixin:
    """For a ModelAdmin or an inline with `autocomplete_fields`: the widgets above instead of Django's."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)
