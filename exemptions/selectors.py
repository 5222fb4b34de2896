"""Reads of exemptions (免检, 国发〔1999〕24号 第十六条): eligibility explained condition by condition,
the exemption that blocks a check, and the public catalogue.

Eligibility is derived, never stored: it is computed from the final results of the product's checks
on the day asked, the latest application and the settings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from exemptions.models import Exemption, ExemptionApplication, ExemptionEvent, ExemptionEventKind
from portal.access import register_region_path, scope_to_region
from supervision.publication.models import PublishedResult
from supervision.registry.models import Enterprise, Product, ProductCategory
from supervision.spotchecks.models import PlanLevel, Sample, Verdict
from supervision.spotchecks.selectors import product_samples_q, with_standing_verdict

REQUIRED_PASSES = 3  # 第十六条: 连续三次以上抽查合格
CHAIN_LEVELS = (PlanLevel.NATIONAL, PlanLevel.PROVINCIAL)  # 国家或省、自治区、直辖市质量技术监督部门
FAILING = (Verdict.FAIL, Verdict.FAIL_REFUSED)


def register_access() -> None:
    register_region_path(ExemptionApplication, "region")
    register_region_path(Exemption, "region")


# ---------------------------------------------------------------- eligibility


@dataclass(frozen=True)
class CheckResult:
    """One final result the explanation cites."""

    code: str
    sampled_on: dt.date
    level: str
    level_label: str
    verdict: str
    announcement: str  # the number of the announcement that published it, "" if not yet published


@dataclass
class Condition:
    key: str
    label: str
    met: bool
    why: str
    results: list[CheckResult] = field(default_factory=list)


@dataclass
class Eligibility:
    product: Product
    as_of: dt.date
    conditions: list[Condition]
    application: ExemptionApplication | None

    @property
    def eligible(self) -> bool:
        return all(c.met for c in self.conditions)

    def unmet(self) -> list[Condition]:
        return [c for c in self.conditions if not c.met]


def final_results_of(product: Product, *, as_of: dt.date) -> list[CheckResult]:
    """The product's final results on `as_of`, newest first, with the announcement that published each."""
    qs = (
        with_standing_verdict(Sample.objects.filter(product_samples_q(product), sampled_on__lte=as_of), as_of=as_of)
        .filter(is_final=True)
        .select_related("task__plan")
        .order_by("-sampled_on", "-id")
    )
    numbers = dict(
        PublishedResult.objects.filter(sample__in=[s.pk for s in qs], corrects__isnull=True).values_list(
            "sample_id", "announcement__number"
        )
    )
    levels = dict(PlanLevel.choices)
    return [
        CheckResult(
            code=s.code,
            sampled_on=s.sampled_on,
            level=s.task.plan.level,
            level_label=str(levels.get(s.task.plan.level, s.task.plan.level)),
            verdict=s.standing_verdict or "",
            announcement=numbers.get(s.pk, ""),
        )
        for s in qs
    ]


def eligibility(product: Product, *, as_of: dt.date) -> Eligibility:
    """Whether the product may be designated on `as_of` (第十六条), each condition met or not and why."""
    results = final_results_of(product, as_of=as_of)
    conditions = [
        _consecutive_passes(results),
        _stability(results, as_of),
    ]
    application = (
        ExemptionApplication.objects.filter(product=product, applied_on__lte=as_of)
        .select_related("standard_confirmed_by")
        .order_by("-applied_on", "-id")
        .first()
    )
    conditions += [_market_share(application), _standard(application)]
    return Eligibility(product=product, as_of=as_of, conditions=conditions, application=application)


def _consecutive_passes(results: list[CheckResult]) -> Condition:
    chain: list[CheckResult] = []
    broken_by: CheckResult | None = None
    for r in results:  # newest first; city and county results neither make nor break the chain
        if r.level not in CHAIN_LEVELS:
            continue
        if r.verdict in FAILING:
            broken_by = r
            break
        chain.append(r)
    met = len(chain) >= REQUIRED_PASSES
    if met:
        why = _("最近连续%(n)d次国家或省级监督抽查合格（至少须%(need)d次）。") % {
            "n": len(chain),
            "need": REQUIRED_PASSES,
        }
    elif broken_by is not None:
        why = _("%(day)s的%(level)s抽查（样品%(code)s）不合格，此后仅有%(n)d次合格，须连续%(need)d次以上。") % {
            "day": broken_by.sampled_on,
            "level": broken_by.level_label,
            "code": broken_by.code,
            "n": len(chain),
            "need": REQUIRED_PASSES,
        }
    else:
        why = _("国家或省级监督抽查合格%(n)d次，须连续%(need)d次以上。") % {"n": len(chain), "need": REQUIRED_PASSES}
    return Condition("passes", _("连续三次以上国家或省级抽查合格"), met, why, chain)


def _stability(results: list[CheckResult], as_of: dt.date) -> Condition:
    months = settings.EXEMPTION_STABILITY_MONTHS
    since = as_of - relativedelta(months=months)
    failures = [r for r in results if r.verdict in FAILING and r.sampled_on > since]
    if failures:
        first = failures[0]
        why = _("%(day)s的%(level)s抽查（样品%(code)s）不合格，在%(months)d个月的质量稳定期内。") % {
            "day": first.sampled_on,
            "level": first.level_label,
            "code": first.code,
            "months": months,
        }
    else:
        why = _("%(since)s以来（%(months)d个月）各级抽查均无不合格。") % {"since": since, "months": months}
    return Condition("stability", _("产品质量长期稳定"), not failures, why, failures)


