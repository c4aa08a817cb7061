"""Demo data from suggestion to deal: shortlists, invitations, expressions of interest, introductions, deals.

Runs after the demo opportunities and their suggestions exist (`seed_demo`). Everything goes
through the same services the pages use, so the history, notifications and fee snapshots are
those a person would have produced; afterwards the dates are moved back so the story reads as
the last few weeks and, for the programme's past (`data/history.json`), the two years before.
The demo tells its story in the app only: no e-mail leaves while seeding.

`data/deals.json` holds the contact people of the companies in the story (the demo companies have
no logins of their own) and the story of the current opportunities; `data/history.json` the story of
the past ones, in the same shape. Per opportunity (found by the start of its title): the Lab's
business developer who works it and the steps in order. A step is a decision on a company's
suggestion (`decide`: shortlist, dismiss or invite, with an optional `note`, made `days_ago` days
ago when given), or an expression of interest (`express`: the motivation, sent by the company's
contact or by `person`, `days_ago` days ago) that may be answered with a request for more
information (`more_info`), as not selected (`not_selected`, the reason) or introduced to the client
with an outcome (`introduce`: won with a value, or lost; a won deal confirmed by the company, or
`disputed` with its note). The answer comes `answer_days` (2) after the expression, the outcome
`outcome_days` (4) after the introduction, the company's confirmation `confirm_days` (1) after that.
A chapter whose opportunity has an expression of interest already is not told again.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import User
from companies.models import Company, Membership
from opportunities.deals.services import deal_confirm, deal_dispute, introduce, introduction_record_outcome
from opportunities.interests.selectors import fee_note_digest
from opportunities.interests.services import interest_reply, interest_submit, suggestion_add_manually, suggestion_decide
from opportunities.models import (
    REPLY_DAYS,
    Deal,
    Interest,
    Introduction,
    Notification,
    Opportunity,
    Status,
    Suggestion,
    SuggestionAction,
)

from .accounts import demo_user
from .loader import load

DEALS = load("deals.json")
CONTACTS: dict[str, dict] = DEALS["contacts"]
STORY: list[dict] = DEALS["story"] + load("history.json")["story"]
ANSWER_DAYS, OUTCOME_DAYS, CONFIRM_DAYS = 2, 4, 1


def seed_deal_flow() -> list[tuple[str, str]]:
    """Walk the demo from suggestion to deal; idempotent (a chapter already told is left alone).

    Returns (role, e-mail) of the contact-person logins.
    """
    # Eager tasks and a mail backend that drops everything: the services' e-mails are "sent" (and
    # recorded as such) without reaching anyone, also when a worker would otherwise pick them up.
    from creativelabs.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
            logins = _story()
    finally:
        app.conf.task_always_eager = eager
    Notification.objects.filter(emailed_at=None).update(emailed_at=timezone.now())
    return logins


def _story() -> list[tuple[str, str]]:
    contacts, logins = {}, []
    for slug, contact in CONTACTS.items():
        company = Company.objects.get(slug=slug)
        person = demo_user(contact["email"], contact["full_name"], language=contact["language"])
        membership, created = Membership.objects.update_or_create(
            user=person, defaults={"company": company, "role": Membership.Role.OWNER}
        )
        if created:  # the contact registered the company
            Membership.objects.filter(pk=membership.pk).update(created_at=company.created_at)
        contacts[slug] = person
        logins.append((f"SME owner, {company.name}", contact["email"]))
    for chapter in STORY:
        opportunity = Opportunity.objects.get(title__startswith=chapter["opportunity"])
        if opportunity.status != Status.PUBLISHED or opportunity.interests.exists():
            continue
        developer = User.objects.get(email=chapter["developer"])
        for step in chapter["steps"]:
            company = Company.objects.get(slug=step["company"])
            if "decide" in step:
                _decide(opportunity, company, developer, step)
                continue
            person = User.objects.get(email=step["person"]) if "person" in step else contacts[step["company"]]
            interest = _express(opportunity, company, person, step["express"])
            days = _Days(step)
            if "more_info" in step:
                interest_reply(
                    interest=interest, user=developer, reply=Interest.Reply.MORE_INFO, reason=step["more_info"]
                )
            if "not_selected" in step:
                interest_reply(
                    interest=interest, user=developer, reply=Interest.Reply.NOT_SELECTED, reason=step["not_selected"]
                )
            if "introduce" in step:
                _introduce_and_close(interest, developer, step["introduce"], days=days)
            _age(interest, days=days)
    _date_decisions()
    return logins


class _Days:
    """When each part of an expression's story happened: sent `days_ago`, then answered, then the outcome."""

    def __init__(self, step: dict):
        self.submitted = timezone.now() - datetime.timedelta(days=step["days_ago"])
        self.replied = self.submitted + datetime.timedelta(days=step.get("answer_days", ANSWER_DAYS))
        self.outcome = self.replied + datetime.timedelta(days=step.get("outcome_days", OUTCOME_DAYS))
        self.answered = self.outcome + datetime.timedelta(
            days=step.get("introduce", {}).get("confirm_days", CONFIRM_DAYS)
        )


