from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExemptionsConfig(AppConfig):
    name = "exemptions"
    verbose_name = _("免检")

    def ready(self) -> None:
        # The spot checks ask this app, never import it: a valid exemption refuses a new task
        # (第十六条), and a re-inspection's failing verdict revokes the exemption at once.
        from exemptions.selectors import register_access, task_blocker
        from exemptions.services import revoke_after_reinspection
        from supervision.spotchecks.services import on_verdict_replaced, register_task_blocker

        register_access()
        register_task_blocker(task_blocker)
        on_verdict_replaced(revoke_after_reinspection)
