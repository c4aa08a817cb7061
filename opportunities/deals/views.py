"""Warm introductions, the outcome of an introduction, deal confirmation links and the deal overview."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import role_required, roles_of
from creativelabs.headers import never_store
from creativelabs.tokens import LinkError
from labs.models import Lab

from ..interests.selectors import answerable_interests
from ..models import Deal
from . import links, selectors, services
from .fees import fee_recipient_label
from .forms import DealFilterForm, DealResponseForm, IntroductionForm, OutcomeForm


def _interest_url(interest_id: int) -> str:
    return reverse("opportunities:interest_detail", kwargs={"pk": interest_id})


@role_required("business_developer", "lab_partner", "admin")
def introduce(request, pk: int):
    """The opportunity's Lab's business developers and admins: introduce the company to the local client."""
    interest = get_object_or_404(
        answerable_interests(request.user).select_related("opportunity", "company", "contact"), pk=pk
    )
    refusal = selectors.introduction_refusal(interest)
    if refusal:
        messages.error(request, refusal)
        return redirect(_interest_url(interest.pk))
    form = IntroductionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.introduce(interest=interest, user=request.user, **form.cleaned_data)
        except services.DealError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(company)s has been introduced. Both sides get an e-mail with the other's details.")
                % {"company": interest.company.name},
            )
            return redirect(_interest_url(interest.pk))
    return render(request, "opportunities/introduce.html", {"interest": interest, "form": form})


@role_required("business_developer", "lab_partner", "admin")
def record_outcome(request, pk: int):
    """The opportunity's Lab's business developers and admins: won (with the deal), lost or stalled."""
    introduction = get_object_or_404(
        selectors.manageable_introductions(request.user).select_related(
            "interest__opportunity", "interest__company", "deal"
        ),
        pk=pk,
    )
    deal = getattr(introduction, "deal", None)
    if deal is not None and deal.state == Deal.State.CONFIRMED:
        messages.info(request, _("The company confirmed this deal; its value can no longer be changed."))
        return redirect(_interest_url(introduction.interest_id))
    form = OutcomeForm(request.POST or None, introduction=introduction)
    if request.method == "POST" and form.is_valid():
        try:
            recorded = services.introduction_record_outcome(
                introduction=introduction, user=request.user, **form.cleaned_data
            )
        except services.DealError as error:
            form.add_error(None, str(error))
        else:
            if recorded is None:
                messages.success(request, _("The outcome has been recorded."))
            else:
                messages.success(
                    request,
                    _("The deal has been recorded. The company gets a link to confirm its value and the fee."),
                )
            return redirect(_interest_url(introduction.interest_id))
    return render(
        request, "opportunities/record_outcome.html", {"introduction": introduction, "deal": deal, "form": form}
    )


@require_POST
@role_required("business_developer", "lab_partner", "admin")
def deal_resend(request, pk: int):
    """The opportunity's Lab's developers and admins: send a new confirmation link; older ones stop working."""
    deal = get_object_or_404(selectors.manageable_deals(request.user).select_related("introduction"), pk=pk)
    try:
        services.deal_resend_confirmation(deal=deal, user=request.user)
    except services.DealError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("A new confirmation link is on its way; earlier links no longer work."))
    return redirect(_interest_url(deal.introduction.interest_id))


def _link_refused(request, error: LinkError):
    return render(request, "opportunities/deal_link_invalid.html", {"error": str(error)}, status=400)


@login_required
def deal_confirm(request, token: str):
    """Members of the deal's company, through the link in the e-mail: confirm the deal value, or dispute it."""
    try:
        deal_id, confirmation_round = links.read_confirmation_token(token)
    except LinkError as error:
        return _link_refused(request, error)
    deal = get_object_or_404(
        selectors.company_deals(request.user).select_related(
            "introduction__interest__opportunity__lab", "introduction__interest__company"
        ),
        pk=deal_id,
    )
    try:
        links.check_confirmation_link(deal, confirmation_round)
    except LinkError as error:
        return _link_refused(request, error)
    form = DealResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["action"] == DealResponseForm.CONFIRM:
                services.deal_confirm(deal=deal, user=request.user, confirmation_round=confirmation_round)
                messages.success(request, _("Thank you: the deal is confirmed and the fee is final."))
            else:
                services.deal_dispute(
                    deal=deal, user=request.user, confirmation_round=confirmation_round, note=form.cleaned_data["note"]
                )
                messages.success(request, _("Your dispute has been sent to the business developer."))
        except LinkError as error:
            return _link_refused(request, error)
        except services.DealError as error:
            form.add_error("note", str(error))
        else:
            return redirect(_interest_url(deal.introduction.interest_id))
    return render(request, "opportunities/deal_confirm.html", {"deal": deal, "form": form})


