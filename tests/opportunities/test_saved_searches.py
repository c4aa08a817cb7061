"""Saved searches: saving and managing them, each alert frequency, each match told once, the one-click
unsubscribe, who may save which list, and garbled querystrings that never give a 500."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import NotificationPreference
from opportunities.models import Notification, SavedSearch, SavedSearchMatch, Status
from opportunities.searches.alerts import saved_search_alert, saved_searches_due
from opportunities.searches.lists import QueryError, clean_query
from opportunities.searches.tasks import send_saved_search_alerts
from opportunities.workflow.services import opportunity_transition
from tests.factories import CompanyFactory

from .factories import OpportunityFactory

pytestmark = pytest.mark.django_db

START = datetime.datetime(2030, 3, 11, 9, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def saved(user, query="country=DE", frequency=SavedSearch.Frequency.DAILY, list_name="opportunities", name="Berlin"):
    return SavedSearch.objects.create(user=user, list=list_name, query=query, frequency=frequency, name=name)


def published(lab, **fields):
    return OpportunityFactory(lab=lab, status=Status.PUBLISHED, **fields)


def later(traveller, delta=datetime.timedelta(minutes=5)):
    traveller.shift(delta)


# --- Saving and managing --------------------------------------------------------------------------


def test_the_list_offers_to_save_its_filters(login, sme_owner, lab_a):
    response = login(sme_owner).get(reverse("opportunities:list"), {"country": "DE", "page": "1"})
    assert f"{reverse('searches:new')}?list=opportunities&amp;query=country%3DDE" in response.content.decode()


def test_saving_a_search_shows_its_filters_and_saves_it_once(login, sme_owner, germany):
    client = login(sme_owner)
    page = client.get(reverse("searches:new"), {"list": "opportunities", "query": "country=DE&page=3&nonsense=1"})
    assert page.status_code == 200
    assert "Germany" in page.content.decode()
    data = {"list": "opportunities", "query": "country=DE&page=3", "name": "  Berlin   briefs ", "frequency": "weekly"}
    assert client.post(reverse("searches:new"), data).url == reverse("searches:list")
    assert client.post(reverse("searches:new"), {**data, "frequency": "daily"}).status_code == 302
    search = SavedSearch.objects.get(user=sme_owner)
    assert (search.name, search.query, search.frequency) == ("Berlin briefs", "country=DE", "daily")


def test_a_garbled_query_is_refused_with_what_was_typed_kept(login, sme_owner):
    client = login(sme_owner)
    response = client.post(
        reverse("searches:new"),
        {"list": "opportunities", "query": "theme=no-such-theme", "name": "My theme", "frequency": "daily"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "These filters are not understood" in body and 'value="My theme"' in body
    assert not SavedSearch.objects.exists()


def test_an_unknown_list_is_not_found(login, sme_owner):
    assert login(sme_owner).get(reverse("searches:new"), {"list": "deals"}).status_code == 404


def test_a_company_search_is_for_programme_staff_only(login, sme_owner, developer_a):
    data = {"list": "companies", "query": "q=games", "name": "Games", "frequency": "daily"}
    assert login(sme_owner).post(reverse("searches:new"), data).status_code == 403
    assert login(developer_a).post(reverse("searches:new"), data).status_code == 302
    assert SavedSearch.objects.get().user == developer_a


def test_renaming_changing_opening_and_deleting(login, sme_owner):
    search = saved(sme_owner)
    client = login(sme_owner)
    assert client.get(reverse("searches:list")).status_code == 200
    edit = reverse("searches:edit", args=[search.pk])
    assert client.post(edit, {"name": "", "frequency": "weekly"}).status_code == 400
    assert client.post(edit, {"name": "Germany", "frequency": "weekly"}).status_code == 302
    search.refresh_from_db()
    assert (search.name, search.frequency) == ("Germany", "weekly")
    assert client.get(reverse("searches:open", args=[search.pk])).url == f"{reverse('opportunities:list')}?country=DE"
    assert client.post(reverse("searches:delete", args=[search.pk])).status_code == 302
    assert not SavedSearch.objects.exists()


def test_another_persons_search_is_not_found(login, sme_owner, outsider_sme):
    search = saved(sme_owner)
    client = login(outsider_sme)
    for name in ("searches:open", "searches:edit"):
        assert client.get(reverse(name, args=[search.pk])).status_code == 404
    assert client.post(reverse("searches:delete", args=[search.pk])).status_code == 404
    assert SavedSearch.objects.filter(pk=search.pk).exists()


def test_a_stored_search_whose_filters_are_gone_shows_why_and_alerts_nothing(login, sme_owner, lab_a, _frozen):
    search = saved(sme_owner, query="theme=removed-theme&country=DE")
    later(_frozen)
    published(lab_a)
    assert saved_search_alert(saved_search_id=search.pk) == 0
    response = login(sme_owner).get(reverse("searches:list"))
    assert "These filters are no longer understood" in response.content.decode()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=300), list_name=st.sampled_from(["opportunities", "companies", "x\x00"]))
def test_no_querystring_gives_a_500(login, developer_a, query, list_name):
    client = login(developer_a)
    assert client.get(reverse("searches:new"), {"list": list_name, "query": query}).status_code in (200, 400, 404)
    data = {"list": list_name, "query": query, "name": "n", "frequency": "daily"}
    assert client.post(reverse("searches:new"), data).status_code in (302, 400, 404)


def test_clean_query_keeps_only_filters_and_refuses_too_long(sme_owner, germany):
    assert clean_query("opportunities", "page=2&country=DE&sort=&utm=x", sme_owner) == "country=DE"
    with pytest.raises(QueryError):
        clean_query("opportunities", "q=" + "x" * 2000, sme_owner)


# --- Alerts -----------------------------------------------------------------------------------------


def test_immediate_alert_on_publish_in_app_and_by_email_once(
    django_capture_on_commit_callbacks, sme_owner, embassy_de, lab_a, developer_a, _frozen
):
    search = saved(sme_owner, frequency=SavedSearch.Frequency.IMMEDIATELY)
    later(_frozen)
    submitted = OpportunityFactory(lab=lab_a, created_by=developer_a, status=Status.SUBMITTED, title="Quiet streets")
    with django_capture_on_commit_callbacks(execute=True):
        opportunity_transition(opportunity=submitted, user=embassy_de, name="publish")
    notification = Notification.objects.get(user=sme_owner, kind="saved_search")
    assert "Quiet streets" in notification.message and "Berlin" in notification.message
    alerts = [message for message in mail.outbox if message.to == [sme_owner.email]]
    assert len(alerts) == 1 and "Quiet streets" in alerts[0].body
    # The beat's run afterwards, and the same publish told again, tell nothing more.
    send_saved_search_alerts()
    assert saved_search_alert(saved_search_id=search.pk, opportunity_id=submitted.pk) == 0
    assert Notification.objects.filter(user=sme_owner, kind="saved_search").count() == 1
    assert SavedSearchMatch.objects.filter(saved_search=search).count() == 1


def test_only_what_is_new_since_saving_and_matches_the_filters(sme_owner, lab_a, lab_b, _frozen):
    published(lab_a, title="Before saving")
    search = saved(sme_owner, frequency=SavedSearch.Frequency.IMMEDIATELY)
    later(_frozen)
    published(lab_b, title="In China")
    OpportunityFactory(lab=lab_a, title="A draft")
    assert saved_search_alert(saved_search_id=search.pk) == 0
    published(lab_a, title="After saving")
    assert saved_search_alert(saved_search_id=search.pk) == 1
    assert list(Notification.objects.filter(user=sme_owner).values_list("opportunity__title", flat=True)) == [
        "After saving"
    ]


def test_daily_alert_lists_the_new_ones_in_one_email_once_a_day(sme_owner, lab_a, _frozen):
    search = saved(sme_owner, frequency=SavedSearch.Frequency.DAILY)
    later(_frozen)
    published(lab_a, title="First brief")
    published(lab_a, title="Second brief")
    mail.outbox.clear()
    assert send_saved_search_alerts() == 1
    assert Notification.objects.filter(user=sme_owner, kind="saved_search_listed").count() == 2
    (alert,) = mail.outbox
    assert "First brief" in alert.body and "Second brief" in alert.body and "“Berlin”" in alert.subject
    assert "List-Unsubscribe" in alert.extra_headers
    # Within the day: not due again, and running it anyway tells nothing twice.
    later(_frozen, datetime.timedelta(hours=3))
    published(lab_a, title="Third brief")
    assert search.pk not in saved_searches_due()
    assert saved_search_alert(saved_search_id=search.pk) == 1  # only the third
    later(_frozen, DAY)
    assert search.pk in saved_searches_due()
    assert send_saved_search_alerts() == 1
    assert len(mail.outbox) == 2  # the run forced above, and none for the day with nothing new
    assert SavedSearchMatch.objects.filter(saved_search=search).count() == 3


def test_weekly_alert_waits_a_week(sme_owner, lab_a, _frozen):
    search = saved(sme_owner, frequency=SavedSearch.Frequency.WEEKLY)
    send_saved_search_alerts()
    later(_frozen)
    published(lab_a)
    later(_frozen, 3 * DAY)
    assert search.pk not in saved_searches_due()
    later(_frozen, 4 * DAY)
    assert search.pk in saved_searches_due()
    mail.outbox.clear()
    send_saved_search_alerts()
    assert len(mail.outbox) == 1


def test_a_company_search_tells_staff_of_new_companies(developer_a, _frozen):
    CompanyFactory(name="Old Games Studio")
    search = saved(developer_a, list_name="companies", query="", name="New studios")
    later(_frozen)
    CompanyFactory(name="Fresh Games Studio")
    mail.outbox.clear()
    assert saved_search_alert(saved_search_id=search.pk) == 1
    (alert,) = mail.outbox
    assert "Fresh Games Studio" in alert.body and "Old Games Studio" not in alert.body
    assert saved_search_alert(saved_search_id=search.pk) == 0


def test_a_company_search_of_someone_no_longer_staff_tells_nothing(sme_owner, _frozen):
    search = saved(sme_owner, list_name="companies", query="", name="Competitors")
    later(_frozen)
    CompanyFactory(name="Fresh Games Studio")
    assert saved_search_alert(saved_search_id=search.pk) == 0
    assert not SavedSearchMatch.objects.exists()


def test_one_click_unsubscribe_stops_the_emails_not_the_notifications(client, sme_owner, lab_a, _frozen):
    saved(sme_owner)
    later(_frozen)
    published(lab_a, title="First brief")
    mail.outbox.clear()
    send_saved_search_alerts()
    url = re.search(r"<(.+)>", mail.outbox[0].extra_headers["List-Unsubscribe"]).group(1)
    assert client.post(urlsplit(url).path).status_code == 200
    assert NotificationPreference.objects.get(user=sme_owner).saved_search_emails is False
    later(_frozen, DAY)
    published(lab_a, title="Second brief")
    mail.outbox.clear()
    send_saved_search_alerts()
    assert mail.outbox == []
    assert Notification.objects.filter(user=sme_owner, opportunity__title="Second brief").exists()


def test_a_failed_send_is_told_again_by_the_next_run(sme_owner, lab_a, _frozen, monkeypatch):
    search = saved(sme_owner)
    later(_frozen)
    published(lab_a)

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("opportunities.searches.alerts.send_templated_mail", broken)
    with pytest.raises(OSError):
        saved_search_alert(saved_search_id=search.pk)
    assert not SavedSearchMatch.objects.exists() and not Notification.objects.exists()
    monkeypatch.undo()
    assert saved_search_alert(saved_search_id=search.pk, now=timezone.now()) == 1
