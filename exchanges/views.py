from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import role_required
from opportunities.selectors import explanation_labels

from . import matchmaking, permissions
from .calendars import calendar_of, ics_response, meeting_event
from .forms import ExchangeFilterForm, ExchangeForm, MeetingForm, RegistrationForm
from .models import CalendarToken, Exchange, ExchangeSuggestion, Meeting, Registration
from .selectors import (
    calendar_exchanges,
    exchange_figures,
    managed_exchanges,
    managed_registrations,
    own_registrations,
    visible_exchanges,
)
from .services import (
    ExchangeError,
    calendar_token_create,
    calendar_token_revoke,
    exchange_create,
    exchange_transition,
    exchange_update,
    registration_cancel,
    registration_create,
    registration_decide,
    registration_set_attendance,
)

ORGANISERS = ("admin", "business_developer", "embassy_staff")


def exchange_list(request):
    """Anyone: upcoming and past exchanges, filtered by country, theme and kind."""
    form = ExchangeFilterForm(request.GET or None)
    base = form.filter(Exchange.objects.select_related("country").prefetch_related("themes"))
    context = {
        "form": form,
        "upcoming": base.upcoming().distinct()[:100],
        "past": base.past().distinct()[:50],
    }
    return render(request, "exchanges/exchange_list.html", context)


def exchange_detail(request, pk: int):
    """Anyone: a published, held or cancelled exchange; organisers also their drafts."""
    exchange = get_object_or_404(visible_exchanges(request.user).prefetch_related("themes"), pk=pk)
    own = own_registrations(request.user).filter(exchange=exchange, state__in=Registration.ACTIVE).first()
    context = {
        "exchange": exchange,
        "figures": exchange_figures(exchange),
        "may_manage": request.user.is_authenticated and permissions.may_manage(request.user, exchange),
        "may_register": permissions.may_register(request.user, exchange) and exchange.is_registration_open,
        "own_registration": own,
    }
    return render(request, "exchanges/exchange_detail.html", context)


def exchange_ics(request, pk: int):
    """Anyone who may see the exchange: its .ics file."""
    exchange = get_object_or_404(visible_exchanges(request.user), pk=pk)
    return ics_response(calendar_of([exchange], name=exchange.title), filename=f"exchange-{exchange.pk}.ics")


def public_feed(request):
    """Anyone: the calendar feed of the published exchanges."""
    exchanges = Exchange.objects.filter(status=Exchange.Status.PUBLISHED).order_by("starts_at")[:200]
    return ics_response(calendar_of(exchanges, name=_("Creative Labs exchanges")), filename="exchanges.ics")


def personal_feed(request, token: str):
    """Whoever holds the secret address: the exchanges its owner takes part in. A revoked token is a 404."""
    calendar_token = CalendarToken.objects.select_related("user").filter(token=token, user__is_active=True).first()
    if calendar_token is None:
        raise Http404(_("This calendar address is not valid (any more)."))
    exchanges = calendar_exchanges(calendar_token.user).order_by("starts_at")
    calendar = calendar_of(exchanges, name=_("My exchanges"))
    for meeting in matchmaking.accepted_meetings_of(calendar_token.user):
        calendar.add_component(meeting_event(meeting))
    return ics_response(calendar, filename="my-exchanges.ics", private=True)


@role_required(*ORGANISERS)
def exchange_create_view(request):
    """Business developers, embassy staff and admins: a new exchange (a draft)."""
    form = ExchangeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        exchange = exchange_create(user=request.user, **form.service_fields())
        messages.success(request, _("The exchange is saved as a draft."))
        return redirect(exchange)
    return render(request, "exchanges/exchange_form.html", {"form": form})


@role_required(*ORGANISERS)
def exchange_edit(request, pk: int):
    """The exchange's organisers: edit it."""
    exchange = get_object_or_404(managed_exchanges(request.user), pk=pk)
    form = ExchangeForm(request.POST or None, instance=exchange, user=request.user)
    if request.method == "POST" and form.is_valid():
        exchange_update(user=request.user, exchange=exchange, **form.service_fields())
        messages.success(request, _("The exchange is saved."))
        return redirect(exchange)
    return render(request, "exchanges/exchange_form.html", {"form": form, "exchange": exchange})


