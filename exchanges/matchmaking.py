"""Matchmaking at an exchange: the companies to invite, the people to meet there, and the meetings.

Companies to invite: the engine (`opportunities.matching`) reads the exchange as an opportunity — its
title and description, themes and country — against the companies open to matching that work on one of its
themes or in or towards its country (the others could only score on text; at the benchmark's scale that
keeps the run to the companies that can fit). The best `KEEP` are kept as `ExchangeSuggestion` rows with
their parts (shown with the opportunities' explanation template); an invitation sent is kept across runs.
Computed after the exchange is published or changed (`tasks.suggest_companies_for_exchange`).

Meetings: a participant (a confirmed registration, through any of the people who act for it) asks another
for a slot inside the exchange's programme; the other side accepts or declines. Refused, with the reason at
the field: oneself, someone not (or no longer) confirmed, a slot outside the programme or shorter than 15 or
longer than 120 minutes, a slot that overlaps an accepted meeting of either side, an exchange not published.
The same request twice is one request. Whom to meet (`meeting_partners`): the other participants, those
sharing a theme with one's company first; the exchange country's organisations on its themes (the local
stakeholders); and the open opportunities of its country and themes that the engine suggests for one's
company.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from companies.models import Company
from creativelabs.models import RankedSuggestion
from opportunities.matching.documents import OpportunityDoc
from opportunities.matching.engine import Engine
from opportunities.notifications.services import notify
from opportunities.suggestions.loader import company_documents

from .models import Exchange, ExchangeSuggestion, Meeting, Registration
from .permissions import may_manage, own_registrations_q

KEEP = 20
SHORTEST = datetime.timedelta(minutes=15)
LONGEST = datetime.timedelta(minutes=120)


class MeetingError(Exception):
    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# --- Companies to invite ----------------------------------------------------------------------------------


def exchange_document(exchange: Exchange) -> OpportunityDoc:
    return OpportunityDoc(
        id=str(exchange.pk),
        title=exchange.title_en,
        description=f"{exchange.description_en}\n{exchange.title_nl}\n{exchange.description_nl}",
        country=exchange.country_id,
        city=exchange.city,
        themes=tuple(exchange.themes.values_list("slug", flat=True)),
    )


def suggest_companies(exchange: Exchange) -> int:
    """Rank the companies that can fit the exchange and keep the best `KEEP` (invitations kept)."""
    exchange = Exchange.objects.get(pk=exchange.pk)
    code = exchange.country_id
    can_fit = Company.objects.filter(
        Q(themes__in=exchange.themes.all()) | Q(target_countries__contains=code) | Q(presence_countries__contains=code)
    ).distinct()
    registered = exchange.registrations.filter(state__in=Registration.ACTIVE, company__isnull=False)
    can_fit = can_fit.exclude(pk__in=registered.values("company_id"))
    ranked = []
    if exchange.status in (Exchange.Status.DRAFT, Exchange.Status.PUBLISHED):
        ranked = Engine().rank_for_opportunity(exchange_document(exchange), company_documents(can_fit))[:KEEP]
    with transaction.atomic():
        invited = dict(exchange.suggestions.exclude(invited_at=None).values_list("company_id", "invited_at"))
        exchange.suggestions.all().delete()
        ExchangeSuggestion.objects.bulk_create(
            ExchangeSuggestion(
                exchange=exchange,
                company_id=int(s.company_id),
                score=s.score,
                rank=rank,
                explanation=RankedSuggestion.parts_of(s),
                invited_at=invited.get(int(s.company_id)),
            )
            for rank, s in enumerate(ranked, start=1)
        )
    return len(ranked)


@transaction.atomic
def invite_company(*, user, suggestion: ExchangeSuggestion) -> ExchangeSuggestion:
    """The organiser invites a suggested company: its members are told once (in the app and by e-mail)."""
    suggestion = (
        ExchangeSuggestion.objects.select_for_update().select_related("exchange", "company").get(pk=suggestion.pk)
    )
    exchange = suggestion.exchange
    if not may_manage(user, exchange):
        raise MeetingError(_("You can't change this exchange."))
    if exchange.status != Exchange.Status.PUBLISHED or not exchange.is_registration_open:
        raise MeetingError(_("Invite companies while the exchange is published and open for registration."))
    if suggestion.invited_at is None:
        from accounts.models import User

        members = User.objects.filter(membership__company=suggestion.company, is_active=True)
        link = settings.SITE_URL + reverse("exchanges:register", kwargs={"pk": exchange.pk})
        for member in members:
            with override(member.preferred_language):
                when = f"{date_format(exchange.local_start, 'DATETIME_FORMAT')} ({exchange.time_zone})"
                title = exchange.title
            notify(
                users=[member],
                kind="exchange_invited",
                opportunity=None,
                dedupe=f"exchange_invited:{exchange.pk}:{suggestion.company_id}",
                title=title,
                when=when,
                place=exchange.place,
                link=link,
            )
        suggestion.invited_at = timezone.now()
        suggestion.save(update_fields=["invited_at"])
    return suggestion


# --- Meetings ---------------------------------------------------------------------------------------------


def own_confirmed(user, exchange: Exchange):
    """The person's (or their company's) confirmed registration for the exchange, or None."""
    if not user.is_authenticated:
        return None
    return (
        exchange.registrations.filter(own_registrations_q(user), state=Registration.State.CONFIRMED)
        .select_related("company", "registered_by")
        .first()
    )


def _overlapping(registration: Registration, starts_at, ends_at):
    return Meeting.objects.filter(
        Q(requester=registration) | Q(invitee=registration),
        state=Meeting.State.ACCEPTED,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    )


def _slot_refusal(exchange: Exchange, starts_at, ends_at):
    if ends_at - starts_at < SHORTEST or ends_at - starts_at > LONGEST:
        return _("A meeting takes 15 to 120 minutes.")
    if starts_at < exchange.starts_at or ends_at > exchange.ends_at:
        start, end = exchange.local_start, exchange.local_end
        return _("Choose a time inside the programme: %(start)s to %(end)s (%(zone)s).") % {
            "start": date_format(start, "DATETIME_FORMAT"),
            "end": date_format(end, "TIME_FORMAT")
            if start.date() == end.date()
            else date_format(end, "DATETIME_FORMAT"),
            "zone": exchange.time_zone,
        }
    return None


def _who(registration: Registration) -> str:
    return str(registration.company or registration.registered_by)


def _people(registration: Registration):
    """Who is told about a registration's meetings: the people taking part, who registered, the company's members."""
    from accounts.models import User

    q = Q(exchange_registrations=registration) | Q(pk=registration.registered_by_id)
    if registration.company_id:
        q |= Q(membership__company_id=registration.company_id)
    return list(User.objects.filter(q, is_active=True).distinct())


def _tell(meeting: Meeting, registration: Registration, kind: str, other: Registration) -> None:
    link = settings.SITE_URL + reverse("exchanges:meetings", kwargs={"pk": meeting.exchange_id})
    for person in _people(registration):
        with override(person.preferred_language):
            slot = f"{date_format(meeting.local_start, 'DATETIME_FORMAT')} ({meeting.exchange.time_zone})"
            title = meeting.exchange.title
        notify(
            users=[person],
            kind=kind,
            opportunity=None,
            dedupe=f"{kind}:{meeting.pk}",
            title=title,
            member=_who(other),
            slot=slot,
            link=link,
        )


@transaction.atomic
def meeting_request(*, user, exchange: Exchange, invitee_id: int, starts_at, minutes: int, message: str) -> Meeting:
    exchange = Exchange.objects.select_for_update().get(pk=exchange.pk)
    if exchange.status != Exchange.Status.PUBLISHED:
        raise MeetingError(_("Meetings are arranged while the exchange is published."))
    own = own_confirmed(user, exchange)
    if own is None:
        raise MeetingError(_("Only confirmed participants arrange meetings."))
    invitee = exchange.registrations.filter(pk=invitee_id, state=Registration.State.CONFIRMED).first()
    if invitee is None:
        raise MeetingError(_("Choose a confirmed participant of this exchange."), "invitee")
    if invitee.pk == own.pk or (own.company_id and invitee.company_id == own.company_id):
        raise MeetingError(_("You cannot meet yourself."), "invitee")
    ends_at = starts_at + datetime.timedelta(minutes=minutes)
    refusal = _slot_refusal(exchange, starts_at, ends_at)
    if refusal:
        raise MeetingError(refusal, "starts_at")
    same = exchange.meetings.filter(requester=own, invitee=invitee, starts_at=starts_at, state__in=Meeting.LIVE)
    if (existing := same.first()) is not None:  # sent twice: the one request
        return existing
    if _overlapping(own, starts_at, ends_at).exists() or _overlapping(invitee, starts_at, ends_at).exists():
        raise MeetingError(_("One of you has a meeting at that time already."), "starts_at")
    meeting = Meeting.objects.create(
        exchange=exchange, requester=own, invitee=invitee, starts_at=starts_at, ends_at=ends_at,
        message=message, asked_by=user,
    )  # fmt: skip
    _tell(meeting, invitee, "exchange_meeting_requested", own)
    return meeting


@transaction.atomic
def meeting_answer(*, user, meeting: Meeting, accept: bool) -> Meeting:
    """The invitee's side accepts or declines; an accepted meeting must still fit both agendas."""
    meeting = Meeting.objects.select_for_update().select_related("exchange", "requester", "invitee").get(pk=meeting.pk)
    own = own_confirmed(user, meeting.exchange)
    if own is None or own.pk != meeting.invitee_id:
        raise MeetingError(_("Only the participant asked answers this request."))
    target = Meeting.State.ACCEPTED if accept else Meeting.State.DECLINED
    if meeting.state == target:
        return meeting
    if meeting.state != Meeting.State.REQUESTED:
        raise MeetingError(_("This request has been answered already."))
    if accept and any(
        _overlapping(side, meeting.starts_at, meeting.ends_at).exclude(pk=meeting.pk).exists()
        for side in (meeting.requester, meeting.invitee)
    ):
        raise MeetingError(_("One of you has a meeting at that time already."))
    meeting.state = target
    meeting.answered_by = user
    meeting.answered_at = timezone.now()
    meeting.save(update_fields=["state", "answered_by", "answered_at"])
    _tell(meeting, meeting.requester, "exchange_meeting_accepted" if accept else "exchange_meeting_declined", own)
    return meeting


