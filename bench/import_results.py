"""Benchmark the bulk import of a lab's results (target: 100,000 rows in ≤ 30 s on 2 cores).

Creates the samples the file names (in bulk, with their draft reports), writes a CSV in the
import template's format, runs the import through `supervision.spotchecks.imports` (validation and commit,
as the worker does) and prints rows per second. Run against a development database:

    DATABASE_URL=postgres://… .venv/bin/python bench/import_results.py --rows 100000 [--xlsx]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import transaction  # noqa: E402
from stdnum.cn import uscc  # noqa: E402

from portal.models import Role, User  # noqa: E402
from supervision.models import (  # noqa: E402
    Authority,
    Enterprise,
    ImportStatus,
    Institution,
    ItemResult,
    Plan,
    ProductCategory,
    Region,
    ReportStatus,
    Sample,
    Task,
    TestReport,
)
from supervision.spotchecks import imports  # noqa: E402

ITEMS_PER_SAMPLE = 10


def setup(rows: int, tag: str) -> tuple[User, list[str]]:
    region = Region.objects.get(code="440106")
    city = Region.objects.get(code="440100")
    user, _ = User.objects.get_or_create(
        username="bench_importer",
        defaults={"region": city, "roles": [Role.INSPECTOR], "enforcement_id": "ZF-BENCH", "full_name": "导入测试"},
    )
    category, _ = ProductCategory.objects.get_or_create(code="BENCH", defaults={"name": "基准测试类别"})
    lab, _ = Institution.objects.get_or_create(
        accreditation_no="CMA-BENCH",
        defaults={
            "name": "基准测试检验所",
            "region": city,
            "valid_from": dt.date(2020, 1, 1),
            "valid_to": dt.date(2035, 1, 1),
        },
    )
    base = "91440106" + "B" + tag[-8:].rjust(8, "0")
    ent, _ = Enterprise.objects.get_or_create(
        uscc=base + uscc.calc_check_digit(base), defaults={"name": f"基准测试企业{tag}", "region": region}
    )
    plan = Plan.objects.create(
        title=f"导入基准{tag}",
        level="city",
        year=2026,
        quarter=3,
        field="production",
        authority=Authority.objects.get(region=city),
        region=city,
        created_by=user,
    )
    n_samples = (rows + ITEMS_PER_SAMPLE - 1) // ITEMS_PER_SAMPLE
    with transaction.atomic():
        tasks = Task.objects.bulk_create(
            [
                Task(
                    plan=plan,
                    region=region,
                    enterprise=ent,
                    field="production",
                    category=category,
                    institution=lab,
                    created_by=user,
                )
                for _ in range(n_samples)
            ],
            batch_size=5000,
        )
        samples = Sample.objects.bulk_create(
            [
                Sample(
                    code=f"B{tag}-{i:06d}",
                    task=t,
                    region=region,
                    sampled_on=dt.date(2026, 9, 1),
                    product_name="基准样品",
                    quantity_drawn=2,
                    recorded_by=user,
                )
                for i, t in enumerate(tasks)
            ],
            batch_size=5000,
        )
        TestReport.objects.bulk_create(
            [TestReport(sample=s, institution=lab, status=ReportStatus.DRAFT) for s in samples], batch_size=5000
        )
    return user, [s.code for s in samples]


def make_csv(codes: list[str], rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(imports.HEADERS)
    written = 0
    for n, code in enumerate(codes):
        for seq in range(1, ITEMS_PER_SAMPLE + 1):
            if written == rows:
                break
            verdict = "不合格" if (n % 8 == 0 and seq == 3) else ("不适用" if seq == 10 else "合格")
            writer.writerow(
                [code, f"WT{code}", "2026-09-15", seq, f"检验项目{seq}", f"5.{seq}", "≤1.0", "0.42", "mA", verdict]
            )
            written += 1
    return out.getvalue().encode("utf-8-sig")


def make_xlsx(csv_bytes: bytes) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    for row in csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))):
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--xlsx", action="store_true", help="upload an XLSX workbook instead of CSV")
    args = parser.parse_args()
    tag = time.strftime("%m%d%H%M%S")
    t0 = time.perf_counter()
    user, codes = setup(args.rows, tag)
    data = make_csv(codes, args.rows)
    name = "bench.csv"
    if args.xlsx:
        data, name = make_xlsx(data), "bench.xlsx"
    print(f"prepared {len(codes)} samples and a {len(data) / 1e6:.1f} MB {name} in {time.perf_counter() - t0:.1f} s")
    upload = SimpleUploadedFile(name, data)
    t1 = time.perf_counter()
    batch = imports.import_results_start(actor=user, uploaded_file=upload, inline=True)
    elapsed = time.perf_counter() - t1
    if batch.status != ImportStatus.COMMITTED:
        print("import FAILED:", batch.errors[:5])
        sys.exit(1)
    stored = ItemResult.objects.filter(report__sample__code__startswith=f"B{tag}-").count()
    print(
        f"imported {batch.total_rows} rows ({stored} stored) in {elapsed:.1f} s: {batch.total_rows / elapsed:,.0f} rows/s"
    )


if __name__ == "__main__":
    main()
