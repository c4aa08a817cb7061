"""Where suggestions are stored: PostgreSQL by COPY and merge (`postgres`), elsewhere (SQLite in the tests)
the same rows through the ORM (`orm`); both implement `base.Storage`."""

from django.db import connection

from .base import Storage
from .orm import OrmStorage
from .postgres import PostgresStorage


def storage_for_connection() -> Storage:
    """The storage of the default database's vendor."""
    return PostgresStorage() if connection.vendor == "postgresql" else OrmStorage()
