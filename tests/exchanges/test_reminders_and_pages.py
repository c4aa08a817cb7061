import datetime
import zoneinfo

import pytest
from django.core import mail
from django.utils import timezone

from exchanges.models import Exchange
from exchanges.services import registration_create
from exchanges.tasks import exchange_send_reminders
from opportunities.models import Notification

from .factories import ExchangeFactory

pytestmark = pytest.mark.django_db


def test_reminders_go_7_days_and_1_day_before_once_each_in_the_readers_language(
    lab_a, sme_owner, django_capture_on_commit_callbacks
):
    sme_owner.preferred_language = "nl"
    sme_owner.save()
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    now = datetime.datetime(2031, 5, 1, 10, 0, tzinfo=berlin)
    start = datetime.datetime(2031, 5, 8, 9, 0, tzinfo=berlin)
    exchange = ExchangeFactory(
        lab=lab_a, starts_at=start, ends_at=start + datetime.timedelta(hours=3), registration_deadline=start.date(),
        title_nl="Mobiliteitssessie",
    )  # fmt: skip
    registration_create(user=sme_owner, exchange=exchange, participants=[sme_owner], motivation="Ja.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert exchange_send_reminders(now=now) == 1
    with django_capture_on_commit_callbacks(execute=True):
        exchange_send_reminders(now=now + datetime.timedelta(hours=1))  # run again: nothing new written
    reminders = Notification.objects.filter(kind="exchange_reminder")
    assert reminders.count() == 1
    assert "Mobiliteitssessie" in reminders.get().message and "7 dagen" in reminders.get().message
    assert len(mail.outbox) == 1
    assert exchange_send_reminders(now=now + datetime.timedelta(days=3)) == 0  # 4 days before: none
    exchange_send_reminders(now=now + datetime.timedelta(days=6))
    assert reminders.count() == 2


def test_an_organiser_creates_an_exchange_in_the_places_time_zone(client, developer_a):
    client.force_login(developer_a)
    data = {
        "kind": "trade_mission",
        "title_en": "Mission to Shanghai",
        "description_en": "Meet the city's planners.",
        "city": "Shanghai",
        "place_country": "CN",
        "time_zone": "Asia/Shanghai",
        "local_start": "2031-05-04T09:00",
        "local_end": "2031-05-04T13:00",
        "capacity": "20",
        "registration_deadline": "2031-05-01",
        "audience": "companies",
    }
    response = client.post("/exchanges/new/", data)
    exchange = Exchange.objects.get()
    assert response.status_code == 302 and response["Location"] == exchange.get_absolute_url()
    assert exchange.status == Exchange.Status.DRAFT and exchange.lab == developer_a.business_developer.lab
    assert exchange.starts_at == datetime.datetime(2031, 5, 4, 1, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"local_end": "2031-05-04T08:00"}, "local_end"),
        ({"registration_deadline": "2031-06-01"}, "registration_deadline"),
        ({"city": ""}, "city"),
        ({"local_start": "not a date"}, "local_start"),
    ],
)
def test_bad_input_is_a_field_error_and_keeps_what_was_typed(client, developer_a, change, field):
    client.force_login(developer_a)
    data = {
        "kind": "webinar",
        "title_en": "Kept title",
        "description_en": "Kept.",
        "city": "Berlin",
        "place_country": "DE",
        "time_zone": "Europe/Berlin",
        "local_start": "2031-05-04T09:00",
        "local_end": "2031-05-04T13:00",
        "capacity": "20",
        "registration_deadline": "2031-05-01",
        "audience": "anyone",
        **change,
    }
    response = client.post("/exchanges/new/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert b"Kept title" in response.content
    assert not Exchange.objects.exists()


def test_upcoming_exchanges_show_on_the_country_lab_theme_and_home_pages(client, lab_a, developer_a):
    from labs.models import Theme

    theme = Theme.objects.first()
    exchange = ExchangeFactory(lab=lab_a, title_en="Upcoming in Berlin")
    exchange.themes.add(theme)
    ExchangeFactory(lab=lab_a, title_en="A draft", status=Exchange.Status.DRAFT)
    for url in ("/", "/countries/de/", f"/labs/{lab_a.slug}/", f"/themes/{theme.slug}/"):
        content = client.get(url).content
        assert b"Upcoming in Berlin" in content, url
        assert b"A draft" not in content, url


def test_the_list_filters_by_country_kind_and_theme_and_shows_the_past(client, lab_a, lab_b):
    ExchangeFactory(lab=lab_a, title_en="Berlin webinar", kind="webinar")
    ExchangeFactory(lab=lab_b, title_en="Shanghai mission", kind="trade_mission")
    past = timezone.now() - datetime.timedelta(days=20)
    ExchangeFactory(
        lab=lab_a, title_en="Held in Berlin", status=Exchange.Status.HELD, starts_at=past,
        ends_at=past + datetime.timedelta(hours=2), registration_deadline=past.date(),
    )  # fmt: skip
    content = client.get("/exchanges/?country=DE").content
    assert b"Berlin webinar" in content and b"Held in Berlin" in content and b"Shanghai mission" not in content
    content = client.get("/exchanges/?kind=trade_mission").content
    assert b"Shanghai mission" in content and b"Berlin webinar" not in content
    assert client.get("/exchanges/?country=XX&kind=nonsense&theme=%00").status_code in (200, 400)
