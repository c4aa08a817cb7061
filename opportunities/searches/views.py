"""Saved searches: save a filtered list, see and manage one's own, open one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..models import SavedSearch
from ..permissions import may_save_search
from . import services
from .forms import NewSavedSearchForm, SavedSearchForm
from .lists import LISTS, describe
from .selectors import saved_searches_of


def _own(request, pk: int) -> SavedSearch:
    return get_object_or_404(saved_searches_of(request.user), pk=pk)


@login_required
def saved_searches(request):
    """Any logged-in user: their saved searches, each with its filters, to open, rename or delete."""
    searches = list(saved_searches_of(request.user))
    for search in searches:
        search.filters = describe(search.list, search.query, request.user)
    return render(request, "searches/list.html", {"searches": searches})


@login_required
def saved_search_new(request):
    """Logged-in users (the company directory: programme staff): save the list as filtered now."""
    list_name = request.GET.get("list") or request.POST.get("list") or ""
    if list_name not in LISTS:
        raise Http404
    if not may_save_search(request.user, list_name):
        raise PermissionDenied
    initial = {"query": request.GET.get("query", ""), "frequency": SavedSearch.Frequency.DAILY}
    form = NewSavedSearchForm(request.POST or None, initial=initial, list_name=list_name, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.saved_search_create(
                    user=request.user,
                    list_name=list_name,
                    query=form.cleaned_data["query"],
                    name=form.cleaned_data["name"],
                    frequency=form.cleaned_data["frequency"],
                )
            except services.SavedSearchLimit:
                form.add_error(
                    None,
                    _("You keep %(count)d saved searches; delete one first.") % {"count": services.MAX_SAVED_SEARCHES},
                )
            else:
                messages.success(request, _("Your search is saved. You will hear of what is new in it."))
                return redirect("searches:list")
        status = 400
    else:
        status = 200
    query = form.data.get("query", "") if form.is_bound else initial["query"]
    context = {"form": form, "list_name": list_name, "filters": describe(list_name, query, request.user)}
    context["back"] = reverse(LISTS[list_name].url_name) + (f"?{query}" if query else "")
    return render(request, "searches/form.html", context, status=status)


@login_required
def saved_search_edit(request, pk: int):
    """The search's owner: rename it or change how often it alerts."""
    search = _own(request, pk)
    form = SavedSearchForm(request.POST or None, instance=SavedSearch.objects.get(pk=search.pk))
    if request.method == "POST":
        if form.is_valid():
            services.saved_search_update(
                saved_search=search, name=form.cleaned_data["name"], frequency=form.cleaned_data["frequency"]
            )
            messages.success(request, _("Your saved search has been changed."))
            return redirect("searches:list")
        status = 400
    else:
        status = 200
    context = {"form": form, "search": search, "filters": describe(search.list, search.query, request.user)}
    return render(request, "searches/form.html", context, status=status)


@require_POST
@login_required
def saved_search_delete(request, pk: int):
    """The search's owner: delete it (its alerts stop)."""
    services.saved_search_delete(saved_search=_own(request, pk))
    messages.success(request, _("Your saved search has been deleted."))
    return redirect("searches:list")


@login_required
def saved_search_open(request, pk: int):
    """The search's owner: the list with the search's filters."""
    search = _own(request, pk)
    url = reverse(LISTS[search.list].url_name)
    return redirect(f"{url}?{search.query}" if search.query else url)
