"""The API's operations under /api/v1/: read-only, public data, the same rules as the portal's pages.

Each list takes the filters of its page in the portal (the same FilterSet, so the same search), a
page number and size, and a whitelisted ordering. Who is asking, and what they may read, comes from
api/clients.py (`request.auth`); the limits from api/throttling.py; ETag, Last-Modified, 304 and CORS
from api/http.py, around every operation.
"""

from django.http import Http404, HttpResponse
from django.http.request import QueryDict
from django.utils import timezone
from ninja import NinjaAPI, Path, Query, Router, Swagger
from ninja.decorators import decorate_view
from ninja.errors import Throttled

from companies.filters import CompanyFilter
from opportunities.workflow.filters import OpportunityFilter

from . import schemas, selectors, serializers
from .clients import AUTH
from .errors import InvalidParameters, KeyRefused
from .http import api_headers, last_modified
from .pagination import page_of
from .schemas import MAX_ID
from .throttling import ClientRateLimit

DESCRIPTION = """\
The public data of the Creative Labs portal: published opportunities (local demands in Germany, China and
the USA for Dutch creative SMEs), themes, focus countries, Labs, posts, and the companies that opted in to
the public directory with their public portfolio.

**Reading.** No key is needed. Every list is paged (`page`, `page_size` up to 100) and takes the filters
of its page in the portal. Names come in English and Dutch. Every answer has an `ETag` (and, where the data
says when it changed, `Last-Modified`): send `If-None-Match` or `If-Modified-Since` and an unchanged answer
is a `304` without a body. Any website may read the API from the browser (CORS, no credentials).

**Limits.** Without a key: 60 requests a minute and 1000 an hour per address. Over a limit the answer is
`429` with `Retry-After` (seconds).

**Partner keys.** Programme partners get a key from the programme's admins. Send it as
`Authorization: Bearer <key>` or `X-Api-Key: <key>`, from a server, never from a web page. A key has
higher limits (600 a minute, 6000 an hour) and may read more: a key with the scope `country:DE` also reads
Germany's opportunities that closed in the last year. An unknown or revoked key is a `401`.

**Errors** are JSON: `{"detail": "..."}`, or for parameters not understood `422` with one entry per
parameter (`loc`, `msg`).
"""

ERRORS = {401: schemas.Error, 422: schemas.Error, 429: schemas.Error}
LIST_ERRORS = {**ERRORS, 404: schemas.Error}
DETAIL_ERRORS = {**ERRORS, 404: schemas.Error}


class PortalAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        # A key is optional: "{}" in an operation's security list says it may be called without one.
        for operations in schema["paths"].values():
            for operation in operations.values():
                if "security" in operation and {} not in operation["security"]:
                    operation["security"].append({})
        return schema


api = PortalAPI(
    title="Creative Labs API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    # Served from the static files of ninja's app (INSTALLED_APPS), never a CDN; no validator badge
    # (Swagger UI would fetch it from elsewhere).
    docs=Swagger(settings={"validatorUrl": None, "defaultModelsExpandDepth": 0}),
    auth=AUTH,
    throttle=ClientRateLimit(),
)
router = Router()


# --- Errors: always JSON -------------------------------------------------------------------------------


