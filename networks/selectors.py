"""What the network pages read: lists, members, requests, and who helped whom.

Reciprocity is counted from accepted answers: the helper's member helped, the requester's member was
helped; the direction is the pair of sides ("NL → DE": a Dutch member helped one in Germany).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, F, Q

from .models import NETHERLANDS, Answer, HelpRequest, Membership, Network, RequestSuggestion
from .permissions import own_members_q

MEMBER_RELATED = (
    "membership__company",
    "membership__organisation",
    "membership__lab__country",
    "membership__post__country",
)


def network_list(*, theme=None, country=None, include_archived: bool = False):
    networks = Network.objects.select_related("theme").prefetch_related("countries")
    if not include_archived:
        networks = networks.active()
    if theme is not None:
        networks = networks.filter(theme=theme)
    if country is not None:
        networks = networks.filter(countries=country)
    return networks.annotate(
        member_count=Count("memberships", filter=Q(memberships__state=Membership.State.ACCEPTED), distinct=True)
    ).order_by("name")


def members(network: Network):
    return network.memberships.accepted().with_member().order_by("created_at", "id")


def member_contacts(memberships) -> dict[int, list]:
    """Per membership id, the active people who act for it (name and e-mail): four queries at most."""
    from accounts.models import User

    paths = {
        "company_id": "membership__company_id",
        "organisation_id": "organisation_member__organisation_id",
        "lab_id": "business_developer__lab_id",
        "post_id": "embassy_staff__post_id",
    }
    contacts: dict[int, list] = {}
    for field, path in paths.items():
        by_member = {getattr(m, field): m.pk for m in memberships if getattr(m, field)}
        if not by_member:
            continue
        people = User.objects.filter(**{f"{path}__in": by_member}, is_active=True).values_list(
            path, "full_name", "email"
        )
        for member_id, name, email in people.order_by("full_name"):
            contacts.setdefault(by_member[member_id], []).append((name, email))
    return contacts


def pending_memberships(network: Network):
    return network.memberships.filter(state=Membership.State.PENDING).with_member().select_related("asked_by")


def requests_of(network: Network):
    return network.requests.select_related(*MEMBER_RELATED).annotate(
        answer_count=Count("answers", filter=~Q(answers__state=Answer.State.WITHDRAWN))
    )


def open_opportunities(network: Network, limit: int = 10):
    """The open opportunities in the network's theme and countries (through the theme's reverse relation)."""
    return (
        network.theme.opportunities.open_for_interest()
        .filter(country__in=network.countries.all())
        .select_related("country")
        .order_by("deadline", "pk")[:limit]
    )


@dataclass(frozen=True)
class Reciprocity:
    helped: int
    was_helped: int
    directions: tuple[tuple[str, int], ...] = ()


def _direction(helper: Membership, requester: Membership) -> str:
    return f"{helper.side} → {requester.side}"


def accepted_answers(network: Network | None = None):
    answers = Answer.objects.filter(state=Answer.State.ACCEPTED).select_related(
        *MEMBER_RELATED, *[f"request__{name}" for name in MEMBER_RELATED]
    )
    return answers.filter(request__network=network) if network is not None else answers


def network_reciprocity(network: Network) -> tuple[Reciprocity, dict[int, Reciprocity]]:
    """For the network: help given per direction; per membership id: helped and was helped."""
    helped, was_helped, directions = Counter(), Counter(), Counter()
    for answer in accepted_answers(network):
        helped[answer.membership_id] += 1
        was_helped[answer.request.membership_id] += 1
        directions[_direction(answer.membership, answer.request.membership)] += 1
    total = Reciprocity(
        helped=sum(helped.values()), was_helped=sum(was_helped.values()), directions=tuple(sorted(directions.items()))
    )
    per_member = {pk: Reciprocity(helped=helped[pk], was_helped=was_helped[pk]) for pk in set(helped) | set(was_helped)}
    return total, per_member


def member_reciprocity(**member) -> Reciprocity:
    """Over every network: how often the company or organisation (`company=…` / `organisation=…`) helped
    and was helped."""
    ((field, value),) = member.items()
    accepted = Answer.objects.filter(state=Answer.State.ACCEPTED)
    return Reciprocity(
        helped=accepted.filter(**{f"membership__{field}": value}).count(),
        was_helped=accepted.filter(**{f"request__membership__{field}": value}).count(),
    )


def help_flows() -> dict[str, int]:
    """Accepted answers programme-wide by direction: from the Netherlands, towards the Netherlands."""
    flows = Counter()
    for answer in accepted_answers():
        to_nl = answer.request.membership.side == NETHERLANDS and answer.membership.side != NETHERLANDS
        flows["to_nl" if to_nl else "from_nl" if answer.membership.side == NETHERLANDS else "other"] += 1
    return dict(flows)


def suggested_requests(user, limit: int = 10):
    """Open requests whose suggested helpers include a member `user` acts for, best first."""
    return (
        RequestSuggestion.objects.filter(
            own_members_q(user, "membership__"),
            request__status=HelpRequest.Status.OPEN,
            request__network__status=Network.Status.ACTIVE,
        )
        .exclude(request__answers__membership=F("membership"))
        .select_related("request__network", "request__membership")
        .order_by("-score", "request_id")[:limit]
    )


def help_per_network(user) -> list[dict]:
    """For the programme dashboard: per network in the viewer's scope (their Labs' and posts' countries; all
    for admins), its members, open requests and the help accepted from and towards the Netherlands."""
    from opportunities.permissions import following_scope

    scope = following_scope(user)
    networks = Network.objects.all()
    if not scope.everything:
        in_scope = Q(countries__in=scope.country_ids) | Q(countries__labs__in=scope.lab_ids)
        networks = networks.filter(pk__in=Network.objects.filter(in_scope).values("pk"))
    rows = {
        network.pk: {
            "network": network,
            "members": network.member_count,
            "open": network.open_count,
            "from_nl": 0,
            "to_nl": 0,
        }
        for network in networks.annotate(
            member_count=Count("memberships", filter=Q(memberships__state=Membership.State.ACCEPTED), distinct=True),
            open_count=Count("requests", filter=Q(requests__status=HelpRequest.Status.OPEN), distinct=True),
        ).order_by("name")
    }
    for answer in accepted_answers().filter(request__network__in=list(rows)):
        helper_dutch, requester_dutch = answer.membership.is_dutch, answer.request.membership.is_dutch
        row = rows[answer.request.network_id]
        if helper_dutch and not requester_dutch:
            row["from_nl"] += 1
        elif requester_dutch and not helper_dutch:
            row["to_nl"] += 1
    return list(rows.values())
