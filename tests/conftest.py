"""Standing personas and registry fixtures shared by every test folder.

Personas: inspector/reviewer/enforcement/official of 广州 (440100), an inspector of 天河区
(440106, below 广州), an outsider inspector of 深圳 (440300), the provincial administrator.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from stdnum.cn import uscc

from exemptions import services as exemptions
from exemptions.models import ExemptionApplication
from portal.models import Role, User
from supervision.models import (
    Announcement,
    AnnouncementKind,
    Authority,
    CatalogueItem,
    Enterprise,
    Field,
    Institution,
    PlanLevel,
    Product,
    ProductCategory,
    PublishedResult,
    Region,
    Sample,
    Standard,
    Verdict,
)
from supervision.spotchecks import services
from tests.supervision.spotcheck_factory import (
    ITEMS_ONE_FAIL,
    ITEMS_PASS,
    SAMPLING_RECORD,
    make_plan,
    make_task,
    record_sample,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PASSWORD = "demo-pass-123"


def pytest_configure(config: pytest.Config) -> None:
    """A fast hasher: PBKDF2 at a million rounds costs 0.26 s per persona, most of a run (healthchecks does the same).
    Nothing has hashed a password yet here, so Django's cached hasher list is still empty."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A publication enqueues its PDF and 22 reports after its commit; in the transactional tests
    # that would leave minutes of rendering on the shared broker. The tests of it turn it on.
    settings.REPORTS_AFTER_PUBLICATION = False
    # Parallel test processes share the broker but not the database: each sends to and consumes
    # from a queue of its own, or one process's worker would run another's tasks on the wrong data.
    import os

    from portal.celery import app

    queue = f"celery-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    app.conf.task_default_queue = queue


@pytest.fixture(autouse=True)
def _regions_after_flush(request):
    """Transactional tests flush the tables, data migrations included: put the regions back."""
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        request.getfixturevalue("transactional_db")
        from supervision.models import Authority
        from supervision.registry import regions_gd

        regions_gd.load(Region, Authority)


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language: a request or test that switched to English
    must not leak it into the next test's messages."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded files (seal photos, signed reports) go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def make_uscc(region_code: str, serial: int) -> str:
    base = f"91{region_code}{serial:09d}"
    return base + uscc.calc_check_digit(base)


def make_user(username: str, region_code: str | None, *roles: str, **extra) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        region=Region.objects.get(code=region_code) if region_code else None,
        roles=list(roles),
        full_name=extra.pop("full_name", username),
        enforcement_id=extra.pop("enforcement_id", f"ZF{abs(hash(username)) % 10**8:08d}"),
        **extra,
    )
    return user


@pytest.fixture
def guangzhou(db) -> Region:
    return Region.objects.get(code="440100")


@pytest.fixture
def tianhe(db) -> Region:
    return Region.objects.get(code="440106")


@pytest.fixture
def shenzhen(db) -> Region:
    return Region.objects.get(code="440300")


@pytest.fixture
def inspector(db) -> User:
    return make_user("gz_inspector", "440100", Role.INSPECTOR, full_name="王检")


@pytest.fixture
def inspector2(db) -> User:
    return make_user("gz_inspector2", "440100", Role.INSPECTOR, full_name="李检")


@pytest.fixture
def reviewer(db) -> User:
    return make_user("gz_reviewer", "440100", Role.REVIEWER, full_name="陈审")


@pytest.fixture
def enforcement_officer(db) -> User:
    return make_user("gz_enforcement", "440100", Role.ENFORCEMENT, full_name="赵执")


@pytest.fixture
def official(db) -> User:
    return make_user("gz_official", "440100", Role.OFFICIAL, full_name="刘局")


@pytest.fixture
def tianhe_inspector(db) -> User:
    return make_user("th_inspector", "440106", Role.INSPECTOR, full_name="周检")


@pytest.fixture
def outsider(db) -> User:
    return make_user("sz_inspector", "440300", Role.INSPECTOR, full_name="深检")


@pytest.fixture
def administrator(db) -> User:
    return make_user("gd_admin", "440000", Role.ADMINISTRATOR, full_name="省管", is_staff=True)


@pytest.fixture
def kettle_category(db) -> ProductCategory:
    std = Standard.objects.create(
        code="GB 4706.19-2008", title="家用和类似用途电器的安全 液体加热器的特殊要求", mandatory=True
    )
    cat = ProductCategory.objects.create(
        code="0101", name="电水壶", health_safety=True, licence_required=True, complaint_focus=True
    )
    cat.standards.add(std)
    for seq, (name, clause) in enumerate(
        [
            ("标志和说明", "7"),
            ("对触及带电部件的防护", "8"),
            ("输入功率和电流", "10"),
            ("发热", "11"),
            ("泄漏电流和电气强度", "13"),
        ],
        start=1,
    ):
        CatalogueItem.objects.create(category=cat, standard=std, clause=clause, name=name, seq=seq)
    return cat


