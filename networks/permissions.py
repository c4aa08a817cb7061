"""Who may curate a network, join it, post and answer in it, and see its contacts: each question once.

Curators: admins, and the embassy staff of a post in one of the network's focus countries (embassy staff
create networks; one of their own country). A person acts for the members that are theirs
(`own_members_q`): their company (any member of it; only an owner asks to join), their organisation, their
Lab (business developers), their post (embassy staff). The network's pages are public; contact details are
for its accepted members and curators, and an answer's contact for the requester once accepted.
"""

from __future__ import annotations

from django.db.models import Q

from accounts.roles import roles_of
from companies.models import Membership as CompanyMembership

from .models import Answer, HelpRequest, Membership, Network


def may_create_networks(user) -> bool:
    return roles_of(user).has("admin", "embassy_staff")


def curating_q(user, path: str = "") -> Q:
    roles = roles_of(user)
    if roles.is_admin:
        return Q(**{f"{path}pk__isnull": False})
    if roles.is_embassy_staff:
        return Q(**{f"{path}countries": roles.embassy_staff.post.country_id})
    return Q(pk__in=[])


def may_curate(user, network: Network) -> bool:
    roles = roles_of(user)
    if roles.is_admin:
        return True
    return roles.is_embassy_staff and network.countries.filter(pk=roles.embassy_staff.post.country_id).exists()


def own_members_q(user, path: str = "") -> Q:
    """The memberships `user` acts for, as a filter on `Membership` (through `path`)."""
    roles = roles_of(user)
    q = Q(pk__in=[])
    if roles.is_sme_member:
        q |= Q(**{f"{path}company_id": roles.membership.company_id})
    if roles.is_organisation_member:
        q |= Q(**{f"{path}organisation_id": roles.organisation_member.organisation_id})
    if roles.is_business_developer:
        q |= Q(**{f"{path}lab_id": roles.business_developer.lab_id})
    if roles.is_embassy_staff:
        q |= Q(**{f"{path}post_id": roles.embassy_staff.post_id})
    return q


def joining_as(user) -> dict | None:
    """What `user` would ask to join with: their company (owners only) or their organisation; else None."""
    roles = roles_of(user)
    if roles.is_sme_member and roles.membership.role == CompanyMembership.Role.OWNER:
        return {"company_id": roles.membership.company_id}
    if roles.is_organisation_member:
        return {"organisation_id": roles.organisation_member.organisation_id}
    return None


def acting_memberships(user, network: Network):
    """The accepted memberships in `network` that `user` may post and answer for."""
    if not roles_of(user).is_authenticated:
        return Membership.objects.none()
    return network.memberships.accepted().filter(own_members_q(user)).with_member()


def may_see_contacts(user, network: Network) -> bool:
    return acting_memberships(user, network).exists() or (roles_of(user).is_authenticated and may_curate(user, network))


def is_requester(user, request: HelpRequest) -> bool:
    roles = roles_of(user)
    if not roles.is_authenticated:
        return False
    return Membership.objects.filter(own_members_q(user), pk=request.membership_id).exists()


def may_answer(user, request: HelpRequest) -> bool:
    """An accepted member other than the requester, on an open request of an active network."""
    if not request.is_open or request.network.is_archived or is_requester(user, request):
        return False
    # Members who have not offered yet (one offer per member and request).
    return acting_memberships(user, request.network).exclude(answers__request=request).exists()


def visible_answers(user, request: HelpRequest):
    """The requester and curators see every answer; a helper their own; others none."""
    answers = request.answers.exclude(state=Answer.State.WITHDRAWN).select_related(
        "membership__company", "membership__organisation", "membership__lab", "membership__post", "author"
    )
    if not roles_of(user).is_authenticated:
        return answers.none()
    if is_requester(user, request) or may_curate(user, request.network):
        return answers
    return answers.filter(own_members_q(user, "membership__"))
