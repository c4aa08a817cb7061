"""Choosing which e-mails come, and one-click unsubscribe links that work without logging in."""

import json
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client

from accounts.export import PREFERENCE_FIELDS_NOT_EXPORTED
from accounts.models import NotificationPreference, SentDigest, User
from creativelabs.mail import send_templated_mail
from opportunities.models import Notification
from opportunities.notifications.emails import send_notification_email, unsubscribe_link
from opportunities.notifications.preferences import Category, category_of, unsubscribe_token, unsubscribe_url

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/accounts/notifications/"


def preference(user) -> NotificationPreference:
    return NotificationPreference.objects.get(user=user)


def unsubscribe_path(user, category: str) -> str:
    return f"/notifications/unsubscribe/{category}/{unsubscribe_token(user, category)}/"


def parts(message) -> tuple[str, str]:
    assert len(message.alternatives) == 1
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    return message.body, html


# --- The settings page -----------------------------------------------------------------------------------------------


def test_an_sme_member_chooses_how_to_hear_about_matches(login, sme_owner):
    client = login(sme_owner)
    page = client.get(SETTINGS_URL).content.decode()
    assert 'name="match_alerts"' in page
    assert re.search(r'value="weekly"[^>]*checked', page)  # the default
    assert 'name="status_emails"' in page
    assert 'name="lab_digest"' not in page  # not a business developer

    response = client.post(SETTINGS_URL, {"match_alerts": "immediately", "other_emails": "on"})
    assert response.status_code == 302
    saved = preference(sme_owner)
    assert saved.match_alerts == "immediately"
    assert saved.status_emails is False  # an unticked box
    assert saved.other_emails is True
    assert saved.lab_digest is True  # not on the form: untouched
    assert "Your e-mail settings have been saved." in client.get(SETTINGS_URL).content.decode()


def test_a_business_developer_chooses_the_lab_digest(login, developer_a):
    client = login(developer_a)
    page = client.get(SETTINGS_URL).content.decode()
    assert 'name="lab_digest"' in page and 'name="opportunity_emails"' in page
    assert 'name="match_alerts"' not in page
    client.post(SETTINGS_URL, {"status_emails": "on", "opportunity_emails": "on"})
    assert preference(developer_a).lab_digest is False


