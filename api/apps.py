from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The public, read-only JSON API (/api/v1/) and the partner keys that raise its limits."""

    name = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        # Registers this app's section of a person's data export (see accounts/export.py).
        from . import export as _export  # noqa: F401
