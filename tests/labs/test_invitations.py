"""Staff roles by invitation only: signed, expiring, single-use links."""

import re

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from labs.models import BusinessDeveloper, EmbassyStaff, RoleInvitation
from labs.services import role_invitation_token
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

INVITATIONS = "/staff/invitations/"


def invite(client, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(INVITATIONS, data)


def accept_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/invitations/[^\s/]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_admin_invites_a_developer_who_signs_up_and_gets_the_role(
    client, admin_user, lab_a, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    response = invite(
        client,
        django_capture_on_commit_callbacks,
        email="New.BD@Lab-A.example",
        role="business_developer",
        lab=lab_a.pk,
    )
    assert response.status_code == 302
    invitation = RoleInvitation.objects.get()
    assert invitation.email == "new.bd@lab-a.example"
    assert invitation.invited_by == admin_user
    (message,) = mail.outbox
    assert message.to == ["new.bd@lab-a.example"]
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    path = accept_path(message)

    # The invitee is not logged in: the page offers sign-up and keeps the invitation.
    client.logout()
    response = client.get(path)
    assert response.status_code == 200
    assert "Creative Lab Berlin" in response.content.decode()

    invitee = UserFactory(email="new.bd@lab-a.example")
    response = client.post("/accounts/login/", {"login": invitee.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/continue/"
    assert client.get("/accounts/continue/")["Location"] == path

    response = client.post(path)
    assert response.status_code == 302
    assert BusinessDeveloper.objects.get(user=invitee).lab == lab_a
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee
    # The new role asks for two-factor authentication before any staff page.
    assert client.get("/labs/lab-a/")["Location"] == "/accounts/two-factor-required/"


def test_embassy_staff_invitation(client, admin_user, embassy_de, django_capture_on_commit_callbacks):
    post = embassy_de.embassy_staff.post
    client.force_login(admin_user)
    invite(
        client, django_capture_on_commit_callbacks, email="staff2@embassy.example", role="embassy_staff", post=post.pk
    )
    invitee = UserFactory(email="staff2@embassy.example")
    client.force_login(invitee)
    client.post(accept_path(mail.outbox[0]))
    assert EmbassyStaff.objects.get(user=invitee).post == post


def test_invitation_form_needs_the_lab_or_post_that_fits_the_role(client, admin_user):
    client.force_login(admin_user)
    response = client.post(INVITATIONS, {"email": "x@example.org", "role": "business_developer"})
    assert response.status_code == 200
    assert "Choose the Lab" in response.content.decode()
    response = client.post(INVITATIONS, {"email": "not-an-address", "role": "embassy_staff"})
    assert "Choose the post" in response.content.decode()
    assert "Enter a valid email address" in response.content.decode()
    assert not RoleInvitation.objects.exists()


@pytest.fixture
def invitation(admin_user, lab_a):
    return RoleInvitation.objects.create(
        email="invitee@example.org", role="business_developer", lab=lab_a, invited_by=admin_user
    )


def test_reused_invitation_is_refused(client, invitation):
    invitee = UserFactory(email="invitee@example.org")
    client.force_login(invitee)
    path = f"/invitations/{role_invitation_token(invitation)}/"
    assert client.post(path).status_code == 302
    response = client.post(path)
    assert response.status_code == 400
    assert "already been used" in response.content.decode()
    assert BusinessDeveloper.objects.filter(user=invitee).count() == 1


def test_expired_invitation_is_refused(client, invitation):
    token = role_invitation_token(invitation)
    with time_machine.travel(timezone.now() + timezone.timedelta(days=8)):
        response = client.get(f"/invitations/{token}/")
    assert response.status_code == 400
    assert "expired" in response.content.decode()


def test_tampered_invitation_is_refused(client, invitation):
    token = role_invitation_token(invitation)
    response = client.get(f"/invitations/{token[:-2]}xx/")
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_invitation_for_another_address_is_refused(client, invitation):
    stranger = UserFactory(email="forwarded-to@example.org")
    client.force_login(stranger)
    response = client.post(f"/invitations/{role_invitation_token(invitation)}/")
    assert response.status_code == 400
    assert "invitee@example.org" in response.content.decode()
    assert not BusinessDeveloper.objects.filter(user=stranger).exists()


@pytest.mark.parametrize("who", ["sme_owner", "developer_a", "embassy_de"])
def test_only_admins_invite(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(INVITATIONS).status_code == 403


def test_resend_sends_the_same_kind_of_link_again(client, admin_user, invitation, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/staff/invitations/{invitation.pk}/resend/")
    assert response.status_code == 302
    assert mail.outbox[0].to == ["invitee@example.org"]
    assert accept_path(mail.outbox[0]).startswith("/invitations/")


def test_admin_site_sends_the_invitation_too(client, admin_user, lab_a, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/labs/roleinvitation/add/",
            {"email": "via-admin@example.org", "role": "business_developer", "lab": lab_a.pk, "post": ""},
        )
    assert response.status_code == 302
    assert RoleInvitation.objects.get().invited_by == admin_user
    assert mail.outbox[0].to == ["via-admin@example.org"]


def test_a_pending_invitation_is_withdrawn_and_its_link_stops_working(client, admin_user, invitation):
    token = role_invitation_token(invitation)
    client.force_login(admin_user)
    response = client.post(f"/staff/invitations/{invitation.pk}/revoke/", follow=True)
    assert "has been withdrawn" in response.content.decode()
    assert not RoleInvitation.objects.filter(pk=invitation.pk).exists()
    assert client.get(f"/invitations/{token}/").status_code == 400
    # An accepted invitation is history, not something to withdraw.
    invitation = RoleInvitation.objects.create(
        email="used@example.org", role="business_developer", lab=invitation.lab, accepted_at=timezone.now()
    )
    assert client.post(f"/staff/invitations/{invitation.pk}/revoke/").status_code == 404
    assert RoleInvitation.objects.filter(pk=invitation.pk).exists()


@pytest.mark.parametrize(
    ("holder", "role", "target"),
    [("developer_a", "business_developer", "lab"), ("embassy_de", "embassy_staff", "post")],
)
def test_inviting_someone_to_a_role_they_hold_is_refused_with_a_field_error(
    client, admin_user, request, holder, role, target, lab_a, django_capture_on_commit_callbacks
):
    from labs.models import Post

    person = request.getfixturevalue(holder)
    where = lab_a.pk if target == "lab" else Post.objects.get(staff__user=person).pk
    client.force_login(admin_user)
    typed = person.email.upper()
    response = invite(client, django_capture_on_commit_callbacks, email=typed, role=role, **{target: where})
    assert response.status_code == 200
    assert "already" in " ".join(response.context["form"].errors["email"])
    assert f'value="{typed}"' in response.content.decode()  # nothing typed is lost
    assert not RoleInvitation.objects.exists() and not mail.outbox