def _decide(opportunity: Opportunity, company: Company, user: User, step: dict) -> None:
    suggestion = Suggestion.objects.filter(opportunity=opportunity, company=company).first()
    if suggestion is None:
        # One the engine did not suggest: added by hand, which shortlists it.
        suggestion = suggestion_add_manually(opportunity=opportunity, company=company, user=user)
    if step["decide"] != "shortlist" or suggestion.decision != Suggestion.Decision.SHORTLISTED:
        suggestion_decide(suggestion=suggestion, user=user, action=step["decide"], note=step.get("note", ""))
    if "days_ago" in step:
        moment = timezone.now() - datetime.timedelta(days=step["days_ago"])
        suggestion.actions.filter(created_at__gt=moment).update(created_at=moment)


def _express(opportunity: Opportunity, company: Company, person: User, motivation: str) -> Interest:
    return interest_submit(
        opportunity=opportunity,
        company=company,
        user=person,
        motivation=motivation,
        portfolio_items=list(company.portfolio.order_by("position")[:2]),
        contact=person,
        contact_phone=DEALS["contact_phone"],
        fee_accepted=True,
        seen_fee_percentage=opportunity.fee_percentage,
        seen_fee_digest=fee_note_digest(opportunity),
    )


def _introduce_and_close(interest: Interest, developer: User, spec: dict, *, days: _Days) -> None:
    """Introduce, record the outcome, and let the company answer the confirmation link if it did."""
    introduction = introduce(
        interest=interest,
        user=developer,
        client_contact_name=spec["client_name"],
        client_contact_email=spec["client_email"],
        note=DEALS["introduction_note"],
    )
    value = Decimal(spec["value"]) if spec["value"] is not None else None
    description = spec["description"]
    deal = introduction_record_outcome(
        introduction=introduction,
        user=developer,
        outcome=spec["outcome"],
        note="" if value else description,
        value=value,
        currency=spec["currency"],
        closed_on=min(timezone.localdate(days.outcome), timezone.localdate()),
        description=description if value else "",
    )
    if deal is not None and spec.get("disputed"):
        deal_dispute(
            deal=deal, user=interest.contact, confirmation_round=deal.confirmation_round, note=spec["disputed"]
        )
    elif deal is not None and spec["confirmed"]:
        deal_confirm(deal=deal, user=interest.contact, confirmation_round=deal.confirmation_round)


def _age(interest: Interest, *, days: _Days) -> None:
    """Move an expression and what followed from it back in time: sent, answered, the outcome, the company's answer."""
    submitted, replied, outcome_at, answered = days.submitted, days.replied, days.outcome, days.answered
    Interest.objects.filter(pk=interest.pk).update(
        created_at=submitted,
        fee_accepted_at=submitted,
        reply_due=submitted + datetime.timedelta(days=REPLY_DAYS),
    )
    Interest.objects.filter(pk=interest.pk, replied_at__isnull=False).update(replied_at=replied)
    Introduction.objects.filter(interest=interest).update(created_at=replied)
    Introduction.objects.filter(interest=interest, outcome_recorded_at__isnull=False).update(
        outcome_recorded_at=outcome_at
    )
    Deal.objects.filter(introduction__interest=interest).update(created_at=outcome_at, confirmation_sent_at=outcome_at)
    Deal.objects.filter(introduction__interest=interest, confirmed_at__isnull=False).update(confirmed_at=answered)
    Deal.objects.filter(introduction__interest=interest, disputed_at__isnull=False).update(disputed_at=answered)
    # The Lab's decisions on the pair: the introduction when it was made; earlier ones not dated yet, a day apart
    # before the expression.
    actions = SuggestionAction.objects.filter(
        suggestion__opportunity=interest.opportunity, suggestion__company=interest.company
    )
    actions.filter(action=Suggestion.Decision.INTRODUCED).update(created_at=replied)
    undated = actions.exclude(action=Suggestion.Decision.INTRODUCED).filter(created_at__gt=submitted)
    for before, pk in enumerate(undated.order_by("-id").values_list("pk", flat=True), start=1):
        SuggestionAction.objects.filter(pk=pk).update(created_at=submitted - datetime.timedelta(days=before))
    # Their history follows the same story: sent, then answered; introduced, then the outcome; the deal, answered.
    interest.history.filter(state=Interest.State.SUBMITTED).update(history_date=submitted)
    interest.history.exclude(state=Interest.State.SUBMITTED).update(history_date=replied)
    introduction = Introduction.objects.filter(interest=interest).first()
    if introduction is not None:
        introduction.history.filter(outcome=Introduction.Outcome.OPEN).update(history_date=replied)
        introduction.history.exclude(outcome=Introduction.Outcome.OPEN).update(history_date=outcome_at)
        deal = Deal.objects.filter(introduction=introduction).first()
        if deal is not None:
            deal.history.filter(state=Deal.State.AWAITING).update(history_date=outcome_at)
            deal.history.exclude(state=Deal.State.AWAITING).update(history_date=answered)


def _date_decisions() -> None:
    """Each decided suggestion: decided when its last action was taken, computed before its first."""
    decided = Suggestion.objects.filter(actions__isnull=False).distinct()
    last = SuggestionAction.objects.filter(suggestion=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    first = SuggestionAction.objects.filter(suggestion=OuterRef("pk")).order_by("created_at").values("created_at")[:1]
    decided.update(decided_at=Subquery(last))
    Suggestion.objects.filter(pk__in=decided.values("pk"), computed_at__gt=Subquery(first)).update(
        computed_at=Subquery(first) - datetime.timedelta(hours=1)
    )
