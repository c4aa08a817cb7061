"""The OpenAPI schema and its documentation page: every field and parameter described, nothing from a CDN."""

import re

import pytest
from pydantic import ValidationError

from api import schemas
from labs.models import Theme
from opportunities.models import Status

from .helpers import closed, published

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(api):
    return api.json("/api/v1/openapi.json")


def test_every_operation_is_in_the_schema_with_its_answers(schema):
    operations = {(path, method) for path, methods in schema["paths"].items() for method in methods}
    assert operations == {
        ("/api/v1/opportunities", "get"),
        ("/api/v1/opportunities/{opportunity_id}", "get"),
        ("/api/v1/themes", "get"),
        ("/api/v1/countries", "get"),
        ("/api/v1/labs", "get"),
        ("/api/v1/posts", "get"),
        ("/api/v1/companies", "get"),
        ("/api/v1/companies/{company_id}", "get"),
        ("/api/v1/exchanges", "get"),
        ("/api/v1/exchanges/{exchange_id}", "get"),
        ("/api/v1/networks", "get"),
        ("/api/v1/networks/{slug}", "get"),
    }
    for methods in schema["paths"].values():
        operation = methods["get"]
        assert operation["description"]
        assert {"200", "401", "404", "422", "429"} <= set(operation["responses"])
        # A key is optional: the empty requirement stands beside the two ways to send one.
        assert {} in operation["security"] and {"BearerKey": []} in operation["security"]


def test_every_field_of_every_answer_is_described(schema):
    undescribed = [
        f"{name}.{field}"
        for name, component in schema["components"]["schemas"].items()
        for field, spec in component.get("properties", {}).items()
        if not spec.get("description")
    ]
    assert not undescribed
    assert len(schema["components"]["schemas"]) >= 15  # the walk saw the answers, not an empty schema


def test_every_parameter_is_described(schema):
    parameters = [
        parameter for methods in schema["paths"].values() for parameter in methods["get"].get("parameters", [])
    ]
    assert len(parameters) > 30
    assert [p["name"] for p in parameters if not p.get("description")] == []


def test_the_descriptions_are_in_english(schema):
    text = str(schema)
    for dutch in (" het ", " een ", " voor ", " niet ", "kansen"):
        assert dutch not in text


def test_the_docs_page_uses_only_the_portals_static_files(api):
    response = api.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r"https?://", html) == []
    assert re.search(r'src="/static/ninja/swagger-ui-bundle\.[0-9a-f]+\.js"', html)
    assert re.search(r'href="/static/ninja/swagger-ui\.[0-9a-f]+\.css"', html)
    assert '"validatorUrl": null' in html  # no badge fetched from the validator's site


def test_the_docs_page_is_under_the_portals_strict_policy(api):
    """Swagger UI runs from files (no inline script); its own policy adds nothing the page doesn't need."""
    policy = api.get("/api/v1/docs")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-eval" not in policy and "http" not in policy
    home = api.get("/")["Content-Security-Policy"]
    assert "unsafe" not in home


@pytest.fixture
def one_of_everything(lab_a, listed_company, de_key, games):
    published(lab_a, client_is_public=True, required_disciplines=[games]).themes.add(*Theme.objects.all()[:2])
    closed(lab_a, Status.CLOSED_NOT_WON, days_ago=3)
    return de_key[1]


def test_every_answer_keeps_to_its_schema_exactly(api, one_of_everything, listed_company):
    """The views render their dicts without ninja's pass through the schema: the schemas (which forbid
    other fields) check them here, for every endpoint, with and without a key."""
    answers = {
        "/api/v1/opportunities": schemas.OpportunityPage,
        "/api/v1/themes": schemas.ThemePage,
        "/api/v1/countries": schemas.CountryPage,
        "/api/v1/labs": schemas.LabPage,
        "/api/v1/posts": schemas.PostPage,
        "/api/v1/companies": schemas.CompanyPage,
        f"/api/v1/companies/{listed_company.pk}": schemas.Company,
        "/api/v1/opportunities?country=XX": schemas.Error,
        "/api/v1/opportunities/999999": schemas.Error,
    }
    for key in (None, one_of_everything):
        for path, model in answers.items():
            data = api.get(path, key=key).json()
            model.model_validate(data)
            for row in data.get("results", []):
                assert row, path
        for row in api.json("/api/v1/opportunities", key=key)["results"]:
            schemas.Opportunity.model_validate(api.json(f"/api/v1/opportunities/{row['id']}", key=key))
    statuses = {row["status"] for row in api.json("/api/v1/opportunities", key=one_of_everything)["results"]}
    assert statuses == {"published", "closed_not_won"}


def test_the_schemas_forbid_fields_they_do_not_describe():
    with pytest.raises(ValidationError):
        schemas.Named.model_validate({"slug": "a", "name_en": "A", "name_nl": "A", "email": "x@y.example"})
