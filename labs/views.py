from django.contrib import messages
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import role_required
from accounts.views import forget_pending_link, remember_pending_link
from companies.selectors import visible_companies

from .forms import RoleInvitationForm, ThemeForm
from .models import BusinessDeveloper, Country, Lab, OrganisationMember, RoleInvitation, Theme
from .services import (
    InvitationError,
    RoleInvitationRefused,
    role_invitation_accept,
    role_invitation_create,
    role_invitation_from_token,
    role_invitation_revoke,
    role_invitation_send,
    theme_save,
    theme_set_archived,
)

# How many open opportunities a country, Lab or theme page lists (newest first); the list page has the rest.
OPEN_LISTED = 6


def _open_opportunities(related):
    """The open opportunities behind a reverse relation (`country.opportunities`, ...), newest first."""
    return related.open_for_interest().select_related("country").order_by("-published_at", "-id")[:OPEN_LISTED]


def home(request):
    """Anyone: what the portal is, the focus countries and a next step per role."""
    countries = Country.objects.focus().prefetch_related(Prefetch("labs", queryset=Lab.objects.order_by("name")))
    themes = Theme.objects.active()
    # Every opportunity has a country: its reverse relation reaches them all without importing the app.
    newest = _open_opportunities(Country.opportunities.rel.related_model.objects)
    return render(request, "labs/home.html", {"countries": countries, "themes": themes, "open_opportunities": newest})


def country_detail(request, code: str):
    """Anyone: a focus country with its Labs, posts and themes."""
    country = get_object_or_404(Country.objects.focus(), code=code.upper())
    labs = country.labs.annotate(developer_count=Count("business_developers"))
    return render(
        request,
        "labs/country_detail.html",
        {
            "country": country,
            "labs": labs,
            "posts": country.posts.all(),
            "themes": country.themes.active(),
            "open_opportunities": _open_opportunities(country.opportunities),
        },
    )


def lab_detail(request, slug: str):
    """Anyone: a Lab, its business developers, its partner companies and the companies with a local presence."""
    lab = get_object_or_404(Lab.objects.select_related("country"), slug=slug)
    developers = BusinessDeveloper.objects.filter(lab=lab).select_related("user")
    companies = visible_companies(request.user).present_in(lab.country_id).prefetch_related("disciplines")
    partners = list(lab.partners.current().select_related("company").order_by("company__name"))
    # A partner's name is public; its profile is linked only where the directory would show it.
    linked = set(
        visible_companies(request.user)
        .filter(pk__in=[partner.company_id for partner in partners])
        .values_list("pk", flat=True)
    )
    for partner in partners:
        partner.linked = partner.company_id in linked
    return render(
        request,
        "labs/lab_detail.html",
        {
            "lab": lab,
            "developers": developers,
            "companies": companies,
            "partners": partners,
            "open_opportunities": _open_opportunities(lab.opportunities),
        },
    )


def theme_list(request):
    """Anyone: the active themes."""
    themes = Theme.objects.active().prefetch_related("countries")
    return render(request, "labs/theme_list.html", {"themes": themes})


def theme_detail(request, slug: str):
    """Anyone: a theme with its countries and the companies interested in it."""
    theme = get_object_or_404(Theme.objects.prefetch_related("countries"), slug=slug)
    companies = visible_companies(request.user).filter(themes=theme).prefetch_related("disciplines")
    featured = theme.opportunities.published().filter(featured_on_themes=True).select_related("country")
    context = {"theme": theme, "companies": companies, "featured": featured}
    return render(
        request, "labs/theme_detail.html", {**context, "open_opportunities": _open_opportunities(theme.opportunities)}
    )


