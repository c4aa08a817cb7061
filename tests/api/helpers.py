"""Helpers for the API's tests: a client that reads JSON, opportunities in a status, partner keys."""

import datetime

from django.test import Client
from django.utils import timezone

from api.keys import key_hash, new_key, shown_prefix
from api.models import ApiKey
from opportunities.models import OpportunityEvent, Status
from tests.opportunities.factories import OpportunityFactory


class ApiClient:
    """The test client, reading JSON; `key=` sends a partner key as a bearer token."""

    def __init__(self):
        self.client = Client()

    def get(self, path: str, *, key: str | None = None, headers: dict | None = None, **params):
        headers = dict(headers or {})
        if key is not None:
            headers["Authorization"] = f"Bearer {key}"
        return self.client.get(path, params, headers=headers)

    def json(self, path: str, *, expect: int = 200, **kwargs) -> dict:
        response = self.get(path, **kwargs)
        assert response.status_code == expect, (response.status_code, response.content[:2000])
        return response.json()


def published(lab, **fields):
    return OpportunityFactory(lab=lab, status=Status.PUBLISHED, **fields)


def closed(lab, status: str, *, days_ago: int, **fields):
    """An opportunity that reached `status` `days_ago` days ago (its workflow step says when)."""
    opportunity = OpportunityFactory(lab=lab, status=status, published_at=timezone.now(), **fields)
    event = OpportunityEvent.objects.create(
        opportunity=opportunity, action="closed", from_status=Status.PUBLISHED, to_status=status
    )
    OpportunityEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - datetime.timedelta(days=days_ago))
    return opportunity


def issue_key(*, scopes=(), revoked: bool = False, partner: str = "Goethe Partner") -> tuple[ApiKey, str]:
    """A key straight in the database (the admin's way is tested in test_keys.py): (row, key)."""
    secret = new_key()
    row = ApiKey.objects.create(
        partner_name=partner,
        contact_name="Greta Partner",
        contact_email="greta@partner.example",
        scopes=list(scopes),
        prefix=shown_prefix(secret),
        key_hash=key_hash(secret),
        revoked_at=timezone.now() if revoked else None,
    )
    return row, secret


def ids(page: dict) -> list[int]:
    return [row["id"] for row in page["results"]]
