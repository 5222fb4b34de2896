"""Factories for published rows: the public pages read PublishedResult only, so tests write it directly."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

import pytest
from django.core.cache import cache

from supervision.models import (
    Announcement,
    AnnouncementKind,
    Field,
    PlanLevel,
    ProductCategory,
    PublishedResult,
    Region,
    Standard,
    Verdict,
)

_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The statistics are cached (keyed by the newest row id); start every test from an empty cache.
    cache.clear()
    yield
    cache.clear()


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
