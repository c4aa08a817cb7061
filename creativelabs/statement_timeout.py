"""A statement timeout for the web server's database sessions, so that one slow request cannot hold a
worker (and everyone queued behind it) for long.

`creativelabs/wsgi.py`, the web server's entry point (gunicorn, and `runserver` through
`WSGI_APPLICATION`), calls `serve_web_requests()`: from then on every database connection the process
opens starts with `SET statement_timeout` to `WEB_STATEMENT_TIMEOUT_MS`. The Celery worker, management
commands and migrations never load `wsgi.py`, so their sessions keep the server's default (none). A
statement that runs over it is cancelled by PostgreSQL; `errors.server_error` then answers with the 503
page (and the request is logged as a 503 like any server error).
"""

from django.conf import settings
from django.db.backends.signals import connection_created

QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement cancelled (by its timeout, or by hand)


def serve_web_requests() -> None:
    """This process serves web requests: its database sessions get the web statement timeout."""
    connection_created.connect(_set_statement_timeout, dispatch_uid="creativelabs.web_statement_timeout")


def stop_serving_web_requests() -> None:
    """The opposite, for a test that played the web server."""
    connection_created.disconnect(dispatch_uid="creativelabs.web_statement_timeout")


def _set_statement_timeout(sender, connection, **kwargs) -> None:
    milliseconds = settings.WEB_STATEMENT_TIMEOUT_MS
    if connection.vendor != "postgresql" or not milliseconds:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = %s", [int(milliseconds)])


def is_statement_timeout(error: BaseException | None) -> bool:
    """True for the database error of a statement PostgreSQL cancelled."""
    cause = getattr(error, "__cause__", None)
    return getattr(cause, "pgcode", None) == QUERY_CANCELED or getattr(error, "pgcode", None) == QUERY_CANCELED
