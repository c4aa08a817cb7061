from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import role_required, roles_of
from companies.uploads import clean_pdf, generated_name
from creativelabs.files import uploaded_file_response
from creativelabs.lists import render_filtered_list
from creativelabs.ratelimits import rate_limited

from .. import permissions
from ..deals.selectors import introductions_for_opportunity
from ..history import opportunity_timeline
from ..interests import selectors as interest_selectors
from ..models import Interest, Opportunity, OpportunityAttachment, Status, Suggestion
from ..selectors import editable_opportunities, explanation_labels, reviewable_opportunities, visible_opportunities
from ..suggestions.queue import opportunity_matching_state
from . import services
from .feeds import feed_links
from .filters import LabWorkspaceFilter, OpportunityFilter
from .forms import CloseWonForm, OpportunityForm, TransitionForm
from .selectors import opportunity_deals, win_of

PAGE_SIZE = 20
WORKSPACE_PAGE_SIZE = 50
SUGGESTIONS_PAGE_SIZE = 10
AWAITING_SHOWN = 50  # expressions listed in the Lab workspace; the counts cover them all
MAX_ATTACHMENTS = 3


@rate_limited("search", methods=("GET", "HEAD"))
def opportunity_list(request):
    """Anyone: published opportunities (summaries for visitors), filtered through the URL.

    Programme staff may ask for another status (`?status=`), among the opportunities they may see.
    """
    staff = roles_of(request.user).is_programme_staff
    opportunities = (
        (visible_opportunities(request.user) if staff else Opportunity.objects.all())
        .select_related("lab", "country")
        .prefetch_related("themes", "required_disciplines")
    )
    # Always bound, so the filter's "published unless asked otherwise" applies to an empty query too.
    filterset = OpportunityFilter(request.GET, queryset=opportunities, staff=staff)
    chosen = _valid_filters(filterset)
    return render_filtered_list(
        request,
        filterset,
        template="opportunities/opportunity_list.html",
        partial="opportunities/_results.html",
        per_page=PAGE_SIZE,
        # The feeds of the country, theme and Lab chosen, then of all opportunities.
        feeds=feed_links(country=chosen.get("country"), theme=chosen.get("theme"), lab=chosen.get("lab")),
    )


def _valid_filters(filterset) -> dict:
    """The filters of the list that were understood (the list ignores the others, and so do its feeds)."""
    if not filterset.is_bound:
        return {}
    filterset.is_valid()
    return filterset.form.cleaned_data


def opportunity_detail(request, pk: int):
    """Anyone who may see it: summary for visitors, the full brief and fee terms when logged in."""
    opportunity = get_object_or_404(
        visible_opportunities(request.user)
        .select_related("lab__country", "country", "created_by")
        .prefetch_related("themes", "required_disciplines", "nice_disciplines", "contacts__user", "attachments"),
        pk=pk,
    )
    roles = roles_of(request.user)
    band = request.GET.get("band", "")
    show_suggestions = permissions.may_see_suggestions(request.user, opportunity)
    context = {
        "opportunity": opportunity,
        "transitions": services.available_transitions(request.user, opportunity)
        if request.user.is_authenticated
        else [],
        "can_edit": editable_opportunities(request.user).filter(pk=pk).exists()
        if request.user.is_authenticated
        else False,
        # Workflow steps and edits with what changed: for the staff who follow the opportunity.
        "history": opportunity_timeline(opportunity) if permissions.may_follow(request.user, opportunity) else [],
        "transition_form": TransitionForm(),
        # What the win rests on (its deals, or how it was won outside the portal): for who follows it.
        "win": win_of(opportunity)
        if opportunity.status == Status.CLOSED_WON and permissions.may_follow(request.user, opportunity)
        else None,
        "show_suggestions": show_suggestions,
        "band": band,
        "bands": Suggestion.Band.choices,
    }
    if show_suggestions:
        context.update(_suggestions_context(request, opportunity, band))
    if roles.membership is not None and opportunity.status == Status.PUBLISHED:
        context["standing"] = interest_selectors.company_standing(roles.membership.company, opportunity)
    context["introductions"] = introductions_for_opportunity(request.user, opportunity)
    return render(request, "opportunities/opportunity_detail.html", context)


