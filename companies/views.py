from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import roles_of
from accounts.views import forget_pending_link, remember_pending_link
from creativelabs.files import uploaded_file_response
from creativelabs.htmx import vary_on_htmx, wants_fragment
from creativelabs.lists import render_filtered_list
from creativelabs.ratelimits import rate_limited
from creativelabs.tokens import LinkError
from opportunities.interests.selectors import suggested_opportunities
from opportunities.selectors import explanation_labels
from opportunities.suggestions.queue import company_matching_state

from . import services
from .filters import CompanyFilter
from .forms import CompanyForm, PortfolioFileForm, PortfolioItemForm, TeamInvitationForm
from .models import Membership, PortfolioFile, PortfolioItem
from .permissions import may_register_company, may_see_history, membership_of
from .selectors import (
    company_completeness,
    company_history,
    visible_companies,
    visible_portfolio_files,
    visible_portfolio_items,
)

DIRECTORY_PAGE_SIZE = 20


def member_required(owner: bool = False):
    """Members of a company (owners only with owner=True); passes `membership` to the view."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            membership = membership_of(request.user, owner=owner)
            if membership is None:
                raise PermissionDenied
            return view(request, membership, *args, **kwargs)

        return wrapper

    return decorator


# --- Public ---------------------------------------------------------------------------


@rate_limited("search", methods=("GET", "HEAD"))
def directory(request):
    """Anyone: listed companies (all companies for programme staff), filtered through the URL."""
    companies = visible_companies(request.user).prefetch_related("disciplines").order_by("name")
    return render_filtered_list(
        request,
        CompanyFilter(request.GET or None, queryset=companies),
        template="companies/directory.html",
        partial="companies/_directory_results.html",
        per_page=DIRECTORY_PAGE_SIZE,
    )


def company_detail(request, slug: str):
    """Anyone who may see the company: its profile and the portfolio items visible to them."""
    company = get_object_or_404(visible_companies(request.user).prefetch_related("disciplines", "themes"), slug=slug)
    items = list(visible_portfolio_items(request.user, company).prefetch_related("files", "disciplines", "themes"))
    history = company_history(company, items) if may_see_history(request.user, company) else []
    return render(request, "companies/company_detail.html", {"company": company, "items": items, "history": history})


def company_logo(request, slug: str):
    """Anyone who may see the company: its logo."""
    company = get_object_or_404(visible_companies(request.user), slug=slug)
    if not company.logo:
        raise Http404
    return uploaded_file_response(company.logo, content_type=_image_type(company.logo.name))


@rate_limited("download", methods=("GET", "HEAD"))
def portfolio_file(request, pk: int, variant: str = "file"):
    """Anyone who may see the portfolio item: an image (inline) or a PDF (always as a download)."""
    stored = get_object_or_404(visible_portfolio_files(request.user), pk=pk)
    if variant == "thumbnail":
        if not stored.thumbnail:
            raise Http404
        return uploaded_file_response(stored.thumbnail, content_type=_image_type(stored.thumbnail.name))
    if stored.kind == PortfolioFile.Kind.PDF:
        return uploaded_file_response(stored.file, content_type="application/pdf", download_name=stored.original_name)
    return uploaded_file_response(stored.file, content_type=stored.content_type)


def _image_type(name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower()
    return {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(extension, "application/octet-stream")


# --- Registration and profile ---------------------------------------------------------------


@login_required
def company_register(request):
    """A logged-in person without a company (and without a staff role): register one."""
    roles = roles_of(request.user)
    if roles.membership is not None:
        messages.info(request, _("You already belong to a company."))
        return redirect("companies:dashboard")
    if not may_register_company(request.user):
        raise PermissionDenied
    form = CompanyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            company = services.company_register(
                user=request.user, data=form.model_data(), logo=form.cleaned_data.get("logo_upload")
            )
        except ValidationError as error:
            form.add_error("logo_upload", error)
        except services.CompanyError as error:
            messages.error(request, str(error))
            return redirect("companies:dashboard")
        else:
            messages.success(
                request,
                _("%(company)s is registered. Now show your work: add a portfolio item.") % {"company": company.name},
            )
            return redirect("companies:dashboard")
    return render(request, "companies/company_form.html", {"form": form, "registering": True})


@member_required()
def dashboard(request, membership):
    """Company members: profile completeness, portfolio, team."""
    company = membership.company
    items = company.portfolio.prefetch_related("files")
    completeness = company_completeness(company, portfolio_count=len(items))
    return render(
        request,
        "companies/dashboard.html",
        {
            "company": company,
            "membership": membership,
            "items": items,
            "completeness": completeness,
            "completeness_done": sum(1 for check in completeness if check["done"]),
            "members": company.memberships.select_related("user"),
            **_suggestions_context(company),
        },
    )


def _suggestions_context(company) -> dict:
    return {
        "suggestions": suggested_opportunities(company)[:10],
        "labels": explanation_labels(),
        "matching": company_matching_state(company.pk),
    }


@member_required()
def dashboard_suggestions(request, membership):
    """Company members: the dashboard's "opportunities for you", which it polls while they are recomputed."""
    context = {"company": membership.company, **_suggestions_context(membership.company)}
    return render(request, "companies/_suggestions.html", context)


