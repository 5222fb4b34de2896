"""The registry (docs/rules.md): regions and bureaus, enterprises and their people, the catalogue,
products, licences and testing institutions. Data and invariants only; acts live in services.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from supervision.registry.validators import mask_ric, validate_ric, validate_uscc

# ---------------------------------------------------------------- registry


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("地市级")
    COUNTY = "county", _("县级")


class Region(models.Model):
    """GB/T 2260 行政区划. The code is the key: a region's subtree is the codes sharing its prefix."""

    code = models.CharField(_("区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=40)
    level = models.CharField(_("级别"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级区划"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        """The code prefix shared by this region and every region below it."""
        if self.level == RegionLevel.PROVINCE:
            return self.code[:2]
        if self.level == RegionLevel.CITY:
            return self.code[:4]
        return self.code

    @property
    def full_name(self) -> str:
        names = []
        region: Region | None = self
        while region is not None:
            names.append(region.name)
            region = region.parent
        return "".join(reversed(names))

    def contains(self, code: str) -> bool:
        return code.startswith(self.prefix)


class Authority(models.Model):
    """质量技术监督部门: one per region, reporting to that region's people's government."""

    region = models.OneToOneField(
        Region, verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="authority"
    )
    name = models.CharField(_("名称"), max_length=80)
    government = models.CharField(_("同级人民政府"), max_length=80)
    # 发文机关代字: the stem of the bureau's document numbers (粤质监〔2026〕12号).
    document_code = models.CharField(
        _("发文机关代字"), max_length=20, blank=True, help_text=_("文号的机关代字，例如“粤质监”。")
    )

    class Meta:
        verbose_name = _("质量技术监督部门")
        verbose_name_plural = _("质量技术监督部门")
        ordering = ["region_id"]

    def __str__(self) -> str:
        return self.name

    @property
    def superior(self) -> Authority | None:
        parent = self.region.parent
        return getattr(parent, "authority", None) if parent else None


class RegistrationStatus(models.TextChoices):
    ACTIVE = "active", _("存续")
    SUSPENDED = "suspended", _("停业")
    REVOKED = "revoked", _("吊销")
    CANCELLED = "cancelled", _("注销")


class Enterprise(models.Model):
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc])
    name = models.CharField(_("企业名称"), max_length=120, db_index=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("所在行政区划"), on_delete=models.PROTECT, related_name="enterprises"
    )
    registration_status = models.CharField(
        _("登记状态"), max_length=12, choices=RegistrationStatus.choices, default=RegistrationStatus.ACTIVE
    )
    contact = models.CharField(_("联系人"), max_length=40, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.uscc:
            self.uscc = self.uscc.strip().upper()


class Person(models.Model):
    name = models.CharField(_("姓名"), max_length=40)
    id_number = models.CharField(_("居民身份证号码"), max_length=18, unique=True, validators=[validate_ric])

    class Meta:
        verbose_name = _("自然人")
        verbose_name_plural = _("自然人")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.masked_id}）"

    @property
    def masked_id(self) -> str:
        return mask_ric(self.id_number)

    def audit_masked_values(self) -> dict[str, str]:
        """The audit trail keeps the ID number only masked (it is read by more people than the ID view)."""
        return {"id_number": mask_ric(self.id_number or "")}

    def clean(self) -> None:
        if self.id_number:
            self.id_number = self.id_number.strip().upper()


class AppointmentRole(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_rep", _("法定代表人")
    PRINCIPAL = "principal", _("主要负责人")
    MANAGER = "manager", _("经理（厂长）")


class Appointment(models.Model):
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="appointments")
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="appointments"
    )
    role = models.CharField(_("职务"), max_length=12, choices=AppointmentRole.choices)
    start = models.DateField(_("任职日期"))
    end = models.DateField(_("离任日期"), null=True, blank=True)
    removed = models.BooleanField(_("依法免职"), default=False)

    class Meta:
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        ordering = ["enterprise_id", "role", "-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="appointment_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_role_display()} {self.person.name}"

    def overlaps(self) -> models.QuerySet[Appointment]:
        """Appointments that would hold the same post at the same time as this one."""
        far = dt.date.max
        qs = Appointment.objects.filter(enterprise_id=self.enterprise_id, role=self.role).exclude(pk=self.pk)
        if self.role != AppointmentRole.LEGAL_REPRESENTATIVE and self.role != AppointmentRole.PRINCIPAL:
            # several managers may serve at once; only the same person twice is a clash
            qs = qs.filter(person_id=self.person_id)
        return qs.filter(Q(end__isnull=True) | Q(end__gte=self.start)).filter(start__lte=self.end or far)

    def clean(self) -> None:
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": _("离任日期不能早于任职日期。")})
        if self.enterprise_id and self.start and self.role:
            clash = self.overlaps().select_related("person").first()
            if clash:
                raise ValidationError(
                    {
                        "start": _("该企业在此期间已有%(role)s：%(name)s（%(start)s 起），任职期间不能重叠。")
                        % {"role": self.get_role_display(), "name": clash.person.name, "start": clash.start}
                    }
                )


class ProductCategory(models.Model):
    """A category of the spot-check catalogue, with the focus flags of 第十四条."""

    code = models.CharField(_("类别代码"), max_length=20, unique=True)
    name = models.CharField(_("产品类别"), max_length=60)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级类别"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    health_safety = models.BooleanField(_("涉及人体健康和人身、财产安全"), default=False)
    livelihood = models.BooleanField(_("关系国计民生"), default=False)
    complaint_focus = models.BooleanField(_("消费者反映强烈"), default=False)
    licence_required = models.BooleanField(_("实行生产许可证/强制性认证管理"), default=False)
    in_catalogue = models.BooleanField(_("列入抽查目录"), default=True)
    # 第十四条: samples are limited to what the test needs; a drawn quantity above it is refused.
    sample_quantity = models.PositiveSmallIntegerField(
        _("每批抽样数量上限"),
        null=True,
        blank=True,
        help_text=_("检验所需的样品数量（含备样）；抽样数量不得超过此数。留空表示不限。"),
    )
    # annotated: django-stubs cannot infer a many-to-many to a model named by string (typeddjango/django-stubs#1802)
    standards: models.ManyToManyField[Standard, Any] = models.ManyToManyField(
        "Standard", verbose_name=_("适用标准"), blank=True, related_name="categories"
    )

    class Meta:
        verbose_name = _("产品类别")
        verbose_name_plural = _("产品类别")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_focus(self) -> bool:
        return self.health_safety or self.livelihood or self.complaint_focus


class Standard(models.Model):
    code = models.CharField(_("标准编号"), max_length=40, unique=True)
    title = models.CharField(_("标准名称"), max_length=200)
    mandatory = models.BooleanField(_("强制性标准"), default=False)

    class Meta:
        verbose_name = _("标准")
        verbose_name_plural = _("标准")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class CatalogueItem(models.Model):
    """A test item the catalogue prescribes for a category, against a standard clause."""

    category = models.ForeignKey(
        ProductCategory, verbose_name=_("产品类别"), on_delete=models.CASCADE, related_name="items"
    )
    standard = models.ForeignKey(Standard, verbose_name=_("标准"), on_delete=models.PROTECT, related_name="items")
    clause = models.CharField(_("标准条款"), max_length=30, blank=True)
    name = models.CharField(_("检验项目"), max_length=80)
    requirement = models.CharField(_("标准要求"), max_length=200, blank=True)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    seq = models.PositiveSmallIntegerField(_("序号"), default=0)

    class Meta:
        verbose_name = _("检验项目")
        verbose_name_plural = _("检验项目")
        ordering = ["category_id", "seq", "id"]

    def __str__(self) -> str:
        return f"{self.category.name}·{self.name}"


class Product(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("生产企业"), on_delete=models.PROTECT, related_name="products"
    )
    category = models.ForeignKey(
        ProductCategory, verbose_name=_("产品类别"), on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(_("产品名称"), max_length=100)
    trademark = models.CharField(_("商标"), max_length=60, blank=True)
    model_spec = models.CharField(_("规格型号"), max_length=80, blank=True)
    is_main = models.BooleanField(_("主导产品"), default=False)

    class Meta:
        verbose_name = _("产品")
        verbose_name_plural = _("产品")
        ordering = ["enterprise_id", "name"]

    def __str__(self) -> str:
        return f"{self.name} {self.model_spec}".strip()


class LicenceKind(models.TextChoices):
    PRODUCTION = "production", _("生产许可证")
    CCC = "ccc", _("强制性产品认证（CCC）")


class LicenceEventKind(models.TextChoices):
    ISSUED = "issued", _("颁发")
    SUSPENDED = "suspended", _("暂停")
    REINSTATED = "reinstated", _("恢复")
    REVOKED = "revoked", _("吊销/撤销")


class Licence(models.Model):
    """A production licence or safety certificate; its status is the history of its events."""

    kind = models.CharField(_("证书类型"), max_length=12, choices=LicenceKind.choices)
    number = models.CharField(_("证书编号"), max_length=60, unique=True)
    holder = models.ForeignKey(
        Enterprise, verbose_name=_("持证企业"), on_delete=models.PROTECT, related_name="licences"
    )
    categories = models.ManyToManyField(ProductCategory, verbose_name=_("覆盖产品类别"), related_name="licences")
    products = models.ManyToManyField(Product, verbose_name=_("覆盖产品"), blank=True, related_name="licences")
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期至"))

    class Meta:
        verbose_name = _("许可证/认证证书")
        verbose_name_plural = _("许可证/认证证书")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gt=models.F("valid_from")), name="licence_valid_to_after_from")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def clean(self) -> None:
        if self.valid_from and self.valid_to and self.valid_to <= self.valid_from:
            raise ValidationError({"valid_to": _("有效期至必须晚于有效期起。")})

    def status_on(self, day: dt.date) -> str:
        """Derived status on a day: "none" before it was issued; then a revocation is final; then the
        validity window (a licence that expired while suspended is expired: a reinstatement could
        not make it valid again); then the last suspension or reinstatement."""
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("events")
        if prefetched is not None:
            # a list prefetches the histories: pick the last event here, not with a query per licence
            last = max((e for e in prefetched if e.on <= day), key=lambda e: (e.on, e.pk), default=None)
        else:
            last = self.events.filter(on__lte=day).order_by("-on", "-id").first()
        if last is None:
            return "none"
        if last.kind == LicenceEventKind.REVOKED:
            return LicenceEventKind.REVOKED
        if not (self.valid_from <= day <= self.valid_to):
            return "expired"
        if last.kind == LicenceEventKind.SUSPENDED:
            return LicenceEventKind.SUSPENDED
        return "valid"


class LicenceEvent(models.Model):
    licence = models.ForeignKey(Licence, verbose_name=_("证书"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("事件"), max_length=12, choices=LicenceEventKind.choices)
    on = models.DateField(_("日期"))
    reason = models.TextField(_("理由"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("证书状态事件")
        verbose_name_plural = _("证书状态事件")
        ordering = ["licence_id", "on", "id"]

    def __str__(self) -> str:
        return f"{self.licence.number} {self.get_kind_display()} {self.on}"


class Institution(models.Model):
    """检验机构/认证机构 (第十三条), with its accreditation scope and validity."""

    name = models.CharField(_("机构名称"), max_length=120)
    accreditation_no = models.CharField(_("资质认定证书编号"), max_length=40, unique=True)
    region = models.ForeignKey(
        Region, verbose_name=_("所在行政区划"), on_delete=models.PROTECT, related_name="institutions"
    )
    categories = models.ManyToManyField(
        ProductCategory, verbose_name=_("资质范围（类别）"), related_name="institutions"
    )
    standards = models.ManyToManyField(
        Standard, verbose_name=_("资质范围（标准）"), blank=True, related_name="institutions"
    )
    valid_from = models.DateField(_("资质有效期起"))
    valid_to = models.DateField(_("资质有效期至"))

    class Meta:
        verbose_name = _("检验机构")
        verbose_name_plural = _("检验机构")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gt=models.F("valid_from")), name="institution_valid_to_after_from"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.valid_from and self.valid_to and self.valid_to <= self.valid_from:
            raise ValidationError({"valid_to": _("资质有效期至必须晚于有效期起。")})

    def status_on(self, day: dt.date) -> str:
        """Derived status (第十三条): a cancellation is final, a suspension lasts until reinstated,
        then the validity window decides: "cancelled", "suspended", "expired" or "valid"."""
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("events")
        if prefetched is not None:
            events = [e for e in prefetched if e.on <= day]
            cancelled = any(e.kind == InstitutionEventKind.CANCELLED for e in events)
            last = max(events, key=lambda e: (e.on, e.pk), default=None)
        else:
            cancelled = self.events.filter(on__lte=day, kind=InstitutionEventKind.CANCELLED).exists()
            last = self.events.filter(on__lte=day).order_by("-on", "-id").first()
        if cancelled:
            return InstitutionEventKind.CANCELLED
        if last is not None and last.kind == InstitutionEventKind.SUSPENDED:
            return InstitutionEventKind.SUSPENDED
        if not (self.valid_from <= day <= self.valid_to):
            return "expired"
        return "valid"


class InstitutionEventKind(models.TextChoices):
    SUSPENDED = "suspended", _("暂停资质")
    REINSTATED = "reinstated", _("恢复资质")
    CANCELLED = "cancelled", _("撤销资质")


class InstitutionEvent(models.Model):
    """A change of a testing institution's qualification (第十三条): its history, never rewritten."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("检验机构"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("事件"), max_length=12, choices=InstitutionEventKind.choices)
    on = models.DateField(_("日期"))
    reason = models.TextField(_("理由"), blank=True)
    # null only for the suspensions carried over from the former "suspended" flag (migration 0006)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("检验机构资质事件")
        verbose_name_plural = _("检验机构资质事件")
        ordering = ["institution_id", "on", "id"]

    def __str__(self) -> str:
        return f"{self.institution.name} {self.get_kind_display()} {self.on}"
