from __future__ import annotations

from enum import IntEnum, unique
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    INSPECTOR = "inspector", _("抽样/检验人员")
    REVIEWER = "reviewer", _("审核人员")
    ENFORCEMENT = "enforcement", _("执法人员")
    OFFICIAL = "official", _("领导")
    ADMINISTRATOR = "administrator", _("管理员")


class User(AbstractUser):
    """A staff account, bound to one region; it sees that region and the regions below it."""

    region = models.ForeignKey(
        "supervision.Region",
        verbose_name=_("所属行政区划"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    roles = ArrayField(
        models.CharField(max_length=20, choices=Role.choices),
        verbose_name=_("角色"),
        default=list,
        blank=True,
    )
    enforcement_id = models.CharField(_("执法证号"), max_length=40, blank=True)
    full_name = models.CharField(_("姓名"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("工作人员账户")
        verbose_name_plural = _("工作人员账户")

    def __str__(self) -> str:
        return self.full_name or self.username

    def has_role(self, *roles: str) -> bool:
        return self.is_superuser or any(r in self.roles for r in roles)

    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in self.roles if r in Role.values]


@unique
class AuditAction(IntEnum):
    """Every audited act, numbered in bands by area (like Zulip's RealmAuditLog).

    Each act carries its label and the clause of 国发〔1999〕24号 it applies (`ACTS` below), so
    an audit row cites its clause without the caller restating it.
    """

    # 100 registry
    RECORD_CREATED = 101
    RECORD_CHANGED = 102
    RECORD_DELETED = 103
    LICENCE_EVENT = 110
    INSTITUTION_EVENT = 111
    APPOINTMENT_CREATED = 120
    APPOINTMENT_ENDED = 121
    # 200 spot checks
    PLAN_CREATED = 200
    TASK_CREATED = 201
    TASK_REFUSED = 202
    SAMPLE_RECORDED = 210
    SAMPLE_REFUSAL = 211
    SAMPLE_CUSTODY = 212
    COMPULSORY_TASK_CREATED = 213
    REPORT_SUBMITTED = 220
    REPORT_APPROVED = 221
    REPORT_RETURNED = 222
    ENTERPRISE_NOTIFIED = 223
    OBJECTION_FILED = 230
    OBJECTION_WITHDRAWN = 231
    REINSPECTION_RECORDED = 232
    RESULTS_IMPORTED = 240
    # 300 publication
    ANNOUNCEMENT_PUBLISHED = 300
    CORRECTION_PUBLISHED = 301
    # 400 enforcement: a later issue
    # 500 exemptions (第十六条)
    EXEMPTION_APPLIED = 500
    EXEMPTION_STANDARD_CONFIRMED = 501
    EXEMPTION_DESIGNATED = 502
    EXEMPTION_REVOKED = 503
    EXEMPTION_EXPIRED = 504
    EXEMPTION_CERTIFICATE_ISSUED = 505
    # 600 issued documents (PDF reports, announcement texts; letters and orders of later issues)
    REPORT_ISSUED = 600
    ANNOUNCEMENT_DOCUMENT_ISSUED = 601

    @property
    def label(self) -> str:
        return str(ACTS[self][0])

    @property
    def clause(self) -> str:
        return ACTS[self][1]


# act: (label, clause of 国发〔1999〕24号 it applies; "" where the act is bookkeeping of the registry)
ACTS: dict[AuditAction, tuple[Any, str]] = {
    AuditAction.RECORD_CREATED: (_("新建"), ""),
    AuditAction.RECORD_CHANGED: (_("修改"), ""),
    AuditAction.RECORD_DELETED: (_("删除"), ""),
    AuditAction.LICENCE_EVENT: (_("证书状态变更"), "第十一条"),
    AuditAction.INSTITUTION_EVENT: (_("检验机构资质状态变更"), "第十三条"),
    AuditAction.APPOINTMENT_CREATED: (_("任职登记"), ""),
    AuditAction.APPOINTMENT_ENDED: (_("任职终止"), ""),
    AuditAction.PLAN_CREATED: (_("制定抽查计划"), "第十四条"),
    AuditAction.TASK_CREATED: (_("下达抽查任务"), "第十四条"),
    AuditAction.TASK_REFUSED: (_("拒绝下达任务"), "第十四条"),
    AuditAction.SAMPLE_RECORDED: (_("填写抽样单"), "第十四条"),
    AuditAction.SAMPLE_REFUSAL: (_("记录拒检"), "第十五条"),
    AuditAction.SAMPLE_CUSTODY: (_("样品流转"), "第十四条"),
    AuditAction.COMPULSORY_TASK_CREATED: (_("下达强制监督抽查任务"), "第十五条"),
    AuditAction.REPORT_SUBMITTED: (_("提交检验报告"), "第十四条"),
    AuditAction.REPORT_APPROVED: (_("审核通过"), "第十四条"),
    AuditAction.REPORT_RETURNED: (_("退回"), "第十四条"),
    AuditAction.ENTERPRISE_NOTIFIED: (_("通知企业"), "第十四条（异议复检）"),
    AuditAction.OBJECTION_FILED: (_("提出异议"), "第十四条（异议复检）"),
    AuditAction.OBJECTION_WITHDRAWN: (_("撤回异议"), "第十四条（异议复检）"),
    AuditAction.REINSPECTION_RECORDED: (_("记录复检结果"), "第十四条（异议复检）"),
    AuditAction.RESULTS_IMPORTED: (_("批量导入检验结果"), "第十四条"),
    AuditAction.ANNOUNCEMENT_PUBLISHED: (_("发布结果公告"), "第十四条、第二十一条"),
    AuditAction.CORRECTION_PUBLISHED: (_("发布更正公告"), "第十四条、第二十一条"),
    AuditAction.EXEMPTION_APPLIED: (_("登记免检申请"), "第十六条"),
    AuditAction.EXEMPTION_STANDARD_CONFIRMED: (_("确认企业标准"), "第十六条"),
    AuditAction.EXEMPTION_DESIGNATED: (_("确定免检产品"), "第十六条"),
    AuditAction.EXEMPTION_REVOKED: (_("取消免检资格"), "第十六条"),
    AuditAction.EXEMPTION_EXPIRED: (_("免检期满"), "第十六条"),
    AuditAction.EXEMPTION_CERTIFICATE_ISSUED: (_("印发免检证书"), "第十六条"),
    AuditAction.REPORT_ISSUED: (_("印发监督抽查工作报告"), "第二十五条"),
    AuditAction.ANNOUNCEMENT_DOCUMENT_ISSUED: (_("印发公告文本"), "第十四条、第二十一条"),
}


def action_label(action: int) -> str:
    """The label of a stored action number (an unknown number is shown as itself)."""
    try:
        return AuditAction(action).label
    except (ValueError, KeyError):
        return str(action)


class AuditEvent(models.Model):
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User, verbose_name=_("操作人"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("操作人（文字）"), max_length=80, blank=True)
    action = models.PositiveSmallIntegerField(_("行为"))
    clause = models.CharField(_("依据条款"), max_length=60, blank=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(_("对象"), max_length=200)
    region_code = models.CharField(max_length=6, blank=True, db_index=True)
    before = models.JSONField(_("变更前"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("变更后"), null=True, blank=True, encoder=DjangoJSONEncoder)
    reason = models.TextField(_("理由"), blank=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action_label} {self.target_repr}"

    @property
    def action_label(self) -> str:
        return action_label(self.action)
