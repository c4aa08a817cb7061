from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        post_migrate.connect(create_cache_tables, sender=self)
        # Registers this app's sections of a person's data export (see accounts/export.py).
        from . import export

        export.register_history_section()


def create_cache_tables(using, **kwargs):
    """The database caches in CACHES (the one the Redis cache falls back to during an outage) need
    their table before the first outage, not after: `migrate` makes it, as `createcachetable` would.
    Nothing happens for a table that exists, or when no database cache is configured."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
