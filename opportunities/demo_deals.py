"""Demo data from suggestion to deal: shortlists, invitations, expressions of interest, introductions, deals.

Runs after the demo opportunities and their suggestions exist (`seed_demo`). Everything goes
through the same services the pages use, so the history, notifications and fee snapshots are
those a person would have produced; afterwards the dates are moved back so the story reads as
the last few weeks. The demo tells its story in the app only: no e-mail leaves while seeding.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.demo import demo_user
from accounts.models import User
from companies.models import Company, Membership

from .deals.services import deal_confirm, introduce, introduction_record_outcome
from .interests.selectors import fee_note_digest
from .interests.services import interest_reply, interest_submit, suggestion_add_manually, suggestion_decide
from .models import Deal, Interest, Introduction, Notification, Opportunity, Suggestion, SuggestionAction

ANNA = "anna.berlin@demo.creativelabs.example"
LI = "li.shanghai@demo.creativelabs.example"
MARIA = "maria.newyork@demo.creativelabs.example"
SME_OWNER = "sme.owner@demo.creativelabs.example"

CYCLING = "Safe cycling to school"
ENERGY = "Energiewende im Quartier"
EXHIBITION = "Tentoonstelling over de energietransitie"
ELDERLY = "Community elderly care hub"
AUDIO = "Accessible audio tour"
OBESITY = "Childhood obesity prevention campaign"

# Contact people of the companies in the story (the demo companies have no logins of their own).
CONTACTS = {
    "stroomlijn-datastudio": ("mila@stroomlijn-datastudio.demo.creativelabs.example", "Mila de Haan", "nl"),
    "plotline-data-stories": ("owen@plotline-data-stories.demo.creativelabs.example", "Owen Plat", "en"),
    "fernweh-exhibitions": ("ilse@fernweh-exhibitions.demo.creativelabs.example", "Ilse Verbeek", "nl"),
    "hollow-reed-audio": ("ruben@hollow-reed-audio.demo.creativelabs.example", "Ruben Holl", "en"),
    "grijs-goud-zorgontwerp": ("fenna@grijs-goud-zorgontwerp.demo.creativelabs.example", "Fenna Goud", "nl"),
    "northbeam-xr": ("sam@northbeam-xr.demo.creativelabs.example", "Sam Noorderlicht", "en"),
}


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
    users = {user.email: user for user in User.objects.filter(email__in=[ANNA, LI, MARIA, SME_OWNER])}
    anna, li, maria, owner = users[ANNA], users[LI], users[MARIA], users[SME_OWNER]
    contacts, logins = {}, []
    for slug, (email, name, language) in CONTACTS.items():
        company = Company.objects.get(slug=slug)
        person = demo_user(email, name, language=language)
        Membership.objects.update_or_create(user=person, defaults={"company": company, "role": Membership.Role.OWNER})
        contacts[slug] = person
        logins.append((f"SME owner, {company.name}", email))

    def opportunity(title_start: str) -> Opportunity:
        return Opportunity.objects.get(title__startswith=title_start)

    def company(slug: str) -> Company:
        return Company.objects.get(slug=slug)

    def express(opportunity_: Opportunity, slug: str, motivation: str, person: User | None = None) -> Interest:
        the_company = company(slug) if slug else owner.membership.company
        person = person or contacts[slug]
        return interest_submit(
            opportunity=opportunity_,
            company=the_company,
            user=person,
            motivation=motivation,
            portfolio_items=list(the_company.portfolio.order_by("position")[:2]),
            contact=person,
            contact_phone="+31 20 555 0100",
            fee_accepted=True,
            seen_fee_percentage=opportunity_.fee_percentage,
            seen_fee_digest=fee_note_digest(opportunity_.fee_note),
        )

    def decide(opportunity_: Opportunity, slug: str, action: str, note: str = "", user: User = anna) -> None:
        suggestion = Suggestion.objects.filter(opportunity=opportunity_, company__slug=slug).first()
        if suggestion is None:
            suggestion = suggestion_add_manually(opportunity=opportunity_, company=company(slug), user=user)
        suggestion_decide(suggestion=suggestion, user=user, action=action, note=note)

    # Berlin, cycling to school: Anna works the suggestions; Studio Fietsveilig (the SME demo login)
    # is invited and can express interest itself; Northbeam XR's expression waits, overdue.
    cycling = opportunity(CYCLING)
    decide(cycling, "spoke-and-signal", "shortlist")
    decide(
        cycling,
        "oak-and-ember-interactive",
        "dismiss",
        "Strong games studio, but no work with children or traffic safety yet.",
    )
    decide(
        cycling,
        "studio-fietsveilig",
        "invite",
        "Your Safe Cycling Quest is exactly what the district asked about. Would you tell us how you would adapt it?",
    )
    northbeam = express(
        cycling,
        "northbeam-xr",
        "We build AR street games; a route-finding layer for children on their own bikes fits what we do.",
    )
    _age(northbeam, days=9)

    # Berlin, neighbourhood energy campaign: one introduced and won (confirmed), one asked for more.
    energy = opportunity(ENERGY)
    decide(energy, "stroomlijn-datastudio", "shortlist")
    stroomlijn = express(
        energy,
        "stroomlijn-datastudio",
        "Wij maken energiedata begrijpelijk voor bewoners: onze warmtekaart voor Utrecht-Noord is het voorbeeld.",
    )
    _introduce_and_close(
        stroomlijn,
        anna,
        client=("Katrin Vogel", "k.vogel@quartier-energie.example"),
        outcome=("won", Decimal("48500.00"), "EUR", "Heat-map and door-to-door campaign, phase 1."),
        answer="confirm",
        days=24,
    )
    plotline = express(energy, "plotline-data-stories", "Data stories for tenants are our core work.")
    interest_reply(
        interest=plotline,
        user=anna,
        reply=Interest.Reply.MORE_INFO,
        reason="Could you send an example in German or for a housing cooperative?",
    )
    _age(plotline, days=12)

    # Berlin, the exhibition in a former power station: one won and awaiting confirmation, one lost.
    exhibition = opportunity(EXHIBITION)
    fernweh = express(
        exhibition,
        "fernweh-exhibitions",
        "Onze tentoonstellingen over water en energie reisden door drie Duitse musea.",
    )
    _introduce_and_close(
        fernweh,
        anna,
        client=("Dr. Jens Bauer", "bauer@kraftwerk-museum.example"),
        outcome=("won", Decimal("126000.00"), "EUR", "Exhibition design and build, opening in spring."),
        answer=None,
        days=18,
    )
    hollow_reed_exhibition = express(
        exhibition, "hollow-reed-audio", "An audio layer would let visitors hear the plant as it ran."
    )
    _introduce_and_close(
        hollow_reed_exhibition,
        anna,
        client=("Dr. Jens Bauer", "bauer@kraftwerk-museum.example"),
        outcome=("lost", None, "", "The museum chose to keep audio in-house."),
        answer=None,
        days=16,
    )

    # Shanghai, elderly care: asked for more information.
    elderly = opportunity(ELDERLY)
    grijs_goud = express(
        elderly,
        "grijs-goud-zorgontwerp",
        "Wij ontwerpen ontmoetingsplekken voor ouderen in de wijk, met zorgverleners.",
    )
    interest_reply(
        interest=grijs_goud,
        user=li,
        reply=Interest.Reply.MORE_INFO,
        reason="The district asks for references with nursing staff on site; can you share one?",
    )
    _age(grijs_goud, days=6)

    # New York: a confirmed deal in dollars, and Studio Fietsveilig's own won deal waiting for its confirmation.
    audio = opportunity(AUDIO)
    hollow_reed = express(audio, "hollow-reed-audio", "Our Whispering Walls audio tour is built for blind visitors.")
    _introduce_and_close(
        hollow_reed,
        maria,
        client=("Grace Whitfield", "g.whitfield@hudsonvalleyart.example"),
        outcome=("won", Decimal("64000.00"), "USD", "Audio tour in three languages with tactile stations."),
        answer="confirm",
        days=20,
    )
    obesity = opportunity(OBESITY)
    fietsveilig = express(
        obesity,
        "",
        "Our cycling games get whole families moving; a South Bronx version would start with the schools.",
        person=owner,
    )
    _introduce_and_close(
        fietsveilig,
        maria,
        client=("Dr. Luis Ortega", "l.ortega@bronxhealth.example"),
        outcome=("won", Decimal("35000.00"), "USD", "Pilot with four schools in the South Bronx."),
        answer=None,
        days=10,
    )
    return logins


def _introduce_and_close(interest, developer, *, client, outcome, answer, days: int) -> None:
    """Introduce, record the outcome, and let the company answer the confirmation link; then date it back."""
    name, email = client
    introduction = introduce(
        interest=interest,
        user=developer,
        client_contact_name=name,
        client_contact_email=email,
        note="You met at our Lab's open studio; here are each other's details.",
    )
    result, value, currency, description = outcome
    deal = introduction_record_outcome(
        introduction=introduction,
        user=developer,
        outcome=result,
        note="" if value else description,
        value=value,
        currency=currency,
        closed_on=timezone.localdate() - datetime.timedelta(days=max(days - 8, 1)),
        description=description if value else "",
    )
    if deal is not None and answer == "confirm":
        deal_confirm(deal=deal, user=interest.contact, confirmation_round=deal.confirmation_round)
    _age(interest, days=days)


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
