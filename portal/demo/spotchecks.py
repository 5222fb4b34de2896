"""Demo spot checks for `manage.py seed_demo`, made through the real services (so every rule holds).

Per city with demo staff (广州, 深圳) a plan per quarter of the current year, plus provincial plans
checked in 广州 and a circulation plan buying other cities' products in 广州 shops. The quarters
before the current one are final (the last one can be published); the current quarter holds every
state: draft items, awaiting review, returned, approved inside the objection window, an open
objection, a re-inspection, final passes and failures, and a refusal with its compulsory task.

The services stamp audit rows and review times with "now"; the demo moves them to the day the
act happened in the story, so timelines read as they would have.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from portal.models import AuditEvent, User
from supervision.registry.models import Authority, CatalogueItem, Enterprise, Institution, Product, ProductCategory
from supervision.spotchecks import services
from supervision.spotchecks.models import CustodyAction, Field, Plan, PlanLevel, Sample, Task, TestReport
from supervision.spotchecks.requirements import parse_requirement, suggest_verdict

FAIL_RATE = 0.14


@dataclass
class Team:
    planner: User
    inspector: User
    samplers: list[User]
    reviewer: User


@dataclass
class Story:
    today: dt.date
    rng: random.Random
    clock: Any
    items: dict[int, list[CatalogueItem]] = field(default_factory=dict)
    labs: dict[int, list[Institution]] = field(default_factory=dict)
    used: set[int] = field(default_factory=set)
    samples: int = 0


def _users() -> dict[str, User]:
    names = ["gz_inspector", "gz_inspector2", "gz_reviewer", "gz_official", "sz_inspector", "sz_reviewer", "gd_admin"]
    return {u.username: u for u in User.objects.filter(username__in=names)}


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    """A time on the story's day, never later than now (acts of today happened before now)."""
    return min(
        timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0))), timezone.now() - dt.timedelta(minutes=1)
    )


class _Clock:
    """Move the audit rows the last act wrote to the story's day (one UPDATE … RETURNING per act)."""

    def __init__(self) -> None:
        self.last = AuditEvent.objects.aggregate(m=Max("id"))["m"] or 0

    def to(self, day: dt.date, hour: int = 10) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {AuditEvent._meta.db_table} SET at = %s WHERE id > %s RETURNING id",  # noqa: S608
                [_moment(day, hour), self.last],
            )
            ids = [row[0] for row in cursor.fetchall()]
        if ids:
            self.last = max(ids)


def _quarter_start(year: int, quarter: int) -> dt.date:
    return dt.date(year, 3 * quarter - 2, 1)


def _quarters(today: dt.date) -> list[tuple[int, int]]:
    """The current quarter and the three before it, oldest first."""
    q = (today.month - 1) // 3 + 1
    out = []
    year = today.year
    for _ in range(4):
        out.append((year, q))
        q -= 1
        if q == 0:
            year, q = year - 1, 4
    return list(reversed(out))


def _measured(rng: random.Random, requirement: str, unit: str, passes: bool) -> str:
    """A measured value that reads as the verdict says: inside a numeric requirement for a pass,
    outside it for a failure (the page suggests the verdict from the two, so they must agree);
    "符合"/"不符合" for a requirement in words."""
    req = parse_requirement(requirement, unit)
    if req is None:
        if not unit:
            return "符合" if passes else "不符合"
        return f"{rng.uniform(0.1, 0.9):.2f}"  # no numeric requirement: no reading to contradict
    low = float(req.low.value) if req.low else None
    high = float(req.high.value) if req.high else None
    for _attempt in range(20):
        if low is not None and high is not None:
            span = high - low or 1.0
            value = low + span * rng.uniform(0.2, 0.8) if passes else high + span * rng.uniform(0.1, 0.5)
        elif high is not None:
            scale = abs(high) or 1.0
            value = high - scale * rng.uniform(0.1, 0.7) if passes else high + scale * rng.uniform(0.1, 0.6)
        else:
            assert low is not None
            scale = abs(low) or 1.0
            value = low + scale * rng.uniform(0.05, 0.4) if passes else low - scale * rng.uniform(0.05, 0.4)
        text = f"{value:.2f}"
        suggestion = suggest_verdict(requirement, text, unit)
        if suggestion is not None and (suggestion.verdict == "pass") is passes:
            return text
    return "符合" if passes else "不符合"


