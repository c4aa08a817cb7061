"""The only writers of exchanges, registrations and calendar tokens.

Every service locks the row it changes (for a registration: the exchange's, so two registrations for
the last place are decided one after the other) and compares with what is stored, so the same request
twice has the effect of one.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from accounts.models import User
from accounts.roles import roles_of
from creativelabs.celery import enqueue_on_commit
from opportunities.notifications.services import notify

from .models import CalendarToken, Exchange, Registration
from .permissions import may_manage, may_register
from .selectors import places_taken


class ExchangeError(Exception):
    """A refusal a person can read (shown as the field or page error)."""


# Which step leads from which status.
TRANSITIONS = {
    "publish": (Exchange.Status.DRAFT, Exchange.Status.PUBLISHED),
    "cancel": (Exchange.Status.PUBLISHED, Exchange.Status.CANCELLED),
    "hold": (Exchange.Status.PUBLISHED, Exchange.Status.HELD),
}


@transaction.atomic
def exchange_create(*, user, themes=(), **fields) -> Exchange:
    """A new draft; the same one again within a few minutes (a double click) is the one made already."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    recent = Exchange.objects.filter(
        created_by=user,
        created_at__gte=timezone.now() - datetime.timedelta(minutes=5),
        title_en=fields.get("title_en"),
        starts_at=fields.get("starts_at"),
    ).first()
    if recent is not None:
        return recent
    exchange = Exchange.objects.create(created_by=user, **fields)
    exchange.themes.set(themes)
    return exchange


@transaction.atomic
def exchange_update(*, user, exchange: Exchange, themes=(), **fields) -> Exchange:
    exchange = Exchange.objects.select_for_update().get(pk=exchange.pk)
    if not may_manage(user, exchange):
        raise ExchangeError(_("You can't change this exchange."))
    moved = any(
        getattr(exchange, name) != fields.get(name, getattr(exchange, name)) for name in ("starts_at", "ends_at")
    )
    changed = [name for name, value in fields.items() if getattr(exchange, name) != value]
    for name, value in fields.items():
        setattr(exchange, name, value)
    if changed:
        exchange.save()
    if set(exchange.themes.values_list("pk", flat=True)) != {t.pk for t in themes}:
        exchange.themes.set(themes)
    if exchange.status == Exchange.Status.PUBLISHED and (changed or themes):
        _suggest_companies(exchange)
    if moved and exchange.status == Exchange.Status.PUBLISHED:
        version = exchange.starts_at.isoformat()
        tell_people(
            _participants(exchange), "exchange_changed", exchange, dedupe=f"exchange_changed:{exchange.pk}:{version}"
        )
    return exchange


@transaction.atomic
def exchange_transition(*, user, exchange: Exchange, action: str) -> Exchange:
    exchange = Exchange.objects.select_for_update().get(pk=exchange.pk)
    if not may_manage(user, exchange):
        raise ExchangeError(_("You can't change this exchange."))
    if action not in TRANSITIONS:
        raise ExchangeError(_("Unknown step."))
    source, target = TRANSITIONS[action]
    if exchange.status == target:
        return exchange  # the same step again: nothing more to do
    if exchange.status != source:
        raise ExchangeError(
            _("This step is not possible from “%(status)s”.") % {"status": exchange.get_status_display()}
        )
    if action == "hold" and exchange.starts_at > timezone.now():
        raise ExchangeError(_("An exchange can be marked held once it has started."))
    exchange.status = target
    if target == Exchange.Status.PUBLISHED:
        exchange.published_at = timezone.now()
    exchange.save()
    if target == Exchange.Status.PUBLISHED:
        _suggest_companies(exchange)
    if target == Exchange.Status.CANCELLED:
        tell_people(_participants(exchange), "exchange_cancelled", exchange, dedupe=f"exchange_cancelled:{exchange.pk}")
    return exchange


@dataclass(frozen=True)
class RegistrationResult:
    registration: Registration
    is_new: bool


@transaction.atomic
def registration_create(*, user, exchange: Exchange, participants, motivation: str) -> RegistrationResult:
    """Register the user's company (or the user) with the chosen people: a place, or the waiting list.

    Refused: someone the exchange is not open to, past the deadline, and a second registration of the
    same company (or person) — unless it is the same one again (a double click), which is returned as is.
    """
    exchange = Exchange.objects.select_for_update().get(pk=exchange.pk)
    if not may_register(user, exchange):
        raise ExchangeError(_("Registration for this exchange is not open to you."))
    membership = roles_of(user).membership
    company = membership.company if membership is not None else None
    existing = exchange.registrations.filter(state__in=Registration.ACTIVE)
    existing = existing.filter(company=company) if company else existing.filter(company=None, registered_by=user)
    existing = existing.first()
    participants = list(participants) or [user]
    if existing is not None:
        if existing.motivation == motivation and set(existing.participants.values_list("pk", flat=True)) == {
            p.pk for p in participants
        }:
            return RegistrationResult(existing, False)
        raise ExchangeError(_("Your company is already registered for this exchange."))
    if not exchange.is_registration_open:
        raise ExchangeError(
            _("Registration for this exchange closed on %(date)s.")
            % {"date": date_format(exchange.registration_deadline)}
        )
    seats = len(participants)
    if places_taken(exchange) + seats <= exchange.capacity:
        state = Registration.State.PENDING if exchange.requires_approval else Registration.State.CONFIRMED
    else:
        state = Registration.State.WAITING
    registration = Registration.objects.create(
        exchange=exchange, company=company, registered_by=user, seats=seats, motivation=motivation, state=state
    )
    registration.participants.set(participants)
    _tell_state(registration)
    return RegistrationResult(registration, True)


