"""Selectors for the public statistics pages (R10: pass rates by category, region, field and period).

国发〔1999〕24号 第十二条 and 粤府〔2000〕16号 二 forbid publishing any ranking, rating or "best of" of
enterprises or products. So every breakdown here is by category, city, field, level or quarter — never
by enterprise — and is ordered by code or period, never by its rate.

Only the current version of each published row counts: a row that a later correcting row replaces
(R5, "nothing published is edited in place") is left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from supervision.models import Field, PlanLevel, ProductCategory, PublishedResult, Region, RegionLevel, Verdict

FAILING = (Verdict.FAIL, Verdict.FAIL_REFUSED)
STATS_CACHE_SECONDS: int = getattr(settings, "PUBLIC_STATS_CACHE_SECONDS", 120)


@dataclass(frozen=True)
class RateRow:
    """Batches checked and failed in one group; the pass rate is derived, never stored."""

    key: str
    label: str
    batches: int
    failures: int

    @property
    def passes(self) -> int:
        return self.batches - self.failures

    @property
    def rate(self) -> Decimal | None:
        """Pass rate in percent, one decimal (3 of 4 → 75.0); None when nothing was checked."""
        if not self.batches:
            return None
        return (Decimal(self.passes) * 100 / Decimal(self.batches)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Statistics:
    year: int | None
    quarter: int | None
    total: RateRow
    by_category: list[RateRow] = field(default_factory=list)
    by_city: list[RateRow] = field(default_factory=list)
    by_field: list[RateRow] = field(default_factory=list)
    by_level: list[RateRow] = field(default_factory=list)
    by_quarter: list[RateRow] = field(default_factory=list)


def current_results() -> QuerySet[PublishedResult]:
    """Published rows that no correcting row has replaced (R5)."""
    return PublishedResult.objects.filter(~Exists(PublishedResult.objects.filter(corrects=OuterRef("pk"))))


def _counts() -> dict[str, Count]:
    return {"batches": Count("id"), "failures": Count("id", filter=Q(verdict__in=FAILING))}


def _filtered(*, year: int | None, quarter: int | None) -> QuerySet[PublishedResult]:
    qs = current_results()
    if year is not None:
        qs = qs.filter(year=year)
    if quarter is not None:
        qs = qs.filter(quarter=quarter)
    return qs


def _by_choices(qs: QuerySet[PublishedResult], name: str, choices: Iterable[tuple[str, str]]) -> list[RateRow]:
    got = {row[name]: row for row in qs.values(name).annotate(**_counts()).order_by()}
    rows = []
    for value, label in choices:  # the fixed order of the choices, whatever the rates
        row = got.get(value)
        rows.append(RateRow(value, str(label), row["batches"] if row else 0, row["failures"] if row else 0))
    return rows


def quarter_label(year: int, quarter: int) -> str:
    return _("%(year)s年第%(quarter)s季度") % {"year": year, "quarter": quarter}


def _by_quarter(qs: QuerySet[PublishedResult]) -> list[RateRow]:
    return [
        RateRow(f"{r['year']}Q{r['quarter']}", quarter_label(r["year"], r["quarter"]), r["batches"], r["failures"])
        for r in qs.values("year", "quarter").annotate(**_counts()).order_by("year", "quarter")
    ]


def _compute(*, year: int | None, quarter: int | None) -> Statistics:
    qs = _filtered(year=year, quarter=quarter)
    total = qs.aggregate(**_counts())
    by_category = [
        RateRow(r["category__code"], r["category__name"], r["batches"], r["failures"])
        for r in qs.values("category__code", "category__name").annotate(**_counts()).order_by("category__code")
    ]
    city_rows = list(qs.values("city_code").annotate(**_counts()).order_by("city_code"))
    names = dict(Region.objects.filter(code__in=[r["city_code"] for r in city_rows]).values_list("code", "name"))
    by_city = [
        RateRow(r["city_code"], names.get(r["city_code"], r["city_code"]), r["batches"], r["failures"])
        for r in city_rows
    ]
    return Statistics(
        year=year,
        quarter=quarter,
        total=RateRow("total", _("合计"), total["batches"] or 0, total["failures"] or 0),
        by_category=by_category,
        by_city=by_city,
        by_field=_by_choices(qs, "field", Field.choices),
        by_level=_by_choices(qs, "level", PlanLevel.choices),
        by_quarter=_by_quarter(qs),
    )


def public_statistics(*, year: int | None = None, quarter: int | None = None) -> Statistics:
    """Pass rates of current published rows, cached briefly: they aggregate the whole table.

    The cache key carries the newest row id, so a publication or a correction (always a new row)
    shows at once; the timeout only bounds how long an unchanged answer is reused.
    """
    newest = PublishedResult.objects.aggregate(m=Max("id"))["m"] or 0
    key = f"public-stats:v1:{get_language()}:{year}:{quarter}:{newest}"
    stats = cache.get(key)
    if stats is None:
        stats = _compute(year=year, quarter=quarter)
        cache.set(key, stats, STATS_CACHE_SECONDS)
    return stats


def category_quarter_rates(category: ProductCategory) -> list[RateRow]:
    """The category's pass rate by quarter, oldest first."""
    return _by_quarter(current_results().filter(category=category))


