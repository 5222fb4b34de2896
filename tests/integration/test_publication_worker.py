"""R5 end to end: a real Celery worker on the real Redis broker publishes a closed quarter."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from celery.contrib.testing.worker import start_worker

from portal.celery import app
from supervision.models import Announcement, PublishedResult
from supervision.publication.tasks import get_progress, publish_quarter_task
from tests.supervision.pub_factory import make_sample

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker():
    app.conf.task_always_eager = False
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=10) as w:
        yield w


def test_it_publishes_a_quarter_in_the_worker_and_reports_progress(worker, official, enterprise, kettle_category, lab):
    sample = make_sample(
        actor=official,
        enterprise=enterprise,
        category=kettle_category,
        institution=lab,
        sampled_on=dt.date(2026, 5, 10),
        notified_on=dt.date(2026, 5, 20),
    )
    task_id = f"pub-test-{uuid.uuid4()}"  # a fixed id would read a stored result of an earlier run
    result = publish_quarter_task.apply_async(kwargs={"year": 2026, "quarter": 2}, task_id=task_id)
    outcome = result.get(timeout=60)
    announcement = Announcement.objects.get(pk=outcome["announcement"])
    assert announcement.row_count == 1
    assert PublishedResult.objects.get().sample_id == sample.pk
    assert get_progress(task_id)["state"] == "done"
    # running it again (a retry, or beat and an official at once) publishes nothing more
    again = publish_quarter_task.apply_async(kwargs={"year": 2026, "quarter": 2}).get(timeout=60)
    assert again["announcement"] == announcement.pk
    assert PublishedResult.objects.count() == 1