@transaction.atomic
def registration_cancel(*, registration: Registration) -> Registration:
    exchange = Exchange.objects.select_for_update().get(pk=registration.exchange_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not registration.is_active:
        return registration
    if exchange.starts_at <= timezone.now():
        raise ExchangeError(_("The exchange has started; a registration can no longer be cancelled."))
    registration.state = Registration.State.CANCELLED
    registration.save()
    _move_up(exchange)
    return registration


@transaction.atomic
def registration_decide(*, user, registration: Registration, approve: bool) -> Registration:
    exchange = Exchange.objects.select_for_update().get(pk=registration.exchange_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not may_manage(user, exchange):
        raise ExchangeError(_("You can't decide on this registration."))
    target = Registration.State.CONFIRMED if approve else Registration.State.REFUSED
    if registration.state == target:
        return registration
    if registration.state not in (Registration.State.PENDING, Registration.State.WAITING):
        raise ExchangeError(_("Only a registration waiting for approval can be decided."))
    if (
        approve
        and registration.state == Registration.State.WAITING
        and (places_taken(exchange) + registration.seats > exchange.capacity)
    ):
        raise ExchangeError(_("There is no place left for this registration."))
    registration.state = target
    registration.save()
    _tell_state(registration)
    if not approve:
        _move_up(exchange)
    return registration


@transaction.atomic
def registration_set_attendance(*, user, exchange: Exchange, attended_ids: set[int]) -> int:
    exchange = Exchange.objects.select_for_update().get(pk=exchange.pk)
    if not may_manage(user, exchange) or exchange.status != Exchange.Status.HELD:
        raise ExchangeError(_("Attendance is recorded once the exchange is marked held."))
    changed = 0
    for registration in exchange.registrations.select_for_update().filter(state=Registration.State.CONFIRMED):
        attended = registration.pk in attended_ids
        if registration.attended != attended:
            registration.attended = attended
            registration.save(update_fields=["attended", "updated_at"])
            changed += 1
        if attended:
            _follow_up(registration)
    return changed


def _suggest_companies(exchange: Exchange) -> None:
    from .tasks import suggest_companies_for_exchange

    enqueue_on_commit(suggest_companies_for_exchange, exchange.pk)


def _follow_up(registration: Registration) -> None:
    """One message to each attendee: their meetings there, and where the open opportunities that fit them are."""
    from .models import Meeting

    meetings = Meeting.objects.filter(
        models.Q(requester=registration) | models.Q(invitee=registration), state=Meeting.State.ACCEPTED
    ).count()
    link = settings.SITE_URL + (
        reverse("companies:dashboard") if registration.company_id else reverse("opportunities:list")
    )
    tell_people(
        people_of(registration),
        "exchange_follow_up",
        registration.exchange,
        dedupe=f"exchange_follow_up:{registration.pk}",
        meetings=meetings,
        link=link,
    )


def _move_up(exchange: Exchange) -> None:
    """Fill freed places from the waiting list, first come first served (the exchange row is locked)."""
    free = exchange.capacity - places_taken(exchange)
    for waiting in exchange.registrations.filter(state=Registration.State.WAITING).order_by("created_at", "id"):
        if waiting.seats > free:
            continue
        waiting.state = Registration.State.PENDING if exchange.requires_approval else Registration.State.CONFIRMED
        waiting.save()
        free -= waiting.seats
        tell_people(people_of(waiting), "exchange_moved_up", exchange, dedupe=f"exchange_moved_up:{waiting.pk}")


@transaction.atomic
def calendar_token_create(*, user) -> CalendarToken:
    token, _created = CalendarToken.objects.get_or_create(user=user)
    return token


@transaction.atomic
def calendar_token_revoke(*, user) -> None:
    CalendarToken.objects.filter(user=user).delete()


# --- Messages ---------------------------------------------------------------------------------

STATE_KINDS = {
    Registration.State.CONFIRMED: "exchange_registered",
    Registration.State.PENDING: "exchange_pending",
    Registration.State.WAITING: "exchange_waiting",
    Registration.State.REFUSED: "exchange_refused",
}


def _tell_state(registration: Registration) -> None:
    kind = STATE_KINDS.get(registration.state)
    if kind:
        tell_people(people_of(registration), kind, registration.exchange, dedupe=f"{kind}:{registration.pk}")


def people_of(registration: Registration):
    people = {p.pk: p for p in registration.participants.filter(is_active=True)}
    if registration.registered_by is not None and registration.registered_by.is_active:
        people.setdefault(registration.registered_by_id, registration.registered_by)
    return list(people.values())


def _participants(exchange: Exchange):
    people = {}
    for registration in exchange.registrations.filter(state__in=Registration.ACTIVE).select_related("registered_by"):
        for person in people_of(registration):
            people[person.pk] = person
    return list(people.values())


def tell_people(users, kind: str, exchange: Exchange, *, dedupe: str, **params) -> None:
    """One notification per person, written in their language (title, date and time in the place's zone)."""
    ics = settings.SITE_URL + reverse("exchanges:ics", kwargs={"pk": exchange.pk})
    for user in users:
        with override(user.preferred_language):
            when = f"{date_format(exchange.local_start, 'DATETIME_FORMAT')} ({exchange.time_zone})"
            title = exchange.title
            place = exchange.place
        notify(
            users=[user],
            kind=kind,
            opportunity=None,
            dedupe=dedupe,
            title=title,
            when=when,
            place=place,
            ics=ics,
            **params,
        )