@api.exception_handler(KeyRefused)
def _key_refused(request, exc):
    response = api.create_response(request, {"detail": exc.message}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(Throttled)
def _throttled(request, exc):
    wait = max(1, int(exc.wait or 1))
    detail = f"Too many requests: try again in {wait} seconds."
    response = api.create_response(request, {"detail": detail}, status=429)
    response["Retry-After"] = str(wait)
    return response


@api.exception_handler(InvalidParameters)
def _invalid_parameters(request, exc):
    return api.create_response(request, {"detail": exc.errors}, status=422)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


def answer(request, response: HttpResponse, data: dict) -> HttpResponse:
    """The JSON answer, with the headers the view set on ninja's temporal `response`.

    Rendered straight from the serializers' dicts: ninja's own pass of the data through the response
    schema costs more than the rest of a page of 50. That the answers keep to the schema is what
    tests/api/test_schema.py and the schemathesis run check.
    """
    return api.create_response(request, data, temporal_response=response)


def _filtered(filterset) -> object:
    """The FilterSet's queryset, or `InvalidParameters` naming each value it did not understand."""
    if not filterset.is_valid():
        raise InvalidParameters(
            [
                {"loc": ["query", name], "msg": " ".join(str(message) for message in messages), "type": "invalid"}
                for name, messages in filterset.errors.items()
            ]
        )
    return filterset.qs


def _data(values: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in values.items():
        if value is not None:
            data[name] = value
    return data


# --- Opportunities -------------------------------------------------------------------------------------

ORDER_FIELDS = {"deadline", "published_at", "updated_at", "id"}


@router.get(
    "/opportunities",
    response={200: schemas.OpportunityPage, **LIST_ERRORS},
    tags=["Opportunities"],
    summary="List opportunities",
    url_name="opportunities",
)
@decorate_view(api_headers)
def opportunity_list(request, response: HttpResponse, query: Query[schemas.OpportunityQuery]):
    """Published opportunities (and, with a partner key, those its scope adds), filtered and searched
    like the portal's list."""
    scope = request.auth.scope
    filterset = OpportunityFilter(
        _data(
            {
                "q": query.q,
                "country": query.country.upper() if query.country else None,
                "lab": query.lab,
                "theme": query.theme,
                "discipline": query.discipline,
                "budget": query.budget,
                "deadline": query.deadline,
                "language": query.language,
            }
        ),
        queryset=selectors.readable_opportunities(scope),
        published_only=False,
    )
    opportunities = _filtered(filterset)
    if query.status:
        opportunities = opportunities.filter(status=query.status)
    if query.updated_since:
        opportunities = opportunities.filter(updated_at__gte=query.updated_since)
    if query.ordering and query.ordering != "relevance":
        descending = query.ordering.startswith("-")
        field = query.ordering.removeprefix("-")
        assert field in ORDER_FIELDS  # the schema lets no other through
        opportunities = opportunities.order_by(query.ordering, "-id" if descending else "id")
    numbers, rows = page_of(request, opportunities, query, one_pass=bool(query.q))
    last_modified(response, selectors.opportunities_changed_at())
    today = timezone.localdate()
    results = [serializers.opportunity(row, today=today) for row in selectors.opportunity_rows(rows)]
    return answer(request, response, {**numbers, "results": results})


@router.get(
    "/opportunities/{opportunity_id}",
    response={200: schemas.Opportunity, **DETAIL_ERRORS},
    tags=["Opportunities"],
    summary="One opportunity",
    url_name="opportunity",
)
@decorate_view(api_headers)
def opportunity_detail(
    request,
    response: HttpResponse,
    opportunity_id: int = Path(..., ge=1, le=MAX_ID, description="The opportunity's `id`."),
):
    """One opportunity the client may read (404 for any other, drafts included)."""
    rows = selectors.opportunity_rows(selectors.readable_opportunities(request.auth.scope).filter(pk=opportunity_id))
    if not rows:
        raise Http404
    last_modified(response, rows[0]["updated_at"])
    return answer(request, response, serializers.opportunity(rows[0], today=timezone.localdate()))


# --- Themes, countries, Labs, posts ----------------------------------------------------------------------


@router.get(
    "/themes",
    response={200: schemas.ThemePage, **LIST_ERRORS},
    tags=["Programme"],
    summary="List themes",
    url_name="themes",
)
@decorate_view(api_headers)
def theme_list(request, response: HttpResponse, query: Query[schemas.ThemeQuery]):
    """The programme's themes, current and archived."""
    themes = selectors.public_themes()
    if query.country:
        themes = themes.filter(countries__code=query.country.upper())
    if query.archived is not None:
        themes = themes.filter(is_archived=query.archived)
    numbers, rows = page_of(request, themes, query)
    last_modified(response, selectors.themes_changed_at())
    return answer(request, response, {**numbers, "results": [serializers.theme(row) for row in rows]})


@router.get(
    "/countries",
    response={200: schemas.CountryPage, **LIST_ERRORS},
    tags=["Programme"],
    summary="List focus countries",
    url_name="countries",
)
@decorate_view(api_headers)
def country_list(request, response: HttpResponse, query: Query[schemas.PageQuery]):
    """The programme's focus countries."""
    numbers, rows = page_of(request, selectors.public_countries(), query)
    return answer(request, response, {**numbers, "results": [serializers.country(row) for row in rows]})


@router.get(
    "/labs", response={200: schemas.LabPage, **LIST_ERRORS}, tags=["Programme"], summary="List Labs", url_name="labs"
)
@decorate_view(api_headers)
def lab_list(request, response: HttpResponse, query: Query[schemas.CountryFilterQuery]):
    """The Creative Labs."""
    labs = selectors.public_labs()
    if query.country:
        labs = labs.filter(country_id=query.country.upper())
    numbers, rows = page_of(request, labs, query)
    return answer(request, response, {**numbers, "results": [serializers.lab(row) for row in rows]})


@router.get(
    "/posts",
    response={200: schemas.PostPage, **LIST_ERRORS},
    tags=["Programme"],
    summary="List posts",
    url_name="posts",
)
@decorate_view(api_headers)
def post_list(request, response: HttpResponse, query: Query[schemas.CountryFilterQuery]):
    """The Dutch embassies and consulates in the focus countries."""
    posts = selectors.public_posts()
    if query.country:
        posts = posts.filter(country_id=query.country.upper())
    numbers, rows = page_of(request, posts, query)
    return answer(request, response, {**numbers, "results": [serializers.post(row) for row in rows]})


# --- Companies -------------------------------------------------------------------------------------------


@router.get(
    "/companies",
    response={200: schemas.CompanyPage, **LIST_ERRORS},
    tags=["Companies"],
    summary="List companies",
    url_name="companies",
)
@decorate_view(api_headers)
def company_list(request, response: HttpResponse, query: Query[schemas.CompanyQuery]):
    """The public company directory (companies that opted in), filtered and searched like its page."""
    filterset = CompanyFilter(
        _data(
            {
                "q": query.q,
                "discipline": query.discipline,
                "theme": query.theme,
                "target": query.target.upper() if query.target else None,
                "presence": query.presence.upper() if query.presence else None,
                "size": query.size,
                "city": query.city,
            }
        ),
        queryset=selectors.public_companies(),
    )
    companies = _filtered(filterset)
    ordering = query.ordering or "name"
    companies = companies.order_by(ordering, "-id" if ordering.startswith("-") else "id")
    numbers, rows = page_of(request, companies, query, one_pass=bool(query.q))
    last_modified(response, selectors.companies_changed_at())
    return answer(request, response, {**numbers, "results": [serializers.company(row) for row in rows]})


@router.get(
    "/companies/{company_id}",
    response={200: schemas.Company, **DETAIL_ERRORS},
    tags=["Companies"],
    summary="One company",
    url_name="company",
)
@decorate_view(api_headers)
def company_detail(
    request, response: HttpResponse, company_id: int = Path(..., ge=1, le=MAX_ID, description="The company's `id`.")
):
    """One company of the directory, with its public portfolio (404 for a company not in it)."""
    row = selectors.public_companies().filter(pk=company_id).first()
    if row is None:
        raise Http404
    changes = [row.updated_at, *(item.updated_at for item in row.public_portfolio)]
    last_modified(response, max(changes))
    return answer(request, response, serializers.company(row))


# --- Exchanges --------------------------------------------------------------------------------------------


@router.get(
    "/exchanges",
    response={200: schemas.ExchangePage, **LIST_ERRORS},
    tags=["Exchanges"],
    summary="List exchanges",
    url_name="exchanges",
)
@decorate_view(api_headers)
def exchange_list(request, response: HttpResponse, query: Query[schemas.ExchangeQuery]):
    """Trade missions, incoming delegations, theme sessions, matchmaking days and webinars: published, cancelled
    and held ones (never drafts), as `/exchanges/` lists them. Each has its calendar file (`ics_url`)."""
    exchanges = selectors.public_exchanges()
    if query.country:
        exchanges = exchanges.filter(country_id=query.country.upper())
    if query.theme:
        exchanges = exchanges.filter(themes__slug=query.theme)
    if query.kind:
        exchanges = exchanges.filter(kind=query.kind)
    if query.when == "upcoming":
        exchanges = exchanges.filter(pk__in=exchanges.model.objects.upcoming().values("pk"))
    elif query.when == "past":
        exchanges = exchanges.filter(pk__in=exchanges.model.objects.past().values("pk")).order_by("-starts_at", "-id")
    numbers, rows = page_of(request, exchanges, query)
    last_modified(response, selectors.exchanges_changed_at())
    return answer(request, response, {**numbers, "results": [serializers.exchange(row) for row in rows]})


@router.get(
    "/exchanges/{exchange_id}",
    response={200: schemas.Exchange, **DETAIL_ERRORS},
    tags=["Exchanges"],
    summary="One exchange",
    url_name="exchange",
)
@decorate_view(api_headers)
def exchange_detail(
    request, response: HttpResponse, exchange_id: int = Path(..., ge=1, le=MAX_ID, description="The exchange's `id`.")
):
    """One exchange (404 for a draft or an unknown id)."""
    row = selectors.public_exchanges().filter(pk=exchange_id).first()
    if row is None:
        raise Http404
    last_modified(response, row.updated_at)
    return answer(request, response, serializers.exchange(row))


api.add_router("", router)


# --- Theme networks ---------------------------------------------------------------------------------------


@router.get(
    "/networks",
    response={200: schemas.NetworkPage, **LIST_ERRORS},
    tags=["Networks"],
    summary="List theme networks",
    url_name="networks",
)
@decorate_view(api_headers)
def network_list(request, response: HttpResponse, query: Query[schemas.NetworkQuery]):
    """Networks that connect, around one theme, the Netherlands with one or more focus countries, as
    `/networks/` lists them (active ones unless `archived` is set)."""
    networks = selectors.public_networks()
    if not query.archived:
        networks = networks.filter(status="active")
    if query.country:
        networks = networks.filter(countries=query.country.upper())
    if query.theme:
        networks = networks.filter(theme__slug=query.theme)
    numbers, rows = page_of(request, networks, query)
    last_modified(response, selectors.networks_changed_at())
    return answer(request, response, {**numbers, "results": [serializers.network(row) for row in rows]})


@router.get(
    "/networks/{slug}",
    response={200: schemas.NetworkDetail, **DETAIL_ERRORS},
    tags=["Networks"],
    summary="One theme network",
    url_name="network",
)
@decorate_view(api_headers)
def network_detail(
    request,
    response: HttpResponse,
    slug: str = Path(..., max_length=50, pattern=r"^[-a-zA-Z0-9_]+$", description="The network's `slug`."),
):
    """One network with its members (no people, no contact details), who helped whom, and its newest requests
    for help (404 for an unknown slug)."""
    from networks import selectors as network_selectors

    row = selectors.public_networks().filter(slug=slug).first()
    if row is None:
        raise Http404
    _total, per_member = network_selectors.network_reciprocity(row)
    members = network_selectors.members(row)
    requests = network_selectors.requests_of(row)[:50]
    last_modified(response, row.updated_at)
    return answer(request, response, serializers.network_detail(row, members, per_member, requests))