@role_required("admin")
def invitation_list(request):
    """Programme admins: invite business developers and embassy staff; see what is pending."""
    form = RoleInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = role_invitation_create(**form.cleaned_data, invited_by=request.user)
        except RoleInvitationRefused as refusal:
            form.add_error("email", str(refusal))
        else:
            # "Will be sent", not "sent": the worker sends it (or the outbox does, after a broker outage).
            email = invitation.email
            messages.success(request, _("The invitation to %(email)s will be e-mailed shortly.") % {"email": email})
            return redirect("labs:invitation_list")
    invitations = RoleInvitation.objects.select_related("lab", "post", "organisation", "invited_by", "accepted_by")[
        :100
    ]
    return render(request, "labs/invitation_list.html", {"form": form, "invitations": invitations})


@require_POST
@role_required("admin")
def invitation_resend(request, pk: int):
    """Programme admins: send a pending invitation's e-mail again."""
    invitation = get_object_or_404(RoleInvitation, pk=pk, accepted_at__isnull=True)
    email = invitation.email
    if role_invitation_send(invitation=invitation):
        messages.success(request, _("The invitation to %(email)s will be e-mailed again shortly.") % {"email": email})
    else:  # asked for under a minute ago: a second click, or a retried request
        messages.info(request, _("The invitation to %(email)s is already on its way.") % {"email": email})
    return redirect("labs:invitation_list")


@require_POST
@role_required("admin")
def invitation_revoke(request, pk: int):
    """Programme admins: withdraw a pending invitation (its link stops working)."""
    invitation = get_object_or_404(RoleInvitation, pk=pk, accepted_at__isnull=True)
    email = invitation.email
    if role_invitation_revoke(invitation_id=invitation.pk):
        messages.success(request, _("The invitation to %(email)s has been withdrawn.") % {"email": email})
    return redirect("labs:invitation_list")


def invitation_accept(request, token: str):
    """Anyone with the link: sign up or log in, then accept the invited role."""
    try:
        invitation = role_invitation_from_token(token)
    except InvitationError as error:
        return render(request, "labs/invitation_invalid.html", {"error": str(error)}, status=400)
    if not request.user.is_authenticated:
        remember_pending_link(request)
        return render(request, "labs/invitation_accept.html", {"invitation": invitation, "token": token})
    if request.method == "POST":
        try:
            granted = role_invitation_accept(invitation=invitation, user=request.user)
        except InvitationError as error:
            return render(request, "labs/invitation_invalid.html", {"error": str(error)}, status=400)
        forget_pending_link(request)
        if isinstance(granted, OrganisationMember):
            messages.success(request, _("Welcome aboard: you can now keep your organisation's profile current."))
            return redirect("labs:organisation_edit", slug=granted.organisation.slug)
        messages.success(request, _("Welcome aboard: your role is active. Set up two-factor authentication next."))
        return redirect("home")
    return render(request, "labs/invitation_accept.html", {"invitation": invitation, "token": token})


# --- Theme curation ---------------------------------------------------------------------------------


@role_required("embassy_staff", "admin")
def theme_manage(request):
    """Embassy staff and admins: curate the themes."""
    themes = Theme.objects.prefetch_related("countries").order_by("is_archived", "name_en")
    return render(request, "labs/theme_manage.html", {"themes": themes})


@role_required("embassy_staff", "admin")
def theme_edit(request, slug: str | None = None):
    """Embassy staff and admins: create or edit a theme."""
    theme = get_object_or_404(Theme, slug=slug) if slug else None
    form = ThemeForm(request.POST or None, instance=theme)
    if request.method == "POST" and form.is_valid():
        saved = theme_save(form=form)
        if saved is not None:
            messages.success(request, _("The theme “%(name)s” has been saved.") % {"name": saved.name})
            return redirect("labs:theme_manage")
    return render(request, "labs/theme_form.html", {"form": form, "theme": theme})


@require_POST
@role_required("embassy_staff", "admin")
def theme_archive(request, slug: str):
    """Embassy staff and admins: archive a theme, or bring it back."""
    theme = get_object_or_404(Theme, slug=slug)
    theme_set_archived(theme=theme, archived=request.POST.get("archive") != "0")
    return redirect("labs:theme_manage")