def _suggestions_context(request, opportunity, band: str) -> dict:
    """Suggestions, the Lab's decisions on them, the expressions of interest that came in, and whether a
    recompute is on its way (the page then polls `opportunity_suggestions`)."""
    rows = interest_selectors.suggestions_for_review(opportunity)
    lab_interests = sorted(
        opportunity.interests.select_related("company"),
        key=lambda i: (i.state != Interest.State.SUBMITTED, i.state == Interest.State.WITHDRAWN, i.reply_due),
    )
    interest_by_company = {i.company_id: i for i in lab_interests}
    for suggestion in rows:
        suggestion.interest = interest_by_company.get(suggestion.company_id)
    shown = [s for s in rows if s.decision != Suggestion.Decision.DISMISSED and (not band or s.band == band)]
    suggestion_page = Paginator(shown, SUGGESTIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "can_decide": permissions.may_decide(request.user, opportunity),
        "is_open": opportunity.is_open_for_interest,
        "labels": explanation_labels(),
        # A page at a time (the Lab workspace's pager), the fit filter kept in its links.
        "suggestions": suggestion_page.object_list,
        "page": suggestion_page,
        "query": urlencode({"band": band}) if band else "",
        "dismissed": [s for s in rows if s.decision == Suggestion.Decision.DISMISSED],
        "lab_interests": lab_interests,
        "now": timezone.now(),
        "matching": opportunity_matching_state(opportunity.pk),
    }


@login_required
def opportunity_suggestions(request, pk: int):
    """Who may see an opportunity's suggestions: that part of its page, polled while they are recomputed."""
    opportunity = get_object_or_404(visible_opportunities(request.user).select_related("lab"), pk=pk)
    if not permissions.may_see_suggestions(request.user, opportunity):
        raise PermissionDenied
    band = request.GET.get("band", "")
    context = {"opportunity": opportunity, "band": band, **_suggestions_context(request, opportunity, band)}
    return render(request, "opportunities/_suggested_companies.html", context)


@role_required("business_developer", "lab_partner", "embassy_staff", "admin")
def opportunity_create(request):
    """Business developers (for their Lab), embassy staff (for a Lab in their country), admins."""
    form = OpportunityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data, m2m = form.split()
        opportunity = services.opportunity_create(user=request.user, data=data, m2m=m2m)
        messages.success(request, _("Saved as a draft. Submit it for review when it is ready."))
        return redirect(opportunity)
    return render(request, "opportunities/opportunity_form.html", {"form": form})


@role_required("business_developer", "lab_partner", "embassy_staff", "admin")
def opportunity_edit(request, pk: int):
    """Authors: edit a draft or a published opportunity (the edit is recorded)."""
    opportunity = get_object_or_404(editable_opportunities(request.user), pk=pk)
    form = OpportunityForm(request.POST or None, instance=opportunity, user=request.user)
    if request.method == "POST" and form.is_valid():
        data, m2m = form.split()
        services.opportunity_update(opportunity=opportunity, user=request.user, data=data, m2m=m2m)
        messages.success(request, _("Your changes have been saved."))
        return redirect(opportunity)
    return render(request, "opportunities/opportunity_form.html", {"form": form, "opportunity": opportunity})


@require_POST
@role_required("business_developer", "lab_partner", "embassy_staff", "admin")
def opportunity_transition(request, pk: int, name: str):
    """Authors and reviewers: take a workflow step (submit, send back, publish, ...)."""
    opportunity = get_object_or_404(visible_opportunities(request.user).select_related("lab"), pk=pk)
    if name not in services.TRANSITIONS:
        raise Http404
    form = TransitionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.opportunity_transition(opportunity=opportunity, user=request.user, name=name, note=note)
    except services.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, services.TRANSITION_DONE[name])
    # A reviewer who sent a draft back may no longer see it: back to the queue then.
    if not visible_opportunities(request.user).filter(pk=opportunity.pk).exists():
        return redirect("opportunities:review_queue")
    return redirect(opportunity)


