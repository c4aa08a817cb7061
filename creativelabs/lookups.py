"""`__in` on an integer column leaves out the values no such column can hold.

Django already does this for `exact`, `lt`, `gt`, ... (`IntegerFieldOverflow`), not for `in`: a
ModelMultipleChoiceField, the admin's autocomplete widget or a filter handed `10**30` sent it to
the database, and SQLite's driver refuses an integer over 64 bits with OverflowError, a 500. Left
out, the value simply matches nothing, which is what it means; an `in` left empty matches nothing
at all (and its negation everything), as Django's own `in` with an empty list does.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            internal_type = self.lhs.output_field.get_internal_type()
            low, high = connection.ops.integer_field_ranges.get(internal_type, (None, None))
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int) or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register() -> None:
    """Every integer field (and every subclass: AutoField, BigAutoField, ...) takes this `in`."""
    IntegerField.register_lookup(IntegerFieldIn)
