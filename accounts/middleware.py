from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from .roles import roles_of

# Pages a staff-role user may open before setting up two-factor authentication:
# the account pages (login, logout, MFA set-up itself), the language switch and files.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/media/", "/robots.txt", "/invitations/")


class RequireMFAMiddleware:
    """Business developers, embassy staff and admins must have TOTP before any other page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
            and roles_of(user).requires_mfa
            and not _has_mfa(user)
        ):
            return redirect(reverse("accounts:mfa_required"))
        return self.get_response(request)


def _has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class PreferredLanguageMiddleware:
    """A logged-in user without a language cookie sees the portal in their preferred language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        user = request.user
        remember = user.is_authenticated and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
        if remember:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        response = self.get_response(request)
        # Set at login by the adapter; else the logged-in user's own.
        language = getattr(request, "_language_at_login", None) or (user.preferred_language if remember else None)
        if language:
            # Remembered in the browser too, so the page after logging out (and its "You have signed
            # out.") stays in the language of the session rather than the browser's.
            from .views import _remember_language

            _remember_language(response, language)
        return response
