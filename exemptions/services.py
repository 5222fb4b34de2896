"""Acts of inspection exemption (免检, 国发〔1999〕24号 第十六条).

对产品质量长期稳定、市场占有率高、企业标准达到或严于国家有关标准的，以及国家或省质量技术监督部门连续三次
以上抽查合格的产品，可确定为免检产品 … 由省级以上质量技术监督部门确定 … 免检产品一旦出现质量问题，即取消
其免检资格。

One function per act, each audited with its clause; a designation is refused for an unmet condition
and names it; a revocation is immediate, published and never loses the designation's history.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from exemptions.models import (
    ApplicationEvidence,
    Exemption,
    ExemptionApplication,
    ExemptionEvent,
    ExemptionEventKind,
    RevocationGround,
)
from exemptions.selectors import FAILING, eligibility, valid_exemptions
from portal.access import user_can_see_region
from portal.audit import audit_record, snapshot
from portal.models import AuditAction, User
from portal.permissions import EXEMPTION_CLERKS, EXEMPTION_DESIGNATORS, EXEMPTION_REVOKERS, REVIEWERS
from supervision.documents.models import DocumentKind, IssuedDocument
from supervision.documents.services import IssueContext, issue_document
from supervision.registry.models import Authority, Product, RegionLevel
from supervision.spotchecks.models import Reinspection, Sample
from supervision.spotchecks.selectors import final_samples, product_samples_q, with_standing_verdict

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_KINDS = {b"%PDF": "application/pdf", b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}
SYSTEM = "system:exemptions"


def _require(actor: User, roles: Iterable[str], message: str) -> None:
    if not actor.is_authenticated or not actor.has_role(*roles):
        raise PermissionDenied(message)


def _require_region(actor: User, region_code: str) -> None:
    if not user_can_see_region(actor, region_code):
        raise PermissionDenied(_("该产品不在您所属的行政区划内，无权操作。"))


def _scheme_open() -> None:
    if not settings.EXEMPTIONS_ENABLED:
        raise ValidationError({"__all__": _("免检制度未启用（EXEMPTIONS_ENABLED），不受理申请，不确定免检产品。")})


def _check_evidence(upload: Any) -> str | None:
    size = getattr(upload, "size", None) or 0
    if size > MAX_EVIDENCE_BYTES:
        return _("文件“%(name)s”过大（上限10MB）。") % {"name": getattr(upload, "name", "")}
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in EVIDENCE_KINDS):
        return _("文件“%(name)s”格式不正确，只接受PDF、JPEG或PNG。") % {"name": getattr(upload, "name", "")}
    return None


# ---------------------------------------------------------------- application (with its evidence)


@transaction.atomic(durable=True)
def application_record(
    *,
    actor: User,
    product: Product,
    applied_on: dt.date,
    market_share: Decimal | str | float,
    enterprise_standard: str,
    standard_comparison: str,
    evidence: Iterable[tuple[Any, str]] = (),
) -> ExemptionApplication:
    # 国发〔1999〕24号 第十六条: the enterprise declares its market share and its standard, with evidence.
    _require(actor, EXEMPTION_CLERKS, _("只有审核人员、领导或管理员可以登记免检申请。"))
    _scheme_open()
    _require_region(actor, product.enterprise.region_id)
    errors: dict[str, str] = {}
    try:
        share = Decimal(str(market_share))
        if not Decimal(0) <= share <= Decimal(100):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["market_share"] = _("市场占有率应为0至100之间的百分数。")
        share = Decimal(0)
    if not (enterprise_standard or "").strip():
        errors["enterprise_standard"] = _("请填写企业标准编号。")
    if not (standard_comparison or "").strip():
        errors["standard_comparison"] = _("请说明企业标准达到或严于国家标准的指标。")
    if applied_on is None or applied_on > timezone.localdate():
        errors["applied_on"] = _("申请日期不能晚于今天。")
    files = list(evidence)
    if not files:
        errors["evidence"] = _("请上传至少一份证明材料（如企业标准文本、市场占有率证明）。")
    for upload, _description in files:
        problem = _check_evidence(upload)
        if problem:
            errors["evidence"] = problem
            break
    if errors:
        raise ValidationError(errors)
    application = ExemptionApplication(
        product=product,
        region=product.enterprise.region,
        applied_on=applied_on,
        market_share=share,
        enterprise_standard=enterprise_standard.strip(),
        standard_comparison=standard_comparison.strip(),
        recorded_by=actor,
    )
    application.full_clean(exclude=["product", "region", "recorded_by"])
    application.save()
    for upload, description in files:
        ApplicationEvidence.objects.create(
            application=application, file=upload, description=(description or "").strip()[:120] or upload.name[:120]
        )
    audit_record(
        actor=actor,
        action=AuditAction.EXEMPTION_APPLIED,
        target=application,
        after={**snapshot(application), "evidence": [d for _u, d in files]},
    )
    return application


@transaction.atomic(durable=True)
def application_confirm_standard(*, actor: User, application: ExemptionApplication) -> ExemptionApplication:
    # 国发〔1999〕24号 第十六条: 企业标准达到或严于国家有关标准 — declared with evidence, confirmed by a reviewer.
    _require(actor, REVIEWERS, _("只有审核人员可以确认企业标准。"))
    application = ExemptionApplication.objects.select_for_update().get(pk=application.pk)
    _require_region(actor, application.region_id)
    if application.recorded_by_id == actor.pk:
        raise PermissionDenied(_("登记申请的人员不能确认自己登记的企业标准。"))
    if application.standard_confirmed_by_id is not None:
        raise ValidationError({"__all__": _("企业标准已经确认。")})
    before = snapshot(application)
    application.standard_confirmed_by = actor
    application.standard_confirmed_at = timezone.now()
    application.save(update_fields=["standard_confirmed_by", "standard_confirmed_at"])
    audit_record(
        actor=actor,
        action=AuditAction.EXEMPTION_STANDARD_CONFIRMED,
        target=application,
        before=before,
        after=snapshot(application),
    )
    return application


# ---------------------------------------------------------------- designation (with its certificate)


def _next_certificate_no(year: int) -> str:
    prefix = f"粤免检〔{year}〕"
    with connection.cursor() as cursor:  # two designations at once would read the same last number
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(prefix.encode())])
    last = (
        Exemption.objects.filter(certificate_no__startswith=prefix)
        .order_by("-certificate_no")
        .values_list("certificate_no", flat=True)
        .first()
    )
    serial = int(last[len(prefix) : -1]) + 1 if last else 1
    return f"{prefix}{serial:04d}号"


def _certificate_parts(exemption: Exemption, doc: IssueContext) -> list[str]:
    return [render_to_string("exemptions/pdf/certificate.html", {"exemption": exemption, "doc": doc})]


@transaction.atomic(durable=True)
def exemption_designate(
    *, actor: User, application: ExemptionApplication, valid_from: dt.date | None = None, today: dt.date | None = None
) -> Exemption:
    """Designate the product exempt for EXEMPTION_YEARS years, with its certificate (an issued PDF)."""
    # 国发〔1999〕24号 第十六条: 列为免检产品的目录由省级以上质量技术监督部门确定 … 并使用免检标志.
    today = today or timezone.localdate()
    _require(actor, EXEMPTION_DESIGNATORS, _("只有领导可以确定免检产品。"))
    if not actor.is_superuser and (actor.region is None or actor.region.level != RegionLevel.PROVINCE):
        raise PermissionDenied(_("免检产品由省级以上质量技术监督部门确定（第十六条）。"))
    _scheme_open()
    application = (
        ExemptionApplication.objects.select_for_update().select_related("product__enterprise").get(pk=application.pk)
    )
    product = application.product
    _require_region(actor, product.enterprise.region_id)
    if Exemption.objects.filter(application=application).exists():
        raise ValidationError({"__all__": _("该申请已确定免检。")})
    if valid_exemptions(day=today).filter(product=product).exists():
        raise ValidationError({"__all__": _("该产品已是免检产品。")})
    found = eligibility(product, as_of=today)
    if not found.eligible:
        raise ValidationError(
            {
                "__all__": [
                    _("不符合免检条件“%(label)s”：%(why)s") % {"label": c.label, "why": c.why} for c in found.unmet()
                ]
            }
        )
    start = valid_from or today
    if start < today:
        raise ValidationError({"valid_from": _("免检期不能早于今天开始。")})
    end = start + relativedelta(years=settings.EXEMPTION_YEARS) - dt.timedelta(days=1)
    authority = Authority.objects.get(region_id=actor.region_id or "440000")
    exemption = Exemption.objects.create(
        certificate_no=_next_certificate_no(today.year),
        product=product,
        application=application,
        region=product.enterprise.region,
        authority=authority,
        valid_from=start,
        valid_to=end,
        designated_by=actor,
    )
    with translation.override(settings.LANGUAGE_CODE):  # a certificate is issued in Chinese
        title = _("免检产品证书：%(product)s") % {"product": product}
    document: IssuedDocument = issue_document(
        actor=actor,
        kind=DocumentKind.EXEMPTION_CERTIFICATE,
        authority=authority,
        title=title,
        subject=exemption,
        language=settings.LANGUAGE_CODE,
        issued_on=today,
        build=lambda doc: _certificate_parts(exemption, doc),
    )
    exemption.certificate = document
    exemption.save(update_fields=["certificate"])
    ExemptionEvent.objects.create(exemption=exemption, kind=ExemptionEventKind.DESIGNATED, on=start, actor=actor)
    audit_record(
        actor=actor,
        action=AuditAction.EXEMPTION_DESIGNATED,
        target=exemption,
        after={**snapshot(exemption), "conditions": {c.key: c.why for c in found.conditions}},
    )
    return exemption


# ---------------------------------------------------------------- revocation (at once) and expiry


@transaction.atomic
def exemption_revoke(
    *,
    exemption: Exemption,
    ground: str,
    reason: str,
    on: dt.date | None = None,
    actor: User | None = None,
    actor_label: str = "",
) -> ExemptionEvent:
    """Revoke a designation at once (免检产品一旦出现质量问题，即取消其免检资格). Not durable: the act that
    found the problem revokes inside its own transaction. The product may be checked again at once."""
    # 国发〔1999〕24号 第十六条
    if actor is not None:
        _require(actor, EXEMPTION_REVOKERS, _("只有领导或执法人员可以取消免检资格。"))
        _require_region(actor, exemption.region_id)
    elif not actor_label:
        raise ValueError("a revocation needs an acting user or a named system actor")
    exemption = Exemption.objects.select_for_update().get(pk=exemption.pk)
    on = on or timezone.localdate()
    errors: dict[str, str] = {}
    if ground not in RevocationGround.values:
        errors["ground"] = _("请选择取消理由类别。")
    if not (reason or "").strip():
        errors["reason"] = _("请写明出现的质量问题。")
    if exemption.events.filter(kind=ExemptionEventKind.REVOKED).exists():
        errors["__all__"] = _("该免检资格已被取消。")
    elif exemption.status_on(on) != "valid":
        errors["__all__"] = _("该免检资格在%(on)s已不在有效期内，无需取消。") % {"on": on}
    if errors:
        raise ValidationError(errors)
    event = ExemptionEvent.objects.create(
        exemption=exemption,
        kind=ExemptionEventKind.REVOKED,
        on=on,
        ground=ground,
        reason=reason.strip(),
        actor=actor,
        actor_label=actor_label or (actor.get_username() if actor else ""),
    )
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action=AuditAction.EXEMPTION_REVOKED,
        target=exemption,
        before={"status": "valid"},
        after={"status": ExemptionEventKind.REVOKED, "on": on.isoformat(), "ground": ground},
        reason=reason.strip(),
    )
    return event


def revoke_on_quality_problem(
    *,
    product: Product,
    ground: str,
    reason: str,
    on: dt.date | None = None,
    actor: User | None = None,
    actor_label: str = "",
) -> list[ExemptionEvent]:
    """Any quality problem of the product revokes its valid exemptions, in the caller's transaction:
    a failure becoming final, a confirmed complaint, a counterfeit finding (第十六条)."""
    on = on or timezone.localdate()
    return [
        exemption_revoke(
            exemption=e, ground=ground, reason=reason, on=on, actor=actor, actor_label=actor_label or SYSTEM
        )
        for e in valid_exemptions(day=on).filter(product=product)
    ]


def revoke_after_reinspection(*, actor: User, sample: Sample, reinspection: Reinspection) -> None:
    """A re-inspection's failing verdict is final at once: it revokes the product's exemption in the
    same transaction (registered with the spot checks at start-up)."""
    if reinspection.verdict not in FAILING or sample.task.product is None:
        return
    revoke_on_quality_problem(
        product=sample.task.product,
        ground=RevocationGround.FAILURE,
        reason=_("复检不合格（样品%(code)s，%(day)s），结论为最终结论。")
        % {"code": sample.code, "day": reinspection.decided_on},
        on=reinspection.decided_on,
        actor_label=f"{SYSTEM}:{actor.get_username()}",
    )


@transaction.atomic(durable=True)
def exemptions_sweep(*, today: dt.date | None = None) -> dict[str, int]:
    """Daily, idempotent: record the expiry of designations whose period ended (nothing is deleted),
    and revoke any designation whose product has a failure that became final while it was valid
    (a safety net: the act that makes a failure final revokes at once)."""
    # 国发〔1999〕24号 第十六条
    today = today or timezone.localdate()
    expired = 0
    for exemption in (
        Exemption.objects.select_for_update(skip_locked=True)
        .filter(valid_to__lt=today)
        .exclude(events__kind__in=[ExemptionEventKind.EXPIRED, ExemptionEventKind.REVOKED])
    ):
        ExemptionEvent.objects.create(
            exemption=exemption,
            kind=ExemptionEventKind.EXPIRED,
            on=exemption.valid_to + dt.timedelta(days=1),
            actor_label=SYSTEM,
        )
        audit_record(
            actor=None,
            actor_label=SYSTEM,
            action=AuditAction.EXEMPTION_EXPIRED,
            target=exemption,
            after={"status": ExemptionEventKind.EXPIRED, "valid_to": exemption.valid_to.isoformat()},
        )
        expired += 1
    revoked = 0
    for exemption in valid_exemptions(day=today).select_related("product"):
        # failures that became final since the designation (sampled before it or after)
        became_final = (
            final_samples(as_of=today)
            .filter(product_samples_q(exemption.product))
            .exclude(pk__in=final_samples(as_of=exemption.valid_from - dt.timedelta(days=1)).values("pk"))
        )
        failing = (
            with_standing_verdict(became_final, as_of=today)
            .filter(standing_verdict__in=FAILING)
            .order_by("sampled_on")
            .first()
        )
        if failing is not None:
            revoked += len(
                revoke_on_quality_problem(
                    product=exemption.product,
                    ground=RevocationGround.FAILURE,
                    reason=_("抽查不合格（样品%(code)s，%(day)s）结论已生效。")
                    % {"code": failing.code, "day": failing.sampled_on},
                    on=today,
                )
            )
    return {"expired": expired, "revoked": revoked}
