from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    name = "opportunities"
    verbose_name = _("Opportunities")

    def ready(self) -> None:
        # Each sub-package keeps its own Celery tasks; importing them registers them with the app
        # (Celery's autodiscovery looks only for a top-level `tasks` module).
        from celery.signals import worker_process_init

        from . import export as _export  # noqa: F401  (its sections of a person's data export)
        from .deals import tasks as _deals  # noqa: F401
        from .insights import tasks as _insights  # noqa: F401
        from .interests import tasks as _interests  # noqa: F401
        from .notifications import emails as _emails  # noqa: F401
        from .notifications import tasks as _notifications  # noqa: F401
        from .searches import tasks as _searches  # noqa: F401
        from .suggestions import tasks as _suggestions  # noqa: F401
        from .workflow import tasks as _workflow  # noqa: F401

        worker_process_init.connect(_warm_up_matching, weak=False, dispatch_uid="opportunities.warm_up")


def _warm_up_matching(**kwargs) -> None:
    """A worker loads the matching engine's language model as it starts, not in its first recompute."""
    from .matching.text import warm_up

    warm_up()
