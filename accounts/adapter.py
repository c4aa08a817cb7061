import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal.httpkit import clean_client_ip
from allauth.core.internal.ratelimit import get_ip
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from creativelabs.errors import too_many_requests
from creativelabs.ratelimits import seconds_until_allowed

logger = logging.getLogger(__name__)


def login_attempts_key(request, address: str) -> str:
    """What allauth's per-"key" limits on logins and password resets count: the address *and* the client.

    Counted per address alone, an attacker's wrong passwords would lock the owner out everywhere;
    counted per address and client, they lock out the attacker's client, while the owner logs in
    from their own. (The per-client limit, "20/m/ip", still bounds guessing across addresses.)
    """
    return f"{address.lower()}|{get_ip(request)}"


@dataclass(frozen=True)
class PortalSite:
    """What allauth's e-mail templates read as `current_site`: the portal's name and address, not the host
    the request happened to come in on (without django.contrib.sites that would be "127.0.0.1:8401")."""

    name: str
    domain: str


def portal_site() -> PortalSite:
    return PortalSite(name=settings.PORTAL_NAME, domain=urlsplit(settings.SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        super().send_mail(template_prefix, email, {**context, "current_site": portal_site()})

    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth's hook for the "login_failed" key; also what a completed password reset clears,
        # so the owner's reset clears their own client's count, not the attacker's.
        return login_attempts_key(request, credentials.get("email", credentials.get("username", "")))

    def pre_authenticate(self, request, **credentials):
        # allauth answers too many failed logins with a form error; we answer 429 so that
        # scripts and proxies see the refusal for what it is, and when to come back.
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            if self._login_failed_rl_usage:
                raise
            wait = seconds_until_allowed(
                request,
                app="allauth.account",
                action="login_failed",
                key=self._get_login_attempts_cache_key(request, **credentials),
            )
            raise ImmediateHttpResponse(too_many_requests(request, retry_after=wait)) from None

    def get_client_ip(self, request):
        # allauth takes the client's address from X-Forwarded-For (ALLAUTH_TRUSTED_PROXY_COUNT entries
        # from the end) or from ALLAUTH_TRUSTED_CLIENT_IP_HEADER. A request with fewer entries than
        # proxies did not pass them all: count it by the address it came from instead of a 500.
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured as error:
            logger.warning("Client address from REMOTE_ADDR: %s", error)
            ip = clean_client_ip(request.META.get("REMOTE_ADDR", ""))
            if not ip:
                raise PermissionDenied("Unable to determine client IP address") from None
            return ip

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.full_name = data.get("full_name", "").strip()
        user.preferred_language = (getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE)[:2]
        if data.get("accept_terms"):
            user.terms_version = settings.TERMS_VERSION
            user.terms_accepted_at = timezone.now()
        if commit:
            user.save()
        return user

    def login(self, request, user):
        # The pages after login are in the user's preferred language (PreferredLanguageMiddleware,
        # unless the browser chose one with the language switch); so are allauth's messages added
        # now, such as "Successfully signed in as …", which would otherwise keep the login page's.
        super().login(request, user)
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
            request._language_at_login = user.preferred_language

    def get_login_redirect_url(self, request):
        from .views import PENDING_LINK_SESSION_KEY

        if request.session.get(PENDING_LINK_SESSION_KEY):
            return reverse("accounts:continue")
        return super().get_login_redirect_url(request)


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator) -> bool:
        # Staff roles must keep a second factor: removing the only TOTP would let anyone
        # with the password enrol their own and act as business developer, staff or admin.
        from allauth.mfa.models import Authenticator

        from .roles import roles_of

        if authenticator.type == Authenticator.Type.TOTP and roles_of(authenticator.user).requires_mfa:
            return False
        return super().can_delete_authenticator(authenticator)
