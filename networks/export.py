"""The networks/ part of a person's data export: networks they created, what they asked, posted and offered."""

from django.utils.translation import gettext_lazy as _

from accounts.export import labels, record, section
from accounts.models import User

from .models import Answer, HelpRequest, Membership, Network


@section("networks_created", title=_("Networks you created"), covers=["networks.Network.created_by"])
def _networks(user: User) -> list[dict]:
    return [record(n, leave_out={"id", "created_by"}) for n in Network.objects.filter(created_by=user)]


@section(
    "network_memberships",
    title=_("Requests to join networks you made or decided"),
    covers=["networks.Membership.asked_by", "networks.Membership.decided_by"],
)
def _memberships(user: User) -> list[dict]:
    rows = Membership.objects.filter(asked_by=user) | Membership.objects.filter(decided_by=user)
    return [
        {**record(m, leave_out={"id", "asked_by", "decided_by"}), "network": m.network.name, "member": str(m.member)}
        for m in rows.distinct().select_related("network", "company", "organisation", "lab", "post")
    ]


@section("help_requests", title=_("Requests for help you posted"), covers=["networks.HelpRequest.author"])
def _requests(user: User) -> list[dict]:
    return [
        {**record(r, leave_out={"id", "author", "membership"}), "network": r.network.name}
        for r in HelpRequest.objects.filter(author=user).select_related("network")
    ]


@section("help_offered", title=_("Help you offered"), covers=["networks.Answer.author"])
def _answers(user: User) -> list[dict]:
    return [
        {**record(a, leave_out={"id", "author", "membership"}), "request": a.request.title}
        for a in Answer.objects.filter(author=user).select_related("request")
    ]


labels(
    {
        "network": _("Network"),
        "member": _("Member"),
        "request": _("Request for help"),
        "closed_at": _("Closed at"),
    }
)
