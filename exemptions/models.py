"""Inspection exemptions (免检, 国发〔1999〕24号 第十六条): applications with their evidence, designations
with their certificate, and the history of each designation (designated, revoked, expired).

Data and invariants only; eligibility is derived (selectors), acts live in services."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from supervision.documents.models import IssuedDocument
from supervision.registry.models import Authority, Product, Region


class ExemptionApplication(models.Model):
    """An enterprise's application for a product, as recorded by staff with its evidence."""

    product = models.ForeignKey(
        Product, verbose_name=_("产品"), on_delete=models.PROTECT, related_name="exemption_applications"
    )
    region = models.ForeignKey(Region, verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="+")
    applied_on = models.DateField(_("申请日期"))
    market_share = models.DecimalField(
        _("申报市场占有率（%）"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    enterprise_standard = models.CharField(_("企业标准编号"), max_length=60)
    standard_comparison = models.TextField(
        _("企业标准与国家标准的比较"), help_text=_("说明企业标准达到或严于国家标准的指标。")
    )
    standard_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    standard_confirmed_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("免检申请")
        verbose_name_plural = _("免检申请")
        ordering = ["-applied_on", "-id"]

    def __str__(self) -> str:
        return f"{self.product} {self.applied_on}"


class ApplicationEvidence(models.Model):
    application = models.ForeignKey(
        ExemptionApplication, verbose_name=_("免检申请"), on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(_("证明材料"), upload_to="exemptions/%Y/%m/")
    description = models.CharField(_("材料说明"), max_length=120)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("免检申请证明材料")
        verbose_name_plural = _("免检申请证明材料")
        ordering = ["application_id", "id"]

    def __str__(self) -> str:
        return self.description


class Exemption(models.Model):
    """A designation: the product is exempt from every other check from `valid_from` through `valid_to`,
    unless revoked first. Its status is its history (ExemptionEvent) and its dates."""

    certificate_no = models.CharField(_("免检证书编号"), max_length=40, unique=True)
    product = models.ForeignKey(Product, verbose_name=_("产品"), on_delete=models.PROTECT, related_name="exemptions")
    application = models.OneToOneField(
        ExemptionApplication, verbose_name=_("免检申请"), on_delete=models.PROTECT, related_name="exemption"
    )
    region = models.ForeignKey(Region, verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="+")
    authority = models.ForeignKey(
        Authority, verbose_name=_("确定部门"), on_delete=models.PROTECT, related_name="exemptions"
    )
    valid_from = models.DateField(_("免检期起"))
    valid_to = models.DateField(_("免检期至"))
    certificate = models.ForeignKey(
        IssuedDocument, verbose_name=_("免检证书"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    designated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    designated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("免检产品")
        verbose_name_plural = _("免检产品")
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="exemption_valid_to_after_from"
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate_no} {self.product}"

    def status_on(self, day: dt.date) -> str:
        """ "revoked" once a revocation is on or before the day; else "valid" inside the period,
        "expired" after it, "pending" before it."""
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("events")
        if prefetched is not None:
            revoked = any(e.kind == ExemptionEventKind.REVOKED and e.on <= day for e in prefetched)
        else:
            revoked = self.events.filter(kind=ExemptionEventKind.REVOKED, on__lte=day).exists()
        if revoked:
            return ExemptionEventKind.REVOKED
        if day < self.valid_from:
            return "pending"
        if day > self.valid_to:
            return ExemptionEventKind.EXPIRED
        return "valid"


class ExemptionEventKind(models.TextChoices):
    DESIGNATED = "designated", _("确定为免检产品")
    REVOKED = "revoked", _("取消免检资格")
    EXPIRED = "expired", _("免检期满")


class RevocationGround(models.TextChoices):
    FAILURE = "failure", _("监督检查不合格")
    COMPLAINT = "complaint", _("投诉举报经查实")
    COUNTERFEIT = "counterfeit", _("制假售假经查实")
    OTHER = "other", _("其他质量问题")


class ExemptionEvent(models.Model):
    """The history of a designation, published (catalogue, feed) and never rewritten."""

    exemption = models.ForeignKey(
        Exemption, verbose_name=_("免检产品"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("事件"), max_length=12, choices=ExemptionEventKind.choices)
    on = models.DateField(_("日期"))
    ground = models.CharField(_("取消理由类别"), max_length=12, choices=RevocationGround.choices, blank=True)
    reason = models.TextField(_("说明"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("免检事件")
        verbose_name_plural = _("免检事件")
        ordering = ["exemption_id", "on", "id"]
        constraints = [
            # a designation is designated, revoked and expired at most once each
            models.UniqueConstraint(fields=["exemption", "kind"], name="one_event_of_each_kind_per_exemption")
        ]

    def __str__(self) -> str:
        return f"{self.exemption.certificate_no} {self.get_kind_display()} {self.on}"
