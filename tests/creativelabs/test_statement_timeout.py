"""The web statement timeout: the web server's sessions have it, a request over it gets the 503 page
(logged), and the worker's and the commands' sessions do not have it."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from creativelabs.statement_timeout import serve_web_requests, stop_serving_web_requests
from tests.conftest import requires_postgres

pytestmark = requires_postgres
# The web server's session is a new connection, so the tests commit; the migrations' rows come back after each.
web_db = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _sleeps(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [float(request.GET.get("seconds", "1"))])
    return HttpResponse("slept")


def _shows_timeout(request):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return HttpResponse(cursor.fetchone()[0])


def _breaks(request):
    raise ZeroDivisionError


urlpatterns = [path("sleeps/", _sleeps), path("timeout/", _shows_timeout), path("breaks/", _breaks)]
handler500 = "creativelabs.errors.server_error"


@pytest.fixture
def web_server(settings):
    """This test process plays the web server (what creativelabs/wsgi.py does), with a tiny timeout."""
    settings.WEB_STATEMENT_TIMEOUT_MS = 100
    connection.close()
    serve_web_requests()
    yield Client(raise_request_exception=False)
    stop_serving_web_requests()
    connection.close()


@pytest.mark.urls(__name__)
@web_db
def test_a_request_over_the_timeout_gets_the_busy_page_with_503_and_is_logged(web_server, caplog):
    response = web_server.get("/sleeps/?seconds=2")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "This page took too long" in response.content.decode()
    assert "Something went wrong" not in response.content.decode()
    warnings = [record.getMessage() for record in caplog.records if record.name == "creativelabs.errors"]
    assert warnings == ["A statement ran over the web statement timeout (100 ms): GET /sleeps/?seconds=2"]


@pytest.mark.urls(__name__)
@web_db
def test_a_request_within_the_timeout_answers_and_its_session_has_the_timeout(web_server):
    assert web_server.get("/sleeps/?seconds=0.01").content == b"slept"
    assert web_server.get("/timeout/").content == b"100ms"


@pytest.mark.urls(__name__)
@web_db
def test_other_errors_are_still_the_500_page(web_server):
    response = web_server.get("/breaks/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def _session_timeout(code: str) -> str:
    """`SHOW statement_timeout` in a new Python process on the test database, after running `code`."""
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    script = (
        "import os, django\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'creativelabs.settings')\n"
        f"{code}\n"
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('SHOW statement_timeout')\n"
        "    print(cursor.fetchone()[0])\n"
    )
    environment = {**os.environ, "DATABASE_URL": url, "WEB_STATEMENT_TIMEOUT_MS": "1234"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.django_db
def test_only_the_web_server_process_gets_the_timeout():
    # What gunicorn and runserver load.
    assert _session_timeout("import creativelabs.wsgi") == "1234ms"
    # The Celery worker: the app and every task module it registers, as `celery -A creativelabs worker` does.
    worker = "django.setup()\nfrom creativelabs.celery import app\napp.loader.import_default_modules()"
    assert _session_timeout(worker) == "0"
    # A management command (migrate, recompute_matches, ...) starts like this.
    command = "from django.core.management import call_command\ndjango.setup()\ncall_command('check')"
    assert _session_timeout(command) == "0"
