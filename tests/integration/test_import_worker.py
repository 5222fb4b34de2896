"""A results file too big to wait for runs in a REAL Celery worker over the real Redis broker."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.celery import app
from supervision.models import ImportBatch, ImportStatus, ItemResult, Product, Verdict
from supervision.models import TestReport as LabReport
from supervision.spotchecks import imports
from tests.supervision.spotcheck_factory import make_plan, make_task, record_sample

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media_root")]


def test_it_commits_an_uploaded_batch_in_the_worker(reviewer, inspector, inspector2, kettle_category, lab, enterprise):
    team = [inspector, inspector2]
    samples = []
    for n in range(2):
        product = Product.objects.create(enterprise=enterprise, category=kettle_category, name=f"电水壶{n}")
        task = make_task(
            reviewer, make_plan(reviewer, kettle_category), enterprise, kettle_category, lab, team, product=product
        )
        samples.append(record_sample(inspector, task, team, dt.date(2026, 9, 10)))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(imports.HEADERS)
    for i, s in enumerate(samples):
        for seq in range(1, 4):
            verdict = "不合格" if (i, seq) == (1, 3) else "合格"
            writer.writerow([s.code, f"WT-{i}", "2026-09-20", seq, f"项目{seq}", "5.1", "≤1", "0.5", "mA", verdict])
    upload = SimpleUploadedFile("big.csv", out.getvalue().encode("utf-8-sig"), content_type="text/csv")

    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=20):
        batch = imports.import_results_start(actor=inspector, uploaded_file=upload, inline=False)
        assert batch.status == ImportStatus.PENDING  # not run in the request: queued for the worker
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            batch.refresh_from_db()
            if batch.status in (ImportStatus.COMMITTED, ImportStatus.FAILED):
                break
            time.sleep(0.2)

    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert (batch.processed_rows, batch.total_rows) == (6, 6)
    assert ItemResult.objects.count() == 6
    assert [LabReport.objects.get(sample=s).verdict for s in samples] == [Verdict.PASS, Verdict.FAIL]
    assert ImportBatch.objects.get(pk=batch.pk).finished_at is not None
