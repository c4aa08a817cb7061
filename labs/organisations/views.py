from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import role_required

from .. import permissions
from ..models import Organisation, OrganisationContact
from . import selectors, services
from .forms import ContactForm, OrganisationFilterForm, OrganisationForm


def organisation_list(request):
    """Anyone: the organisations taking part, filtered by kind, country and theme."""
    form = OrganisationFilterForm(request.GET or None, countries=selectors.organisation_countries())
    filters = form.cleaned_data if form.is_valid() else {}
    organisations = selectors.organisation_list(**{k: v for k, v in filters.items() if v})
    page = Paginator(organisations, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "labs/organisations/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "may_add": permissions.may_add_organisations(request.user),
        },
    )


def organisation_detail(request, slug: str):
    """Anyone: an organisation's profile; contact details for people taking part in the programme."""
    organisation = get_object_or_404(Organisation.objects.with_contacts(), slug=slug)
    return render(
        request,
        "labs/organisations/detail.html",
        {
            "organisation": organisation,
            "contacts": organisation.contacts.all(),
            "show_contact_details": permissions.may_see_contact_details(request.user),
            "may_edit": permissions.may_edit_organisation(request.user, organisation),
        },
    )


@role_required("programme_staff")
def organisation_create(request):
    """Programme staff: add an organisation."""
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.organisation_save(form=form, user=request.user)
        if organisation is not None:
            messages.success(request, _("The organisation “%(name)s” has been saved.") % {"name": organisation.name})
            return redirect("labs:organisation_edit", slug=organisation.slug)
    return render(request, "labs/organisations/form.html", {"form": form, "organisation": None})


def _editable(request, slug: str) -> Organisation:
    return get_object_or_404(permissions.editable_organisations(request.user), slug=slug)


@role_required("programme_staff", "organisation_member")
def organisation_edit(request, slug: str):
    """Programme staff, and the organisation's own members: edit the profile and its contacts."""
    organisation = _editable(request, slug)
    form = OrganisationForm(request.POST or None, instance=organisation)
    saved = request.method == "POST" and form.is_valid() and services.organisation_save(form=form, user=request.user)
    if saved:
        messages.success(request, _("The organisation “%(name)s” has been saved.") % {"name": organisation.name})
        return redirect("labs:organisation_edit", slug=organisation.slug)
    return _edit_page(request, organisation, form=form, contact_form=ContactForm(organisation=organisation))


def _edit_page(request, organisation, *, form, contact_form):
    if form is None:
        form = OrganisationForm(instance=organisation)
    return render(
        request,
        "labs/organisations/form.html",
        {
            "form": form,
            "organisation": organisation,
            "contact_form": contact_form,
            "contacts": organisation.contacts.all(),
            "may_invite": permissions.may_invite_organisation_members(request.user),
        },
    )


@require_POST
@role_required("programme_staff", "organisation_member")
def contact_add(request, slug: str):
    """Programme staff and the organisation's members: add a contact who agreed to be listed."""
    organisation = _editable(request, slug)
    contact_form = ContactForm(request.POST, organisation=organisation)
    if contact_form.is_valid():
        contact = services.organisation_contact_add(organisation=organisation, form=contact_form)
        if contact is not None:
            messages.success(request, _("%(name)s is listed as a contact.") % {"name": contact.name})
            return redirect("labs:organisation_edit", slug=organisation.slug)
    return _edit_page(request, organisation, form=None, contact_form=contact_form)


def _contact(request, slug: str, pk: int) -> OrganisationContact:
    organisation = _editable(request, slug)
    return get_object_or_404(organisation.contacts.select_related("organisation"), pk=pk)


@require_POST
@role_required("programme_staff", "organisation_member")
def contact_remove(request, slug: str, pk: int):
    """Programme staff and the organisation's members: take a contact off the profile."""
    try:
        contact = _contact(request, slug, pk)
    except Http404:
        if permissions.editable_organisations(request.user).filter(slug=slug).exists():
            return redirect("labs:organisation_edit", slug=slug)  # removed already: a second click
        raise
    services.organisation_contact_remove(contact=contact)
    messages.success(request, _("%(name)s is no longer listed.") % {"name": contact.name})
    return redirect("labs:organisation_edit", slug=slug)


@require_POST
@role_required("programme_staff")
def contact_invite(request, slug: str, pk: int):
    """Programme staff: invite a contact as organisation member (the invitation e-mail verifies the address)."""
    contact = _contact(request, slug, pk)
    services.organisation_contact_invite(contact=contact, invited_by=request.user)
    messages.success(request, _("The invitation to %(email)s will be e-mailed shortly.") % {"email": contact.email})
    return redirect("labs:organisation_edit", slug=slug)
