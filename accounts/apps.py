from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Registers this app's sections of a person's data export (see accounts/export.py).
        from . import export as _export  # noqa: F401
