from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreativeLabsConfig(AppConfig):
    """The project package as an app: the outbox of tasks the broker did not take (`outbox`), and
    what must be in place before any query (the lookups)."""

    name = "creativelabs"
    verbose_name = _("Creative Labs")

    def ready(self) -> None:
        from . import lookups, outbox

        lookups.register()
        outbox.connect_signals()
