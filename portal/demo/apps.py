from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run` (`manage.py seed_demo`); no models of its own."""

    name = "portal.demo"
    label = "demo"
    verbose_name = "Demo data"
