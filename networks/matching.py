"""Which network members fit a request for help: the matching engine on the request and the members.

A request is read as an opportunity document (its title and details, the network's theme, and — when a
Dutch member asks — the network's focus country, so presence there counts); the candidate helpers are the
network's accepted companies and organisations other than the requester, a company as the engine reads it
for opportunities (profile and visible portfolio) and an organisation as its description, themes and
country. The ranking and its explanation are the engine's own (`opportunities.matching`); the stored parts
are shown with the same explanation template as suggestions for opportunities.
"""

from __future__ import annotations

import dataclasses

from django.db import transaction

from creativelabs.models import RankedSuggestion
from opportunities.matching.documents import CompanyDoc, OpportunityDoc
from opportunities.matching.engine import Engine
from opportunities.suggestions.loader import company_documents, opportunity_documents

from .models import HelpRequest, Membership, Network, NetworkSuggestion, OrganisationSuggestion, RequestSuggestion

KEEP = 10
# Open opportunities kept per organisation.
KEEP_FOR_ORGANISATION = 5


def request_document(request: HelpRequest) -> OpportunityDoc:
    countries = sorted(request.network.countries.values_list("code", flat=True))
    country = countries[0] if request.membership.is_dutch and len(countries) == 1 else ""
    return OpportunityDoc(
        id=str(request.pk),
        title=request.title,
        description=request.body,
        country=country,
        themes=(request.network.theme.slug,),
    )


def member_documents(memberships: list[Membership]) -> dict[str, tuple[CompanyDoc, Membership]]:
    """Documents keyed "c<company>" and "o<organisation>", each with its membership."""
    by_company = {m.company_id: m for m in memberships if m.company_id}
    documents = {}
    from companies.models import Company

    for doc in company_documents(Company.objects.filter(pk__in=by_company)):
        key = f"c{doc.id}"
        documents[key] = (dataclasses.replace(doc, id=key), by_company[int(doc.id)])
    for membership in memberships:
        if membership.organisation is not None:
            doc = organisation_document(membership.organisation)
            documents[doc.id] = (doc, membership)
    return documents


def organisation_document(organisation) -> CompanyDoc:
    """An organisation as the engine reads a company: its description in both languages, themes, country."""
    return CompanyDoc(
        id=f"o{organisation.pk}",
        name=organisation.name,
        description=f"{organisation.description_en}\n{organisation.description_nl}",
        city=organisation.city,
        themes=tuple(theme.slug for theme in organisation.themes.all()),
        local_presence=(organisation.country.code,),
    )


def suggest(request: HelpRequest) -> list[RequestSuggestion]:
    """Rank the request's candidate helpers and keep the best `KEEP`; an answered request keeps none."""
    request = HelpRequest.objects.select_related("network__theme", "membership__organisation").get(pk=request.pk)
    candidates = list(
        request.network.memberships.accepted()
        .filter(lab__isnull=True, post__isnull=True)
        .exclude(pk=request.membership_id)
        .select_related("organisation")
        .prefetch_related("organisation__themes")
    )
    ranked = []
    if request.is_open and candidates:
        documents = member_documents(candidates)
        docs = [doc for doc, _membership in documents.values()]
        ranked = Engine().rank_for_opportunity(request_document(request), docs)[:KEEP]
    with transaction.atomic():
        request.suggestions.all().delete()
        rows = [
            RequestSuggestion(
                request=request,
                membership=documents[s.company_id][1],
                score=s.score,
                rank=rank,
                explanation=RankedSuggestion.parts_of(s),
            )
            for rank, s in enumerate(ranked, start=1)
        ]
        return RequestSuggestion.objects.bulk_create(rows)


def network_document(network: Network, country: str) -> OpportunityDoc:
    """A network as the engine reads an opportunity, once per focus country (its name, description, theme)."""
    return OpportunityDoc(
        id=f"{network.pk}:{country}",
        title=network.name,
        description=f"{network.description_en}\n{network.description_nl}",
        country=country,
        themes=(network.theme.slug,),
    )


def suggest_networks(organisations: dict) -> list[NetworkSuggestion]:
    """Each organisation's best active networks it is not in (a network once, at its best country)."""
    networks = Network.objects.active().select_related("theme").prefetch_related("countries")
    documents = [network_document(n, c.code) for n in networks for c in n.countries.all()]
    joined = set(
        Membership.objects.filter(organisation__isnull=False)
        .exclude(state=Membership.State.DECLINED)
        .values_list("organisation_id", "network_id")
    )
    result = Engine().match(list(organisations_docs(organisations)), documents, per_opportunity=0, per_company=20)
    rows = []
    for key, organisation in organisations.items():
        best = {}
        for s in result.for_company(key):
            network_id = int(s.opportunity_id.split(":")[0])
            if (organisation.pk, network_id) not in joined and network_id not in best:
                best[network_id] = s
        for rank, (network_id, s) in enumerate(list(best.items())[:KEEP_FOR_ORGANISATION], start=1):
            rows.append(
                NetworkSuggestion(
                    organisation=organisation,
                    network_id=network_id,
                    score=s.score,
                    rank=rank,
                    explanation=RankedSuggestion.parts_of(s),
                )
            )
    return rows


def organisations_docs(organisations: dict):
    return (organisation_document(o) for o in organisations.values())


def suggest_for_organisations() -> int:
    """Every organisation's best open opportunities and networks, in one run of the engine each; the kept rows
    replaced."""
    from labs.models import Organisation

    organisations = {f"o{o.pk}": o for o in Organisation.objects.prefetch_related("themes")}
    result = Engine().match(
        list(organisations_docs(organisations)),
        opportunity_documents(),
        per_opportunity=0,
        per_company=KEEP_FOR_ORGANISATION,
    )
    networks = suggest_networks(organisations)
    rows = [
        OrganisationSuggestion(
            organisation=organisation,
            opportunity_id=int(s.opportunity_id),
            score=s.score,
            rank=s.rank_for_company,
            explanation=RankedSuggestion.parts_of(s),
        )
        for key, organisation in organisations.items()
        for s in result.for_company(key)
    ]
    with transaction.atomic():
        OrganisationSuggestion.objects.all().delete()
        OrganisationSuggestion.objects.bulk_create(rows)
        NetworkSuggestion.objects.all().delete()
        NetworkSuggestion.objects.bulk_create(networks)
    return len(rows) + len(networks)
