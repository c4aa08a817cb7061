"""Writes on partner keys: issue, revoke, and the "last used" stamp. Each safe to repeat."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .keys import key_hash, new_key, shown_prefix
from .models import ApiKey

# The same key asked for again this soon (a double click on "Save") is the one issued already.
SAME_ISSUE_WINDOW = datetime.timedelta(minutes=5)
# "Last used" is written at most this often per key, not on every request.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    secret: str | None  # the key itself: only when this call made it; it is stored nowhere


@transaction.atomic
def api_key_issue(
    *, partner_name: str, contact_name: str, contact_email: str, scopes: list[str], issued_by: User
) -> IssuedKey:
    """A new key for a partner, or the one this admin issued for the same partner a moment ago.

    The admin's own row is locked, so two identical requests at once make one key; the second gets
    no secret (only its hash was kept) and says so.
    """
    User.objects.select_for_update().filter(pk=issued_by.pk).first()
    scopes = sorted(set(scopes))
    recent = ApiKey.objects.active().filter(
        partner_name=partner_name,
        contact_name=contact_name,
        contact_email__iexact=contact_email,
        issued_by=issued_by,
        created_at__gte=timezone.now() - SAME_ISSUE_WINDOW,
    )
    for existing in recent:
        if sorted(existing.scopes) == scopes:
            return IssuedKey(api_key=existing, secret=None)
    secret = new_key()
    api_key = ApiKey.objects.create(
        partner_name=partner_name,
        contact_name=contact_name,
        contact_email=contact_email,
        scopes=scopes,
        prefix=shown_prefix(secret),
        key_hash=key_hash(secret),
        issued_by=issued_by,
    )
    return IssuedKey(api_key=api_key, secret=secret)


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey) -> bool:
    """Revoke the key from now on; False when it was revoked already (nothing changes then)."""
    locked = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if locked.revoked_at is not None:
        return False
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    api_key.revoked_at = locked.revoked_at
    return True


def api_key_mark_used(*, api_key: ApiKey, now: datetime.datetime | None = None) -> None:
    """Stamp the key as used now, when its stamp is older than a minute (one UPDATE, no lock)."""
    now = now or timezone.now()
    if api_key.last_used_at is not None and now - api_key.last_used_at < LAST_USED_PRECISION:
        return
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    api_key.last_used_at = now
