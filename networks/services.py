"""The only writers of networks, memberships, requests and answers.

Each service checks its permission again inside its transaction with the row locked, refuses what the
rules do not allow with a `NetworkError` naming the field it is about (the form shows it there), and
tells the people concerned through `opportunities.notifications.services.notify` (`opportunity=None`,
kinds `network_*`, e-mailed as "other notifications" with the preferences and one-click unsubscribe).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from creativelabs.celery import enqueue_on_commit
from opportunities.notifications.services import notify

from . import permissions
from .models import Answer, HelpRequest, Membership, Network

User = get_user_model()


class NetworkError(Exception):
    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _link(path: str) -> str:
    return settings.SITE_URL + path


# Addresses under /networks/ that are pages, not networks.
RESERVED_SLUGS = {"new", "for-you", "requests", "answers", "memberships"}


def _unique_slug(name: str) -> str:
    base = slugify(name)[:40] or "network"
    if base in RESERVED_SLUGS:
        base = f"{base}-network"
    slug, n = base, 2
    while Network.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def member_users(memberships):
    """The active people who act for these memberships."""
    q = Q(pk__in=[])
    for membership in memberships:
        if membership.company_id:
            q |= Q(membership__company_id=membership.company_id)
        elif membership.organisation_id:
            q |= Q(organisation_member__organisation_id=membership.organisation_id)
        elif membership.lab_id:
            q |= Q(business_developer__lab_id=membership.lab_id)
        else:
            q |= Q(embassy_staff__post_id=membership.post_id)
    return User.objects.filter(q, is_active=True).distinct()


def curators(network: Network):
    return User.objects.filter(
        Q(is_staff=True) | Q(embassy_staff__post__country__in=network.countries.all()), is_active=True
    ).distinct()


@transaction.atomic
def network_save(*, form, user) -> Network:
    """Create (embassy staff, admins) or update (curators) a network from a valid `NetworkForm`."""
    network = form.instance
    if network.pk is None:
        if not permissions.may_create_networks(user):
            raise NetworkError(_("Only embassy staff and admins create networks."))
        network.slug = _unique_slug(form.cleaned_data["name"])
        network.created_by = user
    else:
        Network.objects.select_for_update().get(pk=network.pk)
        if not permissions.may_curate(user, network):
            raise NetworkError(_("You do not curate this network."))
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError as error:  # the same name saved at the same moment by another request
        raise NetworkError(_("A network with this name exists already."), "name") from error


@transaction.atomic
def network_archive(*, network: Network, user) -> Network:
    network = Network.objects.select_for_update().get(pk=network.pk)
    if not permissions.may_curate(user, network):
        raise NetworkError(_("You do not curate this network."))
    if not network.is_archived:
        network.status = Network.Status.ARCHIVED
        network.archived_at = timezone.now()
        network.save(update_fields=["status", "archived_at", "updated_at"])
    return network


@transaction.atomic
def membership_ask(*, network: Network, user, motivation: str) -> Membership:
    """A company owner or organisation member asks to join; asking again after a decline is allowed."""
    network = Network.objects.select_for_update().get(pk=network.pk)
    member = permissions.joining_as(user)
    if member is None:
        raise NetworkError(_("Only a company owner or an organisation member can ask to join."))
    if network.is_archived:
        raise NetworkError(_("This network is archived: it takes no new members."), "motivation")
    membership = network.memberships.filter(**member).first()
    if membership is not None and membership.state in (Membership.State.PENDING, Membership.State.ACCEPTED):
        raise NetworkError(
            _("You are a member already.")
            if membership.state == Membership.State.ACCEPTED
            else _("You have asked already: a curator will answer.")
        )
    if membership is None:
        membership = Membership(network=network, **member)
    membership.state = Membership.State.PENDING
    membership.motivation = motivation
    membership.asked_by = user
    membership.reason = ""
    membership.decided_at = None
    membership.decided_by = None
    membership.save()
    notify(
        users=curators(network).exclude(pk=user.pk),
        kind="network_join_asked",
        opportunity=None,
        title=str(membership.member),
        network=network.name,
        link=_link(network.get_absolute_url() + "#pending"),
    )
    return membership


@transaction.atomic
def membership_decide(*, membership: Membership, user, accept: bool, reason: str = "") -> Membership:
    membership = Membership.objects.select_for_update().select_related("network").get(pk=membership.pk)
    network = membership.network
    if not permissions.may_curate(user, network):
        raise NetworkError(_("You do not curate this network."))
    if membership.state != Membership.State.PENDING:
        raise NetworkError(_("This request to join has been answered already."))
    if not accept and not reason.strip():
        raise NetworkError(_("Say why, so they know what to do."), "reason")
    if accept and network.is_archived:
        raise NetworkError(_("This network is archived: it takes no new members."))
    membership.state = Membership.State.ACCEPTED if accept else Membership.State.DECLINED
    membership.reason = reason.strip()
    membership.decided_by = user
    membership.decided_at = timezone.now()
    membership.save(update_fields=["state", "reason", "decided_by", "decided_at"])
    notify(
        users=member_users([membership]),
        kind="network_joined" if accept else "network_join_declined",
        opportunity=None,
        title=network.name,
        reason=membership.reason,
        link=_link(network.get_absolute_url()),
    )
    return membership


@transaction.atomic
def membership_add(*, network: Network, user, lab=None, post=None) -> Membership:
    """A curator adds a Lab or a post (they are the programme's own: no asking)."""
    network = Network.objects.select_for_update().get(pk=network.pk)
    if not permissions.may_curate(user, network):
        raise NetworkError(_("You do not curate this network."))
    if network.is_archived:
        raise NetworkError(_("This network is archived: it takes no new members."))
    member = {"lab": lab} if lab is not None else {"post": post}
    membership, _created = Membership.objects.update_or_create(
        network=network,
        **member,
        defaults={"state": Membership.State.ACCEPTED, "decided_by": user, "decided_at": timezone.now()},
    )
    return membership


def _acting(user, network: Network, membership_id) -> Membership:
    membership = permissions.acting_memberships(user, network).filter(pk=membership_id).first()
    if membership is None:
        raise NetworkError(_("Only the network's members can do this."), "membership")
    return membership


@transaction.atomic
def request_create(*, network: Network, user, membership_id: int, title: str, body: str, contact: str) -> HelpRequest:
    network = Network.objects.select_for_update().get(pk=network.pk)
    if network.is_archived:
        raise NetworkError(_("This network is archived: it takes no new requests."))
    membership = _acting(user, network, membership_id)
    same = network.requests.filter(membership=membership, title=title, body=body, status=HelpRequest.Status.OPEN)
    if (existing := same.first()) is not None:  # sent twice (a double click): the one request
        return existing
    request = HelpRequest.objects.create(
        network=network, membership=membership, author=user, title=title, body=body, contact=contact
    )
    others = network.memberships.accepted().exclude(pk=membership.pk)
    notify(
        users=member_users(others).exclude(pk=user.pk),
        kind="network_request",
        opportunity=None,
        title=request.title,
        network=network.name,
        member=str(membership.member),
        link=_link(request.get_absolute_url()),
    )
    from .tasks import suggest_helpers

    enqueue_on_commit(suggest_helpers, request.pk)
    return request


@transaction.atomic
def answer_create(*, request: HelpRequest, user, membership_id: int, message: str, contact: str) -> Answer:
    request = HelpRequest.objects.select_for_update().select_related("network").get(pk=request.pk)
    if permissions.is_requester(user, request):
        raise NetworkError(_("This is your own request: you cannot answer it."), "message")
    if not request.is_open:
        raise NetworkError(_("This request takes no more answers."), "message")
    if request.network.is_archived:
        raise NetworkError(_("This network is archived: it takes no new answers."), "message")
    membership = _acting(user, request.network, membership_id)
    if request.answers.filter(membership=membership).exists():
        raise NetworkError(_("You have offered your help on this request already."), "message")
    answer = Answer.objects.create(
        request=request, membership=membership, author=user, message=message, contact=contact
    )
    notify(
        users=member_users([request.membership]),
        kind="network_answer",
        opportunity=None,
        title=request.title,
        member=str(membership.member),
        link=_link(request.get_absolute_url()),
    )
    return answer


@transaction.atomic
def answer_accept(*, answer: Answer, user) -> Answer:
    """The requester accepts an offer: each now sees the other's contact."""
    answer = Answer.objects.select_for_update().select_related("request__network").get(pk=answer.pk)
    request = answer.request
    if not permissions.is_requester(user, request):
        raise NetworkError(_("Only the requester accepts offers of help."))
    if answer.state == Answer.State.WITHDRAWN:
        raise NetworkError(_("This offer has been withdrawn."))
    if answer.state == Answer.State.OFFERED:
        answer.state = Answer.State.ACCEPTED
        answer.accepted_at = timezone.now()
        answer.save(update_fields=["state", "accepted_at"])
        notify(
            users=member_users([answer.membership]),
            kind="network_answer_accepted",
            opportunity=None,
            title=request.title,
            member=str(request.membership.member),
            link=_link(request.get_absolute_url()),
        )
    return answer


@transaction.atomic
def request_close(*, request: HelpRequest, user) -> HelpRequest:
    """The requester marks the request answered (by the offers they accepted) or, with none, closes it."""
    request = HelpRequest.objects.select_for_update().get(pk=request.pk)
    if not permissions.is_requester(user, request):
        raise NetworkError(_("Only the requester closes a request."))
    if request.is_open:
        accepted = request.answers.filter(state=Answer.State.ACCEPTED).exists()
        request.status = HelpRequest.Status.ANSWERED if accepted else HelpRequest.Status.CLOSED
        request.closed_at = timezone.now()
        request.save(update_fields=["status", "closed_at", "updated_at"])
    return request
