"""A member's data export, and account deletion without a trace."""

import json

import pytest
from django.apps import apps
from django.db import connection

from accounts.export import USER_FIELDS_NOT_EXPORTED
from accounts.models import User
from companies.models import Company, PortfolioItem
from companies.selectors import COMPANY_FIELDS_NOT_EXPORTED, PORTFOLIO_FIELDS_NOT_EXPORTED
from companies.services import portfolio_file_add, portfolio_item_create
from tests.factories import stored_files

from .conftest import png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio(company, django_capture_on_commit_callbacks):
    item = portfolio_item_create(
        company=company, data={"title": "Quest", "description": "A game.", "visibility": "lab"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        portfolio_file_add(item=item, upload=png_upload())
    return item


def test_export_holds_every_personal_field(login, sme_owner, portfolio):
    response = login(sme_owner).get("/accounts/privacy/export/")
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    # A new field on these models must be exported or consciously listed as not personal.
    for field in User._meta.concrete_fields:
        if field.name not in USER_FIELDS_NOT_EXPORTED:
            assert field.name in data["user"], field.name
    for field in Company._meta.concrete_fields:
        if field.name not in COMPANY_FIELDS_NOT_EXPORTED:
            assert field.name in data["company"], field.name
    for field in PortfolioItem._meta.concrete_fields:
        if field.name not in PORTFOLIO_FIELDS_NOT_EXPORTED:
            assert field.name in data["company"]["portfolio"][0], field.name
    assert data["user"]["email"] == sme_owner.email
    assert data["consents"]["terms_version"] == "test"
    assert data["membership"]["role"] == "owner"
    assert data["company"]["portfolio"][0]["files"][0]["kind"] == "image"
    assert "password" not in json.dumps(data)


def test_export_needs_login(client, db):
    assert client.get("/accounts/privacy/export/")["Location"].startswith("/accounts/login/")


def _database_mentions(*needles: str) -> list[str]:
    """Every table and column whose text contains one of the needles."""
    found = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            for field in model._meta.concrete_fields:
                if field.get_internal_type() not in {"CharField", "TextField", "EmailField", "JSONField"}:
                    continue
                column = connection.ops.quote_name(field.column)
                cursor.execute(f"SELECT {column} FROM {connection.ops.quote_name(table)}")  # noqa: S608
                for (value,) in cursor.fetchall():
                    if value and any(needle.lower() in str(value).lower() for needle in needles):
                        found.append(f"{table}.{field.column}")
    return found


def test_deleting_the_account_leaves_no_trace(
    client, sme_owner, portfolio, _media_in_tmp, django_capture_on_commit_callbacks
):
    from tests.factories import PASSWORD

    client.post("/accounts/login/", {"login": sme_owner.email, "password": PASSWORD})
    response = client.get("/accounts/delete/")
    assert response["Location"].startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert client.get("/accounts/delete/").status_code == 200
    name, email = sme_owner.full_name, sme_owner.email
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/delete/")
    assert response.status_code == 302
    assert not User.objects.filter(pk=sme_owner.pk).exists()
    assert _database_mentions(name, email) == []
    assert stored_files(_media_in_tmp) == []  # sole member: the company and its files went too


def test_owner_with_colleagues_must_hand_over_first(client, sme_owner, sme_colleague):
    from tests.factories import PASSWORD

    client.post("/accounts/login/", {"login": sme_owner.email, "password": PASSWORD})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    response = client.post("/accounts/delete/", follow=True)
    assert "make a colleague the owner" in response.content.decode()
    assert User.objects.filter(pk=sme_owner.pk).exists()


def test_member_leaves_the_company_in_place(client, sme_owner, sme_colleague, company):
    from tests.factories import PASSWORD

    client.post("/accounts/login/", {"login": sme_colleague.email, "password": PASSWORD})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    client.post("/accounts/delete/")
    assert not User.objects.filter(pk=sme_colleague.pk).exists()
    assert Company.objects.filter(pk=company.pk).exists()
