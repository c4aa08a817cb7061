"""Demo data from suggestion to deal: shortlists, invitations, expressions of interest, introductions, deals.

Runs after the demo opportunities and their suggestions exist (`seed_demo`). Everything goes
through the same services the pages use, so the history, notifications and fee snapshots are
those a person would have produced; afterwards the dates are moved back so the story reads as
the last few weeks. The demo tells its story in the app only: no e-mail leaves while seeding.

`data/deals.json` holds the contact people of the companies in the story (the demo companies have
no logins of their own) and the story itself: per opportunity (found by the start of its title) the
Lab's business developer who works it and the steps in order. A step is a decision on a company's
suggestion (`decide`: shortlist, dismiss or invite, with an optional `note`), or an expression of
interest (`express`: the motivation, sent by the company's contact or by `person`) that may be
answered with a request for more information (`more_info`) or introduced to the client with an
outcome (`introduce`), and is then dated back `days_ago` days.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import User
from companies.models import Company, Membership
from opportunities.deals.services import deal_confirm, introduce, introduction_record_outcome
from opportunities.interests.selectors import fee_note_digest
from opportunities.interests.services import interest_reply, interest_submit, suggestion_add_manually, suggestion_decide
from opportunities.models import Deal, Interest, Introduction, Notification, Opportunity, Suggestion, SuggestionAction

from .accounts import demo_user
from .loader import load

DEALS = load("deals.json")
CONTACTS: dict[str, dict] = DEALS["contacts"]
STORY: list[dict] = DEALS["story"]


def seed_deal_flow() -> list[tuple[str, str]]:
    """Walk part of the demo from suggestion to deal; idempotent (does nothing once an interest exists).

    Returns (role, e-mail) of the contact-person logins it created.
    """
    if Interest.objects.exists():
        return []
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
        Membership.objects.update_or_create(user=person, defaults={"company": company, "role": Membership.Role.OWNER})
        contacts[slug] = person
        logins.append((f"SME owner, {company.name}", contact["email"]))
    for chapter in STORY:
        opportunity = Opportunity.objects.get(title__startswith=chapter["opportunity"])
        developer = User.objects.get(email=chapter["developer"])
        for step in chapter["steps"]:
            company = Company.objects.get(slug=step["company"])
            if "decide" in step:
                _decide(opportunity, company, developer, step["decide"], step.get("note", ""))
                continue
            person = User.objects.get(email=step["person"]) if "person" in step else contacts[step["company"]]
            interest = _express(opportunity, company, person, step["express"])
            if "more_info" in step:
                interest_reply(
                    interest=interest, user=developer, reply=Interest.Reply.MORE_INFO, reason=step["more_info"]
                )
            if "introduce" in step:
                _introduce_and_close(interest, developer, step["introduce"], days=step["days_ago"])
            _age(interest, days=step["days_ago"])
    return logins


def _decide(opportunity: Opportunity, company: Company, user: User, action: str, note: str) -> None:
    suggestion = Suggestion.objects.filter(opportunity=opportunity, company=company).first()
    if suggestion is None:
        suggestion = suggestion_add_manually(opportunity=opportunity, company=company, user=user)
    suggestion_decide(suggestion=suggestion, user=user, action=action, note=note)


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
        seen_fee_digest=fee_note_digest(opportunity.fee_note),
    )


def _introduce_and_close(interest: Interest, developer: User, spec: dict, *, days: int) -> None:
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
        closed_on=timezone.localdate() - datetime.timedelta(days=max(days - 8, 1)),
        description=description if value else "",
    )
    if deal is not None and spec["confirmed"]:
        deal_confirm(deal=deal, user=interest.contact, confirmation_round=deal.confirmation_round)


def _age(interest: Interest, *, days: int) -> None:
    """Move an expression and what followed from it back in time, a day or two per step."""
    submitted = timezone.now() - datetime.timedelta(days=days)
    Interest.objects.filter(pk=interest.pk).update(
        created_at=submitted,
        fee_accepted_at=submitted,
        reply_due=submitted + datetime.timedelta(days=7),
    )
    replied = submitted + datetime.timedelta(days=2)
    Interest.objects.filter(pk=interest.pk, replied_at__isnull=False).update(replied_at=replied)
    Introduction.objects.filter(interest=interest).update(created_at=replied)
    outcome_at = replied + datetime.timedelta(days=4)
    Introduction.objects.filter(interest=interest, outcome_recorded_at__isnull=False).update(
        outcome_recorded_at=outcome_at
    )
    Deal.objects.filter(introduction__interest=interest).update(created_at=outcome_at, confirmation_sent_at=outcome_at)
    Deal.objects.filter(introduction__interest=interest, confirmed_at__isnull=False).update(
        confirmed_at=outcome_at + datetime.timedelta(days=1)
    )
    SuggestionAction.objects.filter(
        suggestion__opportunity=interest.opportunity, suggestion__company=interest.company
    ).update(created_at=submitted - datetime.timedelta(days=1))
    # Their history follows the same story: sent, then answered; introduced, then the outcome; the deal, confirmed.
    interest.history.filter(state=Interest.State.SUBMITTED).update(history_date=submitted)
    interest.history.exclude(state=Interest.State.SUBMITTED).update(history_date=replied)
    introduction = Introduction.objects.filter(interest=interest).first()
    if introduction is not None:
        introduction.history.filter(outcome=Introduction.Outcome.OPEN).update(history_date=replied)
        introduction.history.exclude(outcome=Introduction.Outcome.OPEN).update(history_date=outcome_at)
        deal = Deal.objects.filter(introduction=introduction).first()
        if deal is not None:
            deal.history.exclude(state=Deal.State.CONFIRMED).update(history_date=outcome_at)
            deal.history.filter(state=Deal.State.CONFIRMED).update(history_date=outcome_at + datetime.timedelta(days=1))
