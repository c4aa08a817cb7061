"""The directory's search vector also holds the names of the company's themes and disciplines, in English
and Dutch (weight D, beside the public portfolio), so a search for a theme finds the companies on it in
either language ("elderly", "ouderenzorg"). Replaces the SQL function of 0007 and stores every vector again.
A renamed theme or discipline reaches a company's vector when the company is next saved.
"""

from django.db import migrations

CONFIGS = ("english", "dutch", "simple")


def _function(text: dict[str, str], taxonomy: bool) -> str:
    vector = " || ".join(
        f"setweight(to_tsvector('{config}'::regconfig, {expression}), '{weight}')"
        for weight, expression in text.items()
        for config in CONFIGS
    )
    names = (
        """
    LEFT JOIN LATERAL (
        SELECT string_agg(concat_ws(' ', theme.name_en, theme.name_nl), ' ')
        FROM companies_company_themes AS link JOIN labs_theme AS theme ON theme.id = link.theme_id
        WHERE link.company_id = company.id
    ) AS themes (text) ON true
    LEFT JOIN LATERAL (
        SELECT string_agg(concat_ws(' ', discipline.name_en, discipline.name_nl), ' ')
        FROM companies_company_disciplines AS link
        JOIN companies_discipline AS discipline ON discipline.id = link.discipline_id
        WHERE link.company_id = company.id
    ) AS disciplines (text) ON true"""
        if taxonomy
        else ""
    )
    return f"""
CREATE OR REPLACE FUNCTION companies_search_vector(company_id bigint) RETURNS tsvector
LANGUAGE sql STABLE PARALLEL SAFE
AS $body$
    SELECT {vector}
    FROM companies_company AS company
    LEFT JOIN LATERAL (
        SELECT string_agg(concat_ws(' ', item.title, item.client, item.description), ' ' ORDER BY item.position, item.id)
        FROM companies_portfolioitem AS item
        WHERE item.company_id = company.id AND item.visibility = 'public'
    ) AS work (text) ON true{names}
    WHERE company.id = company_id
$body$
"""


TEXT = {
    "A": "coalesce(company.name, '')",
    "B": "coalesce(company.pitch, '')",
    "C": "coalesce(company.description, '') || ' ' || coalesce(company.city, '')",
}
WITH_NAMES = {
    **TEXT,
    "D": "coalesce(work.text, '') || ' ' || coalesce(themes.text, '') || ' ' || coalesce(disciplines.text, '')",
}
WITHOUT_NAMES = {**TEXT, "D": "coalesce(work.text, '')"}
STORE = "UPDATE companies_company SET search_vector = companies_search_vector(id)"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(_function(WITH_NAMES, taxonomy=True))
    schema_editor.execute(STORE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(_function(WITHOUT_NAMES, taxonomy=False))
    schema_editor.execute(STORE)


class Migration(migrations.Migration):
    dependencies = [("companies", "0007_search_vector"), ("labs", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
