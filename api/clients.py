"""Who is asking the API: a visitor (no key) or a partner's key, and what each may read.

Ninja runs the callables of `AUTH` in order and keeps the first answer: a key in `Authorization:
Bearer` or in `X-Api-Key`, else a visitor. A key that is given but unknown or revoked is a 401 (not a
visitor's answer: a partner should learn at once that the key stopped working); each such attempt also
counts against the client's address, so guessing keys is as limited as anything else.
"""

from dataclasses import dataclass

from ninja.security import APIKeyHeader, HttpBearer

from .errors import KeyRefused
from .keys import key_hash, looks_like_a_key
from .models import ApiKey
from .scopes import PUBLIC, Scope, scope_of
from .services import api_key_mark_used
from .throttling import count_refused_key


@dataclass(frozen=True)
class ApiClient:
    api_key: ApiKey | None
    scope: Scope

    def __bool__(self) -> bool:  # ninja keeps the first truthy answer of its auth callables
        return True


VISITOR = ApiClient(api_key=None, scope=PUBLIC)


def client_for_key(request, key: str) -> ApiClient:
    """The client a key stands for; `KeyRefused` (401) for an unknown or revoked one."""
    key = key.strip()
    api_key = ApiKey.objects.filter(key_hash=key_hash(key)).first() if looks_like_a_key(key) else None
    if api_key is None:
        count_refused_key(request)
        raise KeyRefused("Unknown API key.")
    if api_key.is_revoked:
        count_refused_key(request)
        raise KeyRefused("This API key was revoked.")
    api_key_mark_used(api_key=api_key)
    return ApiClient(api_key=api_key, scope=scope_of(api_key.scopes))


class BearerKey(HttpBearer):
    """A partner key as `Authorization: Bearer <key>`."""

    def authenticate(self, request, token: str) -> ApiClient:
        return client_for_key(request, token)


class HeaderKey(APIKeyHeader):
    """A partner key as `X-Api-Key: <key>`."""

    param_name = "X-Api-Key"

    def authenticate(self, request, key: str | None) -> ApiClient | None:
        return None if key is None else client_for_key(request, key)


def visitor(request) -> ApiClient:
    return VISITOR


AUTH = [BearerKey(), HeaderKey(), visitor]
