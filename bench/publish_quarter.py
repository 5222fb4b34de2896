"""Times publish_quarter on N final samples (default 100,000) in the bench database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_pub REDIS_URL=redis://127.0.0.1:6379/4 \
        .venv/bin/python bench/publish_quarter.py --samples 100000 --year 2020 --quarter 1

Creates the samples (plan, tasks, approved reports with item results, notices long past the
objection window) with bulk_create, then publishes their quarter for a city and prints the time.
The quarter must not have been published for that region before (pick a fresh one), unless
--rollback: then samples already made for that quarter by an earlier run are reused, the earlier
announcement is set aside inside the transaction, the deferred foreign-key checks are run before
the clock stops (SET CONSTRAINTS ALL IMMEDIATE) and everything is rolled back, so the bench table
keeps its size and the run can be repeated:

    DATABASE_URL=... .venv/bin/python bench/publish_quarter.py --samples 100000 --year 2020 --quarter 1 --rollback
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


def main() -> None:
    import django

    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--year", type=int, default=2020)
    parser.add_argument("--quarter", type=int, default=1)
    parser.add_argument("--region", default="440100")
    parser.add_argument("--rollback", action="store_true", help="reuse samples, time, then roll back")
    args = parser.parse_args()
    django.setup()
    from django.db import transaction

    from portal.models import Role, User
    from supervision.models import (
        Authority,
        Enterprise,
        Institution,
        ItemResult,
        Notice,
        Plan,
        ProductCategory,
        PublishedResult,
        Region,
        ReportStatus,
        Sample,
        Task,
        TestReport,
    )
    from supervision.publication.services import publish_quarter, quarter_bounds

    rng = random.Random(3)
    first, last = quarter_bounds(args.year, args.quarter)
    actor, _ = User.objects.get_or_create(
        username="bench_official", defaults={"roles": [Role.OFFICIAL], "region_id": args.region}
    )
    region = Region.objects.get(code=args.region)
    counties = list(Region.objects.filter(parent=region).values_list("code", flat=True)) or [args.region]
    cats = list(ProductCategory.objects.all()[:24])
    insts = list(Institution.objects.all()[:20])
    ents = list(Enterprise.objects.filter(region__code__startswith=region.prefix).values_list("id", flat=True)[:5000])
    tag = f"B{args.year}{args.quarter}{args.region}"
    t0 = time.monotonic()
    existing = Sample.objects.filter(code__startswith=f"{tag}-").count()
    if args.rollback and existing:
        print(f"reusing {existing} samples of {tag}")
        rollback_run(args, actor, region, existing)
        return
    with transaction.atomic():
        plan = Plan.objects.create(
            title=f"bench {tag}",
            level="provincial",
            year=args.year,
            quarter=args.quarter,
            field="production",
            authority=Authority.objects.get(region_id=args.region),
            region=region,
            created_by=actor,
        )
        tasks = Task.objects.bulk_create(
            [
                Task(
                    plan=plan,
                    region_id=rng.choice(counties),
                    enterprise_id=rng.choice(ents),
                    field=rng.choice(["production", "circulation", "online"]),
                    category=rng.choice(cats),
                    institution=rng.choice(insts),
                    created_by=actor,
                )
                for _ in range(args.samples)
            ],
            batch_size=5000,
        )
        samples = Sample.objects.bulk_create(
            [
                Sample(
                    code=f"{tag}-{i:07d}",
                    task=t,
                    region_id=t.region_id,
                    sampled_on=first + dt.timedelta(days=i % 80),
                    place="成品库",
                    product_name=t.category.name,
                    trademark="南粤",
                    model_spec=f"BX-{rng.randint(10, 99)}K{rng.randint(1, 99):02d}",
                    batch="20200101",
                    recorded_by=actor,
                )
                for i, t in enumerate(tasks)
            ],
            batch_size=5000,
        )
        reports = TestReport.objects.bulk_create(
            [
                TestReport(
                    sample=s,
                    institution_id=s.task.institution_id,
                    status=ReportStatus.APPROVED,
                    verdict="fail" if rng.random() < 0.12 else "pass",
                )
                for s in samples
            ],
            batch_size=5000,
        )
        ItemResult.objects.bulk_create(
            [
                ItemResult(
                    report=r,
                    seq=1,
                    name="标志和说明",
                    measured="不符合" if r.verdict == "fail" else "符合",
                    verdict="fail" if r.verdict == "fail" else "pass",
                )
                for r in reports
            ],
            batch_size=5000,
        )
        Notice.objects.bulk_create(
            [Notice(sample=s, enterprise_id=s.task.enterprise_id, notified_on=last, body="通知") for s in samples],
            batch_size=5000,
        )
    print(f"created {len(samples)} final samples in {time.monotonic() - t0:.1f}s")
    from django.db import connection

    with connection.cursor() as cur:  # what autovacuum would have done after such a load
        for model in (Task, Sample, TestReport, ItemResult, Notice):
            cur.execute(f"ANALYZE {model._meta.db_table}")
    before = PublishedResult.objects.order_by().count()
    t1 = time.monotonic()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        cProfile.runctx(
            "publish_quarter(actor_or_label=actor, year=args.year, quarter=args.quarter, region=region)",
            globals(),
            locals(),
            str(ROOT / "var" / "publish_quarter.prof"),
        )
    announcement = publish_quarter(actor_or_label=actor, year=args.year, quarter=args.quarter, region=region)
    elapsed = time.monotonic() - t1
    print(
        f"publish_quarter: {announcement.row_count} results in {elapsed:.1f}s "
        f"(table had {before} rows, search vectors and term counts included)"
    )


class _RolledBack(Exception):
    pass


def rollback_run(args: argparse.Namespace, actor, region, existing: int) -> None:
    from django.db import connection, transaction

    from supervision.models import Announcement, PublishedResult
    from supervision.publication.services import publish_quarter

    before = PublishedResult.objects.order_by().count()
    try:
        with transaction.atomic():
            for old in Announcement.objects.filter(
                region=region, year=args.year, quarter=args.quarter, kind="quarterly"
            ):
                old.year, old.number = args.year + 1000, f"{old.number}-set-aside"
                old.save(update_fields=["year", "number"])
            t1 = time.monotonic()
            profiler = None
            if os.environ.get("BENCH_PROFILE"):
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            announcement = publish_quarter(actor_or_label=actor, year=args.year, quarter=args.quarter, region=region)
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(str(ROOT / "var" / "publish_quarter.prof"))
            with connection.cursor() as cur:
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign-key checks a commit would run
            elapsed = time.monotonic() - t1
            print(
                f"publish_quarter: {announcement.row_count} results in {elapsed:.1f}s "
                f"(table had {before} rows, search vectors, term counts and FK checks included; rolled back)"
            )
            raise _RolledBack
    except _RolledBack:
        pass
    from supervision.publication.services import merge_search_index

    t2 = time.monotonic()  # what the Celery task does after a commit (here: the rolled-back rows' entries)
    merge_search_index()
    print(f"GIN pending-list merge (after commit, in the worker): {time.monotonic() - t2:.1f}s")
    with connection.cursor() as cur:  # the rolled-back rows are dead tuples: clear them for the search bench
        cur.execute(f"VACUUM (ANALYZE) {PublishedResult._meta.db_table}")


if __name__ == "__main__":
    main()
