from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "companies"
    verbose_name = _("Companies")

    def ready(self) -> None:
        # Registers this app's sections of a person's data export (see accounts/export.py).
        from . import export as _export  # noqa: F401