@pytest.fixture
def lab(db, kettle_category) -> Institution:
    inst = Institution.objects.create(
        name="广东产品质量监督检验研究院",
        accreditation_no="CMA-2024190001",
        region=Region.objects.get(code="440100"),
        valid_from=dt.date(2024, 1, 1),
        valid_to=dt.date(2030, 12, 31),
    )
    inst.categories.add(kettle_category)
    inst.standards.add(*kettle_category.standards.all())  # accredited for the category's current standard
    return inst


@pytest.fixture
def second_lab(db, kettle_category) -> Institution:
    """Another institution in scope: a re-inspection is done by another lab than the first (R4)."""
    inst = Institution.objects.create(
        name="国家日用电器质量检验检测中心（广州）",
        accreditation_no="CMA-2024190002",
        region=Region.objects.get(code="440106"),
        valid_from=dt.date(2024, 1, 1),
        valid_to=dt.date(2030, 12, 31),
    )
    inst.categories.add(kettle_category)
    inst.standards.add(*kettle_category.standards.all())
    return inst


@pytest.fixture
def enterprise(db, tianhe) -> Enterprise:
    return Enterprise.objects.create(
        uscc=make_uscc("440106", 1), name="广州市天河电器有限公司", address="广州市天河区天河路1号", region=tianhe
    )


@pytest.fixture
def shenzhen_enterprise(db, shenzhen) -> Enterprise:
    return Enterprise.objects.create(
        uscc=make_uscc("440305", 2),
        name="深圳市南山童装有限公司",
        address="深圳市南山区科技园",
        region=Region.objects.get(code="440305"),
    )


@pytest.fixture
def kettle(db, enterprise, kettle_category) -> Product:
    return Product.objects.create(
        enterprise=enterprise,
        category=kettle_category,
        name="电水壶",
        trademark="美的好",
        model_spec="MK-17S05",
        is_main=True,
    )


# ---------------------------------------------------------------- a spot check through the services


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


# ---------------------------------------------------------------- published rows, written directly (the public pages read only them)

_serial = itertools.count(1)


@pytest.fixture
def make_announcement(db) -> Callable[..., Announcement]:
    def make(*, year: int = 2026, quarter: int = 3, region: str = "440100", **extra) -> Announcement:
        kind = extra.pop("kind", AnnouncementKind.QUARTERLY)
        if kind == AnnouncementKind.QUARTERLY:
            found = Announcement.objects.filter(region_id=region, year=year, quarter=quarter, kind=kind).first()
            if found:
                return found
        n = next(_serial)
        return Announcement.objects.create(
            number=extra.pop("number", f"穗质监公告〔{year}〕{n}号"),
            title=extra.pop("title", f"{year}年第{quarter}季度产品质量监督抽查结果公告"),
            kind=kind,
            year=year,
            quarter=quarter,
            region_id=region,
            published_at=extra.pop("published_at", dt.datetime(year, quarter * 3, 28, 9, tzinfo=dt.UTC)),
            **extra,
        )

    return make


@pytest.fixture
def make_result(db, kettle_category, make_announcement) -> Callable[..., PublishedResult]:
    """make_result(verdict="fail", category=..., region="440106", year=2026, quarter=3, focus=None, ...)."""

    def make(**overrides) -> PublishedResult:
        category: ProductCategory = overrides.pop("category", kettle_category)
        region = Region.objects.get(code=overrides.pop("region", "440106"))
        year, quarter = overrides.pop("year", 2026), overrides.pop("quarter", 3)
        announcement = overrides.pop("announcement", None) or make_announcement(
            year=year, quarter=quarter, region=region.code[:4] + "00"
        )
        verdict = overrides.pop("verdict", Verdict.PASS)
        n = next(_serial)
        fields = {
            "announcement": announcement,
            "published_on": dt.date(year, min(quarter * 3, 12), 28),
            "sampled_on": dt.date(year, quarter * 3 - 2, 10),
            "year": year,
            "quarter": quarter,
            "enterprise_name": f"广州市测试电器有限公司{n}",
            "product_name": category.name,
            "category": category,
            "category_name": category.name,
            "focus": category.is_focus,
            "trademark": f"商标{n}",
            "model_spec": f"MK-{n:03d}",
            "field": Field.PRODUCTION,
            "level": PlanLevel.CITY,
            "verdict": verdict,
            "failed_items": "泄漏电流和电气强度" if verdict == Verdict.FAIL else "",
            "institution_name": "广东产品质量监督检验研究院",
            "region": region,
            "city_code": region.code[:4] + "00",
        }
        fields.update(overrides)
        return PublishedResult.objects.create(**fields)

    return make


@pytest.fixture
def toy_category(db) -> ProductCategory:
    """A category outside the focus flags: its failures are published but not exposed."""
    std = Standard.objects.create(code="GB/T 9999-2020", title="一般玩具通用要求", mandatory=False)
    cat = ProductCategory.objects.create(code="0205", name="塑料收纳盒")
    cat.standards.add(std)
    return cat


# ---------------------------------------------------------------- final results of the kettle, and exemption applications


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
