"""The exchanges/ part of a person's data export: exchanges they organised, registrations, their calendar feed."""

from django.utils.translation import gettext_lazy as _

from accounts.export import labels, person, record, section
from accounts.models import User

from .models import CalendarToken, Exchange, Meeting, Registration


@section("exchanges_created", title=_("Exchanges you created"), covers=["exchanges.Exchange.created_by"])
def _exchanges(user: User) -> list[dict]:
    return [record(e, leave_out={"id", "created_by"}) for e in Exchange.objects.filter(created_by=user)]


@section(
    "exchange_registrations",
    title=_("Your registrations for exchanges"),
    covers=["exchanges.Registration.registered_by", "exchanges.Registration.participants"],
)
def _registrations(user: User) -> list[dict]:
    rows = Registration.objects.filter(participants=user) | Registration.objects.filter(registered_by=user)
    return [
        {
            **record(r, leave_out={"id", "registered_by"}),
            "registered_by": person(r.registered_by),
            "participants": [person(p) for p in r.participants.all()],
        }
        for r in rows.distinct().select_related("exchange", "company", "registered_by")
    ]


@section("calendar_feed", title=_("Your calendar feed"), covers=["exchanges.CalendarToken.user"])
def _calendar(user: User) -> dict | None:
    token = CalendarToken.objects.filter(user=user).first()
    return None if token is None else {"created_at": token.created_at.isoformat()}


@section(
    "exchange_meetings",
    title=_("Meetings at exchanges you asked for or answered"),
    covers=["exchanges.Meeting.asked_by", "exchanges.Meeting.answered_by"],
)
def _meetings(user: User) -> list[dict]:
    rows = Meeting.objects.filter(asked_by=user) | Meeting.objects.filter(answered_by=user)
    return [
        {
            **record(m, leave_out={"id", "asked_by", "answered_by", "requester", "invitee"}),
            "requester": str(m.requester.company or m.requester.registered_by),
            "invitee": str(m.invitee.company or m.invitee.registered_by),
        }
        for m in rows.distinct().select_related(
            "exchange", "requester__company", "requester__registered_by", "invitee__company", "invitee__registered_by"
        )
    ]


labels(
    {
        "exchange": _("Exchange"),
        "registered_by": _("Registered by"),
        "participants": _("Participants"),
        "requester": _("Asked by"),
        "invitee": _("Asked to meet"),
        "answered_at": _("Answered at"),
    }
)
