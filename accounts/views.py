from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from .forms import ProfileForm


@login_required
def profile(request):
    """Any logged-in user: their name and preferred language."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        response = redirect("accounts:profile")
        _remember_language(response, request.user.preferred_language)
        return response
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def mfa_required(request):
    """Staff roles without two-factor authentication: why they must set it up, and where."""
    return render(request, "accounts/mfa_required.html")


@require_POST
def set_language(request):
    """Anyone: switch the portal's language; remembered on the account when logged in."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(request.user._meta.get_field("preferred_language").choices):
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    return response


def _remember_language(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
