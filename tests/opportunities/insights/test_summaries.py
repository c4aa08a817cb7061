"""Dashboard views too slow for a request (`opportunities.insights.summaries`): counted by the worker, kept,
shown with their time, refreshed by beat, forgotten when nobody looks; an export of a kept view writes the
kept rows. The budget is set to nothing here, so every view counts as slow."""

import datetime

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from accounts.roles import forget_roles
from labs.models import BusinessDeveloper
from opportunities.insights import summaries
from opportunities.insights.models import InsightSummary
from opportunities.insights.tasks import refresh_insight_summaries
from tests.conftest import requires_postgres
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db

URL = reverse("insights:dashboard")


@pytest.fixture(autouse=True)
def _every_view_is_slow(settings):
    settings.INSIGHTS_LIVE_BUDGET_MS = 0


def registered(response) -> int:
    row = next(r for r in response.context["tables"]["companies"].rows if r.values["figure"] == "Registered")
    return row.values["count"]


def test_normalised_query_keeps_the_filters_only_in_one_order():
    data = QueryDict("theme=mobility&page=3&period=all&lab=&next=/x")
    assert summaries.normalised_query(data) == "period=all&theme=mobility"
    assert summaries.normalised_query(QueryDict("")) == ""


def test_a_slow_view_is_counted_by_the_worker_and_its_figures_are_kept_with_their_time(
    login, programme, admin_user, django_capture_on_commit_callbacks
):
    client = login(admin_user)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        waiting = client.get(URL, {"period": "all"})
    # The task is queued; until it ran, the page says the figures are being counted and looks again.
    assert waiting.status_code == 200 and waiting.context["pending"]
    page = waiting.content.decode()
    assert "are being counted" in page and 'hx-trigger="every 3s"' in page and "tables" not in waiting.context
    assert len(queued) == 1
    queued[0]()  # the worker runs it
    summary = InsightSummary.objects.get()
    assert summary.board and summary.seconds is not None and summary.requested_at is None
    assert summary.query == "period=all" and summary.language == "en"

    shown = client.get(URL, {"period": "all"})
    assert shown.context["counted_at"] == summary.computed_at
    assert "Figures counted at" in shown.content.decode()
    counted = registered(shown)

    # A company registered now is in the next count, not in the kept figures (which say when they are from).
    CompanyFactory()
    assert registered(client.get(URL, {"period": "all"})) == counted
    summaries.compute(summary.pk)
    assert registered(client.get(URL, {"period": "all"})) == counted + 1


def test_a_fast_view_is_counted_in_the_request_and_never_kept(login, programme, admin_user, settings):
    settings.INSIGHTS_LIVE_BUDGET_MS = 10 * 60 * 1000
    client = login(admin_user)
    counted = registered(client.get(URL, {"period": "all"}))
    CompanyFactory()
    response = client.get(URL, {"period": "all"})
    assert registered(response) == counted + 1 and response.context["counted_at"] is None
    assert not InsightSummary.objects.exists()


def test_each_person_and_language_has_its_own_view(login, programme, admin_user, developer_a, settings):
    login(admin_user).get(URL)
    login(developer_a).get(URL)
    login(developer_a).get(URL, {"period": "all"})
    assert InsightSummary.objects.count() == 3
    mine = login(developer_a).get(URL)
    assert mine.context["scope_label"] == "Creative Lab Berlin"
    assert InsightSummary.objects.count() == 3


