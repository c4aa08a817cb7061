"""What a notification says: the words of each kind (`MESSAGES`), put together with its stored parameters
in the active language whenever it is shown (`render_message`, `notification_text`).

Apart from `services` (which writes the rows and sends the e-mails), so that a `Notification` can say what it
says without importing the e-mail machinery: other apps add their kinds here.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from ..models import Notification, OpportunityEvent
from .params import decode

MESSAGES = {
    "submitted": _("“%(title)s” was submitted for review."),
    OpportunityEvent.Action.SENT_BACK: _("“%(title)s” was sent back: %(note)s"),
    OpportunityEvent.Action.REJECTED: _("“%(title)s” was rejected: %(note)s"),
    OpportunityEvent.Action.PUBLISHED: _("“%(title)s” is published."),
    "reminder": ngettext_lazy(
        "“%(title)s” closes for expressions of interest in %(days)d day, on %(deadline)s.",
        "“%(title)s” closes for expressions of interest in %(days)d days, on %(deadline)s.",
        "days",
    ),
    # A new well-matched opportunity for the company (notifications/alerts.py)
    "match": _("New for your company: “%(title)s” in %(city)s (match: %(band)s)."),
    # Suggestions and expressions of interest
    "suggestion_invited": _("You are invited to express interest in “%(title)s”."),
    "suggestion_invited_note": _("You are invited to express interest in “%(title)s”: %(note)s"),
    "interest_new": _("%(company)s expressed interest in “%(title)s”."),
    "interest_withdrawn": _("%(company)s withdrew its interest in “%(title)s”."),
    "interest_replied": _("Your interest in “%(title)s” has been answered: %(reply)s."),
    "interest_replied_reason": _("Your interest in “%(title)s” has been answered: %(reply)s — %(reason)s"),
    "interest_reminder_5": _("%(company)s's interest in “%(title)s” waits for your answer; please reply by %(due)s."),
    "interest_reminder_7": _("Your answer to %(company)s's interest in “%(title)s” is due today (%(due)s)."),
    # Introductions and deals
    "introduced": _(
        "%(company)s has been introduced to the client for “%(title)s”. "
        "The client's contact details are on your expression of interest."
    ),
    "deal_confirm": _(
        "Please confirm the deal for “%(title)s”: the link is in your e-mail and on your company's opportunities page."
    ),
    "introduction_mailed": _("The introduction e-mail for “%(title)s” went to %(recipient)s."),
    "deal_confirmed": _("%(company)s confirmed the deal for “%(title)s”: %(value)s, fee %(fee)s."),
    "deal_disputed": _("%(company)s disputes the deal for “%(title)s” (%(value)s): %(note)s"),
    # What newly matches a saved search (opportunities/searches/alerts.py)
    "saved_search": _("New in your saved search “%(search)s”: “%(title)s”."),
    "saved_search_listed": _("New in your saved search “%(search)s”: “%(title)s”."),
    # Exchanges (exchanges/services.py, exchanges/tasks.py): no opportunity, the title is a parameter.
    "exchange_registered": _("You are registered for “%(title)s”: %(when)s, %(place)s. Calendar file: %(ics)s"),
    "exchange_pending": _("Your registration for “%(title)s” (%(when)s) waits for the organiser's approval."),
    "exchange_waiting": _(
        "“%(title)s” (%(when)s) is full: you are on the waiting list and move up when a place frees."
    ),
    "exchange_moved_up": _("A place freed up for “%(title)s”: %(when)s, %(place)s. Calendar file: %(ics)s"),
    "exchange_refused": _("Your registration for “%(title)s” was not accepted."),
    "exchange_changed": _("“%(title)s” has moved: now %(when)s, %(place)s. Calendar file: %(ics)s"),
    "exchange_cancelled": _("“%(title)s” (%(when)s) is cancelled."),
    "exchange_reminder": ngettext_lazy(
        "“%(title)s” starts in %(days)d day: %(when)s, %(place)s. Calendar file: %(ics)s",
        "“%(title)s” starts in %(days)d days: %(when)s, %(place)s. Calendar file: %(ics)s",
        "days",
    ),
    "exchange_follow_up": _(
        "Thank you for taking part in “%(title)s”. Your meetings there: %(meetings)s. "
        "The open opportunities that fit you: %(link)s"
    ),
    "exchange_invited": _("You are invited to “%(title)s”: %(when)s, %(place)s. Register: %(link)s"),
    "exchange_meeting_requested": _("%(member)s asks to meet you at “%(title)s” on %(slot)s: %(link)s"),
    "exchange_meeting_accepted": _("%(member)s accepted your meeting at “%(title)s” on %(slot)s: %(link)s"),
    "exchange_meeting_declined": _("%(member)s declined your meeting at “%(title)s” on %(slot)s."),
    # Theme networks (networks/services.py): no opportunity; the title is the network's, the request's or
    # (asking to join) the member's, and `link` the page's address.
    "network_join_asked": _("%(title)s asks to join “%(network)s”: %(link)s"),
    "network_joined": _("You are a member of “%(title)s” now: %(link)s"),
    "network_join_declined": _("Your request to join “%(title)s” was declined: %(reason)s"),
    "network_request": _("New request for help in “%(network)s” from %(member)s: “%(title)s”. %(link)s"),
    "network_answer": _("%(member)s offers help on your request “%(title)s”: %(link)s"),
    "network_answer_accepted": _(
        "%(member)s accepted your offer of help on “%(title)s”; you now see each other's contact: %(link)s"
    ),
}


def render_message(kind: str, params: dict) -> str:
    """The words of a notification of `kind` with its stored `params`, in the active language."""
    values = {name: decode(value) for name, value in params.items()}
    return str(MESSAGES[kind] % values)


def notification_text(notification: Notification) -> str:
    """What `notification` says, in the active language; a row written before parameters were kept
    (or of a kind no longer known) says its stored message."""
    if notification.params is None or notification.kind not in MESSAGES:
        return notification.message
    try:
        return render_message(notification.kind, notification.params)
    except (KeyError, TypeError, ValueError):
        return notification.message
