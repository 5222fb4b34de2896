"""Reads of what was published, and of what a quarterly announcement would publish (R5)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef

from portal.access import register_region_path
from supervision.publication.models import Announcement, PublishedResult
from supervision.registry.models import Region
from supervision.spotchecks.models import Notice, Objection, ObjectionStatus, ReportStatus, Sample
from supervision.spotchecks.selectors import final_samples, with_standing_verdict

REGION_PATHS: dict[type[models.Model], str] = {Announcement: "region", PublishedResult: "region"}


def register_access() -> None:
    for model, path in REGION_PATHS.items():
        register_region_path(model, path)


def publishable_samples(*, region: Region, last_day: dt.date, as_of: dt.date) -> models.QuerySet[Sample]:
    """Samples of the region up to `last_day` whose verdict is final on `as_of` and that no
    announcement holds yet: what a quarterly announcement would publish."""
    qs = final_samples(as_of=as_of).filter(sampled_on__lte=last_day)
    qs = qs.filter(~Exists(PublishedResult.objects.filter(sample=OuterRef("pk"))))
    return qs.filter(region__code__startswith=region.prefix) if region.prefix else qs


@dataclass
class QuarterPreview:
    """What publishing a quarter for a region would do today, before anyone confirms it."""

    region: Region
    year: int
    quarter: int
    last_day: dt.date
    as_of: dt.date
    total: int = 0
    failing: int = 0
    by_city: list[tuple[str, str, int]] = field(default_factory=list)  # (code, name, results)
    by_category: list[tuple[str, str, int]] = field(default_factory=list)  # (code, name, results)
    in_window: int = 0  # notified, still inside the objection window: held back for a later announcement
    with_open_objection: int = 0  # held back by an objection not yet decided
    not_yet_notified: int = 0  # sampled in the quarter, no notified verdict yet


def quarter_preview(*, region: Region, last_day: dt.date, year: int, quarter: int, as_of: dt.date) -> QuarterPreview:
    """The counts an official reads before publishing: how many results, by city and by category, how
    many of them failures, and how many results of the quarter wait because their verdict is not final
    yet (inside the objection window, an open objection, or not yet approved and notified)."""
    preview = QuarterPreview(region=region, year=year, quarter=quarter, last_day=last_day, as_of=as_of)
    publishable = publishable_samples(region=region, last_day=last_day, as_of=as_of)
    preview.total = publishable.count()
    if preview.total:
        standing = with_standing_verdict(Sample.objects.filter(pk__in=publishable.values("pk")), as_of=as_of)
        preview.failing = standing.exclude(standing_verdict="pass").count()
        by_city = (
            publishable.annotate(
                city=models.functions.Concat(models.functions.Left("region_id", 4), models.Value("00"))
            )
            .values("city")
            .annotate(n=Count("id"))
            .order_by("city")
        )
        names = dict(Region.objects.filter(code__in=[row["city"] for row in by_city]).values_list("code", "name"))
        preview.by_city = [(row["city"], str(names.get(row["city"]) or row["city"]), row["n"]) for row in by_city]
        preview.by_category = [
            (row["task__category__code"], row["task__category__name"], row["n"])
            for row in publishable.values("task__category__code", "task__category__name")
            .annotate(n=Count("id"))
            .order_by("task__category__code")
        ]
    # what the quarter holds that this announcement leaves for a later one (never lost: R5)
    waiting = Sample.objects.filter(sampled_on__lte=last_day, refused=False).exclude(
        pk__in=final_samples(as_of=as_of).values("pk")
    )
    waiting = waiting.filter(~Exists(PublishedResult.objects.filter(sample=OuterRef("pk"))))
    if region.prefix:
        waiting = waiting.filter(region__code__startswith=region.prefix)
    open_objection = Exists(Objection.objects.filter(sample=OuterRef("pk"), status=ObjectionStatus.OPEN))
    window_open = Exists(
        Notice.objects.filter(
            sample=OuterRef("pk"), notified_on__gte=as_of - dt.timedelta(days=settings.OBJECTION_DAYS)
        )
    )
    approved = waiting.filter(report__status=ReportStatus.APPROVED)
    preview.with_open_objection = approved.filter(open_objection).count()
    preview.in_window = approved.filter(window_open).exclude(open_objection).count()
    preview.not_yet_notified = waiting.exclude(
        pk__in=approved.filter(Exists(Notice.objects.filter(sample=OuterRef("pk")))).values("pk")
    ).count()
    return preview
