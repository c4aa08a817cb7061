from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreativeLabsConfig(AppConfig):
    """The project package as an app only for the outbox of tasks the broker did not take (`outbox`)."""

    name = "creativelabs"
    verbose_name = _("Creative Labs")

    def ready(self) -> None:
        from . import outbox

        outbox.connect_signals()