@require_POST
@role_required(*ORGANISERS)
def exchange_step(request, pk: int):
    """The exchange's organisers: publish, cancel, or mark held."""
    exchange = get_object_or_404(managed_exchanges(request.user), pk=pk)
    try:
        exchange = exchange_transition(user=request.user, exchange=exchange, action=request.POST.get("action", ""))
    except ExchangeError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The exchange is now “%(status)s”.") % {"status": exchange.get_status_display()})
    return redirect(exchange)


@role_required(*ORGANISERS)
def exchange_manage(request, pk: int):
    """The exchange's organisers: its registrations, approvals, waiting list and attendance."""
    exchange = get_object_or_404(managed_exchanges(request.user), pk=pk)
    registrations = exchange.registrations.select_related("company", "registered_by").prefetch_related("participants")
    if request.method == "POST":
        ids = {int(v) for v in request.POST.getlist("attended") if v.isdigit() and len(v) < 10}
        try:
            registration_set_attendance(user=request.user, exchange=exchange, attended_ids=ids)
            messages.success(request, _("Attendance is saved."))
        except ExchangeError as error:
            messages.error(request, str(error))
        return redirect("exchanges:manage", pk=exchange.pk)
    context = {
        "exchange": exchange,
        "registrations": registrations,
        "figures": exchange_figures(exchange),
        "suggestions": exchange.suggestions.select_related("company"),
        "meetings": exchange.meetings.select_related(
            "requester__company", "requester__registered_by", "invitee__company", "invitee__registered_by"
        ),
        "labels": explanation_labels(),
    }
    return render(request, "exchanges/exchange_manage.html", context)


@require_POST
@role_required(*ORGANISERS)
def invite_view(request, pk: int):
    """The exchange's organisers: invite a company the engine suggests (its members are told once)."""
    suggestion = get_object_or_404(
        ExchangeSuggestion.objects.filter(exchange__in=managed_exchanges(request.user)).select_related("company"),
        pk=pk,
    )
    try:
        matchmaking.invite_company(user=request.user, suggestion=suggestion)
    except matchmaking.MeetingError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("%(company)s is invited.") % {"company": suggestion.company.name})
    return redirect("exchanges:manage", pk=suggestion.exchange_id)


@login_required
def meetings_view(request, pk: int):
    """Confirmed participants: whom to meet, my meetings, and asking for one; the organisers see them all."""
    exchange = get_object_or_404(visible_exchanges(request.user), pk=pk)
    own = matchmaking.own_confirmed(request.user, exchange)
    if own is None:
        if permissions.may_manage(request.user, exchange):
            return redirect("exchanges:manage", pk=exchange.pk)
        raise PermissionDenied(_("Meetings are for the confirmed participants of the exchange."))
    partners = matchmaking.meeting_partners(exchange, own)
    form = MeetingForm(request.POST or None, exchange=exchange, partners=partners["participants"])
    if request.method == "POST" and form.is_valid():
        try:
            matchmaking.meeting_request(
                user=request.user,
                exchange=exchange,
                invitee_id=form.cleaned_data["invitee"],
                starts_at=form.cleaned_data["starts_at"],
                minutes=form.cleaned_data["minutes"],
                message=form.cleaned_data["message"],
            )
        except matchmaking.MeetingError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Your request has been sent; you will hear when they answer."))
            return redirect("exchanges:meetings", pk=exchange.pk)
    context = {"exchange": exchange, "own": own, "partners": partners, "form": form, "agenda": matchmaking.agenda(own)}
    return render(request, "exchanges/meetings.html", context)


