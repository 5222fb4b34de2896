"""What a report to government says, read from the same selectors as the staff and public pages:
`region_statistics` is `public_statistics` within a region (supervision.publication.stats), and
the failures are the current published rows (`current_results`), so a report and a screen agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from supervision.publication.models import PublishedResult
from supervision.publication.services import quarter_bounds
from supervision.publication.stats import FAILING, Statistics, current_results, region_statistics
from supervision.registry.models import Authority, Region, RegionLevel
from supervision.spotchecks.models import Field, Objection, PlanLevel, Reinspection, Task, Verdict

FIELD_LABELS = dict(Field.choices)
LEVEL_LABELS = dict(PlanLevel.choices)
VERDICT_LABELS = dict(Verdict.choices)


@dataclass(frozen=True)
class ReportScope:
    """One authority and one period: a quarter, or a year when `quarter` is None."""

    authority: Authority
    year: int
    quarter: int | None

    @property
    def region(self) -> Region:
        return self.authority.region

    @property
    def period(self) -> str:
        return f"{self.year}Q{self.quarter}" if self.quarter else str(self.year)

    @property
    def bounds(self) -> tuple[dt.date, dt.date]:
        if self.quarter:
            return quarter_bounds(self.year, self.quarter)
        return dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)

    def label(self) -> str:
        if self.quarter:
            return _("%(year)s年第%(quarter)s季度") % {"year": self.year, "quarter": self.quarter}
        return _("%(year)s年度") % {"year": self.year}


def scope_results(scope: ReportScope) -> Any:
    """Current published rows of the scope's region and period (the rows its statistics count)."""
    qs = current_results().filter(year=scope.year)
    if scope.quarter:
        qs = qs.filter(quarter=scope.quarter)
    if scope.region.prefix:
        qs = qs.filter(region__code__startswith=scope.region.prefix)
    return qs


def statistics(scope: ReportScope) -> Statistics:
    return region_statistics(region=scope.region, year=scope.year, quarter=scope.quarter)


def area_label(region: Region) -> str:
    return _("按地区（地市）") if region.level == RegionLevel.PROVINCE else _("按地区（区县）")


@dataclass(frozen=True)
class FollowUp:
    """What followed the failures of the period, as far as the portal records it."""

    failures: int
    refused: int
    objections: int
    reinspected_failing: int
    reinspected_passing: int
    compulsory_tasks: int
    corrections: int


def follow_up(scope: ReportScope) -> FollowUp:
    rows = scope_results(scope)
    failing = rows.filter(verdict__in=FAILING)
    counts = failing.aggregate(failures=Count("id"), refused=Count("id", filter=Q(verdict=Verdict.FAIL_REFUSED)))
    samples = rows.exclude(sample_id=None).values("sample_id")
    failing_samples = failing.exclude(sample_id=None).values("sample_id")
    reinspections = Reinspection.objects.filter(objection__sample_id__in=samples)
    corrections = PublishedResult.objects.filter(year=scope.year, corrects__isnull=False)
    if scope.quarter:
        corrections = corrections.filter(quarter=scope.quarter)
    if scope.region.prefix:
        corrections = corrections.filter(region__code__startswith=scope.region.prefix)
    return FollowUp(
        failures=counts["failures"],
        refused=counts["refused"],
        objections=Objection.objects.filter(sample_id__in=samples).values("sample_id").distinct().count(),
        reinspected_failing=reinspections.exclude(verdict=Verdict.PASS).count(),
        reinspected_passing=reinspections.filter(verdict=Verdict.PASS).count(),
        compulsory_tasks=Task.objects.filter(compulsory=True, origin_sample_id__in=failing_samples).count(),
        corrections=corrections.count(),
    )


FAILURE_COLUMNS = (
    "id",
    "enterprise_name",
    "region__name",
    "product_name",
    "trademark",
    "model_spec",
    "sampled_on",
    "field",
    "level",
    "verdict",
    "failed_items",
    "institution_name",
    "announcement__number",
)


def failure_rows(scope: ReportScope) -> Iterator[dict[str, Any]]:
    """The period's published failures (current versions), by area then date: the report's table."""
    qs = (
        scope_results(scope)
        .filter(verdict__in=FAILING)
        .order_by("region_id", "published_on", "id")
        .values(*FAILURE_COLUMNS)
    )
    for row in cast(Iterator[dict[str, Any]], qs.iterator(chunk_size=2000)):
        row["field_label"] = FIELD_LABELS.get(row["field"], row["field"])
        row["level_label"] = LEVEL_LABELS.get(row["level"], row["level"])
        row["verdict_label"] = VERDICT_LABELS.get(row["verdict"], row["verdict"])
        yield row


def authorities_for_reports(region: Region) -> list[Authority]:
    """The bureaus whose reports follow a publication of `region`: its own, and for the province
    every city's too."""
    authorities = [Authority.objects.select_related("region").get(region=region)]
    if region.level == RegionLevel.PROVINCE:
        authorities += list(
            Authority.objects.select_related("region")
            .filter(region__level=RegionLevel.CITY, region__code__startswith=region.prefix)
            .order_by("region_id")
        )
    return authorities
