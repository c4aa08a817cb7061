"""Demo Lab partners (`data/partners.json`): a Dutch company with an office in a focus country, linked to a Lab
for a period, its owner's login, and an opportunity of its own that it posted and the embassy published.

The opportunity goes through the real services with the partner's owner as author (so it is recorded to the
partnership, `Opportunity.partner`), submitted for review and published by the Lab's reviewer. Idempotent: a
partnership or an opportunity that exists already (matched on company and Lab, and on title) is left alone.
"""

import datetime

from django.utils import timezone

from accounts.models import User
from accounts.roles import forget_roles
from companies.models import Company, Discipline, Membership
from labs.models import BusinessDeveloper, Lab, LabPartner, Theme
from opportunities.models import Notification, Opportunity, Status
from opportunities.workflow.services import opportunity_create, opportunity_transition

from .accounts import demo_user
from .loader import load
from .opportunities import REVIEWER, _spread_over_time

PARTNERS: list[dict] = load("partners.json")["partners"]


def seed_partners() -> list[tuple[str, str]]:
    """Create the partner companies, their partnerships and opportunities; returns (role, e-mail) per login."""
    logins = []
    for spec in PARTNERS:
        lab = Lab.objects.select_related("country").get(slug=spec["lab"])
        company = _company(spec["company"])
        owner_spec = spec["company"]["owner"]
        # A Lab partner signs in with two factors, like the staff logins (the same demo secret).
        owner = demo_user(owner_spec["email"], owner_spec["full_name"], language=owner_spec["language"], mfa=True)
        Membership.objects.update_or_create(user=owner, defaults={"company": company, "role": Membership.Role.OWNER})
        since = timezone.localdate() - datetime.timedelta(days=spec["since"])
        LabPartner.objects.get_or_create(lab=lab, company=company, defaults={"starts_on": since})
        forget_roles(owner)
        _opportunity(spec["opportunity"], lab, owner)
        logins.append((f"Lab partner, {company.name} ({lab.name})", owner.email))
    return logins


def _company(spec: dict) -> Company:
    company, _created = Company.objects.update_or_create(
        slug=spec["slug"],
        defaults={
            "name": spec["name"],
            "kvk_number": spec["kvk"],
            "city": spec["city"],
            "size": spec["size"],
            "founded_year": spec["founded"],
            "website": f"https://{spec['slug']}.example",
            "pitch": spec["pitch"],
            "description": spec["description"],
            "target_countries": spec["targets"],
            "presence_countries": spec["presence"],
            "languages": spec["languages"],
            "is_listed": True,
            "open_to_matching": True,
        },
    )
    company.disciplines.set(Discipline.objects.filter(slug__in=spec["disciplines"]))
    company.themes.set(Theme.objects.filter(slug__in=spec["themes"]))
    return company


def _opportunity(spec: dict, lab: Lab, author: User) -> None:
    if Opportunity.objects.filter(title=spec["title"]).exists():
        return
    today = timezone.localdate()
    partnership = LabPartner.objects.current().get(lab=lab, company=author.membership.company)
    data = {
        "lab": lab,
        "partner": partnership,
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
        "deadline": today + datetime.timedelta(days=spec["deadline"]),
        "languages": spec["languages"],
        "fee_percentage": lab.default_fee_percentage,
        "fee_note": spec["fee_note"],
        "fee_note_nl": spec.get("fee_note_nl", ""),
    }
    m2m = {
        "themes": list(Theme.objects.filter(slug__in=spec["themes"])),
        "required_disciplines": list(Discipline.objects.filter(slug__in=spec["required"])),
        "nice_disciplines": list(Discipline.objects.filter(slug__in=spec["nice"])),
        # The Lab's developers stay the contacts of the Lab's side.
        "contacts": list(BusinessDeveloper.objects.filter(lab=lab)[:1]),
    }
    opportunity = opportunity_create(user=author, data=data, m2m=m2m)
    opportunity_transition(opportunity=opportunity, user=author, name="submit", note="")
    reviewer = User.objects.get(email=REVIEWER[lab.slug])
    opportunity_transition(opportunity=opportunity, user=reviewer, name="publish", note="")
    # Dated back like the other demo opportunities: posted `age` days ago, each step a day or so later.
    _spread_over_time(opportunity, {**spec, "status": Status.PUBLISHED})
    Notification.objects.filter(opportunity=opportunity, emailed_at=None).update(emailed_at=timezone.now())
