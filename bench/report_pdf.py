"""Times the quarterly report's PDF with N published failures, against a naive single-document render.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_reports REDIS_URL=redis://127.0.0.1:6379/6 \
        .venv/bin/python bench/report_pdf.py --rows 2000 10000

For each N: makes N failing published rows of 2026 Q3 in the province (once; a year per N keeps
the runs apart), issues the province's quarterly report (parts in child processes, joined and
page-numbered) and prints wall time, peak memory of each rendering process, pages and size; then
renders the same report naively (one HTML document, automatic table layout, one process) and
prints the same with the ratio; then times downloading the stored report through the staff URL.
Use a database of its own: the rows stay for the next run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("MEDIA_ROOT", str(ROOT / "var" / "bench-media"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import translation  # noqa: E402

from portal.models import Role, User  # noqa: E402
from portal.reports.selectors import ReportScope, failure_rows  # noqa: E402
from portal.reports.services import generate_report, report_context, report_parts  # noqa: E402
from supervision.documents.services import IssueContext, qr_data_uri  # noqa: E402
from supervision.publication.models import Announcement, AnnouncementKind, PublishedResult  # noqa: E402
from supervision.registry.models import Authority, ProductCategory, Region  # noqa: E402

WORDS = "电水壶儿童服装电线电缆锂电池插头插座安全帽童车玩具家用电器纺织品食品相关产品"
ITEMS = [
    "泄漏电流和电气强度",
    "甲醛含量",
    "导体电阻",
    "绝缘厚度",
    "标志和说明",
    "输入功率和电流",
    "pH值",
    "耐唾液色牢度",
]


def _rows(year: int, n: int) -> None:
    if PublishedResult.objects.filter(year=year).count() >= n:
        return
    rng = random.Random(n)  # noqa: S311 - bench data
    category, _ = ProductCategory.objects.get_or_create(code="B01", defaults={"name": "电水壶", "health_safety": True})
    cities = list(Region.objects.filter(level="county").values_list("code", flat=True))
    announcement, _ = Announcement.objects.get_or_create(
        kind=AnnouncementKind.QUARTERLY,
        region_id="440000",
        year=year,
        quarter=3,
        defaults={
            "number": f"BENCH-{year}Q3",
            "title": "bench",
            "published_at": dt.datetime(year, 10, 1, tzinfo=dt.UTC),
        },
    )
    batch = []
    for i in range(n):
        region = rng.choice(cities)
        name = "".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14)))
        batch.append(
            PublishedResult(
                announcement=announcement,
                published_on=dt.date(year, 10, 1),
                sampled_on=dt.date(year, 7 + i % 3, 1 + i % 28),
                year=year,
                quarter=3,
                enterprise_name=f"广东{name}有限公司",
                product_name=rng.choice(["电水壶", "儿童服装", "电线电缆", "插头插座"]),
                category=category,
                category_name=category.name,
                trademark="".join(rng.choice(WORDS) for _ in range(2)),
                model_spec=f"MK-{i:05d}",
                field="production",
                level="provincial",
                verdict="fail",
                failed_items="；".join(rng.sample(ITEMS, rng.randint(1, 3))),
                institution_name="广东产品质量监督检验研究院",
                region_id=region,
                city_code=region[:4] + "00",
            )
        )
    PublishedResult.objects.bulk_create(batch, batch_size=2000)


def _naive(scope: ReportScope, authority: Authority) -> tuple[float, float, int, int]:
    """The same report as one HTML document with automatic table layout, in a fresh process."""
    with translation.override("zh-hans"):
        context = report_context(scope)
        doc = IssueContext(
            authority,
            "粤质监〔2026〕0号",
            "NAIVE",
            "http://x/d/NAIVE/",
            qr_data_uri("http://x"),
            dt.date.today(),
            1,
            "zh-hans",
            "naive",
        )
        parts = report_parts(context, list(failure_rows(scope)), doc)
    front, *tables = parts
    body = front.replace("</body></html>", "") + "".join(
        t.split("<body>", 1)[1].replace("</body></html>", "") for t in tables
    )
    body = body.replace("table-layout: fixed;", "") + "</body></html>"
    with tempfile.TemporaryDirectory() as tmp:
        html, pdf = Path(tmp) / "naive.html", Path(tmp) / "naive.pdf"
        html.write_text(body, encoding="utf-8")
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "supervision.documents.chunk", str(html), str(pdf)], capture_output=True, check=True
        )
        seconds = time.monotonic() - started
        import json

        stats = json.loads(done.stdout.decode().splitlines()[-1])
        return seconds, stats["peak_rss_mb"], stats["pages"], pdf.stat().st_size


PART_STATS: list = []


def _capture_parts() -> None:
    """Keep the per-process figures of each render (each child reports its own peak memory)."""
    from supervision.documents import services

    original = services.render_document

    def wrapped(*args, **kwargs):
        rendered = original(*args, **kwargs)
        PART_STATS[:] = rendered.parts
        return rendered

    services.render_document = wrapped


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--no-naive", action="store_true")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    _capture_parts()
    admin, _ = User.objects.get_or_create(
        username="bench_admin", defaults={"region_id": "440000", "roles": [Role.ADMINISTRATOR], "is_superuser": True}
    )
    province = Authority.objects.select_related("region").get(region_id="440000")
    print("| failure rows | render | wall time | peak memory per process | pages | file size |")
    print("|---:|---|---:|---:|---:|---:|")
    results = []
    for n in args.rows:
        year = 2000 + n % 97  # one year per size, so the rows of one run are not counted in another
        _rows(year, n)
        started = time.monotonic()
        document = generate_report(actor=admin, authority=province, year=year, quarter=3)
        wall = time.monotonic() - started
        parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        children = max(p.peak_rss_mb for p in PART_STATS)
        print(
            f"| {n:,} | {len(PART_STATS)} parts, 2 processes | {wall:.1f} s | {children:.0f} MB (each part), {parent:.0f} MB (main) "
            f"| {document.pages} | {document.size / 1e6:.2f} MB |",
            flush=True,
        )
        client = Client()
        client.force_login(admin)
        url = f"/staff/reports/documents/{document.pk}/download/"
        timings = []
        for _ in range(5):
            t = time.monotonic()
            response = client.get(url)
            b"".join(response.streaming_content)
            timings.append(time.monotonic() - t)
        results.append((n, wall, document, min(timings)))
        if not args.no_naive:
            seconds, peak, pages, size = _naive(ReportScope(province, year, 3), province)
            print(
                f"| {n:,} | naive (one document, auto layout) | {seconds:.1f} s | {peak:.0f} MB | {pages} | {size / 1e6:.2f} MB |"
                f" ratio {seconds / wall:.1f}×",
                flush=True,
            )
    for n, _wall, document, download in results:
        print(
            f"download of the stored {n:,}-row report ({document.size / 1e6:.2f} MB): {download * 1000:.0f} ms (best of 5)"
        )


if __name__ == "__main__":
    main()
