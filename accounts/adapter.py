from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.ratelimit import respond_429
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone


class AccountAdapter(DefaultAccountAdapter):
    def pre_authenticate(self, request, **credentials):
        # allauth answers too many failed logins with a form error; we answer 429 so that
        # scripts and proxies see the refusal for what it is.
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            if self._login_failed_rl_usage:
                raise
            raise ImmediateHttpResponse(respond_429(request)) from None

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
