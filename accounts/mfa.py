"""Two-factor codes that work once: allauth's code forms, with each TOTP code's time step recorded
in the database (`UsedTOTPStep`).

allauth remembers a used TOTP code in the cache, and a cache that is down remembers nothing: the
same code would be accepted twice. Here a code is accepted only for a time step later than the
last one accepted, in one conditional UPDATE (or the first INSERT), so two requests racing with one
code cannot both win. Recovery codes are allauth's own: it marks them used in the database already.
"""

from allauth.core.internal.cryptokit import compare_user_code
from allauth.mfa.adapter import get_adapter
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as AllauthReauthenticateForm
from allauth.mfa.base.internal.flows import check_rate_limit
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from allauth.mfa.utils import decrypt
from django.db import IntegrityError, transaction

from .models import UsedTOTPStep


def matching_step(secret: str, code: str) -> int | None:
    """The time step (within allauth's tolerance of now) whose code `code` is, or None."""
    for step in yield_hotp_counters_from_time():
        if compare_user_code(actual=code, expected=format_hotp_value(hotp_value(secret, step))):
            return step
    return None


def use_totp_code(authenticator: Authenticator, code: str) -> bool:
    """Accept `code` for this TOTP authenticator once: True if valid and of a step not used before."""
    step = matching_step(decrypt(authenticator.data["secret"]), code)
    if step is None:
        return False
    if UsedTOTPStep.objects.filter(authenticator=authenticator, step__lt=step).update(step=step):
        return True
    try:
        with transaction.atomic():
            UsedTOTPStep.objects.create(authenticator=authenticator, step=step)
    except IntegrityError:  # a step as late or later is recorded already: used
        return False
    return True


def code_is_accepted(authenticator: Authenticator, code: str) -> bool:
    if authenticator.type == Authenticator.Type.TOTP:
        return use_totp_code(authenticator, code)
    return authenticator.wrap().validate_code(code)


class OnceOnlyCodeMixin:
    """allauth's BaseAuthenticateForm.clean_code (65.22), with the TOTP check above."""

    def clean_code(self) -> str:
        clear_rate_limit = check_rate_limit(self.user)
        code = self.cleaned_data["code"]
        main_authenticator = None
        # WebAuthn cannot check a typed code.
        for authenticator in Authenticator.objects.filter(user=self.user).exclude(type=Authenticator.Type.WEBAUTHN):
            if not main_authenticator or authenticator.type == Authenticator.Type.TOTP:
                # Failure signals go to the main authenticator only, as in allauth.
                main_authenticator = authenticator
            if code_is_accepted(authenticator, code):
                authenticator.user = self.user
                self.authenticator = authenticator
                clear_rate_limit()
                return code
        if main_authenticator:
            self._emit_authentication_failed(main_authenticator)
        raise get_adapter().validation_error("incorrect_code")


class AuthenticateForm(OnceOnlyCodeMixin, AllauthAuthenticateForm):
    """The code asked for after the password at login."""


class ReauthenticateForm(OnceOnlyCodeMixin, AllauthReauthenticateForm):
    """The code asked for again before a sensitive change."""
