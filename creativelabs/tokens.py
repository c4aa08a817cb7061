"""Signed, expiring tokens for links sent by e-mail (invitations, confirmations).

A token names one row and the address it was sent to; whether it was already used is the
row's business, so each caller checks its own `accepted_at` (or similar) after reading it.
"""

from django.core import signing
from django.utils.translation import gettext as _


class LinkError(Exception):
    """A link that can't be used; the message is for the person who followed it."""


def make_link_token(*, salt: str, pk: int, email: str) -> str:
    return signing.dumps({"id": pk, "email": email.lower()}, salt=salt)


def read_link_token(token: str, *, salt: str, max_age: int) -> tuple[int, str]:
    """The (id, e-mail) a token stands for; raises LinkError if tampered or expired."""
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkError(_("This link has expired. Ask for a new one.")) from None
    except signing.BadSignature:
        raise LinkError(_("This link is not valid. Check that you copied all of it.")) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), int):
        raise LinkError(_("This link is not valid. Check that you copied all of it."))
    return payload["id"], str(payload.get("email", ""))
