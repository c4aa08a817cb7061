"""Error reporting and logs: a 500 is mailed to ADMINS, Sentry starts only with a DSN and without
personal data, LOG_FORMAT=json gives one JSON object per line. Settings are read once per process,
so what depends on the environment is checked in a fresh `manage.py` process."""

import json

import pytest
from django.core import mail
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path

from tests.test_settings import run_manage


def broken_view(request):
    raise RuntimeError("Something the code did not expect")


def fine_view(request):
    return HttpResponse("fine")


# The project's own URLs too, so its error pages (which link to them) render.
urlpatterns = [path("broken/", broken_view), path("fine/", fine_view), path("", include("creativelabs.urls"))]


@pytest.mark.urls(__name__)
def test_an_unhandled_error_is_mailed_to_the_admins(settings):
    settings.ADMINS = [("Ops", "ops@example.org")]
    client = Client(raise_request_exception=False)
    assert client.get("/fine/").status_code == 200
    assert client.get("/missing/").status_code == 404
    assert mail.outbox == []
    assert client.get("/broken/").status_code == 500
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ops@example.org"]
    assert mail.outbox[0].from_email == settings.SERVER_EMAIL
    assert mail.outbox[0].subject.startswith("[Creative Labs] ERROR")
    assert "Something the code did not expect" in mail.outbox[0].body


@pytest.mark.urls(__name__)
def test_with_debug_on_nothing_is_mailed(settings):
    settings.ADMINS = [("Ops", "ops@example.org")]
    settings.DEBUG = True
    assert Client(raise_request_exception=False).get("/broken/").status_code == 500
    assert mail.outbox == []


SHOW_SETTINGS = "from django.conf import settings; print(settings.ADMINS, settings.SERVER_EMAIL)"


def test_admins_and_server_email_come_from_the_environment():
    result = run_manage(
        "shell", "-c", SHOW_SETTINGS, ADMINS="Ops Team <ops@example.org>, dev@example.org", SERVER_EMAIL="errors@ex.org"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[('Ops Team', 'ops@example.org'), ('', 'dev@example.org')] errors@ex.org"


@pytest.mark.parametrize(("name", "value"), [("ADMINS", "nobody"), ("LOG_FORMAT", "xml")])
def test_malformed_operations_settings_stop_the_process(name, value):
    result = run_manage("check", **{name: value})
    assert result.returncode != 0
    assert name in result.stderr


SENTRY_STATE = """
import sentry_sdk
client = sentry_sdk.get_client()
options = client.options
print(client.is_active(), options["send_default_pii"], options["environment"], sorted(client.integrations))
"""


def test_sentry_starts_only_with_a_dsn_and_sends_no_personal_data():
    without = run_manage("shell", "-c", SENTRY_STATE, SENTRY_DSN="")
    assert without.returncode == 0, without.stderr
    assert without.stdout.splitlines()[-1].startswith("False")
    with_dsn = run_manage(
        "shell", "-c", SENTRY_STATE, SENTRY_DSN="https://public@sentry.invalid/1", SENTRY_ENVIRONMENT="staging"
    )
    assert with_dsn.returncode == 0, with_dsn.stderr
    active, pii, environment, integrations = with_dsn.stdout.splitlines()[-1].split(" ", 3)
    assert (active, pii, environment) == ("True", "False", "staging")
    assert "'django'" in integrations and "'celery'" in integrations


LOG_A_LINE = """
import logging
from creativelabs.celery import app
logging.getLogger("creativelabs.ops").warning("Disk at %s%%", 91, extra={"path": "/media"})
print(app.conf.worker_hijack_root_logger)
"""


def test_log_format_json_writes_one_object_per_line():
    result = run_manage("shell", "-c", LOG_A_LINE, LOG_FORMAT="json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stderr.strip().splitlines()[-1])
    assert record["message"] == "Disk at 91%"
    assert record["level"] == "WARNING"
    assert record["logger"] == "creativelabs.ops"
    assert record["path"] == "/media"
    assert "time" in record
    # The worker keeps this configuration instead of putting Celery's own on the root logger.
    assert result.stdout.splitlines()[-1] == "False"


def test_log_format_text_stays_plain():
    result = run_manage("shell", "-c", LOG_A_LINE)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "Disk at 91%"
    assert result.stdout.splitlines()[-1] == "True"
