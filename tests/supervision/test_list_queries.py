"""No query per row on the lists staff use every day: the count with several rows stays that of one row.

Each list is loaded once with one row and once with several; the second must make no more queries
than the first (`django_assert_max_num_queries` with the first count), and must show every row.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from supervision.models import Enterprise, LicenceEventKind, LicenceKind
from supervision.registry import services as registry_services
from supervision.spotchecks import services
from tests.conftest import make_uscc
from tests.supervision.spotcheck_factory import ITEMS_ONE_FAIL, approve, make_plan, make_task, record_sample

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

SAMPLED = dt.date(2026, 9, 10)
NOTIFIED = dt.date(2026, 10, 1)
ROWS = 4


@pytest.fixture
def spot_checks(reviewer, inspector, inspector2, kettle_category, lab, tianhe):
    """`add(n, stage)` makes n more samples (of distinct enterprises: no repeat check) up to `stage`."""
    plan = make_plan(reviewer, kettle_category)
    team = [inspector, inspector2]
    made: list = []

    def add(n: int, stage: str) -> list:
        for _ in range(n):
            serial = 100 + len(made)
            ent = Enterprise.objects.create(
                uscc=make_uscc("440106", serial), name=f"广州市天河第{serial}电器厂", address="天河路", region=tianhe
            )
            task = make_task(reviewer, plan, ent, kettle_category, lab, team)
            made.append(task)
            if stage == "task":
                continue
            sample = record_sample(inspector, task, team, SAMPLED)
            if stage == "submitted":
                report = services.report_save_items(actor=inspector, report=sample.report, items=ITEMS_ONE_FAIL)
                services.report_submit(actor=inspector, report=report)
            elif stage == "final":
                approve(inspector, reviewer, sample, ITEMS_ONE_FAIL, NOTIFIED)
        return made

    return add


def _queries(fetch) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = fetch()
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries), response


def _no_query_per_row(fetch, add, stage: str, django_assert_max_num_queries, expect_rows) -> None:
    add(1, stage)
    one, response = _queries(fetch)
    expect_rows(response, 1)
    add(ROWS - 1, stage)
    with django_assert_max_num_queries(one):
        response = fetch()
    assert response.status_code == 200
    expect_rows(response, ROWS)


def _html_rows(marker: str):
    def expect(response, n: int) -> None:
        assert response.content.decode().count(marker) == n

    return expect


def test_it_lists_my_tasks_without_a_query_per_task(client, inspector, spot_checks, django_assert_max_num_queries):
    client.force_login(inspector)
    _no_query_per_row(
        lambda: client.get(reverse("supervision:my-tasks")),
        spot_checks,
        "task",
        django_assert_max_num_queries,
        _html_rows("电器厂"),
    )


def test_it_lists_reports_awaiting_review_without_a_query_per_report(
    client, reviewer, spot_checks, django_assert_max_num_queries
):
    client.force_login(reviewer)
    _no_query_per_row(
        lambda: client.get(reverse("supervision:review-list")),
        spot_checks,
        "submitted",
        django_assert_max_num_queries,
        _html_rows("电器厂"),
    )


def test_it_lists_final_results_without_a_query_per_sample(
    client, reviewer, spot_checks, django_assert_max_num_queries
):
    client.force_login(reviewer)
    _no_query_per_row(
        lambda: client.get(reverse("supervision:final-list")),
        spot_checks,
        "final",
        django_assert_max_num_queries,
        _html_rows("电器厂"),
    )


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def _json_rows(response, n: int) -> None:
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert len(rows) == n


def test_it_lists_samples_by_api_without_a_query_per_sample(reviewer, spot_checks, django_assert_max_num_queries):
    api = _api(reviewer)

    def rows(response, n: int) -> None:
        _json_rows(response, n)
        body = response.json()
        first = (body["results"] if isinstance(body, dict) else body)[0]
        assert first["standing_verdict"] == "fail" and first["is_final"] is True
        assert first["enterprise_name"].endswith("电器厂")

    _no_query_per_row(
        lambda: api.get("/api/spotcheck/samples/"), spot_checks, "final", django_assert_max_num_queries, rows
    )


def test_it_lists_enterprises_by_api_without_a_query_per_enterprise(inspector, tianhe, django_assert_max_num_queries):
    api = _api(inspector)
    made = []

    def add(n: int, stage: str) -> None:
        for _ in range(n):
            made.append(
                Enterprise.objects.create(
                    uscc=make_uscc("440106", 200 + len(made)), name=f"企业{len(made)}", region=tianhe
                )
            )

    def rows(response, n: int) -> None:
        _json_rows(response, n)
        assert all(r["region"] == "440106" for r in (response.json().get("results") or response.json()))

    _no_query_per_row(lambda: api.get("/api/enterprises/"), add, "", django_assert_max_num_queries, rows)


@pytest.fixture
def licences(enforcement_officer, enterprise, kettle_category):
    """`add(n, stage)` issues n more licences; every second one is suspended."""
    made = []

    def add(n: int, stage: str) -> None:
        for _ in range(n):
            licence = registry_services.licence_issue(
                actor=enforcement_officer,
                kind=LicenceKind.PRODUCTION,
                number=f"XK16-108-{len(made):05d}",
                holder=enterprise,
                categories=[kettle_category],
                valid_from=dt.date(2025, 1, 1),
                valid_to=dt.date(2030, 1, 1),
            )
            if len(made) % 2:
                registry_services.licence_record_event(
                    actor=enforcement_officer,
                    licence=licence,
                    kind=LicenceEventKind.SUSPENDED,
                    on=dt.date(2026, 1, 5),
                    reason="抽查不合格",
                )
            made.append(licence)

    return add


def test_it_lists_licences_by_api_without_a_query_per_licence(
    enforcement_officer, licences, django_assert_max_num_queries
):
    api = _api(enforcement_officer)

    def rows(response, n: int) -> None:
        _json_rows(response, n)
        body = response.json()
        statuses = sorted(r["status"] for r in (body["results"] if isinstance(body, dict) else body))
        assert statuses == sorted(["suspended" if i % 2 else "valid" for i in range(n)])

    _no_query_per_row(lambda: api.get("/api/licences/"), licences, "", django_assert_max_num_queries, rows)


def test_it_lists_licences_in_the_admin_without_a_query_per_licence(
    client, administrator, licences, django_assert_max_num_queries
):
    client.force_login(administrator)

    def rows(response, n: int) -> None:
        html = response.content.decode()
        assert html.count("XK16-108-") == n
        assert html.count(">暂停<") == n // 2

    _no_query_per_row(
        lambda: client.get(reverse("admin:supervision_licence_changelist")),
        licences,
        "",
        django_assert_max_num_queries,
        rows,
    )
