from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("平台与账户")

    def ready(self) -> None:
        from portal.access import register_region_path, register_scoper
        from portal.audit import audit_events_visible_to
        from portal.models import AuditEvent, User

        register_region_path(User, "region")
        register_scoper(AuditEvent, audit_events_visible_to)
