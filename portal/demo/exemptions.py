"""Demo data stage called by `manage.py seed_demo`: two products with three provincial passes each,
their exemption applications, and two designations — one in force, one revoked on a confirmed
complaint (国发〔1999〕24号 第十六条). Everything goes through the services, act by act."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Count
from django.utils import timezone

from exemptions import services as exemptions
from exemptions.models import Exemption, RevocationGround
from portal.models import User
from supervision.registry.models import Authority, CatalogueItem, Product
from supervision.spotchecks import services
from supervision.spotchecks.models import PlanLevel

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _provincial_pass(product: Product, sampled_on: dt.date, users: dict[str, User], lab: Any) -> None:
    """One provincial check of the product that passed and became final (notified 20 days later)."""
    official, inspector, inspector2, reviewer = (
        users["gd_official"],
        users["gz_inspector"],
        users["gz_inspector2"],
        users["gz_reviewer"],
    )
    quarter = (sampled_on.month - 1) // 3 + 1
    plan = services.plan_create(
        actor=official,
        title=f"{sampled_on.year}年第{quarter}季度{product.category.name}省级监督抽查",
        level=PlanLevel.PROVINCIAL,
        year=sampled_on.year,
        quarter=quarter,
        field="production",
        categories=[product.category],
        authority=Authority.objects.get(region_id="440000"),
    )
    task = services.task_create(
        actor=official,
        plan=plan,
        enterprise=product.enterprise,
        category=product.category,
        institution=lab,
        samplers=[inspector, inspector2],
        product=product,
        today=sampled_on - dt.timedelta(days=3),
    )
    sample = services.sample_record(
        actor=inspector,
        task=task,
        samplers=[inspector, inspector2],
        sampled_on=sampled_on,
        product_name=product.name,
        trademark=product.trademark,
        model_spec=product.model_spec,
        batch=f"{sampled_on:%Y%m}01",
        executed_standard=product.category.standards.values_list("code", flat=True).first() or "",
        place_kind="finished_store",
        place="成品库",
        sampling_base=500,
        quantity_drawn=6,
        quantity_retained=3,
        sealed=True,
        label_name=True,
        label_address=True,
        label_standard=True,
        label_certificate=True,
        label_production_date=True,
        unit_signatory=product.enterprise.contact or "经办人",
    )
    items = [
        {
            "name": ci.name,
            "clause": ci.clause,
            "requirement": ci.requirement,
            "measured": "符合",
            "unit": ci.unit,
            "verdict": "pass",
        }
        for ci in CatalogueItem.objects.filter(category=product.category).order_by("seq")
    ]
    tested_on = sampled_on + dt.timedelta(days=8)
    services.report_save_items(
        actor=inspector, report=sample.report, items=items, report_no=f"SJ-{sample.code[-9:]}", tested_on=tested_on
    )
    services.report_submit(actor=inspector, report=sample.report)
    services.report_approve(actor=reviewer, report=sample.report, today=tested_on + dt.timedelta(days=3))


def _candidates(users: dict[str, User]) -> list[Product]:
    """Products of Guangzhou enterprises never checked in the demo story, in categories a lab covers."""
    return list(
        Product.objects.filter(enterprise__region__code__startswith="4401", tasks__isnull=True)
        .annotate(labs=Count("category__institutions"))
        .filter(labs__gt=0, category__items__isnull=False)
        .select_related("enterprise", "category")
        .distinct()
        .order_by("id")[:2]
    )


def seed(*, rng: random.Random | None = None, **kwargs: Any) -> dict[str, int]:
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["gd_official", "gz_inspector", "gz_inspector2", "gz_reviewer"])
    }
    if len(users) < 4:
        return {"exemptions": 0}
    today = timezone.localdate()
    previous = settings.EXEMPTIONS_ENABLED
    settings.EXEMPTIONS_ENABLED = True  # the demo shows the scheme whatever the deployment's switch
    try:
        made = []
        for n, product in enumerate(_candidates(users)):
            lab = product.category.institutions.order_by("id").first()
            for months_ago in (26, 18, 10):
                _provincial_pass(product, today - dt.timedelta(days=30 * months_ago + n), users, lab)
            application = exemptions.application_record(
                actor=users["gd_official"],
                product=product,
                applied_on=today - dt.timedelta(days=20),
                market_share=Decimal("18.50") if n == 0 else Decimal("12.00"),
                enterprise_standard=f"Q/GZ {1000 + n}-2025",
                standard_comparison="泄漏电流、输入功率偏差等关键指标严于国家标准。",
                evidence=[(ContentFile(PNG, name="standard.png"), "企业标准文本")],
            )
            exemptions.application_confirm_standard(actor=users["gz_reviewer"], application=application)
            made.append(exemptions.exemption_designate(actor=users["gd_official"], application=application))
        if len(made) == 2:
            exemptions.exemption_revoke(
                exemption=Exemption.objects.get(pk=made[1].pk),
                ground=RevocationGround.COMPLAINT,
                reason="消费者投诉产品标识与实物不符，经查属实。",
                actor_label="system:demo-seed",
            )
        return {"exemptions": len(made)}
    finally:
        settings.EXEMPTIONS_ENABLED = previous
