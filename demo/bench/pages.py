"""The pages the bench requests and who requests them: `demo/data/page_bench_pages.json`, its placeholders
filled from the bench data, and the bench logins (made by `build`), one per role."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db.models import Count, Q
from django.urls import Resolver404, resolve
from django.utils import timezone

from companies.models import Membership
from labs.models import BusinessDeveloper, EmbassyStaff
from opportunities.models import Opportunity, Status

from ..loader import load
from .build import EMAIL_DOMAIN, bench_users

ROLES = ("anonymous", "company_member", "business_developer", "embassy_staff", "admin")
PAGES_FILE = "page_bench_pages.json"


@dataclass(frozen=True)
class Page:
    url: str
    role: str

    @property
    def name(self) -> str:
        return f"{self.role} {self.url}"


def load_pages(only: str = "", exclude: str = "") -> list[Page]:
    """The pages of the JSON file; those whose role or URL contains `only`, and not `exclude`, when given."""
    pages = [Page(url=entry["url"], role=entry["role"]) for entry in load(PAGES_FILE)["pages"]]
    unknown = {page.role for page in pages} - set(ROLES)
    if unknown:
        raise ValueError(f"{PAGES_FILE}: unknown roles {sorted(unknown)}; known: {', '.join(ROLES)}")
    return [page for page in pages if (not only or only in page.name) and not (exclude and exclude in page.name)]


def logins() -> dict[str, object]:
    """The bench login per role (None for anonymous): the business developer and embassy staff of the
    first focus country, the admin, and the owner of the company with the most deals."""
    users = bench_users()
    developers = BusinessDeveloper.objects.filter(user__in=users).select_related("user", "lab")
    developer = developers.order_by("lab__country__ordering", "lab__country_id", "pk").first()
    staff = EmbassyStaff.objects.filter(user__in=users).select_related("user", "post")
    embassy = staff.order_by("post__country__ordering", "post__country_id", "pk").first()
    member = Membership.objects.filter(user__in=users).select_related("user", "company").first()
    admin = users.filter(email=f"admin@{EMAIL_DOMAIN}").first()
    found = {
        "anonymous": None,
        "company_member": member.user if member else None,
        "business_developer": developer.user if developer else None,
        "embassy_staff": embassy.user if embassy else None,
        "admin": admin,
    }
    missing = [role for role, user in found.items() if role != "anonymous" and user is None]
    if missing:
        raise LookupError(f"No bench login for {', '.join(missing)}: run `bench_pages --build` first.")
    return found


def placeholders(people: dict) -> dict[str, str]:
    """{opportunity}: the business developer's Lab's open opportunity with the most suggestions;
    {company}: the company member's company."""
    developer = people["business_developer"].business_developer
    opportunity = (
        Opportunity.objects.filter(lab=developer.lab, status=Status.PUBLISHED, deadline__gte=timezone.localdate())
        .annotate(suggested=Count("suggestions"), interested=Count("interests", distinct=True))
        .order_by("-suggested", "-interested", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    if opportunity is None:  # a tiny build may have none open in that Lab
        shown = Opportunity.objects.filter(~Q(status=Status.DRAFT), lab=developer.lab)
        opportunity = shown.values_list("pk", flat=True).first()
    return {"opportunity": str(opportunity), "company": people["company_member"].membership.company.slug}


def routable(pages: list[Page], values: dict[str, str]) -> tuple[list[Page], list[tuple[Page, str]]]:
    """The pages with their placeholders filled, and those skipped because no URL pattern answers them."""
    ready, skipped = [], []
    for page in pages:
        url = page.url.format(**values)
        try:
            resolve(urlsplit(url).path)
        except Resolver404:
            skipped.append((page, "no URL pattern answers it (not built yet?)"))
            continue
        ready.append(Page(url=url, role=page.role))
    return ready, skipped
