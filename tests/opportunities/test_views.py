"""Opportunity pages: create and edit with clear errors, browse and search, workspaces, by role."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from companies.models import Discipline
from creativelabs.requests import has_control_characters
from labs.models import Theme
from opportunities.models import Opportunity, Status

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today


def make(lab, *, status=Status.PUBLISHED, title="Safe cycling to school", days=30, **fields):
    opportunity = Opportunity.objects.create(
        lab=lab,
        country=lab.country,
        title=title,
        summary=fields.pop("summary", "Help a city teach children to cycle safely."),
        brief=fields.pop("brief", "The city wants a campaign and a game for primary schools."),
        city=lab.city,
        deadline=timezone.localdate() + datetime.timedelta(days=days),
        fee_percentage=Decimal("5"),
        status=status,
        published_at=timezone.now() if status == Status.PUBLISHED else None,
        **fields,
    )
    opportunity.required_disciplines.add(Discipline.objects.get(slug="serious-games"))
    return opportunity


def form_data(lab, **overrides):
    data = {
        "lab": lab.pk,
        "title": "Healthy school playgrounds",
        "summary": "Playgrounds that get children moving.",
        "brief": "A district wants playground designs that fight obesity.",
        "client_name": "District of Mitte",
        "city": "Berlin",
        "themes": [Theme.objects.get(slug="health-obesity").pk],
        "required_disciplines": [Discipline.objects.get(slug="landscape-architecture").pk],
        "budget_band": "25k-100k",
        "currency": "EUR",
        "deadline": (timezone.localdate() + datetime.timedelta(days=21)).isoformat(),
        "languages": ["de", "en"],
        "fee_percentage": "7.5",
        "fee_note": "Introduction and local follow-up.",
    }
    data.update(overrides)
    return data


def test_developer_creates_a_draft_for_their_lab(login, developer_a, lab_a):
    client = login(developer_a)
    page = client.get("/opportunities/new/").content.decode()
    assert 'value="5.00"' in page  # the Lab's default fee
    response = client.post("/opportunities/new/", form_data(lab_a))
    opportunity = Opportunity.objects.get()
    assert response["Location"] == f"/opportunities/{opportunity.pk}/"
    assert opportunity.status == Status.DRAFT
    assert opportunity.created_by == developer_a
    assert opportunity.country == lab_a.country
    assert opportunity.fee_percentage == Decimal("7.5")
    assert opportunity.events.get().action == "created"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"deadline": "2020-01-01"}, "can&#x27;t be in the past"),
        ({"fee_percentage": "25.01"}, "Enter a percentage from 0 to 25"),
        ({"fee_percentage": "-1"}, "Enter a percentage from 0 to 25"),
        ({"required_disciplines": []}, "at least one required discipline"),
        ({"summary": "x" * 301}, "at most 300 characters"),
    ],
)
def test_bad_input_gets_field_errors_and_nothing_is_saved(login, developer_a, lab_a, overrides, message):
    response = login(developer_a).post("/opportunities/new/", form_data(lab_a, **overrides))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'value="Healthy school playgrounds"' in page
    assert not Opportunity.objects.exists()


def test_archived_theme_and_other_lab_are_refused(login, developer_a, lab_a, lab_b):
    Theme.objects.filter(slug="health-obesity").update(is_archived=True)
    response = login(developer_a).post("/opportunities/new/", {**form_data(lab_a), "lab": lab_b.pk})
    page = response.content.decode()
    assert page.count("Select a valid choice") >= 2  # the archived theme and the other Lab
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize("who", ["sme_owner", "plain_user"])
def test_companies_cannot_create(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/opportunities/new/").status_code == 403


def test_create_needs_login(client, db):
    assert client.get("/opportunities/new/")["Location"].startswith("/accounts/login/")


def test_developer_of_lab_a_gets_404_on_lab_b(login, developer_a, lab_b):
    draft = make(lab_b, status=Status.DRAFT)
    published = make(lab_b, title="Published in B")
    client = login(developer_a)
    assert client.get(f"/opportunities/{draft.pk}/").status_code == 404
    assert client.get(f"/opportunities/{draft.pk}/edit/").status_code == 404
    assert client.post(f"/opportunities/{draft.pk}/steps/submit/").status_code == 404
    assert client.get(f"/opportunities/{published.pk}/").status_code == 200
    assert client.get(f"/opportunities/{published.pk}/edit/").status_code == 404
    assert client.post(f"/opportunities/{published.pk}/steps/withdraw/").status_code == 403
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED


def test_embassy_of_germany_cannot_publish_a_chinese_opportunity(login, embassy_de, lab_b):
    submitted = make(lab_b, status=Status.SUBMITTED)
    response = login(embassy_de).post(f"/opportunities/{submitted.pk}/steps/publish/")
    assert response.status_code in (403, 404)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_review_through_the_pages(login, developer_a, embassy_de, lab_a, django_capture_on_commit_callbacks):
    draft = make(lab_a, status=Status.DRAFT, created_by=developer_a)
    with django_capture_on_commit_callbacks(execute=True):
        login(developer_a).post(f"/opportunities/{draft.pk}/steps/submit/")
    client = login(embassy_de)
    queue = client.get("/review/").content.decode()
    assert draft.title in queue
    response = client.post(f"/opportunities/{draft.pk}/steps/send_back/", {"note": ""}, follow=True)
    assert "give a reason" in response.content.decode()
    response = client.post(f"/opportunities/{draft.pk}/steps/send_back/", {"note": "Add the budget."})
    assert response["Location"] == "/review/"  # the draft is the Lab's again, out of the reviewer's sight
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert "Add the budget." in login(developer_a).get(f"/opportunities/{draft.pk}/").content.decode()


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.REJECTED])
def test_visitors_and_smes_never_see_unpublished(client, login, sme_owner, lab_a, status):
    hidden = make(lab_a, status=status)
    assert client.get(f"/opportunities/{hidden.pk}/").status_code == 404
    assert login(sme_owner).get(f"/opportunities/{hidden.pk}/").status_code == 404
    assert hidden.title not in client.get("/opportunities/").content.decode()


def test_visitor_sees_summary_and_member_sees_brief_and_fee(client, login, sme_owner, lab_a):
    opportunity = make(lab_a, client_name="Secret Client GmbH", fee_note="Covers the introduction.")
    page = client.get(f"/opportunities/{opportunity.pk}/").content.decode()
    assert opportunity.summary in page
    assert opportunity.brief not in page
    assert "Secret Client GmbH" not in page
    page = login(sme_owner).get(f"/opportunities/{opportunity.pk}/").content.decode()
    assert opportunity.brief in page
    assert "Secret Client GmbH" in page
    assert "<strong>5%</strong>" in page
    assert "Covers the introduction." in page


def test_editing_a_published_opportunity_keeps_it_published(login, developer_a, lab_a):
    opportunity = make(lab_a)
    data = form_data(lab_a, title="Safe cycling to school, phase two")
    assert login(developer_a).post(f"/opportunities/{opportunity.pk}/edit/", data).status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.status == Status.PUBLISHED
    assert opportunity.title == "Safe cycling to school, phase two"
    assert opportunity.events.filter(action="edited").exists()


@pytest.fixture
def listing(lab_a, lab_b):
    mobility = Theme.objects.get(slug="mobility")
    cycling = make(
        lab_a,
        title="Fietsveiligheid voor kinderen",
        brief="Een campagne over fietsen naar school.",
        languages=["de", "nl"],
        days=10,
    )
    cycling.themes.add(mobility)
    care = make(
        lab_b,
        title="Elderly care at home",
        # Not the default summary, which mentions cycling: the search expands "fiets" to it.
        summary="Care at home for a city's older people.",
        brief="Services for older people living alone.",
        days=60,
        languages=["zh"],
    )
    care.themes.add(Theme.objects.get(slug="elderly-care"))
    make(lab_a, title="Old draft", status=Status.DRAFT)
    return cycling, care


def titles(response) -> set[str]:
    page = response.content.decode()
    return {t for t in ("Fietsveiligheid voor kinderen", "Elderly care at home", "Old draft") if t in page}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Fietsveiligheid voor kinderen", "Elderly care at home"}),
        ("?country=DE", {"Fietsveiligheid voor kinderen"}),
        ("?lab=lab-b", {"Elderly care at home"}),
        ("?theme=mobility", {"Fietsveiligheid voor kinderen"}),
        ("?discipline=serious-games", {"Fietsveiligheid voor kinderen", "Elderly care at home"}),
        ("?deadline=soon", {"Fietsveiligheid voor kinderen"}),
        ("?language=zh", {"Elderly care at home"}),
        ("?q=elderly", {"Elderly care at home"}),
        ("?country=CN&theme=mobility", set()),
        ("?sort=newest&deadline=open", {"Fietsveiligheid voor kinderen", "Elderly care at home"}),
    ],
)
def test_list_filters(client, listing, query, expected):
    response = client.get(f"/opportunities/{query}")
    assert response.status_code == 200
    assert titles(response) == expected


def test_htmx_gets_only_the_results(client, listing):
    response = client.get("/opportunities/?country=DE", HTTP_HX_REQUEST="true")
    assert "<html" not in response.content.decode()
    assert titles(response) == {"Fietsveiligheid voor kinderen"}


@pytest.mark.skipif(not django_settings.USING_POSTGRES, reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("fiets", "Fietsveiligheid voor kinderen"),  # Dutch stem of "fietsen" in the brief
        ("fietsen", "Fietsveiligheid voor kinderen"),
        ("kind", "Fietsveiligheid voor kinderen"),  # "kinderen"
        ("older", "Elderly care at home"),
        ("living", "Elderly care at home"),  # English stem "live"
        ("services", "Elderly care at home"),
    ],
)
def test_full_text_search_stems_english_and_dutch(client, listing, query, expected):
    assert titles(client.get("/opportunities/", {"q": query})) == {expected}


@pytest.mark.parametrize("count", [3, 40])
def test_list_uses_a_bounded_number_of_queries(client, lab_a, django_assert_max_num_queries, count):
    for number in range(count):
        make(lab_a, title=f"Opportunity {number}").themes.add(Theme.objects.get(slug="mobility"))
    # Filter choices, count, the page and two prefetches: the same number for 3 or 40 rows.
    with django_assert_max_num_queries(10):
        assert client.get("/opportunities/?theme=mobility&q=cycle").status_code == 200


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=10_000))
@example(query="'\" & | ! ( ) :* <-> \\ %_ fiets & !kind")
@example(query="x" * 10_240)
@example(query="\x00")
def test_hostile_search_never_500(client, db, query):
    # Control characters are refused at the door with the site's 400 page; any other text is searched.
    expected = 400 if has_control_characters(query) else 200
    assert client.get("/opportunities/", {"q": query}).status_code == expected


def test_lab_workspace_counts_by_status(login, developer_a, lab_a, lab_b):
    make(lab_a, status=Status.DRAFT, title="A draft")
    make(lab_a, title="A published")
    make(lab_b, status=Status.DRAFT, title="B draft")
    page = login(developer_a).get("/lab/").content.decode()
    assert "A draft" in page and "A published" in page
    assert "B draft" not in page


@pytest.mark.parametrize("who", ["sme_owner", "embassy_de"])
def test_lab_workspace_is_for_developers(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/lab/").status_code == 403


def test_review_queue_shows_own_country_oldest_first(login, embassy_de, lab_a, lab_b):
    older = make(
        lab_a, status=Status.SUBMITTED, title="Older", submitted_at=timezone.now() - datetime.timedelta(days=3)
    )
    make(lab_a, status=Status.SUBMITTED, title="Newer", submitted_at=timezone.now())
    make(lab_b, status=Status.SUBMITTED, title="Chinese one", submitted_at=timezone.now())
    page = login(embassy_de).get("/review/").content.decode()
    assert page.index(older.title) < page.index("Newer")
    assert "Chinese one" not in page


@pytest.mark.parametrize("who", ["sme_owner", "developer_a"])
def test_review_queue_is_for_embassy_staff(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/review/").status_code == 403


def test_embassy_staff_curate_themes(login, embassy_de, germany):
    client = login(embassy_de)
    response = client.post(
        "/staff/themes/new/",
        {
            "slug": "play",
            "name_en": "Play",
            "name_nl": "Spelen",
            "description_en": "",
            "description_nl": "",
            "countries": [germany.pk],
        },
    )
    assert response.status_code == 302
    assert Theme.objects.get(slug="play").name_nl == "Spelen"
    client.post("/staff/themes/play/archive/", {"archive": "1"})
    assert Theme.objects.get(slug="play").is_archived
    assert client.post("/staff/themes/new/", {"slug": "play", "name_en": "", "name_nl": ""}).status_code == 200


@pytest.mark.parametrize("who", ["sme_owner", "developer_a"])
def test_theme_curation_is_for_embassy_staff(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/staff/themes/").status_code == 403
    assert client.post("/staff/themes/mobility/archive/").status_code == 403


def test_featured_opportunity_shows_on_its_theme_page(client, login, embassy_de, lab_a):
    opportunity = make(lab_a)
    opportunity.themes.add(Theme.objects.get(slug="mobility"))
    login(embassy_de).post(f"/opportunities/{opportunity.pk}/feature/", {"featured": "1"})
    client.logout()
    assert opportunity.title in client.get("/themes/mobility/").content.decode()


def test_notifications_page(login, developer_a, lab_a):
    from opportunities.models import Notification

    Notification.objects.create(user=developer_a, kind="x", message="Something happened")
    client = login(developer_a)
    page = client.get("/notifications/").content.decode()
    assert "Something happened" in page
    assert "1<span" in client.get("/").content.decode()  # unread count in the navigation
    client.post("/notifications/read/")
    assert Notification.objects.get().read_at is not None


@pytest.mark.skipif(not django_settings.USING_POSTGRES, reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
def test_fietsen_finds_fiets(client, lab_a):
    make(lab_a, title="Een fiets voor elk kind", brief="Deelfiets in de wijk.")
    assert "Een fiets voor elk kind" in client.get("/opportunities/", {"q": "fietsen"}).content.decode()
    assert "Een fiets voor elk kind" not in client.get("/opportunities/", {"q": "fietsen ouderenzorg"}).content.decode()


def test_sweeper_sends_notifications_whose_mail_was_lost(db, developer_a, lab_a):
    import time_machine
    from django.core import mail

    from opportunities.models import Notification
    from opportunities.notifications.emails import send_unsent_notification_emails

    notification = Notification.objects.create(user=developer_a, kind="x", message="Lost on the way")
    assert send_unsent_notification_emails() == 0  # too recent: its own task may still be running
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        assert send_unsent_notification_emails() == 1
    assert [m.to for m in mail.outbox] == [[developer_a.email]]
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=30)):
        assert send_unsent_notification_emails() == 0
