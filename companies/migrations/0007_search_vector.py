"""The company directory's stored full-text search vector, with a GIN index, on PostgreSQL only.

A company's vector holds its profile (name, pitch, description, city) and its *public* portfolio
items (title, client, description) in English, Dutch and as written ("simple"), weighted so that
a word in the name ranks above one in the pitch, the description and then the portfolio. It reads
another table, so it cannot be a generated column as the opportunities' is: the SQL function below
computes it, and `companies.search.refresh_search_vectors` (called by the services that change
those fields) stores it. The function's body is `BEGIN ATOMIC`, so PostgreSQL records which columns
it reads, and a later migration that drops or retypes one of them fails loudly until it replaces
the function (and then runs the backfill again).

The column is not a model field: no page but the directory's search reads it, so no query for a
company carries it, and the history and the data export never see it. lz4 (where the server has
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
CREATE OR REPLACE FUNCTION companies_search_vector(company companies_company) RETURNS tsvector
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT {VECTOR}
    FROM (
        SELECT string_agg(concat_ws(' ', item.title, item.client, item.description), ' ' ORDER BY item.position, item.id)
        FROM companies_portfolioitem AS item
        WHERE item.company_id = company.id AND item.visibility = 'public'
    ) AS work (text);
END
"""
LZ4_AVAILABLE = "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"


def add_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE companies_company ADD COLUMN search_vector tsvector")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(LZ4_AVAILABLE)
        if cursor.fetchone():
            schema_editor.execute("ALTER TABLE companies_company ALTER COLUMN search_vector SET COMPRESSION lz4")
    schema_editor.execute(FUNCTION)
    schema_editor.execute("UPDATE companies_company SET search_vector = companies_search_vector(companies_company)")
    schema_editor.execute("CREATE INDEX company_search_vector_gin ON companies_company USING gin (search_vector)")


def drop_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE companies_company DROP COLUMN IF EXISTS search_vector")
    schema_editor.execute("DROP FUNCTION IF EXISTS companies_search_vector(companies_company)")


class Migration(migrations.Migration):
    dependencies = [("companies", "0006_history")]

    operations = [migrations.RunPython(add_search_vector, drop_search_vector)]
