"""Team invitations, ownership transfer and removal."""

import re

import pytest
from django.core import mail

from companies.models import CompanyInvitation, Membership
from companies.services import team_invitation_token
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def invite(client, capture, email):
    with capture(execute=True):
        return client.post("/company/team/", {"email": email})


def join_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/company/join/[^\s/]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_colleague_without_an_account_signs_up_and_joins(
    client, sme_owner, company, django_capture_on_commit_callbacks
):
    client.force_login(sme_owner)
    assert invite(client, django_capture_on_commit_callbacks, "New.Colleague@studio.example").status_code == 302
    path = join_path(mail.outbox[0])
    client.logout()
    assert client.get(path).status_code == 200
    colleague = UserFactory(email="new.colleague@studio.example")
    response = client.post("/accounts/login/", {"login": colleague.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/continue/"
    assert client.get("/accounts/continue/")["Location"] == path
    assert client.post(path).status_code == 302
    assert Membership.objects.get(user=colleague).company == company
    assert Membership.objects.get(user=colleague).role == "member"
    # Used once only.
    assert client.post(path).status_code == 400


def test_person_in_another_company_cannot_join(client, sme_owner, outsider_sme, company):
    invitation = CompanyInvitation.objects.create(company=company, email=outsider_sme.email, invited_by=sme_owner)
    client.force_login(outsider_sme)
    response = client.post(f"/company/join/{team_invitation_token(invitation)}/")
    assert response.status_code == 400
    assert "one company only" in response.content.decode()


def test_tampered_join_link(client, db):
    assert client.get("/company/join/garbage/").status_code == 400


def test_inviting_a_current_member_is_a_field_error(login, sme_owner, sme_colleague):
    response = login(sme_owner).post("/company/team/", {"email": sme_colleague.email})
    assert response.status_code == 200
    assert "already in your team" in response.content.decode()


def test_owner_transfers_ownership(login, sme_owner, sme_colleague):
    colleague = sme_colleague.membership
    login(sme_owner).post(f"/company/team/{colleague.pk}/make-owner/")
    assert Membership.objects.get(user=sme_colleague).role == "owner"
    assert Membership.objects.get(user=sme_owner).role == "member"


def test_owner_removes_a_member(login, sme_owner, sme_colleague):
    login(sme_owner).post(f"/company/team/{sme_colleague.membership.pk}/remove/")
    assert not Membership.objects.filter(user=sme_colleague).exists()


def test_members_cannot_transfer_or_remove(login, sme_owner, sme_colleague):
    client = login(sme_colleague)
    assert client.post(f"/company/team/{sme_owner.membership.pk}/remove/").status_code == 403
    assert client.post(f"/company/team/{sme_colleague.membership.pk}/make-owner/").status_code == 403
    assert Membership.objects.get(user=sme_owner).role == "owner"


def test_outsider_owner_gets_404_on_another_team(login, outsider_sme, sme_colleague):
    client = login(outsider_sme)
    assert client.post(f"/company/team/{sme_colleague.membership.pk}/remove/").status_code == 404
    assert client.post(f"/company/team/{sme_colleague.membership.pk}/make-owner/").status_code == 404
    assert Membership.objects.filter(user=sme_colleague).exists()


@pytest.mark.parametrize("who", ["developer_a", "embassy_de", "plain_user"])
def test_team_page_is_for_members(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/company/team/").status_code == 403


def test_owner_deletes_the_company_with_a_typed_confirmation(
    login, sme_owner, company, django_capture_on_commit_callbacks
):
    client = login(sme_owner)
    client.post("/company/delete/", {"confirm_name": "wrong"})
    assert Membership.objects.filter(company=company).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/company/delete/", {"confirm_name": company.name})
    assert not Membership.objects.filter(user=sme_owner).exists()


def test_members_cannot_delete_the_company(login, sme_colleague):
    assert login(sme_colleague).post("/company/delete/", {"confirm_name": "Studio Fietsveilig"}).status_code == 403


def test_a_pending_team_invitation_is_withdrawn_and_its_link_stops_working(login, sme_colleague, company):
    from companies.models import CompanyInvitation
    from companies.services import team_invitation_token

    invitation = CompanyInvitation.objects.create(company=company, email="maybe@studio.example")
    token = team_invitation_token(invitation)
    client = login(sme_colleague)  # any member may withdraw what the team sent
    page = client.get("/company/team/").content.decode()
    assert f"/company/team/invitations/{invitation.pk}/revoke/" in page
    response = client.post(f"/company/team/invitations/{invitation.pk}/revoke/", follow=True)
    assert "has been withdrawn" in response.content.decode()
    assert not CompanyInvitation.objects.filter(pk=invitation.pk).exists()
    assert client.get(f"/company/join/{token}/").status_code == 400


def test_another_companys_invitation_cant_be_withdrawn(login, outsider_sme, company):
    from companies.models import CompanyInvitation

    invitation = CompanyInvitation.objects.create(company=company, email="maybe@studio.example")
    assert login(outsider_sme).post(f"/company/team/invitations/{invitation.pk}/revoke/").status_code == 404
    assert CompanyInvitation.objects.filter(pk=invitation.pk).exists()
