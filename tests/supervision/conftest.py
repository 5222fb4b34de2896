"""The spot check most tests of this folder start from: a city plan, its task for the kettle of the
天河 enterprise with two 广州 samplers, and its sample drawn on 2026-09-10, all through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from supervision.models import Institution, Region
from tests.supervision.spotcheck_factory import make_plan, make_task, record_sample


@pytest.fixture
def team(inspector, inspector2):
    return [inspector, inspector2]


@pytest.fixture
def plan(reviewer, kettle_category):
    return make_plan(reviewer, kettle_category)


@pytest.fixture
def task(reviewer, plan, enterprise, kettle_category, lab, team, kettle):
    return make_task(reviewer, plan, enterprise, kettle_category, lab, team, product=kettle)


@pytest.fixture
def sample(inspector, task, team):
    return record_sample(inspector, task, team, dt.date(2026, 9, 10))


@pytest.fixture
def unaccredited_lab(db) -> Institution:
    """A valid institution of 广州 whose accreditation covers no category at all (第十三条)."""
    return Institution.objects.create(
        name="某纺织品检测所",
        accreditation_no="CMA-X",
        region=Region.objects.get(code="440100"),
        valid_from=dt.date(2024, 1, 1),
        valid_to=dt.date(2030, 1, 1),
    )
