"""The audit trail: who, when, what before and after, why — for every change to a record."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from portal.models import AuditAction, AuditEvent, User

ACTION_LABELS: dict[AuditAction, Any] = {
    AuditAction.RECORD_CREATED: _("新建"),
    AuditAction.RECORD_CHANGED: _("修改"),
    AuditAction.RECORD_DELETED: _("删除"),
    AuditAction.LICENCE_EVENT: _("证书状态变更"),
    AuditAction.APPOINTMENT_CREATED: _("任职登记"),
    AuditAction.APPOINTMENT_ENDED: _("任职终止"),
    AuditAction.PLAN_CREATED: _("制定抽查计划"),
    AuditAction.TASK_CREATED: _("下达抽查任务"),
    AuditAction.TASK_REFUSED: _("拒绝下达任务"),
    AuditAction.SAMPLE_RECORDED: _("填写抽样单"),
    AuditAction.SAMPLE_REFUSAL: _("记录拒检"),
    AuditAction.SAMPLE_CUSTODY: _("样品流转"),
    AuditAction.COMPULSORY_TASK_CREATED: _("下达强制监督抽查任务"),
    AuditAction.REPORT_SUBMITTED: _("提交检验报告"),
    AuditAction.REPORT_APPROVED: _("审核通过"),
    AuditAction.REPORT_RETURNED: _("退回"),
    AuditAction.ENTERPRISE_NOTIFIED: _("通知企业"),
    AuditAction.OBJECTION_FILED: _("提出异议"),
    AuditAction.OBJECTION_WITHDRAWN: _("撤回异议"),
    AuditAction.REINSPECTION_RECORDED: _("记录复检结果"),
    AuditAction.RESULTS_IMPORTED: _("批量导入检验结果"),
    AuditAction.ANNOUNCEMENT_PUBLISHED: _("发布结果公告"),
    AuditAction.CORRECTION_PUBLISHED: _("发布更正公告"),
}


def action_label(action: int) -> str:
    try:
        return str(ACTION_LABELS[AuditAction(action)])
    except (ValueError, KeyError):
        return str(action)


def snapshot(obj: models.Model, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """A JSON-safe picture of a record's own fields, for the before/after of an audit row."""
    data = model_to_dict(obj, exclude=list(exclude))
    data["id"] = obj.pk
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, default=str))


def _region_code(obj: models.Model) -> str:
    for attr in ("region_code",):
        value = getattr(obj, attr, None)
        if isinstance(value, str):
            return value
    region = getattr(obj, "region", None)
    return getattr(region, "code", "") or ""


def audit_record(
    *,
    actor: User | None,
    action: AuditAction,
    target: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    clause: str = "",
    actor_label: str = "",
) -> AuditEvent:
    if actor is None and not actor_label:
        raise ValueError("An audited act needs an acting user or a named system actor.")
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=actor_label or (actor.get_username() if actor else ""),
        action=int(action),
        clause=clause,
        target_type=ContentType.objects.get_for_model(type(target)),
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        region_code=_region_code(target),
        before=before,
        after=after,
        reason=reason,
    )


def history_of(target: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(type(target)), target_id=str(target.pk)
    ).order_by("at", "id")
