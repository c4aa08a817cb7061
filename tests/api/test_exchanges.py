"""/api/v1/exchanges: what `/exchanges/` shows, filtered; never a draft, never who registered or the link to join."""

import datetime

import pytest
from django.utils import timezone

from exchanges.models import Exchange
from exchanges.services import registration_create
from labs.models import Theme
from tests.exchanges.factories import ExchangeFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/exchanges"


@pytest.fixture
def exchanges(lab_a, lab_us):
    now = timezone.now()
    soon = ExchangeFactory(lab=lab_a, title_en="Mobility session", kind=Exchange.Kind.THEME_SESSION)
    soon.themes.set([Theme.objects.get(slug="mobility")])
    mission = ExchangeFactory(
        lab=lab_us,
        title_en="Trade mission New York",
        kind=Exchange.Kind.TRADE_MISSION,
        city="New York",
        place_country="US",
        time_zone="America/New_York",
        starts_at=(now + datetime.timedelta(days=60)).replace(microsecond=0),
    )
    held = ExchangeFactory(
        lab=lab_a,
        title_en="Matchmaking day last spring",
        kind=Exchange.Kind.MATCHMAKING_DAY,
        starts_at=now - datetime.timedelta(days=90),
        status=Exchange.Status.HELD,
    )
    draft = ExchangeFactory(lab=lab_a, title_en="Secret draft", status=Exchange.Status.DRAFT)
    return {"soon": soon, "mission": mission, "held": held, "draft": draft}


def _titles(page) -> list[str]:
    return [row["title_en"] for row in page["results"]]


def test_the_list_is_every_exchange_but_drafts_soonest_first(api, exchanges):
    page = api.json(LIST)
    assert _titles(page) == ["Matchmaking day last spring", "Mobility session", "Trade mission New York"]
    assert page["count"] == 3


@pytest.mark.parametrize(
    ("params", "titles"),
    [
        ({"country": "us"}, ["Trade mission New York"]),
        ({"theme": "mobility"}, ["Mobility session"]),
        ({"kind": "matchmaking_day"}, ["Matchmaking day last spring"]),
        ({"when": "upcoming"}, ["Mobility session", "Trade mission New York"]),
        ({"when": "past"}, ["Matchmaking day last spring"]),
        ({"when": "upcoming", "country": "DE"}, ["Mobility session"]),
    ],
)
def test_the_filters(api, exchanges, params, titles):
    assert _titles(api.json(LIST, **params)) == titles


@pytest.mark.parametrize("params", [{"kind": "party"}, {"when": "tomorrow"}, {"country": "Germany"}, {"page": 0}])
def test_bad_parameters_are_a_422(api, params):
    assert api.get(LIST, **params).status_code == 422


def test_one_exchange_with_its_calendar_file_and_times_as_instants(api, exchanges):
    mission = exchanges["mission"]
    row = api.json(f"{LIST}/{mission.pk}")
    assert row["ics_url"].endswith(f"/exchanges/{mission.pk}/calendar.ics")
    assert row["organiser"] == {"kind": "lab", "id": mission.lab_id, "name": mission.lab.name}
    assert row["time_zone"] == "America/New_York" and row["country"]["code"] == "US"
    assert datetime.datetime.fromisoformat(row["starts_at"]) == mission.starts_at
    assert row["kind"]["code"] == "trade_mission" and row["kind"]["name_nl"]


def test_a_draft_is_a_404_like_an_unknown_id(api, exchanges):
    assert api.json(f"{LIST}/{exchanges['draft'].pk}", expect=404) == {"detail": "Not found."}
    assert api.get(f"{LIST}/2147483647").status_code == 404


def test_nothing_of_who_registered_nor_the_link_to_join(api, exchanges, sme_owner):
    soon = exchanges["soon"]
    Exchange.objects.filter(pk=soon.pk).update(is_online=True, online_url="https://meet.example/secret-room")
    registration_create(user=sme_owner, exchange=soon, participants=[sme_owner], motivation="We build bike lanes.")
    body = api.get(f"{LIST}/{soon.pk}").content.decode()
    for private in ("secret-room", sme_owner.email, "We build bike lanes", sme_owner.full_name):
        assert private not in body


def test_the_list_answers_304_to_its_etag(api, exchanges):
    first = api.get(LIST)
    assert api.get(LIST, headers={"If-None-Match": first["ETag"]}).status_code == 304
