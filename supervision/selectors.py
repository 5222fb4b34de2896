"""Reads that are more than a one-liner. Every staff queryset passes through `scope_to_region`."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from portal.models import User
from supervision.models import (
    ItemVerdict,
    Notice,
    Objection,
    ObjectionStatus,
    Region,
    Reinspection,
    ReportStatus,
    Sample,
    Verdict,
)

M = TypeVar("M", bound=models.Model)


def region_prefix(user: User) -> str | None:
    """The region-code prefix a staff user may see; '' for all of it, None for nothing."""
    if user.is_superuser and user.region_id is None:
        return ""
    if not user.is_authenticated or user.region_id is None:
        return None
    return user.region.prefix


def scope_to_region(qs: models.QuerySet[M], user: User, path: str = "region") -> models.QuerySet[M]:
    """Limit a queryset to the user's region and the regions below it.

    `path` names the Region foreign key from the queryset's model ("region", "task__region").
    Region codes are GB/T 2260, so a subtree is a code prefix and the filter needs no join.
    """
    prefix = region_prefix(user)
    if prefix is None:
        return qs.none()
    if prefix == "":
        return qs
    return qs.filter(**{f"{path}__code__startswith": prefix})


def regions_visible_to(user: User) -> models.QuerySet[Region]:
    prefix = region_prefix(user)
    if prefix is None:
        return Region.objects.none()
    return Region.objects.filter(code__startswith=prefix)


def user_can_see_region(user: User, region_code: str) -> bool:
    prefix = region_prefix(user)
    return prefix is not None and region_code.startswith(prefix)


# ---------------------------------------------------------------- verdicts and finality (R4)


def objection_deadline(notified_on: dt.date) -> dt.date:
    """The last day an objection may be filed: day OBJECTION_DAYS after notification (R4)."""
    return notified_on + dt.timedelta(days=settings.OBJECTION_DAYS)


def final_samples(*, as_of: dt.date) -> models.QuerySet[Sample]:
    """Samples whose verdict is final on `as_of` (R4). Finality is derived, never stored:

    - a refusal is judged a failure at once (第十五条 按不合格论处);
    - a re-inspection's verdict is final when recorded;
    - otherwise an approved, notified report is final once the objection window has passed
      (the day after its last day) with no objection still open.
    """
    open_objection = Objection.objects.filter(sample=OuterRef("pk"), status=ObjectionStatus.OPEN)
    reinspected = Reinspection.objects.filter(objection__sample=OuterRef("pk"), decided_on__lte=as_of)
    window_passed = Notice.objects.filter(
        sample=OuterRef("pk"), notified_on__lt=as_of - dt.timedelta(days=settings.OBJECTION_DAYS)
    )
    return Sample.objects.filter(
        Q(refused=True, sampled_on__lte=as_of)
        | Exists(reinspected)
        | (Q(report__status=ReportStatus.APPROVED) & Exists(window_passed) & ~Exists(open_objection))
    )


def sample_verdict(sample: Sample) -> str | None:
    """The verdict that stands for a sample: re-inspection, else the approved report, else refusal."""
    if sample.refused:
        return Verdict.FAIL_REFUSED
    reinspection = Reinspection.objects.filter(objection__sample=sample).order_by("-decided_on", "-id").first()
    if reinspection is not None:
        return reinspection.verdict
    report = getattr(sample, "report", None)
    if report is not None and report.status == ReportStatus.APPROVED:
        return report.verdict
    return None


def sample_failed_items(sample: Sample) -> list[str]:
    """Names of the failed items behind the standing verdict."""
    reinspection = Reinspection.objects.filter(objection__sample=sample).order_by("-decided_on", "-id").first()
    if reinspection is not None:
        return [s for s in (x.strip() for x in reinspection.failed_items.replace("；", ";").split(";")) if s]
    report = getattr(sample, "report", None)
    if report is None:
        return []
    return list(report.items.filter(verdict=ItemVerdict.FAIL).order_by("seq").values_list("name", flat=True))