def test_a_bad_choice_is_refused_with_a_clear_message(login, sme_owner):
    response = login(sme_owner).post(SETTINGS_URL, {"match_alerts": "hourly"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_the_settings_page_needs_login(client, db):
    assert client.get(SETTINGS_URL)["Location"].startswith("/accounts/login/")


def test_the_settings_page_is_linked_from_the_profile_and_the_notifications(login, sme_owner):
    client = login(sme_owner)
    assert SETTINGS_URL in client.get("/accounts/profile/").content.decode()
    assert SETTINGS_URL in client.get("/notifications/").content.decode()


# --- Which e-mails go out ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "category"),
    [
        ("match", "matches"),
        ("published", "opportunities"),
        ("reminder", "opportunities"),
        ("interest_replied", "status"),
        ("suggestion_invited", "status"),
        ("deal_confirmed", "status"),
        ("introduced", "status"),
        ("interest_something_new", "status"),
        ("no_such_kind", "other"),
    ],
)
def test_every_kind_has_a_category(kind, category):
    assert category_of(kind) == category


def notification(user, kind, opportunity) -> Notification:
    return Notification.objects.create(user=user, kind=kind, opportunity=opportunity, message=f"{kind} happened.")


def test_an_opted_out_kind_is_not_emailed_but_stays_in_the_app(sme_owner, opportunity):
    NotificationPreference.objects.create(user=sme_owner, status_emails=False)
    replied = notification(sme_owner, "interest_replied", opportunity)
    send_notification_email(replied.pk)
    assert mail.outbox == []
    replied.refresh_from_db()
    assert replied.emailed_at is not None  # handled: the sweeper leaves it alone
    other = notification(sme_owner, "something_else", opportunity)
    send_notification_email(other.pk)
    assert [m.to for m in mail.outbox] == [[sme_owner.email]]


def test_by_default_every_notification_is_emailed_except_matches(sme_owner, opportunity):
    for kind in ("interest_replied", "published", "no_such_kind"):
        send_notification_email(notification(sme_owner, kind, opportunity).pk)
    send_notification_email(notification(sme_owner, "match", opportunity).pk)  # weekly by default
    assert len(mail.outbox) == 3


@pytest.fixture
def frozen_clock():
    """Signed links carry the second they were made: a link rebuilt a second later differs."""
    with time_machine.travel("2026-12-03 12:00:00+00:00", tick=False):
        yield


def test_a_notification_email_has_both_parts_and_a_one_click_unsubscribe_for_its_kind(
    sme_owner, opportunity, frozen_clock
):
    send_notification_email(notification(sme_owner, "interest_replied", opportunity).pk)
    message = mail.outbox[0]
    link = unsubscribe_url(sme_owner, "status")
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = parts(message)
    assert "interest_replied happened." in text and "interest_replied happened." in html
    assert link in text and f'href="{link}"' in html
    assert "/accounts/notifications/" in text and "/accounts/notifications/" in html


def test_mail_without_unsubscribe_is_sent_as_before(sme_owner):
    send_templated_mail("team_invitation", to=[sme_owner.email], context=_team_invitation_context(sme_owner))
    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers
    assert "unsubscribe" not in mail.outbox[0].body.lower()


def test_a_template_without_the_footer_gets_it_added(sme_owner, frozen_clock):
    send_templated_mail(
        "team_invitation",
        to=[sme_owner.email],
        context=_team_invitation_context(sme_owner),
        unsubscribe=unsubscribe_link(sme_owner, "other"),
    )
    text, html = parts(mail.outbox[0])
    link = unsubscribe_url(sme_owner, "other")
    assert link in text and link in html
    assert html.rstrip().endswith("</html>")


def _team_invitation_context(user) -> dict:
    from companies.models import CompanyInvitation

    invitation = CompanyInvitation.objects.create(company=user.membership.company, email="new@studio.example")
    return {"invitation": invitation, "accept_url": "http://127.0.0.1:8000/join/x/"}


# --- Unsubscribe links -----------------------------------------------------------------------------------------------


def test_following_the_link_without_login_shows_what_stops_and_changes_nothing(client, sme_owner):
    response = client.get(unsubscribe_path(sme_owner, "status"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "expressions of interest, introductions and deals" in page
    assert sme_owner.email in page
    assert '<form method="post">' in page
    assert not NotificationPreference.objects.exists()


def test_the_button_turns_that_kind_off_without_csrf_or_login(sme_owner):
    client = Client(enforce_csrf_checks=True)  # as a mail client's one-click POST: no token, no cookie
    response = client.post(unsubscribe_path(sme_owner, "status"), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "Unsubscribed" in response.content.decode()
    assert SETTINGS_URL in response.content.decode()
    saved = preference(sme_owner)
    assert saved.status_emails is False
    assert saved.other_emails is True and saved.match_alerts == "weekly"
    # again: still fine, and the page then says it is already off
    assert client.post(unsubscribe_path(sme_owner, "status")).status_code == 200
    assert "already gets no e-mails" in client.get(unsubscribe_path(sme_owner, "status")).content.decode()


@pytest.mark.parametrize(
    ("category", "field", "off"),
    [
        ("matches", "match_alerts", "never"),
        ("lab_digest", "lab_digest", False),
        ("opportunities", "opportunity_emails", False),
        ("other", "other_emails", False),
    ],
)
def test_each_kind_turns_off_its_own_setting(client, developer_a, category, field, off):
    NotificationPreference.objects.create(user=developer_a, match_alerts="immediately")
    client.post(unsubscribe_path(developer_a, category))
    assert getattr(preference(developer_a), field) == off


def test_another_persons_link_changes_only_that_person(login, sme_owner, sme_colleague):
    client = login(sme_owner)
    client.post(unsubscribe_path(sme_colleague, "matches"))
    assert preference(sme_colleague).match_alerts == "never"
    assert not NotificationPreference.objects.filter(user=sme_owner).exists()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # the signature
        lambda token: "eyJpZCI6OTk5LCJlbWFpbCI6ImFAYi5jIn0" + token[token.index(":") :],  # another person
        lambda token: "garbled",
    ],
    ids=["signature", "payload", "garbled"],
)
def test_a_tampered_link_is_refused_with_a_clear_page(client, sme_owner, method, tamper):
    token = tamper(unsubscribe_token(sme_owner, "status"))
    response = getattr(client, method)(f"/notifications/unsubscribe/status/{token}/")
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_a_link_for_one_kind_does_not_turn_off_another(client, sme_owner):
    token = unsubscribe_token(sme_owner, "status")
    assert client.post(f"/notifications/unsubscribe/matches/{token}/").status_code == 400
    assert client.post(f"/notifications/unsubscribe/everything/{token}/").status_code == 400
    assert not NotificationPreference.objects.exists()


def test_a_link_to_an_address_no_longer_on_the_account_is_refused(client, sme_owner):
    path = unsubscribe_path(sme_owner, "status")
    User.objects.filter(pk=sme_owner.pk).update(email="renamed@studio.example")
    response = client.post(path)
    assert response.status_code == 400
    assert "no longer has an account" in response.content.decode()


def test_other_methods_are_not_allowed(client, sme_owner):
    assert client.put(unsubscribe_path(sme_owner, "status")).status_code == 405


def test_the_link_in_a_real_email_works(client, sme_owner, opportunity):
    send_notification_email(notification(sme_owner, "published", opportunity).pk)
    link = re.search(r"http://\S+/notifications/unsubscribe/\S+/", mail.outbox[0].body).group(0)
    client.post(link.removeprefix("http://127.0.0.1:8000"))
    assert preference(sme_owner).opportunity_emails is False


# --- Privacy ---------------------------------------------------------------------------------------------------------


def test_the_export_holds_the_preferences_and_the_digests_sent(login, sme_owner):
    import datetime

    from django.utils import timezone

    NotificationPreference.objects.create(user=sme_owner, match_alerts="never", status_emails=False)
    SentDigest.objects.create(user=sme_owner, kind="weekly_matches", period="2030-W11", sent_at=timezone.now())
    data = json.loads(login(sme_owner).get("/accounts/privacy/export/").content)
    exported = data["notification_preferences"]
    for field in NotificationPreference._meta.concrete_fields:
        if field.name not in PREFERENCE_FIELDS_NOT_EXPORTED:
            assert field.name in exported, field.name
    assert exported["match_alerts"] == "never"
    assert exported["status_emails"] is False
    assert data["digests_sent"][0]["period"] == "2030-W11"
    assert datetime.datetime.fromisoformat(data["digests_sent"][0]["sent_at"])


def test_the_export_shows_the_defaults_when_never_chosen(login, plain_user):
    data = json.loads(login(plain_user).get("/accounts/privacy/export/").content)
    assert data["notification_preferences"]["match_alerts"] == "weekly"
    assert data["notification_preferences"]["status_emails"] is True


def test_preferences_and_digests_go_with_the_account(sme_colleague):
    from django.utils import timezone

    from accounts.services import user_delete

    NotificationPreference.objects.create(user=sme_colleague, match_alerts="never")
    SentDigest.objects.create(user=sme_colleague, kind="weekly_matches", period="2030-W11", sent_at=timezone.now())
    user_delete(user=sme_colleague)
    assert not NotificationPreference.objects.exists()
    assert not SentDigest.objects.exists()


def test_categories_have_labels():
    assert str(Category("matches").label) == "new opportunities that match your company"
