"""The demo spot checks: made through the services, every state present, past quarters final."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from supervision.models import ItemResult, Objection, ObjectionStatus, Reinspection, ReportStatus, Sample, Task
from supervision.spotchecks.requirements import suggest_verdict
from supervision.spotchecks.selectors import awaiting_objection_deadline, final_samples

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def test_it_seeds_spot_checks_in_every_state_with_the_last_quarter_final():
    call_command("seed_demo", stdout=io.StringIO())
    today = timezone.localdate()
    assert 150 <= Sample.objects.count() <= 300
    q = (today.month - 1) // 3 + 1
    start = dt.date(today.year, 3 * q - 2, 1)
    previous_start = dt.date(today.year - (q == 1), 3 * ((q - 2) % 4) + 1, 1)
    previous = Sample.objects.filter(sampled_on__gte=previous_start, sampled_on__lt=start)
    assert previous.exists()
    assert previous.count() == final_samples(as_of=today).filter(pk__in=previous).count()
    current = Sample.objects.filter(sampled_on__gte=start)
    statuses = set(current.filter(refused=False).values_list("report__status", flat=True))
    assert {ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.APPROVED} <= statuses
    assert Objection.objects.filter(status=ObjectionStatus.OPEN, sample__in=current).exists()
    assert Reinspection.objects.filter(objection__sample__in=current).exists()
    from portal.models import User

    reviewer = User.objects.get(username="gz_reviewer")
    assert awaiting_objection_deadline(reviewer, today).exists()
    refused = current.filter(refused=True).first()
    compulsory = Task.objects.get(origin_sample=refused)
    assert compulsory.compulsory and compulsory.cost_payer_id == refused.task.enterprise_id and compulsory.cost > 0
    assert final_samples(as_of=today).filter(pk__in=current, refused=False).exists()
    # no item shows a measured value that its numeric requirement contradicts
    numeric, contradicted = 0, []
    for requirement, measured, unit, verdict in ItemResult.objects.values_list(
        "requirement", "measured", "unit", "verdict"
    ):
        suggestion = suggest_verdict(requirement, measured, unit)
        if suggestion is None:
            continue
        numeric += 1
        if suggestion.verdict != verdict:
            contradicted.append((requirement, measured, unit, verdict))
    assert numeric > 100  # the catalogue's numeric requirements are checked, not skipped
    assert contradicted == []
