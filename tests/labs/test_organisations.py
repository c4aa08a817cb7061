"""Organisations: staff add them, members keep them current, contacts are listed only when they opted in."""

import re

import pytest
from django.core import mail

from accounts.export import user_export_data
from labs.models import Organisation, OrganisationContact, OrganisationMember

from ..factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW = "/organisations/new/"


def test_staff_add_an_organisation_with_themes(client, embassy_de):
    client.force_login(embassy_de)
    data = {
        "name": "Stadt Köln",
        "slug": "stadt-koeln",
        "kind": "city",
        "country": "DE",
        "city": "Köln",
        "themes": [],
        "description_en": "Traffic department.",
        "description_nl": "Verkeersafdeling.",
        "website": "koeln.example",
    }
    response = client.post(NEW, data)
    assert response.status_code == 302
    organisation = Organisation.objects.get(slug="stadt-koeln")
    assert organisation.created_by == embassy_de
    assert organisation.website == "https://koeln.example"
    assert client.get("/organisations/stadt-koeln/").status_code == 200


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", ""), ("slug", "new"), ("kind", "castle"), ("country", "XX"), ("description_en", "x" * 10_000)],
)
def test_bad_input_is_a_field_error_and_keeps_what_was_typed(client, developer_a, field, value):
    client.force_login(developer_a)
    data = {"name": "Typed name", "slug": "typed", "kind": "city", "country": "DE", "city": "Typed city"}
    data[field] = value
    response = client.post(NEW, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "Typed city" in response.content.decode()
    assert not Organisation.objects.exists()


def test_the_same_slug_twice_is_an_error_on_the_slug(client, developer_a, organisation):
    client.force_login(developer_a)
    response = client.post(NEW, {"name": "X", "slug": organisation.slug, "kind": "city", "country": "DE", "city": "Y"})
    assert "slug" in response.context["form"].errors


def test_a_member_edits_their_own_organisation_but_not_another(client, org_member, organisation, other_organisation):
    client.force_login(org_member)
    data = {"name": "Hanze Ageing", "kind": "applied_sciences", "country": "NL", "city": "Groningen"}
    response = client.post(f"/organisations/{organisation.slug}/edit/", data)
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Hanze Ageing"
    assert organisation.slug == "hanze-ageing"  # the address does not move
    assert client.post(f"/organisations/{other_organisation.slug}/edit/", data).status_code == 404


def test_a_contact_needs_their_agreement(client, org_member, organisation):
    client.force_login(org_member)
    path = f"/organisations/{organisation.slug}/contacts/"
    response = client.post(path, {"name": "Eva Smit", "email": "eva@hanze.example"})
    assert response.status_code == 200
    assert "opted_in" in response.context["contact_form"].errors
    assert "Eva Smit" in response.content.decode()
    assert not OrganisationContact.objects.exists()
    assert client.post(path, {"name": "Eva Smit", "email": "eva@hanze.example", "opted_in": "on"}).status_code == 302
    contact = OrganisationContact.objects.get()
    assert contact.opted_in_at is not None
    again = client.post(path, {"name": "Eva", "email": "EVA@hanze.example", "opted_in": "on"})
    assert "email" in again.context["contact_form"].errors


def test_contact_details_only_for_programme_participants(client, organisation, sme_owner):
    OrganisationContact.objects.create(
        organisation=organisation, name="Joost", email="joost@hanze.example", opted_in_at="2026-01-01T00:00Z"
    )
    path = f"/organisations/{organisation.slug}/"
    public = client.get(path).content.decode()
    assert "Joost" in public and "joost@hanze.example" not in public
    client.force_login(sme_owner)
    assert "joost@hanze.example" in client.get(path).content.decode()


def test_the_list_filters_by_kind_country_and_theme(client, organisation, other_organisation):
    mobility = organisation.themes.model.objects.get(slug="mobility")
    other_organisation.themes.add(mobility)
    page = client.get("/organisations/", {"country": "DE", "theme": "mobility"})
    assert [o.slug for o in page.context["page"]] == ["stadt-koeln"]
    page = client.get("/organisations/", {"kind": "applied_sciences"})
    assert [o.slug for o in page.context["page"]] == ["hanze-ageing"]
    bad = client.get("/organisations/", {"kind": "castle", "theme": "nope"})
    assert bad.status_code == 200 and bad.context["form"].errors


def test_staff_invite_a_contact_who_becomes_a_member_after_verifying(
    client, developer_a, organisation, django_capture_on_commit_callbacks
):
    contact = OrganisationContact.objects.create(
        organisation=organisation, name="Joost", email="joost@hanze.example", opted_in_at="2026-01-01T00:00Z"
    )
    client.force_login(developer_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/organisations/{organisation.slug}/contacts/{contact.pk}/invite/")
    (message,) = mail.outbox
    path = re.search(r"https?://[^/\s]+(/invitations/[^\s/]+/)", message.body).group(1)

    unverified = UserFactory(email="joost@hanze.example", verified=False)
    client.force_login(unverified)
    assert client.post(path).status_code == 400  # the address is not verified yet
    assert not OrganisationMember.objects.exists()

    joost = UserFactory(email="joost@other.example")
    joost.emailaddress_set.create(email="joost@hanze.example", verified=True)
    client.force_login(joost)
    response = client.post(path)
    assert response.status_code == 302 and response["Location"] == f"/organisations/{organisation.slug}/edit/"
    assert OrganisationMember.objects.get(user=joost).organisation == organisation


def test_an_organisation_member_is_not_asked_for_two_factor(client, org_member, organisation):
    client.force_login(org_member)
    response = client.get(f"/organisations/{organisation.slug}/edit/")
    assert response.status_code == 200
    assert "My organisation" in client.get("/").content.decode()


def test_the_export_has_the_membership_and_contact_listings(org_member, organisation):
    OrganisationContact.objects.create(
        organisation=organisation, name="Me", email=org_member.email, opted_in_at="2026-01-01T00:00Z"
    )
    OrganisationFactory(slug="mine", name="Mine", created_by=org_member)
    data = user_export_data(org_member)["organisations"]
    assert data["organisation_member"]["organisation"] == organisation.name
    assert data["listed_as_contact"][0]["email"] == org_member.email
    assert data["organisations_added"] == ["Mine"]
