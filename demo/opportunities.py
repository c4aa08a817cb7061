"""Demo opportunities: sixteen believable, fictional local demands of the last weeks, and the programme's past.

The current ones (`data/opportunities.json`) represent every workflow state, and each reaches its state through
the real services (`opportunity_create`, `opportunity_transition`, `opportunity_close_won`, `opportunity_expire`)
with the demo business developers and embassy staff as actors, so the history, notifications and timestamps look
like real use. Afterwards the timeline is spread back over the past weeks, so "newest first" and the history read
naturally.

The past (`data/history.json`): two dozen opportunities of the 24 months before the seed, across every Lab, that
were published, answered, won, lost, expired or withdrawn, so the programme's figures per month, country, Lab,
theme and discipline have something to show. They are created and published like the others
(`seed_opportunities`), stay open while the deal story (`demo.deals`) runs their expressions of interest,
introductions and deals, and are closed afterwards (`close_past_opportunities`): a won one on the deals recorded
for it, or, without any, as won outside the portal with its note as the reason. Then everything is dated back.

Clients, people and budgets are invented; cities are real. Most briefs are in English, two in Dutch. The
themes and disciplines are chosen so that demo companies (`data/companies.json`) match some of them.
Idempotent: an opportunity whose title already exists is left alone. Demo notifications are never e-mailed.

Keys of an opportunity in both files: title, lab, author (a business developer's e-mail), status, city, client,
client_public, themes, required, nice (discipline slugs), budget, currency, deadline (days from today; for
closed and expired ones the deadline that has passed), start (days from today), languages, summary, brief, fee
(optional override of the Lab's default), fee_note and fee_note_nl (its Dutch version, optional), age (days
since it was created), sent_back / note (reasons; for a won one without deals the note is how it was won outside
the portal), won_value (its value, if known), ended (days ago of the closing step, when not the usual days after
the deadline). `reviewers` names who reviews for a Lab: the embassy staff member of its country.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from companies.models import Discipline
from labs.models import BusinessDeveloper, Lab, Theme
from opportunities.models import Notification, Opportunity, OpportunityEvent, OutsideWin, Status, Suggestion
from opportunities.workflow.services import (
    opportunity_close_won,
    opportunity_create,
    opportunity_expire,
    opportunity_transition,
)

from .loader import load


def _opportunity(spec: dict) -> dict:
    return {
        **spec,
        "status": Status(spec["status"]),
        "budget": Opportunity.Budget(spec["budget"]),
        "currency": Opportunity.Currency(spec["currency"]),
    }


REVIEWER: dict[str, str] = load("opportunities.json")["reviewers"]
OPPORTUNITIES: list[dict] = [_opportunity(spec) for spec in load("opportunities.json")["opportunities"]]
PAST: list[dict] = [_opportunity(spec) for spec in load("history.json")["opportunities"]]


def seed_opportunities() -> int:
    """Create the demo opportunities that don't exist yet (matched on title); returns how many were created.

    The current ones reach their state at once; the past ones are published and wait for their story and
    `close_past_opportunities`. Needs the Labs and staff of `demo.labs.seed_programme`.
    """
    with transaction.atomic():
        specs = OPPORTUNITIES + PAST
        titles = [spec["title"] for spec in specs]
        existing = set(Opportunity.objects.filter(title__in=titles).values_list("title", flat=True))
        people = {spec["author"] for spec in specs} | set(REVIEWER.values())
        users = {user.email: user for user in User.objects.filter(email__in=sorted(people))}
        labs = {lab.slug: lab for lab in Lab.objects.select_related("country")}
        themes = {theme.slug: theme for theme in Theme.objects.all()}
        disciplines = {discipline.slug: discipline for discipline in Discipline.objects.all()}
        developers = {bd.user.email: bd for bd in BusinessDeveloper.objects.select_related("user")}
        created = []
        for spec in specs:
            if spec["title"] in existing:
                continue
            opportunity = _open(spec, users, labs, themes, disciplines, developers)
            if spec in OPPORTUNITIES:
                _finish(opportunity, spec, users[spec["author"]])
            created.append(opportunity)
        # The demo tells its story in the app only: mark its notifications as sent, so no e-mail goes out.
        Notification.objects.filter(opportunity__in=created, emailed_at=None).update(emailed_at=timezone.now())
    return len(created)


def close_past_opportunities() -> int:
    """Close the past opportunities still open after their story (see the module's docstring); returns how many.

    Idempotent: one closed already is left alone.
    """
    with transaction.atomic():
        still_open = Opportunity.objects.filter(title__in=[spec["title"] for spec in PAST], status=Status.PUBLISHED)
        open_ones = {opportunity.title: opportunity for opportunity in still_open}
        authors = {user.email: user for user in User.objects.filter(email__in=sorted({s["author"] for s in PAST}))}
        closed = [
            _finish(open_ones[spec["title"]], spec, authors[spec["author"]])
            for spec in PAST
            if spec["title"] in open_ones
        ]
        Notification.objects.filter(opportunity__in=closed, emailed_at=None).update(emailed_at=timezone.now())
    return len(closed)


def _passed(spec: dict) -> bool:
    return spec["deadline"] < 0


def _open(spec, users, labs, themes, disciplines, developers) -> Opportunity:
    """Create the opportunity and take it through review as far as its status goes (published at most)."""
    if len(spec["summary"]) > 300:
        raise ValueError(f"Summary too long for a demo opportunity: {spec['title']}")
    today = timezone.localdate()
    lab = labs[spec["lab"]]
    author = users[spec["author"]]
    reviewer = users[REVIEWER[spec["lab"]]]
    status = spec["status"]
    # A deadline that has passed was in the future while the opportunity was open.
    open_deadline = today + datetime.timedelta(days=abs(spec["deadline"]) + 30 if _passed(spec) else spec["deadline"])
    data = {
        "lab": lab,
        "title": spec["title"],
        "summary": spec["summary"],
        "brief": spec["brief"],
        "client_name": spec["client"],
        "client_is_public": spec["client_public"],
        "country": lab.country,
        "city": spec["city"],
        "budget_band": spec["budget"],
        "currency": spec["currency"],
        "expected_start": today + datetime.timedelta(days=spec["start"]),
        "deadline": open_deadline,
        "languages": spec["languages"],
        "fee_percentage": spec.get("fee", lab.default_fee_percentage),
        "fee_note": spec["fee_note"],
        "fee_note_nl": spec.get("fee_note_nl", ""),
    }
    contacts = [developers[spec["author"]]]
    m2m = {
        "themes": [themes[slug] for slug in spec["themes"]],
        "required_disciplines": [disciplines[slug] for slug in spec["required"]],
        "nice_disciplines": [disciplines[slug] for slug in spec["nice"]],
        "contacts": contacts,
    }
    opportunity = opportunity_create(user=author, data=data, m2m=m2m)

    def step(name: str, user: User, note: str = "") -> None:
        opportunity_transition(opportunity=opportunity, user=user, name=name, note=note)

    if spec.get("sent_back"):
        step("submit", author)
        step("send_back", reviewer, spec["sent_back"])
    if status == Status.DRAFT:
        pass
    elif status == Status.SUBMITTED:
        step("submit", author)
    elif status == Status.REJECTED:
        step("submit", author)
        step("reject", reviewer, spec["note"])
    elif lab.is_trusted:
        step("publish_directly", author)
    else:
        step("submit", author)
        step("publish", reviewer)
    return opportunity


def _finish(opportunity: Opportunity, spec: dict, author: User) -> Opportunity:
    """Take a published opportunity to its final status, then date its history back."""
    today = timezone.localdate()
    status = spec["status"]
    if _passed(spec):
        Opportunity.objects.filter(pk=opportunity.pk).update(deadline=today + datetime.timedelta(days=spec["deadline"]))
    if status == Status.EXPIRED:
        opportunity_expire(opportunity=opportunity, today=today)
    elif status == Status.CLOSED_WON:
        # On the deals of its story, if any; otherwise won outside the portal, the note saying how.
        opportunity_close_won(
            opportunity=opportunity,
            user=author,
            reason=spec["note"],
            value=spec.get("won_value"),
            currency=spec["currency"],
        )
    elif status == Status.CLOSED_NOT_WON:
        opportunity_transition(opportunity=opportunity, user=author, name="close_not_won", note=spec["note"])
    elif status == Status.WITHDRAWN:
        opportunity_transition(opportunity=opportunity, user=author, name="withdraw", note=spec["note"])
    _spread_over_time(opportunity, spec)
    opportunity.refresh_from_db()
    if opportunity.status != status:
        raise RuntimeError(f"Demo opportunity {spec['title']!r} ended up {opportunity.status}, not {status}.")
    return opportunity


def _spread_over_time(opportunity: Opportunity, spec: dict) -> None:
    """Move the history back in time: created `age` days ago, each step a day or so after the one before.

    A closing step comes when it would have: the day after the deadline for an expired opportunity, some days
    after it for a closed one, recently for a withdrawn one (or `ended` days ago, when the spec says). What the
    closing step recorded (a win outside the portal) is dated with it; for a past opportunity also what its
    story left behind: its suggestions computed when it was published, its notifications read by the close.
    """
    now = timezone.now()
    start = now - datetime.timedelta(days=spec["age"])
    events = list(OpportunityEvent.objects.filter(opportunity=opportunity).order_by("created_at", "id"))
    deadline = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=spec["deadline"]), datetime.time(9))
    )
    ending = {
        Status.EXPIRED: deadline + datetime.timedelta(days=1),
        Status.CLOSED_WON: deadline + datetime.timedelta(days=12),
        Status.CLOSED_NOT_WON: deadline + datetime.timedelta(days=9),
        Status.WITHDRAWN: now - datetime.timedelta(days=2),
    }.get(spec["status"])
    if "ended" in spec:
        ending = now - datetime.timedelta(days=spec["ended"])
    moments = {}
    in_order = []
    moment = start
    for index, event in enumerate(events):
        if index:
            moment += datetime.timedelta(days=1, hours=3)
        if ending is not None and index == len(events) - 1:
            moment = max(moment, min(ending, now - datetime.timedelta(hours=1)))
        OpportunityEvent.objects.filter(pk=event.pk).update(created_at=moment)
        moments[event.action] = moment  # the last time each step was taken
        in_order.append(moment)
    _date_history(opportunity, in_order)
    changes = {"created_at": start}
    Action = OpportunityEvent.Action
    if Action.SUBMITTED in moments:
        changes["submitted_at"] = moments[Action.SUBMITTED]
    if Action.PUBLISHED in moments:
        changes["published_at"] = moments[Action.PUBLISHED]
    Opportunity.objects.filter(pk=opportunity.pk).update(**changes)
    # Notifications are named after the step they tell about.
    for kind, moment in moments.items():
        Notification.objects.filter(opportunity=opportunity, kind=kind).update(created_at=moment)
    if Action.CLOSED in moments:
        OutsideWin.objects.filter(opportunity=opportunity).update(recorded_at=moments[Action.CLOSED])
    if spec in PAST and Action.PUBLISHED in moments:
        closed = in_order[-1]
        Suggestion.objects.filter(opportunity=opportunity).update(
            computed_at=moments[Action.PUBLISHED] + datetime.timedelta(hours=1)
        )
        notifications = Notification.objects.filter(opportunity=opportunity)
        notifications.filter(created_at__gt=closed).update(created_at=closed)
        notifications.filter(read_at=None).update(read_at=closed)


def _date_history(opportunity: Opportunity, moments: list) -> None:
    """Date the history rows like the steps: creating it (and setting its lists) at the first step, each
    change of status at the step that made it, in order."""
    steps = iter(moments)
    moment = next(steps)
    status = None
    for history_id, row_status in opportunity.history.order_by("history_id").values_list("history_id", "status"):
        if status is not None and row_status != status:
            moment = next(steps, moment)
        status = row_status
        opportunity.history.filter(history_id=history_id).update(history_date=moment)
