from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "networks"
    verbose_name = _("Theme networks")

    def ready(self) -> None:
        from . import export as _export  # noqa: F401  (its section of a person's data export)
        from . import tasks as _tasks  # noqa: F401
