from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Management commands and loaders for demonstration databases; no models."""

    name = "demo"
