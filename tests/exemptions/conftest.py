"""Final spot-check results of the kettle, made through the services at any level and verdict."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from exemptions import services as exemptions
from exemptions.models import ExemptionApplication
from portal.models import Role
from supervision.models import Authority, PlanLevel, Sample
from supervision.spotchecks import services
from tests.conftest import make_user
from tests.supervision.spotcheck_factory import ITEMS_ONE_FAIL, ITEMS_PASS, SAMPLING_RECORD

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _scheme_on(settings):
    settings.EXEMPTIONS_ENABLED = True
    settings.EXEMPTION_STABILITY_MONTHS = 24
    settings.EXEMPTION_MIN_MARKET_SHARE = "10"


@pytest.fixture
def provincial_official(db):
    return make_user("gd_official", "440000", Role.OFFICIAL, full_name="郑厅")


@pytest.fixture
def checked(provincial_official, reviewer, inspector, inspector2, kettle, lab) -> Callable[..., Sample]:
    """checked(level, sampled_on, passed=True): a final result of the kettle at that level."""
    lab.valid_from = dt.date(2020, 1, 1)
    lab.save()
    planners = {PlanLevel.PROVINCIAL: provincial_official, PlanLevel.NATIONAL: provincial_official}

    def make(level: str, sampled_on: dt.date, passed: bool = True) -> Sample:
        planner = planners.get(level, reviewer)
        authority = "440000" if level in planners else "440100"
        plan = services.plan_create(
            actor=planner,
            title=f"{level} {sampled_on}",
            level=level,
            year=sampled_on.year,
            quarter=(sampled_on.month - 1) // 3 + 1,
            field="production",
            categories=[kettle.category],
            authority=Authority.objects.get(region_id=authority),
        )
        task = services.task_create(
            actor=planner,
            plan=plan,
            enterprise=kettle.enterprise,
            category=kettle.category,
            institution=lab,
            samplers=[inspector, inspector2],
            product=kettle,
            today=sampled_on,
        )
        sample = services.sample_record(
            actor=inspector, task=task, samplers=[inspector, inspector2], sampled_on=sampled_on, **SAMPLING_RECORD
        )
        items = ITEMS_PASS if passed else ITEMS_ONE_FAIL
        services.report_save_items(actor=inspector, report=sample.report, items=items, tested_on=sampled_on)
        services.report_submit(actor=inspector, report=sample.report)
        services.report_approve(actor=reviewer, report=sample.report, today=sampled_on + dt.timedelta(days=2))
        return sample

    return make


@pytest.fixture
def apply(provincial_official, reviewer, kettle) -> Callable[..., ExemptionApplication]:
    def make(share: str = "15", confirm: bool = True, applied_on: dt.date | None = None) -> ExemptionApplication:
        application = exemptions.application_record(
            actor=provincial_official,
            product=kettle,
            applied_on=applied_on or dt.date(2026, 11, 1),
            market_share=Decimal(share),
            enterprise_standard="Q/TH 001-2025",
            standard_comparison="泄漏电流限值0.5mA，严于国家标准的0.75mA。",
            evidence=[(SimpleUploadedFile("standard.png", PNG, content_type="image/png"), "企业标准文本")],
        )
        if confirm:
            exemptions.application_confirm_standard(actor=reviewer, application=application)
        return application

    return make
