"""Demo logins: verified e-mail, a shared password and, for staff roles, a known TOTP secret.

Only for demonstration databases: the password and the TOTP secret (`data/users.json`) are printed in
the README. The secret is Base32; add it to an authenticator app, or run `python manage.py demo_totp`.
"""

import functools
import time

from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import User

from .loader import load

DEMO_PASSWORD: str = load("users.json")["password"]
DEMO_TOTP_SECRET: str = load("users.json")["totp_secret"]


@functools.cache
def _demo_password_hash() -> str:
    """The demo password hashed once for every demo login: a full-strength hash takes a quarter of a second,
    and the demo has some forty logins. (The same salt for all says only that they share the password, which
    the demo says anyway.)"""
    return make_password(DEMO_PASSWORD)


def demo_user(email: str, full_name: str, *, language: str = "en", is_staff: bool = False, mfa: bool = False) -> User:
    """Create or refresh a demo login; idempotent."""
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "full_name": full_name,
            "preferred_language": language,
            "is_staff": is_staff,
            "is_superuser": is_staff,
            "terms_version": "demo",
            "terms_accepted_at": timezone.now(),
        },
    )
    if created:
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    if mfa and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def current_demo_totp_code() -> str:
    """The code an authenticator app shows right now for the demo secret."""
    return totp_code(DEMO_TOTP_SECRET)


def totp_code(secret: str, at: float | None = None) -> str:
    """The TOTP code for `secret` at time `at` (now by default)."""
    counter = int(time.time() if at is None else at) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))