# --- The overview ---------------------------------------------------------------------------------


def _overview(request):
    """(filter form, filtered deals with what the rows show) for the overview and its CSV."""
    visible = selectors.overview_deals(request.user)
    labs = Lab.objects.filter(pk__in=visible.values("introduction__interest__opportunity__lab")).order_by("name")
    form = DealFilterForm(request.GET or None, labs=labs)
    rows = (
        form.filter(visible)
        .select_related("introduction__interest__opportunity__lab", "introduction__interest__company", "recorded_by")
        .order_by("-closed_on", "-pk")
    )
    return form, rows


@role_required("business_developer", "lab_partner", "embassy_staff", "admin")
def deal_overview(request):
    """Business developers (their Lab), embassy staff (their country's Labs), admins (all): deals and fees."""
    form, rows = _overview(request)
    rows = list(rows)
    roles = roles_of(request.user)
    return render(
        request,
        "opportunities/deal_overview.html",
        {
            "form": form,
            "deals": rows,
            "totals": selectors.deal_totals(rows),
            "query": request.GET.urlencode(),
            "scope": _scope_label(roles),
        },
    )


def _scope_label(roles) -> str:
    if roles.is_admin:
        return _("All Labs of the programme")
    if roles.business_developer:
        return roles.business_developer.lab.name
    if roles.embassy_staff is None:
        return _("The opportunities of %(company)s as a Lab partner") % {"company": roles.membership.company.name}
    return _("The Labs in %(country)s") % {"country": roles.embassy_staff.post.country.name}


CSV_HEADER = [
    "deal",
    "date",
    "lab",
    "opportunity",
    "company",
    "recorded_by",
    "value",
    "currency",
    "fee_percentage",
    "fee_amount",
    "fee_recipient",
    "state",
    "confirmed_at",
]


def csv_safe(value) -> str:
    """A cell a spreadsheet shows as text: no formula can start it (CSV injection)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


@role_required("business_developer", "lab_partner", "embassy_staff", "admin")
@never_store
def deal_export(request):
    """Who may see the overview: its deals, with the same filters, as CSV."""
    form, rows = _overview(request)
    if form.errors:
        # A file that silently ignores a filter would be read as filtered: refuse it instead.
        problems = "; ".join(f"{form[name].label}: {' '.join(errors)}" for name, errors in form.errors.items())
        return HttpResponse(problems, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="deals.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for deal in rows:
        interest = deal.introduction.interest
        writer.writerow(
            csv_safe(cell)
            for cell in (
                deal.pk,
                deal.closed_on.isoformat(),
                interest.opportunity.lab.name,
                interest.opportunity.title,
                interest.company.name,
                deal.recorded_by.email if deal.recorded_by else "",
                deal.value,  # Decimal: written as its exact string, such as 12500.00
                deal.currency,
                deal.fee_percentage,
                deal.fee_amount,
                fee_recipient_label(deal),
                deal.state,
                deal.confirmed_at.isoformat() if deal.confirmed_at else "",
            )
        )
    return response
