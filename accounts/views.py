from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from creativelabs.headers import never_store

from . import export, services
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


# An invitation followed before logging in is kept here, so it survives sign-up and verification.
PENDING_LINK_SESSION_KEY = "pending_invitation_path"


def remember_pending_link(request) -> None:
    request.session[PENDING_LINK_SESSION_KEY] = request.path


def forget_pending_link(request) -> None:
    request.session.pop(PENDING_LINK_SESSION_KEY, None)


@login_required
def continue_pending_link(request):
    """Logged-in users: go back to the invitation they followed before logging in."""
    path = request.session.get(PENDING_LINK_SESSION_KEY, "")
    if not path or not url_has_allowed_host_and_scheme(path, allowed_hosts=None):
        return redirect("home")
    return redirect(path)


@login_required
def privacy(request):
    """Any logged-in user: download their data, or delete their account."""
    return render(request, "accounts/privacy.html")


@login_required
@never_store
def privacy_export(request):
    """Any logged-in user: everything the portal holds about them and their company, as JSON."""
    response = JsonResponse(export.user_export_data(request.user), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="creative-labs-my-data.json"'
    return response


@login_required
@never_store
def privacy_data(request):
    """Any logged-in user: the same data as the download, on a page to read."""
    data = export.user_export_data(request.user)
    context = {"exported_at": data["exported_at"], "sections": export.export_page(data)}
    return render(request, "accounts/privacy_data.html", context)


@login_required
@reauthentication_required
def account_delete(request):
    """Any logged-in user, after entering their password again: delete the account."""
    if request.method == "POST":
        try:
            services.user_delete(user=request.user)
        except services.AccountError as error:
            messages.error(request, str(error))
            return redirect("accounts:privacy")
        logout(request)
        messages.success(request, _("Your account has been deleted."))
        return redirect("home")
    return render(request, "accounts/account_delete.html")
