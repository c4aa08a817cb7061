from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.export import record
from accounts.roles import roles_of
from creativelabs.history import Entry, histories, history_of, merged

from .models import Company, PortfolioFile, PortfolioItem, Visibility
from .permissions import sees_every_company


def visible_companies(user):
    """Companies this user may see: every one for programme staff; else listed ones and their own."""
    companies = Company.objects.all()
    if sees_every_company(user):
        return companies
    roles = roles_of(user)
    if roles.membership is not None:
        return companies.filter(Q(is_listed=True) | Q(pk=roles.membership.company_id))
    return companies.listed()


def visible_portfolio_items(user, company: Company):
    return PortfolioItem.objects.filter(company=company).visible_to(user, company)


def company_history(company: Company, items) -> list[Entry]:
    """Every change to the profile and to these portfolio items (those the viewer may see), oldest first.

    The views ask `permissions.may_see_history` first.
    """
    profile = history_of(company, subject=lambda _company: _("Profile"))
    work = histories(items, subject=lambda item: item.title)
    return merged(profile, *work.values())


def visible_portfolio_files(user):
    """Files this user may download: own company's; else those of visible items of visible companies."""
    roles = roles_of(user)
    files = PortfolioFile.objects.select_related("item")
    own = Q(item__company_id=roles.membership.company_id) if roles.membership is not None else Q(pk__in=[])
    if sees_every_company(user):
        others = ~Q(item__visibility=Visibility.PRIVATE)
    else:
        others = Q(item__visibility=Visibility.PUBLIC, item__company__in=visible_companies(user))
    return files.filter(own | others)


def company_completeness(company: Company, *, portfolio_count: int) -> list[dict]:
    """What a company profile still misses, and why it matters for matching."""
    checks = [
        (bool(company.description and len(company.description) >= 200), "description"),
        (company.disciplines.exists(), "disciplines"),
        (company.themes.exists(), "themes"),
        (bool(company.target_countries), "target_countries"),
        (bool(company.languages), "languages"),
        (portfolio_count > 0, "portfolio"),
        (bool(company.logo), "logo"),
    ]
    return [{"key": key, "done": done} for done, key in checks]


# Company and portfolio fields that are bookkeeping, not the company's data.
COMPANY_FIELDS_NOT_EXPORTED = {"id"}
PORTFOLIO_FIELDS_NOT_EXPORTED = {"id", "company"}


def company_export_data(company: Company) -> dict:
    """A company's profile, team and portfolio metadata, for a member's data export."""
    data = record(company, leave_out=COMPANY_FIELDS_NOT_EXPORTED)
    data["disciplines"] = list(company.disciplines.values_list("slug", flat=True))
    data["themes"] = list(company.themes.values_list("slug", flat=True))
    data["team"] = [
        {"name": m.user.full_name, "email": m.user.email, "role": record(m, only=["role"])["role"]}
        for m in company.memberships.select_related("user")
    ]
    data["portfolio"] = []
    for item in company.portfolio.prefetch_related("files", "disciplines", "themes"):
        entry = record(item, leave_out=PORTFOLIO_FIELDS_NOT_EXPORTED)
        entry["disciplines"] = [d.slug for d in item.disciplines.all()]
        entry["themes"] = [t.slug for t in item.themes.all()]
        entry["files"] = [
            {"name": f.original_name, **record(f, only=["kind"]), "bytes": f.size_bytes, "uploaded_at": f.created_at}
            for f in item.files.all()
        ]
        data["portfolio"].append(entry)
    return data
