"""The directory's search: a company's profile and its public portfolio items (never private or Lab-only
ones), kept current by the services, ranked on PostgreSQL, the same matches on SQLite's fallback."""

import pytest
from django.db import connection

from companies.models import Discipline, Visibility
from companies.search import refresh_search_vectors
from companies.services import company_update, portfolio_item_create, portfolio_item_delete, portfolio_item_update
from tests.conftest import requires_postgres
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def found(client, query: str, **params) -> list[str]:
    response = client.get("/companies/", {"q": query, **params})
    assert response.status_code == 200
    return [company.name for company in response.context["items"]]


def work(title="Safe Cycling Quest", description="A game about cycling to school.", **fields):
    return {"title": title, "description": description, "visibility": Visibility.PUBLIC, **fields}


def profile(company, **changes) -> dict:
    data = {
        field: getattr(company, field)
        for field in ("name", "city", "size", "pitch", "description", "target_countries", "presence_countries")
    }
    return {**data, "disciplines": list(company.disciplines.all()), "themes": [], **changes}


def test_public_portfolio_items_are_found_private_and_lab_only_ones_never(client, company, developer_a):
    portfolio_item_create(company=company, data=work(title="Zebrapad", description="Crossings."))
    portfolio_item_create(company=company, data=work(title="Geheimproject", visibility=Visibility.PRIVATE))
    portfolio_item_create(company=company, data=work(title="Labwerk", visibility=Visibility.LAB))
    portfolio_item_create(company=company, data=work(title="Other", client="Gemeente Tilburg"))
    assert found(client, "zebrapad") == ["Studio Fietsveilig"]
    assert found(client, "tilburg") == ["Studio Fietsveilig"]  # the client of a public item
    assert found(client, "geheimproject") == []
    assert found(client, "labwerk") == []
    # Programme staff see Lab-only items on the company's page, but the directory searches public text only.
    client.force_login(developer_a)
    assert found(client, "labwerk") == []


def test_the_services_keep_it_current(client, company):
    assert found(client, "zebrapad") == []
    item = portfolio_item_create(company=company, data=work(title="Zebrapad"))
    assert found(client, "zebrapad") == ["Studio Fietsveilig"]
    portfolio_item_update(item=item, data=work(title="Zebrapad", visibility=Visibility.PRIVATE))
    assert found(client, "zebrapad") == []
    portfolio_item_update(item=item, data=work(title="Vuurtorenproject"))
    assert found(client, "vuurtorenproject") == ["Studio Fietsveilig"] and found(client, "zebrapad") == []
    portfolio_item_delete(item=item)
    assert found(client, "vuurtorenproject") == []
    company_update(company=company, data=profile(company, pitch="Wayfinding for hospitals."))
    assert found(client, "wayfinding") == ["Studio Fietsveilig"]
    company_update(company=company, data=profile(company, name="Studio Looproute"))
    assert found(client, "looproute") == ["Studio Looproute"] and found(client, "fietsveilig") == []


def test_every_word_must_match_somewhere_profile_or_work(client, company):
    portfolio_item_create(company=company, data=work(title="Zebrapad"))
    assert found(client, "fietsveilig zebrapad") == ["Studio Fietsveilig"]  # name + portfolio
    assert found(client, "fietsveilig geheim") == []


def test_the_admin_goes_through_the_same_service(admin_client, company):
    data = {
        "name": "Studio Fietsveilig",
        "slug": company.slug,
        "kvk_number": company.kvk_number,
        "city": "Rotterdam",
        "size": company.size,
        "pitch": "Signage that wayfinds.",
        "description": "",
        "languages": "[]",
        "is_listed": "on",
        "disciplines": [Discipline.objects.first().pk],
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    response = admin_client.post(f"/admin/companies/company/{company.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    client = admin_client.__class__()
    assert found(client, "wayfinds") == ["Studio Fietsveilig"]


@requires_postgres
def test_stemmed_in_english_and_dutch_and_as_prefix(client, db):
    CompanyFactory(name="Kinderfiets", pitch="Fietsen voor kinderen.")
    CompanyFactory(name="Living Labs", pitch="Designing cities.")
    assert found(client, "fiets") == ["Kinderfiets"]
    assert found(client, "kind") == ["Kinderfiets"]
    assert found(client, "design") == ["Living Labs"]


@requires_postgres
def test_ranked_name_then_pitch_then_the_rest_by_name(client, db):
    CompanyFactory(name="Aardig Bureau", pitch="Posters.", description="Our work is wayfinding.")
    CompanyFactory(name="Bureau Wayfinding", pitch="Signs.")
    CompanyFactory(name="Zeer Bureau", pitch="Wayfinding for stations.")
    CompanyFactory(name="Alfa Bureau", pitch="Maps.", description="Wayfinding too.")
    assert found(client, "wayfinding") == ["Bureau Wayfinding", "Zeer Bureau", "Aardig Bureau", "Alfa Bureau"]
    # With a filter, the same order among those left; without a search, by name.
    assert found(client, "wayfinding", size="1-9")[:2] == ["Bureau Wayfinding", "Zeer Bureau"]
    assert found(client, "")[0] == "Aardig Bureau"


@requires_postgres
def test_stored_vector_equals_one_computed_again(db, company):
    """The backfill and the services store the one function's vector (the migration's SQL is the only copy)."""
    portfolio_item_create(company=company, data=work())
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM companies_company WHERE id = %s", [company.pk])
        stored = cursor.fetchone()[0]
        cursor.execute("UPDATE companies_company SET search_vector = NULL WHERE id = %s", [company.pk])
        refresh_search_vectors()
        cursor.execute("SELECT search_vector::text FROM companies_company WHERE id = %s", [company.pk])
        assert cursor.fetchone()[0] == stored
    assert "'cycl':" in stored and "'quest':" in stored and "'fietsveilig':" in stored


@pytest.mark.parametrize("count", [5, 60])
def test_a_search_uses_a_bounded_number_of_queries(client, db, django_assert_max_num_queries, count):
    for number in range(count):
        company = CompanyFactory(name=f"Studio {number}")
        portfolio_item_create(company=company, data=work(title=f"Wayfinding {number}"))
    client.get("/companies/", {"q": "wayfinding"})
    with django_assert_max_num_queries(6):
        response = client.get("/companies/", {"q": "wayfinding studio"})
    assert response.context["page"].paginator.count == count