def _items_for(story: Story, category: ProductCategory, fail: bool) -> list[dict[str, Any]]:
    catalogue = story.items.get(category.pk) or []
    rows = [
        {
            "name": ci.name,
            "clause": ci.clause,
            "requirement": ci.requirement,
            "measured": _measured(story.rng, ci.requirement, ci.unit, passes=True),
            "unit": ci.unit,
            "verdict": "pass",
        }
        for ci in catalogue
    ] or [{"name": "标志", "clause": "4", "requirement": "符合标准", "measured": "符合", "unit": "", "verdict": "pass"}]
    if fail:
        bad = story.rng.choice(rows)
        bad["verdict"] = "fail"
        bad["measured"] = _measured(story.rng, bad["requirement"], bad["unit"], passes=False)
    return rows


def _sample_fields(story: Story, product: Product, task: Task) -> dict[str, Any]:
    rng = story.rng
    drawn = rng.choice([4, 6, 8, 10])
    online = task.field == Field.ONLINE
    return {
        "product_name": product.name,
        "trademark": product.trademark,
        "model_spec": product.model_spec,
        "batch": f"{rng.randrange(2025, 2027)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}",
        "executed_standard": (product.category.standards.values_list("code", flat=True).first() or ""),
        "place_kind": "online" if online else ("shelf" if task.field == Field.CIRCULATION else "finished_store"),
        "place": task.shop_name or "成品库",
        "sampling_base": drawn * rng.randrange(20, 200),
        "quantity_drawn": drawn,
        "quantity_retained": drawn // 2,
        "unit_price": Decimal(rng.randrange(30, 600)) if task.field != Field.PRODUCTION else None,
        "sealed": True,
        "label_name": True,
        "label_address": True,
        "label_standard": rng.random() > 0.05,
        "label_certificate": rng.random() > 0.05,
        "label_production_date": True,
        "unit_signatory": task.enterprise.contact or "经办人",
    }


def _pick_lab(story: Story, category: ProductCategory, *, besides: Institution | None = None) -> Institution | None:
    labs = [lab for lab in story.labs.get(category.pk, []) if lab != besides]
    return story.rng.choice(labs) if labs else None


def _png() -> ContentFile[bytes]:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    body = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    body += chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b"")
    return ContentFile(b"\x89PNG\r\n\x1a\n" + body, name="seal.png")


