"""Notification pages: the list and "mark read", the e-mail settings, and the one-click unsubscribe."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from creativelabs.ratelimits import rate_limited
from creativelabs.tokens import LinkError

from ..models import Notification
from .forms import NotificationPreferenceForm
from .preferences import (
    Category,
    category_emails_on,
    email_unsubscribe,
    preference_of,
    unsubscribe_user,
    visible_categories,
)

PAGE_SIZE = 20


@login_required
def notifications(request):
    """Any logged-in user: their notifications, newest first, a page at a time."""
    items = Notification.objects.filter(user=request.user).select_related("opportunity")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"notifications": page, "page": page})


@require_POST
@login_required
def notifications_read(request):
    """Any logged-in user: mark all their notifications read."""
    Notification.objects.filter(user=request.user, read_at=None).update(read_at=timezone.now())
    return redirect("notifications:list")


@login_required
def notification_settings(request):
    """Any logged-in user: which e-mails they get (notifications in the portal are always shown)."""
    form = NotificationPreferenceForm(
        request.POST or None, instance=preference_of(request.user), categories=visible_categories(request.user)
    )
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Your e-mail settings have been saved."))
            return redirect("notifications:settings")
        return render(request, "notifications/settings.html", {"form": form}, status=400)
    return render(request, "notifications/settings.html", {"form": form})


# No CSRF token: mail clients send RFC 8058 one-click POSTs without one; the signed link is the protection.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("unsubscribe", methods=("GET", "HEAD", "POST"), key=lambda request, category, token: token)
def unsubscribe(request, category: str, token: str):
    """Anyone with the link, logged in or not: GET shows what stops, POST (the button, or one-click) stops it."""
    try:
        subscriber = unsubscribe_user(category, token)
    except LinkError as error:
        return render(request, "notifications/unsubscribe_invalid.html", {"error": str(error)}, status=400)
    context = {"subscriber": subscriber, "category_label": Category(category).label}
    if request.method == "POST":
        email_unsubscribe(user=subscriber, category=category)
        return render(request, "notifications/unsubscribe_done.html", context)
    context["already_off"] = not category_emails_on(preference_of(subscriber), category)
    return render(request, "notifications/unsubscribe.html", context)