@require_POST
@login_required
def meeting_answer_view(request, pk: int):
    """The participant asked: accept or decline a meeting."""
    meeting = get_object_or_404(Meeting.objects.select_related("exchange"), pk=pk)
    own = matchmaking.own_confirmed(request.user, meeting.exchange)
    if own is None or own.pk not in (meeting.requester_id, meeting.invitee_id):
        raise Http404
    try:
        matchmaking.meeting_answer(user=request.user, meeting=meeting, accept=request.POST.get("decision") == "accept")
    except matchmaking.MeetingError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your answer has been sent."))
    return redirect("exchanges:meetings", pk=meeting.exchange_id)


@login_required
def meetings_ics(request, pk: int):
    """Confirmed participants: their accepted meetings at the exchange as an .ics file."""
    exchange = get_object_or_404(visible_exchanges(request.user), pk=pk)
    own = matchmaking.own_confirmed(request.user, exchange)
    if own is None:
        raise PermissionDenied(_("Meetings are for the confirmed participants of the exchange."))
    calendar = calendar_of([exchange], name=exchange.title)
    for meeting in matchmaking.agenda(own).filter(state=Meeting.State.ACCEPTED).select_related("exchange"):
        calendar.add_component(meeting_event(meeting))
    return ics_response(calendar, filename=f"exchange-{exchange.pk}-meetings.ics", private=True)


@require_POST
@role_required(*ORGANISERS)
def registration_decide_view(request, pk: int):
    """The exchange's organisers: approve or refuse a registration."""
    registration = get_object_or_404(managed_registrations(request.user), pk=pk)
    try:
        registration_decide(user=request.user, registration=registration, approve=request.POST.get("approve") == "1")
    except ExchangeError as error:
        messages.error(request, str(error))
    return redirect("exchanges:manage", pk=registration.exchange_id)


@login_required
def register(request, pk: int):
    """Company members (or anyone logged in, as the exchange says): register for a published exchange."""
    exchange = get_object_or_404(visible_exchanges(request.user), pk=pk)
    if not permissions.may_register(request.user, exchange):
        raise PermissionDenied
    form = RegistrationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            result = registration_create(
                user=request.user,
                exchange=exchange,
                participants=form.cleaned_data["participants"],
                motivation=form.cleaned_data["motivation"],
            )
        except ExchangeError as error:
            form.add_error(None, str(error))
        else:
            state = result.registration.state
            if state == Registration.State.WAITING:
                messages.warning(request, _("The exchange is full: you are on the waiting list."))
            elif state == Registration.State.PENDING:
                messages.info(request, _("Your registration waits for the organiser's approval."))
            else:
                messages.success(request, _("You are registered. A confirmation e-mail will be sent."))
            return redirect(exchange)
    return render(request, "exchanges/register.html", {"exchange": exchange, "form": form})


@require_POST
@login_required
def registration_cancel_view(request, pk: int):
    """The person who registered and the company's members: cancel the registration."""
    registration = get_object_or_404(own_registrations(request.user), pk=pk)
    if not permissions.may_change_registration(request.user, registration):
        raise PermissionDenied
    try:
        registration_cancel(registration=registration)
        messages.success(request, _("Your registration is cancelled."))
    except ExchangeError as error:
        messages.error(request, str(error))
    return redirect(registration.exchange)


@login_required
def my_exchanges(request):
    """Logged in: my registrations and my calendar feed's secret address."""
    registrations = own_registrations(request.user).order_by("exchange__starts_at")
    token = CalendarToken.objects.filter(user=request.user).first()
    organised = managed_exchanges(request.user)[:100] if permissions.may_organise(request.user) else []
    context = {
        "registrations": registrations,
        "token": token,
        "organised": organised,
        "may_organise": permissions.may_organise(request.user),
    }
    return render(request, "exchanges/my_exchanges.html", context)


@require_POST
@login_required
def calendar_token(request):
    """Logged in: make (action=create) or revoke (action=revoke) my calendar feed's secret address."""
    if request.POST.get("action") == "revoke":
        calendar_token_revoke(user=request.user)
        messages.success(request, _("The old calendar address no longer works."))
    else:
        calendar_token_create(user=request.user)
    return redirect("exchanges:mine")
