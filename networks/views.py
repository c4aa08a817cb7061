from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import role_required
from opportunities.selectors import explanation_labels

from . import permissions, selectors, services
from .forms import AddMemberForm, AnswerForm, DecideForm, HelpRequestForm, JoinForm, NetworkFilterForm, NetworkForm
from .models import Answer, HelpRequest, Membership, Network

CURATORS = ("admin", "embassy_staff")


def _refused(form, error: services.NetworkError) -> None:
    """A service's refusal shown on the form: at its field when it names one the form has."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


def network_list(request):
    """Anyone: the networks, filtered by theme and country."""
    form = NetworkFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    networks = selectors.network_list(
        theme=filters.get("theme"), country=filters.get("country"), include_archived=bool(filters.get("archived"))
    )
    page = Paginator(networks, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "may_create": permissions.may_create_networks(request.user),
    }
    return render(request, "networks/list.html", context)


def network_detail(request, slug: str):
    """Anyone: a network's members, open opportunities, requests and who helped whom; contacts to members."""
    network = get_object_or_404(Network.objects.select_related("theme").prefetch_related("countries"), slug=slug)
    user = request.user
    curating = user.is_authenticated and permissions.may_curate(user, network)
    own = list(permissions.acting_memberships(user, network))
    joining = permissions.joining_as(user) if user.is_authenticated else None
    asked = network.memberships.filter(**joining).first() if joining else None
    total, per_member = selectors.network_reciprocity(network)
    show_contacts = curating or bool(own)
    members = list(selectors.members(network))
    contacts = selectors.member_contacts(members) if show_contacts else {}
    context = {
        "network": network,
        "members": [(m, per_member.get(m.pk), contacts.get(m.pk, ())) for m in members],
        "reciprocity": total,
        "requests": selectors.requests_of(network)[:50],
        "opportunities": selectors.open_opportunities(network),
        "show_contacts": show_contacts,
        "own_memberships": own,
        "may_curate": curating,
        "pending": selectors.pending_memberships(network) if curating else (),
        "may_join": joining is not None and not network.is_archived,
        "asked": asked,
        "add_form": AddMemberForm() if curating else None,
    }
    return render(request, "networks/detail.html", context)


@role_required(*CURATORS)
def network_create(request):
    """Embassy staff and admins: start a network."""
    form = NetworkForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            network = services.network_save(form=form, user=request.user)
        except services.NetworkError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The network “%(name)s” has been created.") % {"name": network.name})
            return redirect(network)
    return render(request, "networks/form.html", {"form": form, "network": None})


def _curated(request, slug: str) -> Network:
    return get_object_or_404(Network.objects.filter(permissions.curating_q(request.user)).distinct(), slug=slug)


@role_required(*CURATORS)
def network_edit(request, slug: str):
    """The network's curators: describe it."""
    network = _curated(request, slug)
    form = NetworkForm(request.POST or None, instance=network, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.network_save(form=form, user=request.user)
        except services.NetworkError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The network “%(name)s” has been saved.") % {"name": network.name})
            return redirect(network)
    return render(request, "networks/form.html", {"form": form, "network": network})


@require_POST
@role_required(*CURATORS)
def network_archive(request, slug: str):
    """The network's curators: archive it (it stays readable, takes no new members, requests or answers)."""
    network = services.network_archive(network=_curated(request, slug), user=request.user)
    messages.success(request, _("The network “%(name)s” is archived.") % {"name": network.name})
    return redirect(network)


@require_POST
@role_required(*CURATORS)
def member_add(request, slug: str):
    """The network's curators: add a Lab or a post."""
    network = _curated(request, slug)
    form = AddMemberForm(request.POST)
    if form.is_valid():
        try:
            membership = services.membership_add(
                network=network, user=request.user, lab=form.cleaned_data["lab"], post=form.cleaned_data["post"]
            )
        except services.NetworkError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("%(member)s is a member now.") % {"member": membership.member})
    else:
        messages.error(request, " ".join(form.non_field_errors()) or _("Choose a Lab or a post."))
    return redirect(network)


@role_required("sme_member", "organisation_member")
def network_join(request, slug: str):
    """A company owner or an organisation member: ask to join."""
    network = get_object_or_404(Network, slug=slug)
    if permissions.joining_as(request.user) is None:
        raise PermissionDenied(_("Only a company owner or an organisation member can ask to join."))
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_ask(network=network, user=request.user, motivation=form.cleaned_data["motivation"])
        except services.NetworkError as error:
            _refused(form, error)
        else:
            messages.success(
                request, _("You have asked to join “%(name)s”; a curator will answer.") % {"name": network.name}
            )
            return redirect(network)
    return render(request, "networks/join.html", {"form": form, "network": network})


