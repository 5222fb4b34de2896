"""After a publication commits, its PDF and reports are handed to the worker by name (the
publication never imports the reports); with the switch off, nothing is queued."""

from __future__ import annotations

import datetime as dt

import pytest

from supervision.publication import services
from supervision.publication.services import publish_quarter
from tests.supervision.pub_factory import make_sample


@pytest.fixture
def final_sample(official, enterprise, kettle_category, lab):
    return make_sample(
        actor=official,
        enterprise=enterprise,
        category=kettle_category,
        institution=lab,
        sampled_on=dt.date(2026, 5, 10),
        notified_on=dt.date(2026, 5, 20),
    )


def test_it_queues_the_documents_after_the_commit(
    final_sample, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.REPORTS_AFTER_PUBLICATION = True
    sent = []
    monkeypatch.setattr(services, "enqueue", lambda name, *args, **kw: sent.append((name, args)))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        announcement = publish_quarter(actor_or_label="system:test", year=2026, quarter=2)
    assert ("portal.reports.after_publication", (announcement.pk,)) in sent
    assert callbacks


def test_it_queues_nothing_with_the_switch_off(final_sample, settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.REPORTS_AFTER_PUBLICATION = False
    sent = []
    monkeypatch.setattr(services, "enqueue", lambda name, *args, **kw: sent.append(name))
    with django_capture_on_commit_callbacks(execute=True):
        publish_quarter(actor_or_label="system:test", year=2026, quarter=2)
    assert "portal.reports.after_publication" not in sent
