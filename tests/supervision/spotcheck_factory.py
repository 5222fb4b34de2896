"""Building blocks for spot-check tests: each step goes through the real services."""

from __future__ import annotations

import datetime as dt
import io

from portal.models import User
from supervision.models import (
    Authority,
    Enterprise,
    Institution,
    Plan,
    PlanLevel,
    Product,
    ProductCategory,
    Sample,
    Task,
    TestReport,
)
from supervision.spotchecks import services


def _png_1x1() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


PNG = _png_1x1()
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

ITEMS_PASS = [
    {"name": "标志和说明", "clause": "7", "requirement": "符合要求", "measured": "符合", "unit": "", "verdict": "pass"},
    {
        "name": "输入功率和电流",
        "clause": "10",
        "requirement": "≤+5%",
        "measured": "+2.1",
        "unit": "%",
        "verdict": "pass",
    },
    {"name": "发热", "clause": "11", "requirement": "≤75", "measured": "—", "unit": "K", "verdict": "na"},
]
ITEMS_ONE_FAIL = [
    *ITEMS_PASS[:2],
    {
        "name": "泄漏电流和电气强度",
        "clause": "13",
        "requirement": "≤0.75",
        "measured": "1.2",
        "unit": "mA",
        "verdict": "fail",
    },
]


def png_file(name: str = "seal.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PNG, content_type="image/png")


def pdf_file(name: str = "report.pdf", content: bytes = PDF):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_plan(
    actor: User, category: ProductCategory, *, level: str = PlanLevel.CITY, region_code: str = "440100", **kw
) -> Plan:
    return services.plan_create(
        actor=actor,
        title=kw.pop("title", f"{level}抽查计划"),
        level=level,
        year=kw.pop("year", 2026),
        quarter=kw.pop("quarter", 3),
        field=kw.pop("field", "production"),
        categories=[category],
        authority=Authority.objects.get(region_id=region_code),
    )


def make_task(
    actor: User,
    plan: Plan,
    enterprise: Enterprise,
    category: ProductCategory,
    institution: Institution,
    samplers: list[User],
    *,
    product: Product | None = None,
    today: dt.date | None = None,
) -> Task:
    return services.task_create(
        actor=actor,
        plan=plan,
        enterprise=enterprise,
        category=category,
        institution=institution,
        samplers=samplers,
        product=product,
        today=today or dt.date(2026, 11, 26),
    )


# A complete sampling record (R2): what `services.sampling_record_errors` asks of one.
SAMPLING_RECORD = {
    "product_name": "电水壶",
    "trademark": "美的好",
    "model_spec": "MK-17S05",
    "batch": "20260801",
    "executed_standard": "GB 4706.19-2008",
    "place_kind": "finished_store",
    "place": "成品库",
    "sampling_base": 200,
    "quantity_drawn": 4,
    "quantity_retained": 2,
    "sealed": True,
    "label_standard": True,
    "label_production_date": True,
    "unit_signatory": "张经理",
}


def record_sample(actor: User, task: Task, samplers: list[User], sampled_on: dt.date, **fields: object) -> Sample:
    return services.sample_record(
        actor=actor, task=task, samplers=samplers, sampled_on=sampled_on, **{**SAMPLING_RECORD, **fields}
    )


def approve(inspector: User, reviewer: User, sample: Sample, items: list[dict], notified_on: dt.date) -> TestReport:
    report = services.report_save_items(
        actor=inspector, report=sample.report, items=items, report_no=f"R-{sample.code}", tested_on=sample.sampled_on
    )
    services.report_submit(actor=inspector, report=report)
    return services.report_approve(actor=reviewer, report=report, today=notified_on)


def bytes_io(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)
