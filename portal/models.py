from __future__ import annotations

from enum import IntEnum, unique

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
    """Every audited act, numbered in bands by area (like Zulip's RealmAuditLog)."""

    # 100 registry
    RECORD_CREATED = 101
    RECORD_CHANGED = 102
    RECORD_DELETED = 103
    LICENCE_EVENT = 110
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
    # 400 enforcement, 500 exemptions: later issues


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
        from portal.audit import action_label

        return action_label(self.action)