def test_beat_asks_again_for_stale_views_and_forgets_those_nobody_looks_at(
    login, programme, admin_user, developer_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(admin_user).get(URL)
        login(developer_a).get(URL)
    now = timezone.now()
    InsightSummary.objects.update(computed_at=now - datetime.timedelta(hours=1))
    InsightSummary.objects.filter(user=developer_a).update(viewed_at=now - datetime.timedelta(days=8))
    with django_capture_on_commit_callbacks(execute=True):
        result = refresh_insight_summaries()
    assert result == {"deleted": 1, "asked": 1}
    (kept,) = InsightSummary.objects.all()
    assert kept.user == admin_user and now - kept.computed_at < datetime.timedelta(minutes=1)
    assert kept.requested_at is None


def test_a_view_whose_person_lost_the_role_is_deleted_not_counted(login, programme, developer_a):
    login(developer_a).get(URL)
    summary = InsightSummary.objects.get()
    BusinessDeveloper.objects.filter(user=developer_a).delete()
    forget_roles(developer_a)
    assert summaries.compute(summary.pk) is None
    assert not InsightSummary.objects.exists()


def test_an_export_of_a_kept_view_writes_the_kept_rows(
    login, programme, admin_user, django_capture_on_commit_callbacks
):
    client = login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(URL, {"period": "all"})
    CompanyFactory()
    export = client.get(reverse("insights:export", kwargs={"key": "companies", "fmt": "csv"}), {"period": "all"})
    text = export.content.decode("utf-8-sig")
    kept = registered(client.get(URL, {"period": "all"}))
    assert f"Registered,{kept}" in text.replace("\r", "")


def test_the_page_reads_a_kept_view_in_a_bounded_number_of_queries(
    login, programme, admin_user, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client = login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(URL)
    CompanyFactory.create_batch(5)
    # the session, the user, the roles, the kept view and the filter form's choices: no count of the kept figures;
    # the theme networks' and the exchanges' tables below them are small and read each time (three queries)
    with django_assert_max_num_queries(17):
        response = client.get(URL)
    assert response.context["counted_at"] is not None


def _statement_timeout() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


@requires_postgres
def test_on_postgresql_the_budget_is_the_statement_timeout_and_the_old_one_comes_back(monkeypatch, admin_user):
    from django.db import connection

    from opportunities.insights import selectors
    from opportunities.insights.forms import InsightFilterForm

    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = '7s'")

    def sleeping(user, filters, deadline=None):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(0.5)")
        return "counted"

    monkeypatch.setattr(selectors, "dashboard", sleeping)
    with pytest.raises(selectors.TooSlow):
        summaries.counted_within(admin_user, InsightFilterForm.default_filters(), 50)
    assert _statement_timeout() == "7s"
    assert summaries.counted_within(admin_user, InsightFilterForm.default_filters(), 5000) == "counted"
    assert _statement_timeout() == "7s"


def _setting(name: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return cursor.fetchone()[0]


@requires_postgres
def test_on_postgresql_the_dashboard_counts_with_its_own_work_mem_and_the_old_one_comes_back(
    monkeypatch, settings, admin_user
):
    """A Lab's scope tests membership in hundreds of thousands of suggestions: with PostgreSQL's default
    4 MB that test is no longer hashed, and one tile took over 40 s at 100 000 companies."""
    from django.db import connection

    from opportunities.insights import selectors
    from opportunities.insights.forms import InsightFilterForm

    settings.INSIGHTS_WORK_MEM = "48MB"
    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = '5MB'")
    seen = []

    def counting(user, filters, deadline=None):
        seen.append(_setting("work_mem"))
        return "counted"

    monkeypatch.setattr(selectors, "dashboard", counting)
    assert summaries.counted_within(admin_user, InsightFilterForm.default_filters(), 5000) == "counted"
    assert _setting("work_mem") == "5MB"
    summary = InsightSummary.objects.create(user=admin_user, key="k", language="en", viewed_at=timezone.now())
    monkeypatch.setattr(summaries, "summary_key", lambda user, query, language: "k")
    monkeypatch.setattr(summaries.pickle, "dumps", lambda board, protocol=None: b"board")
    assert summaries.compute(summary.pk) is not None
    assert seen == ["48MB", "48MB"]  # the page's count and the worker's
    assert _setting("work_mem") == "5MB"
