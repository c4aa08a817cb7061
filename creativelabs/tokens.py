"""Signed, expiring tokens for links sent by e-mail (invitations, unsubscribe links).

A token names one row by its id and carries a keyed hash of the value the link is bound to
(the address it was sent to), never the value itself: the payload of a signed token is only
base64, readable by anyone who has the link, and links end up in access logs and mail
archives. The hash is an HMAC with the site's secret key, so it can't be checked against a
list of guessed addresses either. Whether the link was already used is the row's business, so
each caller checks its own `accepted_at` (or similar) after reading it.

Links sent before this format carried the address itself (`{"id": …, "email": …}`, signed with
the same salts). They are still accepted, and checked exactly as before (the address on the row
must be the one in the token), so an invitation keeps working until it expires and an
unsubscribe link in an old e-mail keeps working for good. No new token carries an address.
"""

from dataclasses import dataclass

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _


class LinkError(Exception):
    """A link that can't be used; the message is for the person who followed it."""


def _binding_hash(salt: str, pk: int, binding: str) -> str:
    # The id is part of the hashed value: a hash taken from one row's link says nothing about another's.
    return salted_hmac(f"{salt}:binding", f"{pk}:{binding.lower()}", algorithm="sha256").hexdigest()[:32]


def make_link_token(*, salt: str, pk: int, binding: str) -> str:
    """A signed token for row `pk`, bound to `binding` (an address, say) through a keyed hash of it."""
    return signing.dumps({"id": pk, "h": _binding_hash(salt, pk, binding)}, salt=salt)


@dataclass(frozen=True)
class LinkToken:
    """What a valid token says: the row's id, and a way to ask whether it was bound to a value."""

    pk: int
    salt: str
    binding_hash: str = ""
    legacy_email: str = ""  # only in links made before tokens carried a hash

    def is_bound_to(self, value: str) -> bool:
        """Whether the link was made for `value` (compared without regard to case)."""
        if self.binding_hash:
            return constant_time_compare(self.binding_hash, _binding_hash(self.salt, self.pk, value))
        return bool(self.legacy_email) and constant_time_compare(self.legacy_email, value.lower())


def read_link_token(token: str, *, salt: str, max_age: int | None) -> LinkToken:
    """The row a token stands for; raises LinkError if tampered, garbled or expired."""
    invalid = _("This link is not valid. Check that you copied all of it.")
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkError(_("This link has expired. Ask for a new one.")) from None
    except signing.BadSignature:
        raise LinkError(invalid) from None
    if not isinstance(payload, dict) or type(payload.get("id")) is not int:
        raise LinkError(invalid)
    binding_hash, legacy_email = payload.get("h"), payload.get("email")
    if isinstance(binding_hash, str) and binding_hash:
        return LinkToken(pk=payload["id"], salt=salt, binding_hash=binding_hash)
    if isinstance(legacy_email, str) and legacy_email:
        return LinkToken(pk=payload["id"], salt=salt, legacy_email=legacy_email.lower())
    raise LinkError(invalid)
