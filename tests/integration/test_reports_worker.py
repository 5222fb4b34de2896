"""R14 end to end: a real Celery worker on the real Redis broker issues an announcement's PDF and
the city's report after a publication, and a report queued from the page reports its progress."""

from __future__ import annotations

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker

from portal.celery import app
from portal.reports.tasks import after_publication_task, generate_report_task, get_progress
from supervision.documents.models import DocumentKind, IssuedDocument
from supervision.registry.models import Authority
from supervision.spotchecks.models import Verdict

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media_root")]


@pytest.fixture
def worker():
    app.conf.task_always_eager = False
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=30) as w:
        yield w


def _wait_for(condition, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


def test_it_issues_the_pdf_and_the_report_after_a_publication(worker, make_result):
    row = make_result(verdict=Verdict.FAIL, region="440106")
    outcome = after_publication_task.apply_async(args=[row.announcement.pk]).get(timeout=120)
    assert outcome == {**outcome, "state": "done", "reports": 1}  # a city's announcement: its own report
    assert IssuedDocument.objects.filter(kind=DocumentKind.ANNOUNCEMENT).count() == 1
    assert _wait_for(lambda: IssuedDocument.objects.filter(kind=DocumentKind.QUARTERLY_REPORT).exists())
    report = IssuedDocument.objects.get(kind=DocumentKind.QUARTERLY_REPORT)
    assert (report.authority.region_id, report.period, report.generated_by_label) == (
        "440100",
        "2026Q3",
        "system:celery",
    )
    # run again (a redelivery): no second PDF of the announcement
    after_publication_task.apply_async(args=[row.announcement.pk]).get(timeout=120)
    assert IssuedDocument.objects.filter(kind=DocumentKind.ANNOUNCEMENT).count() == 1


def test_a_report_runs_in_the_worker_and_reports_its_progress(worker, official, make_result):
    make_result(verdict=Verdict.FAIL, region="440106")
    authority = Authority.objects.get(region_id="440100")
    task_id = f"report-test-{uuid.uuid4()}"
    result = generate_report_task.apply_async(
        kwargs={"authority_id": authority.pk, "year": 2026, "quarter": 3, "actor_id": official.pk}, task_id=task_id
    )
    seen = set()
    deadline = time.monotonic() + 120
    while not result.ready() and time.monotonic() < deadline:
        seen.add((get_progress(task_id) or {}).get("state"))
        time.sleep(0.05)
    outcome = result.get(timeout=10)
    progress = get_progress(task_id)
    assert progress["state"] == "done" and progress["percent"] == 100
    assert progress["number"] == outcome["number"] == "穗质监〔2026〕1号"
    assert "running" in seen
