"""The demo's theme networks (`data/networks.json`): three networks with members on both sides, a request to
join, and requests for help in both directions, some answered.

Written to the models directly, not through `networks.services`: most demo members have no login to act
for them, and the demo's past sends no notifications. Suggested helpers are computed for the open
requests, and the open opportunities that fit each organisation.
"""

from django.utils import timezone

from accounts.models import User
from companies.models import Company
from labs.models import Country, Lab, Organisation, Post, Theme
from networks.matching import suggest, suggest_for_organisations
from networks.models import Answer, HelpRequest, Membership, Network

from .loader import load

NETWORKS: list[dict] = load("networks.json")["networks"]


def _member(spec: dict) -> dict:
    if "company" in spec:
        return {"company": Company.objects.get(slug=spec["company"])}
    if "organisation" in spec:
        return {"organisation": Organisation.objects.get(slug=spec["organisation"])}
    if "lab" in spec:
        return {"lab": Lab.objects.get(slug=spec["lab"])}
    country, city = spec["post"]
    return {"post": Post.objects.get(country_id=country, city=city)}


def seed_networks() -> int:
    """Create the networks; returns how many requests for help they hold."""
    now = timezone.now()
    requests = 0
    for spec in NETWORKS:
        curator = User.objects.filter(email=spec["curator"]).first() if spec["curator"] else None
        network, _created = Network.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "theme": Theme.objects.get(slug=spec["theme"]),
                "description_en": spec["en"],
                "description_nl": spec["nl"],
                "created_by": curator,
            },
        )
        network.countries.set(Country.objects.filter(code__in=spec["countries"]))
        memberships = {}
        for member in spec["members"]:
            membership, _created = Membership.objects.update_or_create(
                network=network, **_member(member), defaults={"state": Membership.State.ACCEPTED, "decided_at": now}
            )
            memberships[repr(sorted(member.items()))] = membership
        for pending in spec.get("pending", []):
            Membership.objects.get_or_create(
                network=network,
                **_member({"organisation": pending["organisation"]}),
                defaults={"motivation": pending["motivation"]},
            )
        for item in spec["requests"]:
            by = memberships[repr(sorted(item["by"].items()))]
            help_request, _created = HelpRequest.objects.update_or_create(
                network=network,
                membership=by,
                title=item["title"],
                defaults={"body": item["body"], "contact": item["contact"], "status": item["status"]},
            )
            for answer in item["answers"]:
                accepted = answer["accepted"]
                Answer.objects.update_or_create(
                    request=help_request,
                    membership=memberships[repr(sorted(answer["by"].items()))],
                    defaults={
                        "message": answer["message"],
                        "contact": answer["contact"],
                        "state": Answer.State.ACCEPTED if accepted else Answer.State.OFFERED,
                        "accepted_at": now if accepted else None,
                    },
                )
            if help_request.is_open:
                suggest(help_request)
            requests += 1
    suggest_for_organisations()
    return requests
