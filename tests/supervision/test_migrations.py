"""An upgrade keeps the data of the previous release: the institution's former "suspended" flag
becomes the first event of its history (migration 0006), and nothing else is lost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("supervision", "0005_published_fk_indexes")]
AFTER = [("supervision", "0006_institution_events")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_it_carries_a_suspension_over_into_the_institutions_history_and_back():
    old = _migrate(BEFORE)
    Region = old.get_model("supervision", "Region")
    Institution = old.get_model("supervision", "Institution")
    region = Region.objects.get(code="440100")
    kept = {"region": region, "valid_from": dt.date(2024, 1, 1), "valid_to": dt.date(2030, 12, 31)}
    Institution.objects.create(name="停用所", accreditation_no="CMA-S", suspended=True, **kept)
    Institution.objects.create(name="正常所", accreditation_no="CMA-V", suspended=False, **kept)

    new = _migrate(AFTER)
    Event = new.get_model("supervision", "InstitutionEvent")
    Institution = new.get_model("supervision", "Institution")
    assert Institution.objects.count() == 2  # nothing lost
    event = Event.objects.get()
    assert (event.institution.accreditation_no, event.kind, event.actor_id) == ("CMA-S", "suspended", None)
    assert "原“资质暂停”标记" in event.reason

    old = _migrate(BEFORE)  # and a downgrade restores the flag
    Institution = old.get_model("supervision", "Institution")
    assert dict(Institution.objects.values_list("accreditation_no", "suspended")) == {"CMA-S": True, "CMA-V": False}
    _migrate([("supervision", max_leaf())])


def max_leaf() -> str:
    executor = MigrationExecutor(connection)
    return max(name for app, name in executor.loader.graph.leaf_nodes() if app == "supervision")
