"""Partner keys as strings: made, hashed and read from a request. No database here.

A key is `clp_` and 43 URL-safe characters (32 random bytes). The database keeps its SHA-256 and its
first characters; a request carries it as `Authorization: Bearer <key>` or `X-Api-Key: <key>`.
"""

import hashlib
import re
import secrets

KEY_PREFIX = "clp_"
PREFIX_SHOWN = len(KEY_PREFIX) + 8
# What a key can look like: anything else is not a key, and is refused without a lookup.
KEY_PATTERN = re.compile(r"^clp_[A-Za-z0-9_-]{43}$")


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def shown_prefix(key: str) -> str:
    return key[:PREFIX_SHOWN]


def looks_like_a_key(value: str) -> bool:
    return KEY_PATTERN.match(value) is not None