@member_required()
def company_edit(request, membership):
    """Company members: edit the profile."""
    company = membership.company
    form = CompanyForm(request.POST or None, request.FILES or None, instance=company)
    if request.method == "POST" and form.is_valid():
        try:
            services.company_update(
                company=company,
                data=form.model_data(),
                logo=form.cleaned_data.get("logo_upload"),
                remove_logo=form.cleaned_data.get("logo_upload") is False,
            )
        except ValidationError as error:
            form.add_error("logo_upload", error)
        else:
            messages.success(request, _("Your company profile has been saved."))
            return redirect("companies:dashboard")
    return render(request, "companies/company_form.html", {"form": form, "company": company})


@member_required(owner=True)
def company_delete(request, membership):
    """Company owners: delete the company, its portfolio and its files."""
    company = membership.company
    if request.method == "POST":
        if request.POST.get("confirm_name", "").strip() != company.name:
            messages.error(request, _("Type the company's name exactly to confirm."))
        else:
            services.company_delete(company=company)
            messages.success(request, _("%(company)s and its portfolio have been deleted.") % {"company": company.name})
            return redirect("home")
    return render(request, "companies/company_delete.html", {"company": company})


# --- Team -------------------------------------------------------------------------------------


@member_required()
def team(request, membership):
    """Company members: the team, and invitations to colleagues."""
    company = membership.company
    form = TeamInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_invitation_create(company=company, email=form.cleaned_data["email"], invited_by=request.user)
        except services.CompanyError as error:
            form.add_error("email", str(error))
        else:
            # "Will be sent", not "sent": the worker sends it (or the outbox does, after a broker outage).
            email = form.cleaned_data["email"]
            messages.success(request, _("The invitation to %(email)s will be e-mailed shortly.") % {"email": email})
            return redirect("companies:team")
    return render(
        request,
        "companies/team.html",
        {
            "company": company,
            "membership": membership,
            "form": form,
            "members": company.memberships.select_related("user"),
            "invitations": company.invitations.filter(accepted_at__isnull=True),
        },
    )


@require_POST
@member_required(owner=True)
def team_remove(request, membership, pk: int):
    """Company owners: remove a colleague from the team."""
    colleague = get_object_or_404(Membership, pk=pk, company=membership.company)
    try:
        services.membership_remove(company=membership.company, membership=colleague)
    except services.CompanyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s has been removed from the team.") % {"name": colleague.user})
    return redirect("companies:team")


@require_POST
@member_required(owner=True)
def team_make_owner(request, membership, pk: int):
    """Company owners: hand the ownership to a colleague."""
    colleague = get_object_or_404(Membership, pk=pk, company=membership.company)
    try:
        services.membership_transfer_ownership(company=membership.company, owner=request.user, to=colleague)
    except services.CompanyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s is now the owner.") % {"name": colleague.user})
    return redirect("companies:team")


@require_POST
@member_required()
def team_invitation_revoke(request, membership, pk: int):
    """Company members: withdraw a pending invitation to a colleague (its link stops working)."""
    invitation = get_object_or_404(membership.company.invitations.filter(accepted_at__isnull=True), pk=pk)
    email = invitation.email
    if services.team_invitation_revoke(company=membership.company, invitation_id=invitation.pk):
        messages.success(request, _("The invitation to %(email)s has been withdrawn.") % {"email": email})
    return redirect("companies:team")


def team_join(request, token: str):
    """Anyone with the link: log in or sign up, then join the company."""
    try:
        invitation = services.team_invitation_from_token(token)
    except LinkError as error:
        return render(request, "labs/invitation_invalid.html", {"error": str(error)}, status=400)
    if request.method == "POST" and request.user.is_authenticated:
        try:
            services.team_invitation_accept(invitation=invitation, user=request.user)
        except LinkError as error:
            return render(request, "labs/invitation_invalid.html", {"error": str(error)}, status=400)
        forget_pending_link(request)
        messages.success(request, _("Welcome to %(company)s.") % {"company": invitation.company.name})
        return redirect("companies:dashboard")
    if not request.user.is_authenticated:
        remember_pending_link(request)
    return render(request, "companies/team_join.html", {"invitation": invitation})