def _run_sample(
    story: Story, team: Team, plan: Plan, task: Task, product: Product, sampled_on: dt.date, state: str
) -> Sample | None:
    """Take one task through the acts up to `state`, each on its day of the story."""
    rng, today = story.rng, story.today
    clock = story.clock
    if state == "refused":
        sample = services.sample_record_refusal(
            actor=team.inspector,
            task=task,
            samplers=team.samplers,
            sampled_on=sampled_on,
            witnesses="所在街道办事处工作人员 " + rng.choice(["张伟", "李娜", "陈静"]),
            note="企业负责人拒绝抽样，拒绝在抽样单上签字。",
            cost=Decimal(rng.randrange(1200, 3000)),
            due_date=min(sampled_on + dt.timedelta(days=30), today + dt.timedelta(days=30)),
        )
        clock.to(sampled_on, 15)
        return sample
    sample = services.sample_record(
        actor=team.inspector,
        task=task,
        samplers=team.samplers,
        sampled_on=sampled_on,
        **_sample_fields(story, product, task),
    )
    clock.to(sampled_on)
    received = min(sampled_on + dt.timedelta(days=1), today)
    services.custody_record(
        actor=team.inspector,
        sample=sample,
        action=CustodyAction.RECEIVED,
        holder=task.institution.name,
        at=_moment(received, 14),
        location=task.institution.name,
        note="封样完好",
    )
    clock.to(received, 14)
    story.samples += 1
    if state == "draft_empty":
        return sample
    fail = rng.random() < FAIL_RATE or state in ("objection", "reinspected", "reinspected_confirmed")
    tested_on = min(sampled_on + dt.timedelta(days=rng.randrange(6, 12)), today)
    report = services.report_save_items(
        actor=team.inspector,
        report=sample.report,
        items=_items_for(story, task.category, fail),
        report_no=f"{task.institution.accreditation_no[-4:]}-{sample.code[-9:]}",
        tested_on=tested_on,
    )
    clock.to(tested_on, 16)
    if state == "draft":
        return sample
    submitted_on = min(tested_on + dt.timedelta(days=rng.randrange(1, 4)), today)
    services.report_submit(actor=team.inspector, report=report)
    clock.to(submitted_on, 11)
    TestReport.objects.filter(pk=report.pk).update(submitted_at=_moment(submitted_on, 11))
    if state == "submitted":
        return sample
    if state == "returned":
        services.report_return(
            actor=team.reviewer, report=report, reason="检验项目“发热”未注明试验条件，请补充后重新提交。"
        )
        returned_on = min(submitted_on + dt.timedelta(days=1), today)
        clock.to(returned_on, 9)
        TestReport.objects.filter(pk=report.pk).update(reviewed_at=_moment(returned_on, 9))
        return sample
    notified_on = _notify_day(story, state, submitted_on)
    services.report_approve(actor=team.reviewer, report=report, today=notified_on)
    clock.to(notified_on, 15)
    TestReport.objects.filter(pk=report.pk).update(reviewed_at=_moment(notified_on, 15))
    if state in ("objection", "withdrawn", "reinspected", "reinspected_confirmed"):
        filed_on = min(notified_on + dt.timedelta(days=rng.randrange(2, 8)), today)
        objection = services.objection_file(
            actor=team.reviewer,
            sample=sample,
            reason="企业对不合格项目的检验结果有异议，申请对备样复检。",
            filed_on=filed_on,
            today=filed_on,  # recorded on the day it arrived, in the story
        )
        clock.to(filed_on)
        if state == "withdrawn":
            withdrawn_on = min(filed_on + dt.timedelta(days=3), today)
            services.objection_withdraw(actor=team.reviewer, objection=objection, reason="企业书面撤回异议申请。")
            clock.to(withdrawn_on)
        elif state.startswith("reinspected"):
            decided_on = min(filed_on + dt.timedelta(days=rng.randrange(6, 10)), today)
            confirmed = state == "reinspected_confirmed"
            failed = [i.name for i in report.items.filter(verdict="fail")]
            services.reinspection_record(
                actor=team.reviewer,
                objection=objection,
                # re-inspected by another institution than the one that tested first
                institution=_pick_lab(story, task.category, besides=task.institution) or task.institution,
                decided_on=decided_on,
                verdict="fail" if confirmed else "pass",
                failed_items="；".join(failed) if confirmed else "",
                report_no=f"FJ-{sample.code[-9:]}",
                fee=Decimal(rng.randrange(800, 2500)),
                seal_photo=_png(),
            )
            clock.to(decided_on, 16)
    return sample


def _notify_day(story: Story, state: str, submitted_on: dt.date) -> dt.date:
    today, rng = story.today, story.rng
    if state == "window":
        return max(submitted_on, today - dt.timedelta(days=rng.randrange(1, 14)))
    if state == "objection":
        return max(submitted_on, today - dt.timedelta(days=rng.randrange(6, 12)))
    if state in ("reinspected", "reinspected_confirmed", "withdrawn"):
        return min(submitted_on + dt.timedelta(days=rng.randrange(2, 6)), today - dt.timedelta(days=20))
    # a final verdict: notified more than OBJECTION_DAYS days ago
    return min(submitted_on + dt.timedelta(days=rng.randrange(2, 8)), today - dt.timedelta(days=17))


