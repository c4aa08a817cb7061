"""The search box's query expansion: the glossary and the theme and discipline names in both languages,
ORed into the full-text query ("fiets" and "bicycle" find cycling, "ouderenzorg" and "elderly" find
elderly care), in the opportunity list and in the company directory."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companies.services import company_update
from creativelabs.search_expansion import MAX_ALTERNATIVES, expand
from labs.models import Theme
from opportunities.models import Opportunity, Status
from tests.conftest import requires_postgres
from tests.factories import CompanyFactory

NAMES = [("Elderly care", "Ouderenzorg"), ("Mobility", "Mobiliteit"), ("Product design", "Productontwerp")]


def test_glossary_words_find_their_concept_and_its_other_words():
    assert "cycling" in expand("fiets")
    assert "cycling" in expand("bicycle")
    assert "cycling" in expand("Fahrrad")
    # The reverse: an English concept word finds the Dutch and German words that mean it.
    assert "ouderen" in expand("elderly")


def test_a_word_of_a_name_finds_the_names_in_both_languages():
    assert "elderly care" in expand("ouderenzorg", NAMES)  # the other language; never the word itself
    assert "ouderenzorg" in expand("elderly", NAMES)
    assert "mobiliteit" in expand("mobility", NAMES)
    # a prefix of five letters or more finds the name in the other language ...
    assert expand("productont", NAMES) == ["product design"]
    # ... and a name that starts with the word itself is left out: the search matches the word as a prefix
    assert "ouderenzorg" not in expand("ouderen", NAMES)
    assert expand("zebra", NAMES) == []


@settings(max_examples=80, deadline=None)
@given(word=st.text(max_size=60))
def test_any_word_gives_a_short_list_of_other_phrases(word):
    alternatives = expand(word, NAMES)
    assert len(alternatives) <= MAX_ALTERNATIVES
    assert word.lower() not in alternatives


def _opportunity(lab, title: str, brief: str) -> Opportunity:
    return Opportunity.objects.create(
        lab=lab,
        country=lab.country,
        title=title,
        summary="A local demand.",
        brief=brief,
        city=lab.city,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        fee_percentage=Decimal("5"),
        status=Status.PUBLISHED,
        published_at=timezone.now(),
    )


@pytest.fixture
def briefs(lab_a, lab_b):
    cycling = _opportunity(lab_a, "Berlin school routes", "Safe cycling for pupils in Berlin.")
    care = _opportunity(lab_b, "Living at home longer", "Services for people over 80.")
    care.themes.add(Theme.objects.get(slug="elderly-care"))
    _opportunity(lab_a, "Harbour museum", "An exhibition about the port.")
    return cycling, care


def opportunity_titles(client, query: str) -> list[str]:
    response = client.get("/opportunities/", {"q": query})
    assert response.status_code == 200
    return sorted(item.title for item in response.context["items"])


@requires_postgres
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("cycling", ["Berlin school routes"]),
        ("fiets", ["Berlin school routes"]),
        ("bicycle", ["Berlin school routes"]),
        ("fietsen berlin", ["Berlin school routes"]),  # every word must still match, each in any of its forms
        ("fiets museum", []),
        ("zebra", []),
    ],
)
def test_opportunity_search_expands_through_the_glossary(client, briefs, query, expected):
    assert opportunity_titles(client, query) == expected


@requires_postgres
@pytest.mark.django_db
def test_opportunity_search_finds_a_theme_name_said_in_the_other_language(client, lab_a):
    _opportunity(lab_a, "Care robots", "Robots that help with elderly care at home.")
    _opportunity(lab_a, "Zorgrobots", "Robots voor de ouderenzorg thuis.")
    assert opportunity_titles(client, "ouderenzorg") == ["Care robots", "Zorgrobots"]
    assert opportunity_titles(client, "elderly") == ["Care robots", "Zorgrobots"]


@requires_postgres
@pytest.mark.django_db
def test_the_expanded_query_is_one_full_text_match_on_the_stored_vector(client, briefs):
    with CaptureQueriesContext(connection) as queries:
        opportunity_titles(client, "fiets")
    searches = [q["sql"] for q in queries.captured_queries if "@@" in q["sql"]]
    assert searches and all('"search_vector"' in sql and "to_tsquery" in sql for sql in searches)
    assert not any("LIKE" in sql.upper() for sql in searches)


def directory_names(client, query: str) -> list[str]:
    response = client.get("/companies/", {"q": query})
    assert response.status_code == 200
    return sorted(company.name for company in response.context["items"])


def profile(company, **changes) -> dict:
    data = {
        field: getattr(company, field)
        for field in ("name", "city", "size", "pitch", "description", "target_countries", "presence_countries")
    }
    return {**data, "disciplines": list(company.disciplines.all()), "themes": [], **changes}


@requires_postgres
@pytest.mark.django_db
def test_the_directory_finds_companies_on_a_theme_in_either_language(client):
    carers = CompanyFactory(name="Zorgzaam Ontwerp", pitch="Interiors for care homes.", is_listed=True)
    company_update(company=carers, data=profile(carers, themes=[Theme.objects.get(slug="elderly-care")]))
    cyclists = CompanyFactory(name="Spoke and Signal", pitch="Design for bicycle lanes.", is_listed=True)
    company_update(company=cyclists, data=profile(cyclists))
    assert directory_names(client, "elderly") == ["Zorgzaam Ontwerp"]
    assert directory_names(client, "ouderenzorg") == ["Zorgzaam Ontwerp"]
    assert directory_names(client, "fiets") == ["Spoke and Signal"]
    assert directory_names(client, "cycling") == ["Spoke and Signal"]
    # Off the theme, off the results: the vector follows the company's themes.
    company_update(company=carers, data=profile(carers, themes=[]))
    assert directory_names(client, "elderly") == []


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(alphabet=st.characters(blacklist_categories=["Cc", "Cs"]), max_size=200))
def test_any_expanded_query_answers(client, query):
    assert client.get("/opportunities/", {"q": query}).status_code == 200
    assert client.get("/companies/", {"q": query}).status_code == 200
