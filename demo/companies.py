"""Demo companies, their portfolios and the SME logins that belong to them (`data/companies.json`).

Forty fictional Dutch creative SMEs across every discipline and theme. Names, KvK numbers, clients and
websites are invented; cities and countries are real. Specs with ``"dutch": true`` (a fifth of them) write
their pitch, description and portfolio in Dutch, the rest in English. Some companies share words with a
theme in another sense ("skin-care", "water-based paints") so that matching has decoys to get right.

A portfolio item is public with one placeholder image unless it says otherwise (``"visibility"``,
``"images"``). The images are drawn at seed time (`demo.images`) and stored through the real upload
services, so they are validated and re-encoded like any upload.

``"registered"`` says how many days before the seed the company joined the programme: a new company, its
members, portfolio and their history are dated then (the portfolio a few days later), so the programme's
figures show companies joining over two years.
"""

import datetime

from django.utils import timezone

from companies.models import Company, Discipline, Membership, PortfolioFile, PortfolioItem, Visibility
from companies.services import portfolio_file_add, portfolio_item_create, portfolio_item_update
from labs.models import Theme

from .accounts import demo_user
from .images import placeholder_image
from .loader import load


def _item(entry: dict) -> dict:
    """A portfolio item from the file, with its defaults filled in."""
    return {
        **entry,
        "visibility": Visibility(entry.get("visibility", Visibility.PUBLIC)),
        "images": entry.get("images", 1),
    }


def _company(spec: dict) -> dict:
    return {
        **spec,
        "size": Company.Size(spec["size"]),
        "portfolio": [_item(entry) for entry in spec.get("portfolio", [])],
    }


COMPANIES: list[dict] = [_company(spec) for spec in load("companies.json")["companies"]]


def seed_companies() -> list[tuple[str, str]]:
    """Create the demo companies, their portfolios and member logins; returns (role, e-mail) per login."""
    logins = []
    disciplines = {discipline.slug: discipline for discipline in Discipline.objects.all()}
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    for spec in COMPANIES:
        company, created = Company.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "kvk_number": spec["kvk"],
                "city": spec["city"],
                "size": spec["size"],
                "founded_year": spec["founded"],
                "website": spec.get("website", f"https://{spec['slug']}.example"),
                "pitch": spec["pitch"],
                "description": spec["description"],
                "target_countries": spec["targets"],
                "presence_countries": spec.get("presence", []),
                "languages": spec.get("languages", []),
                "is_listed": spec.get("listed", True),
                "open_to_matching": spec.get("matching", True),
            },
        )
        company.disciplines.set([disciplines[slug] for slug in spec["disciplines"]])
        company.themes.set([themes[slug] for slug in spec["themes"]])
        _seed_portfolio(company, spec, disciplines, themes)
        people = []
        if "owner" in spec:
            people.append((spec["owner"], Membership.Role.OWNER))
        people += [(member, Membership.Role.MEMBER) for member in spec.get("members", [])]
        for person, role in people:
            user = demo_user(person["email"], person["full_name"], language=person["language"])
            Membership.objects.update_or_create(user=user, defaults={"company": company, "role": role})
            logins.append((f"SME {role}, {company.name}", person["email"]))
        if created:
            _date_registration(company, timezone.now() - datetime.timedelta(days=spec["registered"]))
    return logins


def _date_registration(company: Company, registered: datetime.datetime) -> None:
    """A new company joined the programme at `registered`: its members then, its portfolio in the days after."""
    filled_in = registered + datetime.timedelta(days=3)
    Company.objects.filter(pk=company.pk).update(created_at=registered, updated_at=filled_in)
    company.history.all().update(history_date=registered)
    Membership.objects.filter(company=company).update(created_at=registered)
    items = PortfolioItem.objects.filter(company=company)
    items.update(created_at=filled_in, updated_at=filled_in)
    PortfolioFile.objects.filter(item__company=company).update(created_at=filled_in)
    PortfolioItem.history.filter(company_id=company.pk).update(history_date=filled_in)


def _seed_portfolio(company: Company, spec: dict, disciplines: dict, themes: dict) -> None:
    """Create or refresh the items, matched on title; placeholder images only for items without files."""
    existing = {item.title: item for item in company.portfolio.all()}
    for entry in spec["portfolio"]:
        data = {
            "title": entry["title"],
            "client": entry["client"],
            "year": entry["year"],
            "country": entry["country"],
            "description": entry["description"],
            "visibility": entry["visibility"],
            "disciplines": [disciplines[slug] for slug in entry["disciplines"]],
            "themes": [themes[slug] for slug in entry["themes"]],
        }
        item = existing.get(entry["title"])
        if item is None:
            item = portfolio_item_create(company=company, data=data)
        else:
            item = portfolio_item_update(item=item, data=data)
        if entry["images"] and not item.files.exists():
            for index in range(entry["images"]):
                portfolio_file_add(
                    item=item, upload=placeholder_image(f"{company.slug}/{item.title}", item.title, index)
                )