def published_years() -> list[int]:
    return list(current_results().order_by("-year").values_list("year", flat=True).distinct())


def city_choices() -> list[tuple[str, str]]:
    return list(Region.objects.filter(level=RegionLevel.CITY).order_by("code").values_list("code", "name"))


def exposure_results(
    *,
    city_code: str | None = None,
    category_code: str | None = None,
) -> QuerySet[PublishedResult]:
    """曝光 (第二十一条): current failures of focus products (health/safety, livelihood, complaints), newest first."""
    qs = current_results().filter(focus=True, verdict__in=FAILING)
    if city_code:
        qs = qs.filter(city_code=city_code)
    if category_code:
        qs = qs.filter(category__code=category_code)
    return qs.select_related("region").order_by("-published_on", "-id")


@dataclass(frozen=True)
class ExposurePage:
    rows: list[PublishedResult]
    next_cursor: str | None
    prev_cursor: str | None


def parse_cursor(raw: str | None) -> tuple[dt.date, int] | None:
    """A keyset cursor 'YYYY-MM-DD_id'; anything else means the first page."""
    if not raw or "_" not in raw:
        return None
    day, _sep, pk = raw.partition("_")
    try:
        return dt.date.fromisoformat(day), int(pk)
    except ValueError:
        return None


def _cursor(row: PublishedResult) -> str:
    return f"{row.published_on.isoformat()}_{row.pk}"


def exposure_page(
    qs: QuerySet[PublishedResult], *, after: str | None = None, before: str | None = None, size: int = 20
) -> ExposurePage:
    """Keyset paging on (published_on, id): no OFFSET and no exact count over a large table."""
    after_key, before_key = parse_cursor(after), parse_cursor(before)
    if before_key is not None:
        day, pk = before_key
        older_first = qs.filter(Q(published_on__gt=day) | Q(published_on=day, id__gt=pk)).order_by("published_on", "id")
        chunk = list(older_first[: size + 1])
        has_more_newer = len(chunk) > size
        rows = list(reversed(chunk[:size]))
        return ExposurePage(
            rows=rows,
            next_cursor=_cursor(rows[-1]) if rows else None,
            prev_cursor=_cursor(rows[0]) if rows and has_more_newer else None,
        )
    if after_key is not None:
        day, pk = after_key
        qs = qs.filter(Q(published_on__lt=day) | Q(published_on=day, id__lt=pk))
    chunk = list(qs[: size + 1])
    rows = chunk[:size]
    return ExposurePage(
        rows=rows,
        next_cursor=_cursor(rows[-1]) if len(chunk) > size else None,
        prev_cursor=_cursor(rows[0]) if rows and after_key is not None else None,
    )
