"""Partner keys: issued by programme admins (shown once, stored hashed), scoped, revoked, exported."""

import datetime
import hashlib
import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from api.keys import looks_like_a_key
from api.models import ApiKey
from api.services import api_key_issue, api_key_revoke
from opportunities.models import Status

from .helpers import closed, ids, issue_key, published

pytestmark = pytest.mark.django_db


# --- Reading with a key ----------------------------------------------------------------------------------


def test_a_key_works_as_bearer_or_as_x_api_key(api, plain_key, lab_a):
    opportunity = published(lab_a)
    _, secret = plain_key
    assert ids(api.json("/api/v1/opportunities", key=secret)) == [opportunity.pk]
    assert ids(api.json("/api/v1/opportunities", headers={"X-Api-Key": secret})) == [opportunity.pk]


def test_a_country_scope_adds_that_countrys_recently_closed_opportunities(api, lab_a, lab_b, lab_us, de_key):
    open_de = published(lab_a)
    won = closed(lab_a, Status.CLOSED_WON, days_ago=20)
    not_won = closed(lab_a, Status.CLOSED_NOT_WON, days_ago=200)
    expired = closed(lab_a, Status.EXPIRED, days_ago=364)
    closed(lab_a, Status.EXPIRED, days_ago=366)  # too long ago
    closed(lab_b, Status.CLOSED_WON, days_ago=20)  # another country
    open_cn = published(lab_b)
    _, secret = de_key
    assert set(ids(api.json("/api/v1/opportunities", key=secret))) == {
        open_de.pk,
        won.pk,
        not_won.pk,
        expired.pk,
        open_cn.pk,
    }
    assert set(ids(api.json("/api/v1/opportunities"))) == {open_de.pk, open_cn.pk}
    row = api.json(f"/api/v1/opportunities/{won.pk}", key=secret)
    assert row["status"] == "closed_won" and row["is_open_for_interest"] is False
    assert timezone.now() - datetime.datetime.fromisoformat(row["closed_at"]) > datetime.timedelta(days=19)
    assert ids(api.json("/api/v1/opportunities", key=secret, status="closed_not_won")) == [not_won.pk]
    # The portal's filters still apply: "open" means open.
    assert set(ids(api.json("/api/v1/opportunities", key=secret, deadline="open"))) == {open_de.pk, open_cn.pk}


def test_a_key_without_scopes_reads_what_a_visitor_reads(api, plain_key, lab_a):
    closed(lab_a, Status.CLOSED_WON, days_ago=20)
    assert api.json("/api/v1/opportunities", key=plain_key[1])["count"] == 0