def _market_share(application: ExemptionApplication | None) -> Condition:
    minimum = Decimal(str(settings.EXEMPTION_MIN_MARKET_SHARE))
    label = _("市场占有率高")
    if application is None:
        return Condition("market_share", label, False, _("尚无免检申请，未申报市场占有率。"))
    share = application.market_share
    met = share >= minimum
    why = (
        _("申报市场占有率%(share)s%%，不低于%(min)s%%。") if met else _("申报市场占有率%(share)s%%，低于%(min)s%%。")
    ) % {
        "share": share,
        "min": minimum,
    }
    return Condition("market_share", label, met, why)


def _standard(application: ExemptionApplication | None) -> Condition:
    label = _("企业标准达到或严于国家标准")
    if application is None:
        return Condition("standard", label, False, _("尚无免检申请，未申报企业标准。"))
    if application.standard_confirmed_by is None:
        return Condition(
            "standard",
            label,
            False,
            _("企业标准%(std)s已申报，尚待审核人员确认达到或严于国家标准。") % {"std": application.enterprise_standard},
        )
    return Condition(
        "standard",
        label,
        True,
        _("企业标准%(std)s经%(who)s确认达到或严于国家标准。")
        % {"std": application.enterprise_standard, "who": application.standard_confirmed_by},
    )


# ---------------------------------------------------------------- the exemption that blocks a check


def valid_exemptions(*, day: dt.date) -> models.QuerySet[Exemption]:
    """Designations in force on `day`: inside their period and not revoked on or before it."""
    revoked = ExemptionEvent.objects.filter(exemption=OuterRef("pk"), kind=ExemptionEventKind.REVOKED, on__lte=day)
    return Exemption.objects.filter(valid_from__lte=day, valid_to__gte=day).filter(~Exists(revoked))


def exemption_blocking(
    *, product: Product | None, producer: Enterprise, category: ProductCategory, day: dt.date
) -> Exemption | None:
    """The exemption that exempts this product from a check on `day` (第十六条), if the scheme is on."""
    if not settings.EXEMPTIONS_ENABLED:
        return None
    qs = valid_exemptions(day=day).select_related("product", "authority")
    if product is not None:
        return qs.filter(product=product).first()
    return qs.filter(product__enterprise=producer, product__category=category).first()


def task_blocker(
    *, product: Product | None, producer: Enterprise, category: ProductCategory, day: dt.date
) -> str | None:
    """Registered with the spot checks at start-up: why a task may not be created, or None."""
    found = exemption_blocking(product=product, producer=producer, category=category, day=day)
    if found is None:
        return None
    return _(
        "“%(product)s”为免检产品（证书%(no)s，%(authority)s确定），免检期至%(to)s，期内免于各种形式的检查（第十六条）。"
    ) % {"product": found.product, "no": found.certificate_no, "authority": found.authority.name, "to": found.valid_to}


def valid_exemption_of(product_ids: list[int], *, day: dt.date) -> dict[int, Exemption]:
    """The valid exemption of each product that has one (the mark beside a product on public pages)."""
    if not settings.EXEMPTIONS_ENABLED or not product_ids:
        return {}
    return {e.product_id: e for e in valid_exemptions(day=day).filter(product_id__in=product_ids)}


# ---------------------------------------------------------------- staff and public lists


def applications_for(user: Any) -> models.QuerySet[ExemptionApplication]:
    return scope_to_region(
        ExemptionApplication.objects.select_related(
            "product__enterprise", "product__category", "standard_confirmed_by"
        ),
        user,
    ).order_by("-applied_on", "-id")


def catalogue(
    *, day: dt.date, q: str = "", category: str = "", city: str = "", status: str = ""
) -> models.QuerySet[Exemption]:
    """The public catalogue of designations, newest first, searchable and filterable; each row's
    status on `day` is derived by `Exemption.status_on` (events prefetched)."""
    qs = Exemption.objects.select_related("product__enterprise", "product__category", "authority", "certificate")
    qs = qs.prefetch_related("events")
    if q:
        qs = qs.filter(
            Q(product__name__icontains=q)
            | Q(product__trademark__icontains=q)
            | Q(product__enterprise__name__icontains=q)
            | Q(certificate_no__icontains=q)
        )
    if category:
        qs = qs.filter(product__category__code=category)
    if city:
        qs = qs.filter(region__code__startswith=city[:4])
    revoked = ExemptionEvent.objects.filter(exemption=OuterRef("pk"), kind=ExemptionEventKind.REVOKED, on__lte=day)
    if status == "valid":
        qs = qs.filter(valid_from__lte=day, valid_to__gte=day).filter(~Exists(revoked))
    elif status == "revoked":
        qs = qs.filter(Exists(revoked))
    elif status == "expired":
        qs = qs.filter(valid_to__lt=day).filter(~Exists(revoked))
    return qs.order_by("-valid_from", "-id")


def feed_events(limit: int = 50) -> models.QuerySet[ExemptionEvent]:
    """Designations and revocations, newest first (the Atom feed)."""
    return (
        ExemptionEvent.objects.filter(kind__in=[ExemptionEventKind.DESIGNATED, ExemptionEventKind.REVOKED])
        .select_related("exemption__product__enterprise", "exemption__authority")
        .order_by("-on", "-id")[:limit]
    )