@role_required("business_developer", "lab_partner", "embassy_staff", "admin")
def opportunity_close_won(request, pk: int):
    """Authors: close as won on the deals recorded for it, or say how it was won outside the portal."""
    opportunity = get_object_or_404(visible_opportunities(request.user).select_related("lab", "country"), pk=pk)
    if not permissions.is_author(request.user, opportunity):
        raise PermissionDenied
    if request.method != "POST" and opportunity.status not in services.TRANSITIONS["close_won"].sources:
        messages.info(
            request,
            _("This opportunity has the status “%(status)s”; it can't be closed as won now.")
            % {"status": opportunity.get_status_display()},
        )
        return redirect(opportunity)
    deals = list(opportunity_deals(opportunity).select_related("introduction__interest__company"))
    form = CloseWonForm(request.POST or None, opportunity=opportunity, has_deals=bool(deals))
    if request.method == "POST" and form.is_valid():
        try:
            services.opportunity_close_won(opportunity=opportunity, user=request.user, **form.cleaned_data)
        except services.WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, services.TRANSITION_DONE["close_won"])
            return redirect(opportunity)
    return render(request, "opportunities/close_won.html", {"opportunity": opportunity, "deals": deals, "form": form})


@require_POST
@role_required("business_developer", "lab_partner", "embassy_staff", "admin")
def attachment_add(request, pk: int):
    """Authors: attach a PDF (checked like portfolio uploads)."""
    opportunity = get_object_or_404(editable_opportunities(request.user), pk=pk)
    upload = request.FILES.get("upload")
    if upload is None:
        messages.error(request, _("Choose a PDF to attach."))
        return redirect(opportunity)
    if opportunity.attachments.count() >= MAX_ATTACHMENTS:
        messages.error(request, _("An opportunity holds at most %(count)d PDFs.") % {"count": MAX_ATTACHMENTS})
        return redirect(opportunity)
    try:
        pdf = clean_pdf(upload)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(opportunity)
    with transaction.atomic():
        attachment = OpportunityAttachment(
            opportunity=opportunity, original_name=(upload.name or "brief.pdf")[-150:], size_bytes=len(pdf.content)
        )
        attachment.file.save(generated_name("pdf"), ContentFile(pdf.content), save=True)
    messages.success(request, _("The PDF has been attached."))
    return redirect(opportunity)


@rate_limited("download", methods=("GET", "HEAD"))
def attachment_download(request, pk: int):
    """Logged-in people who may see the opportunity: its PDF, always as a download."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    attachment = get_object_or_404(
        OpportunityAttachment.objects.filter(opportunity__in=visible_opportunities(request.user)), pk=pk
    )
    return uploaded_file_response(
        attachment.file, content_type="application/pdf", download_name=attachment.original_name
    )


@role_required("business_developer")
def lab_workspace(request):
    """Business developers: their Lab's opportunities by status, a page at a time, and the expressions awaiting
    an answer."""
    lab = roles_of(request.user).business_developer.lab
    # In the order of the workflow's statuses, each by deadline; a page shows the sections it reaches.
    status_order = Case(
        *[When(status=value, then=Value(position)) for position, value in enumerate(Status.values)],
        output_field=IntegerField(),
    )
    opportunities = lab.opportunities.select_related("country").order_by(status_order, "deadline", "id")
    counts = dict(lab.opportunities.values_list("status").annotate(total=Count("id")))
    now = timezone.now()
    awaiting = interest_selectors.awaiting_answer(lab.pk)
    return render_filtered_list(
        request,
        LabWorkspaceFilter(request.GET or None, queryset=opportunities),
        template="opportunities/lab_workspace.html",
        partial="opportunities/_lab_workspace_results.html",
        per_page=WORKSPACE_PAGE_SIZE,
        lab=lab,
        statuses=[(value, label, counts.get(value, 0)) for value, label in Status.choices],
        total=sum(counts.values()),
        status=request.GET.get("status") if request.GET.get("status") in Status.values else "",
        awaiting=awaiting[:AWAITING_SHOWN],
        awaiting_count=awaiting.count(),
        overdue_count=awaiting.filter(reply_due__lt=now).count(),
        now=now,
    )


@role_required("embassy_staff", "admin")
def review_queue(request):
    """Embassy staff (their country) and admins: submitted opportunities, oldest first."""
    queue = reviewable_opportunities(request.user).select_related("lab", "country").order_by("submitted_at", "id")
    return render(request, "opportunities/review_queue.html", {"queue": queue, "now": timezone.now()})


@require_POST
@role_required("embassy_staff", "admin")
def opportunity_feature(request, pk: int):
    """Embassy staff of the country and admins: feature a published opportunity on its themes."""
    opportunity = get_object_or_404(visible_opportunities(request.user).published(), pk=pk)
    if not permissions.may_feature(request.user, opportunity):
        raise PermissionDenied
    services.opportunity_feature(opportunity=opportunity, featured=request.POST.get("featured") != "0")
    return redirect(opportunity)
