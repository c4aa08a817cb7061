"""The company directory's stored full-text search vector, with a GIN index, on PostgreSQL only.

A company's vector holds its profile (name, pitch, description, city) and its *public* portfolio
items (title, client, description) in English, Dutch and as written ("simple"), weighted so that
a word in the name ranks above one in the pitch, the description and then the portfolio. It reads
another table, so it cannot be a generated column as the opportunities' is: the SQL function below
computes it, and `companies.search.refresh_search_vectors` (called by the services that change
those fields) stores it. A migration that renames or drops a column it reads replaces the function
(and runs the backfill below again); the body is a plain string, so changing a column's length
does not have to.

Ranking reads a second, small vector of the name and the pitch only (`search_head`, generated from
the row, stored in it): the directory ranks every match of a query, and a common word ("design")
matches most companies, so the rank must not unpack each one's whole vector. The full vector
decides what matches; the head orders it (name, then pitch, then the rest by name).

The columns are not model fields: no page but the directory's search reads them, so no query for a
company carries them, and the history and the data export never see them. lz4 (where the server has
it) makes a vector quick to unpack when the search ranks many matches. On SQLite (the embedded
default) there is no column and the search falls back to `contains`.
"""

from django.db import migrations

CONFIGS = ("english", "dutch", "simple")
TEXT = {
    "A": "coalesce(company.name, '')",
    "B": "coalesce(company.pitch, '')",
    "C": "coalesce(company.description, '') || ' ' || coalesce(company.city, '')",
    "D": "coalesce(work.text, '')",
}
VECTOR = " || ".join(
    f"setweight(to_tsvector('{config}'::regconfig, {expression}), '{weight}')"
    for weight, expression in TEXT.items()
    for config in CONFIGS
)
FUNCTION = f"""
CREATE OR REPLACE FUNCTION companies_search_vector(company_id bigint) RETURNS tsvector
LANGUAGE sql STABLE PARALLEL SAFE
AS $body$
    SELECT {VECTOR}
    FROM companies_company AS company
    LEFT JOIN LATERAL (
        SELECT string_agg(concat_ws(' ', item.title, item.client, item.description), ' ' ORDER BY item.position, item.id)
        FROM companies_portfolioitem AS item
        WHERE item.company_id = company.id AND item.visibility = 'public'
    ) AS work (text) ON true
    WHERE company.id = company_id
$body$
"""
HEAD = " || ".join(
    f"setweight(to_tsvector('{config}'::regconfig, coalesce({field}, '')), '{weight}')"
    for weight, field in (("A", "name"), ("B", "pitch"))
    for config in CONFIGS
)
LZ4_AVAILABLE = "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"


def add_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE companies_company ADD COLUMN search_vector tsvector")
    # No statistics on the vector, so the planner always takes the GIN index: with them it scans the whole
    # table for a common word and unpacks every company's vector twice (measured: 3x slower at 100 000).
    schema_editor.execute("ALTER TABLE companies_company ALTER COLUMN search_vector SET STATISTICS 0")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(LZ4_AVAILABLE)
        if cursor.fetchone():
            schema_editor.execute("ALTER TABLE companies_company ALTER COLUMN search_vector SET COMPRESSION lz4")
    schema_editor.execute(FUNCTION)
    schema_editor.execute("UPDATE companies_company SET search_vector = companies_search_vector(id)")
    schema_editor.execute(
        f"ALTER TABLE companies_company ADD COLUMN search_head tsvector GENERATED ALWAYS AS ({HEAD}) STORED"
    )
    schema_editor.execute("CREATE INDEX company_search_vector_gin ON companies_company USING gin (search_vector)")


def drop_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE companies_company DROP COLUMN IF EXISTS search_head")
    schema_editor.execute("ALTER TABLE companies_company DROP COLUMN IF EXISTS search_vector")
    schema_editor.execute("DROP FUNCTION IF EXISTS companies_search_vector(bigint)")


class Migration(migrations.Migration):
    dependencies = [("companies", "0006_history")]

    operations = [migrations.RunPython(add_search_vector, drop_search_vector)]