def test_an_unknown_key_is_a_401(api):
    for key in ("clp_" + "a" * 43, "wrong", ""):
        response = api.get("/api/v1/opportunities", headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == 401, key
        assert response.json() == {"detail": "Unknown API key."}
        assert response["WWW-Authenticate"].startswith("Bearer")
    assert api.get("/api/v1/themes", headers={"X-Api-Key": "clp_nope"}).status_code == 401


def test_a_revoked_key_is_a_401_from_the_moment_it_is_revoked(api, de_key, lab_a):
    row, secret = de_key
    assert api.get("/api/v1/opportunities", key=secret).status_code == 200
    assert api_key_revoke(api_key=row) is True
    refused = api.get("/api/v1/opportunities", key=secret)
    assert refused.status_code == 401 and refused.json() == {"detail": "This API key was revoked."}
    assert api.get("/api/v1/opportunities", headers={"X-Api-Key": secret}).status_code == 401
    assert api_key_revoke(api_key=row) is False  # once is enough


def test_other_authorization_schemes_are_not_keys(api):
    assert api.get("/api/v1/themes", headers={"Authorization": "Basic dXNlcjpwYXNz"}).status_code == 200


def test_last_used_is_stamped_at_most_once_a_minute(api, plain_key, django_assert_num_queries):
    row, secret = plain_key
    assert row.last_used_at is None
    api.get("/api/v1/countries", key=secret)
    row.refresh_from_db()
    first = row.last_used_at
    assert first is not None and timezone.now() - first < datetime.timedelta(seconds=30)
    # The next request within the minute: the key's lookup, the count, the page; no UPDATE.
    with django_assert_num_queries(3):
        api.get("/api/v1/countries", key=secret)
    row.refresh_from_db()
    assert row.last_used_at == first
    ApiKey.objects.filter(pk=row.pk).update(last_used_at=timezone.now() - datetime.timedelta(minutes=2))
    api.get("/api/v1/countries", key=secret)
    row.refresh_from_db()
    assert timezone.now() - row.last_used_at < datetime.timedelta(seconds=30)


# --- Issuing ---------------------------------------------------------------------------------------------


def test_a_key_is_stored_hashed_and_handed_out_once(admin_user):
    issued = api_key_issue(
        partner_name="Goethe",
        contact_name="Greta",
        contact_email="greta@goethe.example",
        scopes=[],
        issued_by=admin_user,
    )
    assert looks_like_a_key(issued.secret)
    stored = ApiKey.objects.get()
    assert stored.key_hash == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert issued.secret not in json.dumps(list(ApiKey.objects.values()), default=str)
    assert issued.secret.startswith(stored.prefix) and len(stored.prefix) == 12
    again = api_key_issue(
        partner_name="Goethe",
        contact_name="Greta",
        contact_email="GRETA@goethe.example",
        scopes=[],
        issued_by=admin_user,
    )
    assert again.api_key == stored and again.secret is None  # a double click: the same key, not shown again
    other = api_key_issue(
        partner_name="Goethe",
        contact_name="Greta",
        contact_email="greta@goethe.example",
        scopes=["country:DE"],
        issued_by=admin_user,
    )
    assert other.api_key != stored and other.secret


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def test_an_admin_issues_a_key_and_sees_it_once(admin_client, admin_user, api, lab_a):
    form = admin_client.get("/admin/api/apikey/add/")
    assert form.status_code == 200 and 'name="countries"' in form.content.decode()
    response = admin_client.post(
        "/admin/api/apikey/add/",
        {
            "partner_name": "Embassy website DE",
            "contact_name": "Greta",
            "contact_email": "web@embassy.example",
            "countries": ["DE"],
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    secret = re.search(r'value="(clp_[A-Za-z0-9_-]{43})"', page).group(1)
    stored = ApiKey.objects.get()
    assert stored.scopes == ["country:DE"] and stored.issued_by == admin_user
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    # The key works, with its scope.
    won = closed(lab_a, Status.CLOSED_WON, days_ago=3)
    assert ids(api.json("/api/v1/opportunities", key=secret)) == [won.pk]
    # And is never shown again: not in the list, not on its page.
    assert secret not in admin_client.get("/admin/api/apikey/").content.decode()
    detail = admin_client.get(f"/admin/api/apikey/{stored.pk}/change/")
    assert detail.status_code == 200 and secret not in detail.content.decode()
    assert stored.prefix in detail.content.decode()


def test_an_admin_revokes_keys_from_the_list(admin_client, api):
    row, secret = issue_key()
    response = admin_client.post(
        "/admin/api/apikey/", {"action": "revoke", "_selected_action": [row.pk], "index": 0}, follow=True
    )
    assert response.status_code == 200 and "1 key revoked." in response.content.decode()
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert api.get("/api/v1/themes", key=secret).status_code == 401


def test_a_key_cannot_be_edited_or_deleted(admin_client):
    row, _ = issue_key()
    assert admin_client.post(f"/admin/api/apikey/{row.pk}/change/", {"partner_name": "Else"}).status_code == 403
    assert admin_client.post(f"/admin/api/apikey/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ApiKey.objects.get().partner_name == "Goethe Partner"


def test_only_admins_reach_the_keys(sme_owner, developer_a):
    for person in (sme_owner, developer_a):
        client = Client()
        client.force_login(person)
        assert client.get("/admin/api/apikey/add/").status_code in (302, 403)
        assert not ApiKey.objects.exists()


# --- A person's data export -----------------------------------------------------------------------------


def test_the_export_holds_the_keys_naming_the_person_and_those_they_issued(admin_user, plain_user):
    plain_user.email = "greta@partner.example"
    plain_user.save()
    issue_key()  # names greta as its contact
    issued = api_key_issue(
        partner_name="Sector association",
        contact_name="Sam",
        contact_email="sam@sector.example",
        scopes=[],
        issued_by=admin_user,
    )
    for person, partner, part in (
        (plain_user, "Goethe Partner", "you are its contact"),
        (admin_user, "Sector association", "you issued it"),
    ):
        client = Client()
        client.force_login(person)
        data = client.get("/accounts/privacy/export/").json()
        assert [(k["partner_name"], k["your_part"]) for k in data["api_keys"]] == [(partner, [part])]
        raw = json.dumps(data)
        assert "key_hash" not in raw and ApiKey.objects.get(partner_name=partner).key_hash not in raw
    assert issued.secret not in raw