@require_POST
@role_required(*CURATORS)
def membership_decide(request, pk: int):
    """The network's curators: accept or decline a request to join (a decline says why)."""
    membership = get_object_or_404(
        Membership.objects.filter(permissions.curating_q(request.user, "network__")).distinct(), pk=pk
    )
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            services.membership_decide(
                membership=membership,
                user=request.user,
                accept=form.cleaned_data["decision"] == "accept",
                reason=form.cleaned_data["reason"],
            )
        except services.NetworkError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Your answer has been sent to %(member)s.") % {"member": membership.member})
    else:
        messages.error(request, _("Choose to accept or decline."))
    return redirect(membership.network.get_absolute_url() + "#pending")


def _acting_or_refused(request, network: Network) -> list[Membership]:
    memberships = list(permissions.acting_memberships(request.user, network))
    if not memberships:
        raise PermissionDenied(_("Only the network's members can do this."))
    return memberships


@login_required
def request_create(request, slug: str):
    """A network's members: ask the network for help."""
    network = get_object_or_404(Network, slug=slug)
    memberships = _acting_or_refused(request, network)
    form = HelpRequestForm(request.POST or None, memberships=memberships)
    if network.is_archived:
        form.add_error(None, _("This network is archived: it takes no new requests."))
    elif request.method == "POST" and form.is_valid():
        try:
            help_request = services.request_create(
                network=network, user=request.user, membership_id=form.membership_id,
                title=form.cleaned_data["title"], body=form.cleaned_data["body"], contact=form.cleaned_data["contact"],
            )  # fmt: skip
        except services.NetworkError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Your request has been posted to the network's members."))
            return redirect(help_request)
    return render(request, "networks/request_form.html", {"form": form, "network": network})


def request_detail(request, pk: int, answer_form=None):
    """Anyone: a request; its answers to the requester (and each helper their own); contacts once accepted."""
    help_request = get_object_or_404(
        HelpRequest.objects.select_related("network__theme", *selectors.MEMBER_RELATED), pk=pk
    )
    user = request.user
    may_answer = user.is_authenticated and permissions.may_answer(user, help_request)
    memberships = (
        list(permissions.acting_memberships(user, help_request.network).exclude(answers__request=help_request))
        if may_answer
        else []
    )
    answers = list(permissions.visible_answers(user, help_request))
    context = {
        "help_request": help_request,
        "network": help_request.network,
        "is_requester": user.is_authenticated and permissions.is_requester(user, help_request),
        "answers": answers,
        "answer_form": answer_form or (AnswerForm(memberships=memberships) if may_answer else None),
        "suggestions": help_request.suggestions.select_related(*selectors.MEMBER_RELATED)
        if user.is_authenticated and permissions.may_see_contacts(user, help_request.network)
        else (),
        "labels": explanation_labels(),
    }
    return render(request, "networks/request_detail.html", context)


@require_POST
@login_required
def answer_create(request, pk: int):
    """A network's members: offer help on a request."""
    help_request = get_object_or_404(HelpRequest.objects.select_related("network"), pk=pk)
    memberships = _acting_or_refused(request, help_request.network)
    form = AnswerForm(request.POST, memberships=memberships)
    if form.is_valid():
        try:
            services.answer_create(
                request=help_request, user=request.user, membership_id=form.membership_id,
                message=form.cleaned_data["message"], contact=form.cleaned_data["contact"],
            )  # fmt: skip
        except services.NetworkError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Your offer has been sent to the requester."))
            return redirect(help_request)
    return request_detail(request, pk, answer_form=form)


@require_POST
@login_required
def answer_accept(request, pk: int):
    """The requester: accept an offer of help, which shows each the other's contact."""
    answer = get_object_or_404(Answer.objects.select_related("request"), pk=pk)
    if not permissions.visible_answers(request.user, answer.request).filter(pk=pk).exists():
        raise Http404
    try:
        services.answer_accept(answer=answer, user=request.user)
    except services.NetworkError as error:
        if not permissions.is_requester(request.user, answer.request):
            raise PermissionDenied(str(error.message)) from error
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Accepted: you now see each other's contact."))
    return redirect(answer.request)


@require_POST
@login_required
def request_close(request, pk: int):
    """The requester: mark the request answered (by the offers accepted) or close it."""
    help_request = get_object_or_404(HelpRequest, pk=pk)
    if not permissions.is_requester(request.user, help_request):
        raise PermissionDenied(_("Only the requester closes a request."))
    help_request = services.request_close(request=help_request, user=request.user)
    messages.success(request, _("The request is marked “%(status)s”.") % {"status": help_request.get_status_display()})
    return redirect(help_request)


@login_required
def for_you(request):
    """Members: the open requests the engine finds them fitting for, and their own requests."""
    context = {
        "suggested": selectors.suggested_requests(request.user),
        "own_requests": HelpRequest.objects.filter(permissions.own_members_q(request.user, "membership__"))
        .select_related("network")
        .order_by("-created_at")[:50],
        "labels": explanation_labels(),
    }
    return render(request, "networks/for_you.html", context)