# --- Portfolio ------------------------------------------------------------------------------


@member_required()
def portfolio_new(request, membership):
    """Company members: add a portfolio item."""
    form = PortfolioItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = services.portfolio_item_create(company=membership.company, data=form.model_data())
        messages.success(request, _("Saved. Now add images or a PDF to show the work."))
        return redirect("companies:portfolio_edit", pk=item.pk)
    return render(request, "companies/portfolio_form.html", {"form": form})


@member_required()
def portfolio_edit(request, membership, pk: int):
    """Company members: edit a portfolio item and its files."""
    item = get_object_or_404(PortfolioItem.objects.filter(company=membership.company), pk=pk)
    form = PortfolioItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        services.portfolio_item_update(item=item, data=form.model_data())
        messages.success(request, _("Your portfolio item has been saved."))
        return redirect("companies:portfolio_edit", pk=item.pk)
    return render(
        request,
        "companies/portfolio_form.html",
        {"form": form, "item": item, "file_form": PortfolioFileForm(), "files": item.files.all()},
    )


@member_required()
def portfolio_delete(request, membership, pk: int):
    """Company members: delete a portfolio item with its files."""
    item = get_object_or_404(PortfolioItem.objects.filter(company=membership.company), pk=pk)
    if request.method == "POST":
        services.portfolio_item_delete(item=item)
        messages.success(request, _("“%(title)s” has been deleted.") % {"title": item.title})
        return redirect("companies:dashboard")
    return render(request, "companies/portfolio_delete.html", {"item": item})


@require_POST
@member_required()
def portfolio_move(request, membership, pk: int):
    """Company members: move a portfolio item up or down."""
    item = get_object_or_404(PortfolioItem.objects.filter(company=membership.company), pk=pk)
    services.portfolio_item_move(item=item, offset=-1 if request.POST.get("direction") == "up" else 1)
    if wants_fragment(request):
        items = membership.company.portfolio.prefetch_related("files")
        return vary_on_htmx(render(request, "companies/_portfolio_list.html", {"items": items}))
    return vary_on_htmx(redirect("companies:dashboard"))


@require_POST
@member_required()
def portfolio_file_add(request, membership, pk: int):
    """Company members: upload an image or PDF to a portfolio item."""
    item = get_object_or_404(PortfolioItem.objects.filter(company=membership.company), pk=pk)
    file_form = PortfolioFileForm(request.POST, request.FILES)
    if file_form.is_valid():
        try:
            services.portfolio_file_add(item=item, upload=file_form.cleaned_data["upload"])
        except ValidationError as error:
            file_form.add_error("upload", error)
        else:
            messages.success(request, _("The file has been added."))
            return redirect("companies:portfolio_edit", pk=item.pk)
    form = PortfolioItemForm(instance=item)
    return render(
        request,
        "companies/portfolio_form.html",
        {"form": form, "item": item, "file_form": file_form, "files": item.files.all()},
        status=400,
    )


def _own_file(membership, pk: int) -> PortfolioFile:
    return get_object_or_404(PortfolioFile.objects.filter(item__company=membership.company), pk=pk)


@require_POST
@member_required()
def portfolio_file_delete(request, membership, pk: int):
    """Company members: delete an image or PDF."""
    stored = _own_file(membership, pk)
    services.portfolio_file_delete(file=stored)
    messages.success(request, _("The file has been deleted."))
    return redirect("companies:portfolio_edit", pk=stored.item_id)


@require_POST
@member_required()
def portfolio_file_cover(request, membership, pk: int):
    """Company members: make an image the item's cover."""
    stored = _own_file(membership, pk)
    try:
        services.portfolio_file_set_cover(file=stored)
    except services.CompanyError as error:
        messages.error(request, str(error))
    return redirect("companies:portfolio_edit", pk=stored.item_id)


@require_POST
@member_required()
def portfolio_file_move(request, membership, pk: int):
    """Company members: move an image or PDF up or down."""
    stored = _own_file(membership, pk)
    services.portfolio_file_move(file=stored, offset=-1 if request.POST.get("direction") == "up" else 1)
    return redirect("companies:portfolio_edit", pk=stored.item_id)
