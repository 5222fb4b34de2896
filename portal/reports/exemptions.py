"""The report's section on inspection exemptions (第十六条): designations, revocations and expiries of
the period in the authority's region, and the designations in force at its end."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from exemptions.models import Exemption, ExemptionEvent, ExemptionEventKind
from exemptions.selectors import valid_exemptions
from portal.reports.sections import Section, SectionContent, register_section
from portal.reports.selectors import ReportScope


def exemptions_section(scope: ReportScope) -> SectionContent | None:
    first, last = scope.bounds
    prefix = scope.region.prefix
    events = (
        ExemptionEvent.objects.filter(on__range=(first, last), exemption__region__code__startswith=prefix)
        .select_related("exemption__product__enterprise")
        .order_by("on", "id")
    )
    in_force = valid_exemptions(day=last).filter(region__code__startswith=prefix).count()
    if not events and not in_force and not Exemption.objects.filter(region__code__startswith=prefix).exists():
        return None
    counts = {kind: sum(1 for e in events if e.kind == kind) for kind in ExemptionEventKind.values}
    return SectionContent(
        "reports/pdf/exemptions.html",
        {"events": list(events), "counts": counts, "in_force": in_force, "enabled": settings.EXEMPTIONS_ENABLED},
    )


register_section(Section("exemptions", _("免检"), 100, "第十六条", provider=exemptions_section))