def _current_quarter_states(n: int) -> list[str]:
    fixed = ["draft_empty", "draft", "draft", "submitted", "submitted", "submitted", "returned", "window", "window"]
    fixed += ["window", "objection", "reinspected", "refused"]
    return fixed + ["final"] * max(0, n - len(fixed))


def _past_quarter_states(n: int, quarter_index: int) -> list[str]:
    fixed = ["reinspected_confirmed" if quarter_index % 2 else "reinspected", "withdrawn"]
    if quarter_index == 1:
        fixed.append("refused")
    return fixed + ["final"] * max(0, n - len(fixed))


def _sampling_day(story: Story, state: str, quarter: tuple[int, int], current: bool) -> dt.date:
    today, rng = story.today, story.rng
    start = _quarter_start(*quarter)
    if not current:
        end = _quarter_start(quarter[0] + quarter[1] // 4, quarter[1] % 4 + 1) - dt.timedelta(days=1)
        end = min(end, today - dt.timedelta(days=60))
        if end < start:
            return end
        return start + dt.timedelta(days=rng.randrange(0, (end - start).days + 1))
    back = {
        "draft_empty": (2, 5),
        "draft": (10, 16),
        "submitted": (14, 20),
        "returned": (14, 20),
        "window": (24, 34),
        "objection": (28, 36),
        "refused": (8, 20),
        "reinspected": (40, 50),
        "final": (40, 55),
    }[state]
    return max(start, today - dt.timedelta(days=rng.randrange(*back)))


def _city_plans(
    story: Story, team: Team, authority: Authority, products: list[Product], per_quarter: int, level: str
) -> None:
    rng = story.rng
    quarters = _quarters(story.today)
    region_name = authority.region.name
    for qi, quarter in enumerate(quarters):
        current = qi == len(quarters) - 1
        states = _current_quarter_states(per_quarter) if current else _past_quarter_states(per_quarter, qi)
        pool = [p for p in products if p.pk not in story.used]
        rng.shuffle(pool)
        chosen = pool[: len(states)]
        if not chosen:
            return
        categories = {p.category_id: p.category for p in chosen}
        clock = story.clock
        plan = services.plan_create(
            actor=team.planner,
            title=f"{quarter[0]}年第{quarter[1]}季度{region_name}{PlanLevel(level).label}产品质量监督抽查",
            level=level,
            year=quarter[0],
            quarter=quarter[1],
            field=Field.PRODUCTION,
            categories=list(categories.values()),
            authority=authority,
        )
        clock.to(_quarter_start(*quarter) - dt.timedelta(days=10))
        for product, state in zip(chosen, states, strict=False):
            sampled_on = _sampling_day(story, state, quarter, current)
            _task_and_sample(story, team, plan, product, product.enterprise, sampled_on, state)


def _task_and_sample(
    story: Story,
    team: Team,
    plan: Plan,
    product: Product,
    enterprise: Enterprise,
    sampled_on: dt.date,
    state: str,
    shop_name: str = "",
) -> Sample | None:
    lab = _pick_lab(story, product.category)
    if lab is None:
        return None
    assigned_on = sampled_on - dt.timedelta(days=7)
    try:
        clock = story.clock
        task = services.task_create(
            actor=team.planner,
            plan=plan,
            enterprise=enterprise,
            producer=product.enterprise if enterprise.pk != product.enterprise_id else None,
            category=product.category,
            product=product,
            institution=lab,
            samplers=team.samplers,
            field=plan.field,
            shop_name=shop_name,
            due_date=None,
            today=assigned_on,
        )
        clock.to(assigned_on, 9)
    except ValidationError:
        return None  # a repeat check the rules refuse: the demo simply picks another product
    story.used.add(product.pk)
    sample = _run_sample(story, team, plan, task, product, sampled_on, state)
    if state == "refused" and sample is not None and sampled_on < story.today - dt.timedelta(days=60):
        # an older refusal's compulsory check has since been carried out (at the enterprise's cost)
        compulsory = Task.objects.get(origin_sample=sample)
        later = sampled_on + dt.timedelta(days=20)
        _run_sample(story, team, plan, compulsory, product, later, "final")
    return sample


def _circulation_plan(
    story: Story, team: Team, authority: Authority, shops: list[Enterprise], products: list[Product]
) -> None:
    rng = story.rng
    year, quarter = _quarters(story.today)[-2]
    pool = [p for p in products if p.pk not in story.used]
    rng.shuffle(pool)
    chosen = pool[:12]
    if not chosen or not shops:
        return
    clock = story.clock
    plan = services.plan_create(
        actor=team.planner,
        title=f"{year}年第{quarter}季度{authority.region.name}流通领域产品质量监督抽查",
        level=PlanLevel.CITY,
        year=year,
        quarter=quarter,
        field=Field.CIRCULATION,
        categories=list({p.category_id: p.category for p in chosen}.values()),
        authority=authority,
    )
    clock.to(_quarter_start(year, quarter) - dt.timedelta(days=10))
    for product in chosen:
        shop = rng.choice(shops)
        sampled_on = _sampling_day(story, "final", (year, quarter), False)
        _task_and_sample(story, team, plan, product, shop, sampled_on, "final", shop_name=f"{shop.name}门市部")


def seed(*, rng: random.Random | None = None, **kwargs: Any) -> dict[str, int]:
    """Create the demo spot checks; returns counts. Needs the registry's demo users and catalogue."""
    rng = rng or random.Random(2026)  # noqa: S311 — demo data, not security
    users = _users()
    needed = ("gz_inspector", "gz_inspector2", "gz_reviewer", "gz_official")
    if any(name not in users for name in needed):
        return {"samples": 0}
    story = Story(today=timezone.localdate(), rng=rng, clock=_Clock())
    for ci in CatalogueItem.objects.order_by("category_id", "seq", "id"):
        story.items.setdefault(ci.category_id, []).append(ci)
    for inst in Institution.objects.filter(events__isnull=True, valid_from__lte=story.today, valid_to__gte=story.today):
        for cat_id in inst.categories.values_list("pk", flat=True):
            story.labs.setdefault(cat_id, []).append(inst)
    products = list(Product.objects.select_related("enterprise", "category").order_by("id"))
    in_city = {
        code: [p for p in products if p.enterprise.region_id.startswith(code[:4])] for code in ("440100", "440300")
    }

    gz = Team(
        planner=users["gz_official"],
        inspector=users["gz_inspector"],
        samplers=[users["gz_inspector"], users["gz_inspector2"]],
        reviewer=users["gz_reviewer"],
    )
    gz_authority = Authority.objects.select_related("region").get(region_id="440100")
    _city_plans(story, gz, gz_authority, in_city["440100"], per_quarter=22, level=PlanLevel.CITY)
    shops = list(Enterprise.objects.filter(region__code__startswith="4401").order_by("id")[:30])
    others = [p for p in products if not p.enterprise.region_id.startswith("4401")]
    _circulation_plan(story, gz, gz_authority, shops, others)
    if "gd_admin" in users:
        province = Team(planner=users["gd_admin"], inspector=gz.inspector, samplers=gz.samplers, reviewer=gz.reviewer)
        prov_authority = Authority.objects.select_related("region").get(region_id="440000")
        _city_plans(story, province, prov_authority, in_city["440100"], per_quarter=5, level=PlanLevel.PROVINCIAL)
    if "sz_inspector" in users and "sz_reviewer" in users:
        # 深圳 has one inspector in the demo; its reviewer (who holds an enforcement ID) samples alongside.
        sz = Team(
            planner=users["sz_reviewer"],
            inspector=users["sz_inspector"],
            samplers=[users["sz_inspector"], users["sz_reviewer"]],
            reviewer=users["sz_reviewer"],
        )
        sz_authority = Authority.objects.select_related("region").get(region_id="440300")
        _city_plans(story, sz, sz_authority, in_city["440300"], per_quarter=16, level=PlanLevel.CITY)
    return {"samples": Sample.objects.count()}
