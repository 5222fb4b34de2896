"""Rows for publication and search tests, built directly (publication reads only the data)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from portal.models import User
from supervision.models import (
    Announcement,
    AnnouncementKind,
    Authority,
    Enterprise,
    Institution,
    ItemResult,
    Notice,
    Objection,
    Plan,
    PlanLevel,
    ProductCategory,
    PublishedResult,
    Region,
    Reinspection,
    ReportStatus,
    Sample,
    Task,
    TestReport,
)
from supervision.publication.services import add_search_terms, city_code, write_published_rows

_seq = itertools.count(1)


def make_sample(
    *,
    actor: User,
    enterprise: Enterprise,
    category: ProductCategory,
    institution: Institution,
    sampled_on: dt.date,
    verdict: str | None = "fail",
    notified_on: dt.date | None = None,
    failed: tuple[str, ...] = ("泄漏电流和电气强度",),
    refused: bool = False,
    approved: bool = True,
    product_name: str = "电水壶",
    model_spec: str = "MK-17S05",
    region_code: str = "440106",
) -> Sample:
    n = next(_seq)
    region = Region.objects.get(code=region_code)
    plan = Plan.objects.create(
        title=f"计划{n}",
        level=PlanLevel.PROVINCIAL,
        year=sampled_on.year,
        quarter=(sampled_on.month - 1) // 3 + 1,
        field="production",
        authority=Authority.objects.get(region_id="440100"),
        region=region,
        created_by=actor,
    )
    task = Task.objects.create(
        plan=plan,
        region=region,
        enterprise=enterprise,
        field="production",
        category=category,
        institution=institution,
        created_by=actor,
    )
    sample = Sample.objects.create(
        code=f"S{n:06d}",
        task=task,
        region=region,
        sampled_on=sampled_on,
        place="成品库",
        product_name=product_name,
        trademark="美的好",
        model_spec=model_spec,
        batch="20260801",
        refused=refused,
        recorded_by=actor,
    )
    if refused:
        return sample
    report = TestReport.objects.create(
        sample=sample,
        institution=institution,
        report_no=f"R{n}",
        status=ReportStatus.APPROVED if approved else ReportStatus.SUBMITTED,
        verdict=verdict or "",
    )
    ItemResult.objects.create(report=report, seq=1, name="标志和说明", measured="符合", verdict="pass")
    if verdict == "fail":
        for seq, name in enumerate(failed, start=2):
            ItemResult.objects.create(report=report, seq=seq, name=name, measured="1.2", verdict="fail")
    if notified_on is not None:
        Notice.objects.create(sample=sample, enterprise=enterprise, notified_on=notified_on, body="通知")
    return sample


def object_to(sample: Sample, actor: User, filed_on: dt.date) -> Objection:
    return Objection.objects.create(sample=sample, filed_on=filed_on, reason="不服", recorded_by=actor)


def reinspect(objection: Objection, actor: User, institution: Institution, verdict: str, failed: str = "") -> None:
    Reinspection.objects.create(
        objection=objection,
        institution=institution,
        decided_on=objection.filed_on + dt.timedelta(days=5),
        verdict=verdict,
        failed_items=failed,
        recorded_by=actor,
    )
    objection.status = "decided"
    objection.save(update_fields=["status"])


def publish_rows(
    rows: list[dict[str, Any]], *, category: ProductCategory, year: int = 2026, quarter: int = 2
) -> list[int]:
    """Write published rows straight through the publication writer (vectors and term counts)."""
    region = Region.objects.get(code="440000")
    ann, _ = Announcement.objects.get_or_create(
        kind=AnnouncementKind.QUARTERLY,
        region=region,
        year=year,
        quarter=quarter,
        defaults={
            "number": f"T-{year}Q{quarter}",
            "title": "测试公告",
            "published_at": dt.datetime(2026, 7, 1, tzinfo=dt.UTC),
        },
    )
    before = set(PublishedResult.objects.values_list("id", flat=True))
    full = []
    for row in rows:
        region_code = row.get("region_id", "440106")
        full.append(
            {
                "announcement_id": ann.pk,
                "sample_id": None,
                "corrects_id": None,
                "published_on": dt.date(2026, 7, 1),
                "sampled_on": dt.date(2026, 5, 1),
                "year": year,
                "quarter": quarter,
                "enterprise_id": None,
                "enterprise_name": "广州市天河电器有限公司",
                "producer_name": "",
                "product_name": "电水壶",
                "category_id": category.pk,
                "category_name": category.name,
                "focus": True,
                "trademark": "",
                "model_spec": "",
                "batch": "",
                "sampling_place": "",
                "field": "production",
                "level": "provincial",
                "verdict": "fail",
                "failed_items": "",
                "institution_id": None,
                "institution_name": "广东产品质量监督检验研究院",
                **row,
                "region_id": region_code,
                "city_code": city_code(region_code),
            }
        )
    _n, terms = write_published_rows(full)
    add_search_terms(terms)
    return sorted(set(PublishedResult.objects.values_list("id", flat=True)) - before)