def agenda(registration: Registration):
    """The registration's meetings (asked, asked of it, accepted), in time order."""
    return (
        Meeting.objects.filter(Q(requester=registration) | Q(invitee=registration))
        .select_related("requester__company", "requester__registered_by", "invitee__company", "invitee__registered_by")
        .order_by("starts_at", "id")
    )


def accepted_meetings_of(user):
    """Every accepted meeting of the person's (or their company's) registrations, for the personal calendar."""
    ids = Registration.objects.filter(own_registrations_q(user), state=Registration.State.CONFIRMED).values("pk")
    return (
        Meeting.objects.filter(Q(requester__in=ids) | Q(invitee__in=ids), state=Meeting.State.ACCEPTED)
        .select_related("exchange", "requester__company", "requester__registered_by", "invitee__company")
        .select_related("invitee__registered_by")
    )


def meeting_partners(exchange: Exchange, own: Registration) -> dict:
    """Whom to meet at the exchange: participants (sharing a theme with one's company first), the local
    stakeholders on its themes, and the open opportunities there the engine suggests for one's company."""
    from labs.models import Organisation
    from opportunities.models import Opportunity, Suggestion

    themes = list(exchange.themes.values_list("pk", flat=True))
    own_themes = set(own.company.themes.values_list("pk", flat=True)) if own.company_id else set()
    others = [
        r
        for r in exchange.registrations.filter(state=Registration.State.CONFIRMED)
        .exclude(pk=own.pk)
        .select_related("company", "registered_by")
        .prefetch_related("company__themes")
        if not (own.company_id and r.company_id == own.company_id)
    ]
    shared = {r.pk: len(own_themes & {t.pk for t in r.company.themes.all()}) if r.company_id else 0 for r in others}
    others.sort(key=lambda r: (-shared[r.pk], _who(r)))
    stakeholders = Organisation.objects.filter(country=exchange.country_id, themes__in=themes).distinct()[:10]
    opportunities = []
    if own.company_id:
        open_there = Opportunity.objects.open_for_interest().filter(country_id=exchange.country_id)
        if themes:
            open_there = open_there.filter(themes__in=themes)
        opportunities = [
            s.opportunity
            for s in Suggestion.objects.filter(company_id=own.company_id, opportunity__in=open_there.values("pk"))
            .select_related("opportunity")
            .order_by("-score")[:5]
        ]
    return {
        "participants": [(r, shared[r.pk]) for r in others],
        "stakeholders": list(stakeholders),
        "opportunities": opportunities,
    }
