from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("登记与监督抽查")

    def ready(self) -> None:
        # Each sub-domain tells the access layer where its records' regions are.
        from supervision.documents.selectors import register_access as register_documents
        from supervision.publication.selectors import register_access as register_publication
        from supervision.registry.selectors import register_access as register_registry
        from supervision.spotchecks.selectors import register_access as register_spotchecks

        register_registry()
        register_spotchecks()
        register_publication()
        register_documents()
        # a re-inspection that changes a published verdict issues its correction notice
        from supervision.publication.services import correct_after_reinspection
        from supervision.spotchecks.services import on_verdict_replaced

        on_verdict_replaced(correct_after_reinspection)
