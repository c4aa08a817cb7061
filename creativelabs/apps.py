from django.apps import AppConfig


class CreativeLabsConfig(AppConfig):
    """The project package as an app, for what must be in place before any query: the lookups."""

    name = "creativelabs"
    verbose_name = "Creative Labs"

    def ready(self):
        from . import lookups

        lookups.register()
