"""Pages and actions from suggestion to expression of interest: the Lab's decisions, the company's
expressions, the Lab's replies, and the company's "my opportunities".

Lookups are scoped to the person inside the query (`selectors`, built on `opportunities.permissions`);
every write goes through a service in `services`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.roles import role_required
from companies.models import Company
from companies.views import member_required
from creativelabs.ratelimits import rate_limited

from .. import permissions
from ..deals.selectors import introduction_panel
from ..history import interest_timeline
from ..models import Interest, Status, Suggestion
from ..selectors import visible_opportunities
from . import selectors, services
from .forms import AddCompanyForm, DecisionNoteForm, InterestForm, ReplyForm

DECISION_DONE = {
    "shortlist": gettext_lazy("%(company)s is on the shortlist."),
    "dismiss": gettext_lazy("%(company)s has been dismissed."),
    "invite": gettext_lazy("%(company)s has been invited to express interest; its members have been told."),
    "clear": gettext_lazy("The decision on %(company)s has been undone."),
}
MY_OPPORTUNITIES_LIMIT = 200  # per list: a company never comes near it, and the page stays bounded


def _suggestion_anchor(suggestion: Suggestion) -> str:
    return f"{suggestion.opportunity.get_absolute_url()}#suggestion-{suggestion.pk}"


# --- The Lab's decisions on suggestions ----------------------------------------------------------------


@require_POST
@role_required("business_developer", "lab_partner", "admin")
def suggestion_decide(request, pk: int, action: str):
    """The opportunity's Lab's business developers and admins: shortlist, dismiss, invite or undo."""
    if action not in services.ACTIONS:
        raise Http404
    suggestion = get_object_or_404(
        selectors.decidable_suggestions(request.user).select_related("opportunity", "company"), pk=pk
    )
    form = DecisionNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["note"]))
        return redirect(_suggestion_anchor(suggestion))
    try:
        services.suggestion_decide(
            suggestion=suggestion, user=request.user, action=action, note=form.cleaned_data["note"]
        )
    except services.InterestError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, DECISION_DONE[action] % {"company": suggestion.company.name})
    return redirect(_suggestion_anchor(suggestion))


@role_required("business_developer", "lab_partner", "admin")
def suggestion_add(request, pk: int):
    """The opportunity's Lab's business developers and admins: find a company and shortlist it by hand."""
    opportunity = get_object_or_404(selectors.decidable_opportunities(request.user).select_related("lab"), pk=pk)
    query = request.GET.get("q", "")[:100]
    form = AddCompanyForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            company = form.cleaned_data["company"]
            try:
                suggestion = services.suggestion_add_manually(
                    opportunity=opportunity, company=company, user=request.user, note=form.cleaned_data["note"]
                )
            except services.InterestError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("%(company)s is on the shortlist.") % {"company": company.name})
                return redirect(_suggestion_anchor(suggestion))
        else:
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
    companies = list(selectors.addable_companies(opportunity, query))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "opportunities/suggestion_add.html",
        {"opportunity": opportunity, "query": query, "companies": companies, "form": form},
        status=status,
    )


# --- Expressions of interest --------------------------------------------------------------------------------


@member_required()
@rate_limited("express_interest")
def interest_express(request, membership, pk: int):
    """Company members: express their company's interest in a published, open opportunity."""
    opportunity = get_object_or_404(visible_opportunities(request.user).select_related("lab", "country"), pk=pk)
    company = membership.company
    existing = Interest.objects.filter(opportunity=opportunity, company=company).first()
    if existing is not None and existing.state != Interest.State.WITHDRAWN:
        messages.info(request, _("Your company has already expressed interest in this opportunity."))
        return redirect("opportunities:interest_detail", pk=existing.pk)
    if not opportunity.is_open_for_interest:
        messages.error(request, _("This opportunity is closed for expressions of interest."))
        return redirect(opportunity)
    initial = {}
    if existing is not None:  # withdrawn: start from what was sent before
        initial = {
            "motivation": existing.motivation,
            "contact": existing.contact_id or request.user.pk,
            "contact_phone": existing.contact_phone,
            "portfolio_items": list(existing.portfolio_items.values_list("pk", flat=True)),
        }
    form_kwargs = {"company": company, "opportunity": opportunity, "user": request.user}
    form = InterestForm(request.POST or None, initial=initial, **form_kwargs)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                interest = services.interest_submit(
                    opportunity=opportunity,
                    company=company,
                    user=request.user,
                    motivation=data["motivation"],
                    portfolio_items=data["portfolio_items"],
                    contact=data["contact"],
                    contact_phone=data["contact_phone"],
                    fee_accepted=data["accept_fee"],
                    seen_fee_percentage=data["fee_percentage"],
                    seen_fee_digest=data["fee_digest"],
                )
            except services.FeeTermsChanged as error:
                opportunity.refresh_from_db()
                # The form again, with the new terms to read and the acceptance to give again.
                fresh = request.POST.copy()
                fresh.pop("accept_fee", None)
                fresh.update({key: str(value) for key, value in InterestForm.terms_of(opportunity).items()})
                form = InterestForm(fresh, **form_kwargs)
                form.is_valid()
                form.errors.pop("accept_fee", None)
                form.add_error(None, str(error))
            except services.InterestError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Your interest has been sent. The business developer answers within 7 days."),
                )
                return redirect("opportunities:interest_detail", pk=interest.pk)
    return render(
        request,
        "opportunities/interest_form.html",
        {"opportunity": opportunity, "form": form, "company": company, "resubmitting": existing is not None},
        status=status,
    )


@login_required
def interest_detail(request, pk: int):
    """The company's members, and the Lab's business developers, the country's embassy staff and admins."""
    interest = get_object_or_404(
        selectors.visible_interests(request.user).select_related(
            "opportunity__lab", "opportunity__country", "company", "contact", "submitted_by", "replied_by"
        ),
        pk=pk,
    )
    opportunity = interest.opportunity
    is_member = permissions.is_company_member(request.user, interest.company_id)
    can_reply = permissions.may_decide(request.user, opportunity)
    lab_side = permissions.may_follow(request.user, opportunity)
    introduced = selectors.has_introduction(interest)
    answerable = can_reply and interest.state != Interest.State.WITHDRAWN and not introduced
    context = {
        "interest": interest,
        "opportunity": opportunity,
        "items": interest.portfolio_items.all(),
        "is_member": is_member,
        "lab_side": lab_side,
        # Who changed what, for the staff who follow the opportunity (the company sees its own page).
        "history": interest_timeline(interest) if lab_side else [],
        "can_reply": answerable,
        "reply_form": ReplyForm(initial={"reply": interest.reply or None, "reason": interest.reply_reason}),
        "can_withdraw": is_member
        and interest.state != Interest.State.WITHDRAWN
        and opportunity.deadline >= timezone.localdate()
        and not introduced,
        "can_resubmit": is_member and interest.state == Interest.State.WITHDRAWN and opportunity.is_open_for_interest,
        "opportunity_visible": visible_opportunities(request.user).filter(pk=opportunity.pk).exists(),
        "panel": introduction_panel(request.user, interest),
        "now": timezone.now(),
    }
    return render(request, "opportunities/interest_detail.html", context)


@require_POST
@member_required()
def interest_withdraw(request, membership, pk: int):
    """Company members: withdraw their company's expression before the deadline."""
    interest = get_object_or_404(Interest.objects.filter(company=membership.company), pk=pk)
    try:
        services.interest_withdraw(interest=interest, user=request.user)
    except services.InterestError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your expression of interest has been withdrawn."))
    return redirect("opportunities:interest_detail", pk=interest.pk)


@require_POST
@role_required("business_developer", "lab_partner", "admin")
def interest_reply(request, pk: int):
    """The opportunity's Lab's business developers and admins: answer an expression of interest."""
    interest = get_object_or_404(selectors.answerable_interests(request.user), pk=pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.interest_reply(
                interest=interest,
                user=request.user,
                reply=form.cleaned_data["reply"],
                reason=form.cleaned_data["reason"],
            )
        except services.InterestError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your answer has been sent to the company."))
        return redirect("opportunities:interest_detail", pk=interest.pk)
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))
    return redirect(reverse("opportunities:interest_detail", kwargs={"pk": interest.pk}) + "#reply")


# --- The company's view --------------------------------------------------------------------------------------


@member_required()
def my_opportunities(request, membership):
    """Company members: their company's invitations, expressions, introductions and deals."""
    company: Company = membership.company
    expressions = list(
        Interest.objects.filter(company=company)
        .select_related("opportunity__country", "introduction__deal", "replied_by")
        .order_by("-updated_at", "-pk")[:MY_OPPORTUNITIES_LIMIT]
    )
    expressed = {interest.opportunity_id for interest in expressions}
    invitations = [
        suggestion
        for suggestion in Suggestion.objects.filter(company=company, decision=Suggestion.Decision.INVITED)
        .select_related("opportunity__country", "decided_by")
        .order_by("-decided_at", "-pk")[:MY_OPPORTUNITIES_LIMIT]
        if suggestion.opportunity_id not in expressed
    ]
    for suggestion in invitations:
        suggestion.is_open = suggestion.opportunity.is_open_for_interest
    introductions = [interest for interest in expressions if _introduction(interest) is not None]
    return render(
        request,
        "opportunities/my_opportunities.html",
        {
            "company": company,
            "invitations": invitations,
            "expressions": expressions,
            "introductions": introductions,
            "published": Status.PUBLISHED,
        },
    )


def _introduction(interest: Interest):
    try:
        return interest.introduction
    except Interest.introduction.RelatedObjectDoesNotExist:
        return None
