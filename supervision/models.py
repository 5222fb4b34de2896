"""The registry and the spot checks (../shared/DOMAIN.md, R1–R5, R11).

Models hold data and invariants that never depend on who acts; every act that carries a
rule of law lives in services.py.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from supervision.validators import mask_ric, validate_ric, validate_uscc

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
    standards = models.ManyToManyField("Standard", verbose_name=_("适用标准"), blank=True, related_name="categories")

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
        """Derived status: the last event on or before the day, then the validity window."""
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
        if last.kind == LicenceEventKind.SUSPENDED:
            return LicenceEventKind.SUSPENDED
        if not (self.valid_from <= day <= self.valid_to):
            return "expired"
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
    suspended = models.BooleanField(_("资质暂停"), default=False)

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


# ---------------------------------------------------------------- spot checks


class PlanLevel(models.TextChoices):
    # ordered from the highest; see LEVEL_RANK
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")


LEVEL_RANK = {PlanLevel.NATIONAL: 4, PlanLevel.PROVINCIAL: 3, PlanLevel.CITY: 2, PlanLevel.COUNTY: 1}


class Field(models.TextChoices):
    PRODUCTION = "production", _("生产领域")
    CIRCULATION = "circulation", _("流通领域")
    ONLINE = "online", _("电子商务")


class Plan(models.Model):
    title = models.CharField(_("计划名称"), max_length=120)
    level = models.CharField(_("抽查级别"), max_length=12, choices=PlanLevel.choices)
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("季度"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    field = models.CharField(_("抽查领域"), max_length=12, choices=Field.choices)
    categories = models.ManyToManyField(ProductCategory, verbose_name=_("抽查产品类别"), related_name="plans")
    authority = models.ForeignKey(Authority, verbose_name=_("组织部门"), on_delete=models.PROTECT, related_name="plans")
    region = models.ForeignKey(Region, verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="plans")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("抽查计划")
        verbose_name_plural = _("抽查计划")
        ordering = ["-year", "-quarter", "title"]

    def __str__(self) -> str:
        return self.title


class Task(models.Model):
    plan = models.ForeignKey(Plan, verbose_name=_("抽查计划"), on_delete=models.PROTECT, related_name="tasks")
    region = models.ForeignKey(Region, verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="tasks")
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("受检单位"), on_delete=models.PROTECT, related_name="tasks"
    )
    producer = models.ForeignKey(
        Enterprise,
        verbose_name=_("标称生产企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="produced_tasks",
        help_text=_("与受检单位不同时填写（流通领域、电子商务）。"),
    )
    field = models.CharField(_("抽查领域"), max_length=12, choices=Field.choices)
    shop_name = models.CharField(_("店铺/平台名称"), max_length=120, blank=True)
    shop_url = models.URLField(_("网店地址"), blank=True)
    category = models.ForeignKey(
        ProductCategory, verbose_name=_("产品类别"), on_delete=models.PROTECT, related_name="tasks"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("产品"), on_delete=models.PROTECT, null=True, blank=True, related_name="tasks"
    )
    institution = models.ForeignKey(
        Institution, verbose_name=_("承检机构"), on_delete=models.PROTECT, related_name="tasks"
    )
    samplers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("抽样人员"), related_name="sampling_tasks"
    )
    compulsory = models.BooleanField(_("强制监督抽查"), default=False)
    origin_sample = models.ForeignKey(
        "Sample",
        verbose_name=_("因拒检产生自"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="compulsory_tasks",
    )
    cost = models.DecimalField(_("费用（元）"), max_digits=12, decimal_places=2, default=0)
    cost_payer = models.ForeignKey(
        Enterprise,
        verbose_name=_("费用承担单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_date = models.DateField(_("完成期限"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("抽查任务")
        verbose_name_plural = _("抽查任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise.name}·{self.category.name}"


class PlaceKind(models.TextChoices):
    FINISHED_STORE = "finished_store", _("成品库")
    PRODUCTION_LINE = "line", _("生产线")
    WAREHOUSE = "warehouse", _("仓库")
    SHELF = "shelf", _("货架/柜台")
    ONLINE_SHOP = "online", _("网店")


class Verdict(models.TextChoices):
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")
    FAIL_REFUSED = "fail_refused", _("不合格（拒检）")


class Sample(models.Model):
    """抽样单: the sampling record of one sample, or the record of a refusal (第十五条)."""

    code = models.CharField(_("样品编号"), max_length=32, unique=True)
    task = models.OneToOneField(Task, verbose_name=_("抽查任务"), on_delete=models.PROTECT, related_name="sample")
    region = models.ForeignKey(Region, verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="samples")
    sampled_on = models.DateField(_("抽样日期"))
    place_kind = models.CharField(_("抽样地点类型"), max_length=16, choices=PlaceKind.choices, blank=True)
    place = models.CharField(_("抽样地点"), max_length=200, blank=True)
    place_url = models.URLField(_("网店链接"), blank=True)
    product_name = models.CharField(_("产品名称"), max_length=100, blank=True)
    trademark = models.CharField(_("商标"), max_length=60, blank=True)
    model_spec = models.CharField(_("规格型号"), max_length=80, blank=True)
    batch = models.CharField(_("批号/生产日期"), max_length=60, blank=True)
    production_date = models.DateField(_("生产日期"), null=True, blank=True)
    executed_standard = models.CharField(_("执行标准"), max_length=60, blank=True)
    grade = models.CharField(_("质量等级"), max_length=20, blank=True)
    sampling_base = models.PositiveIntegerField(_("抽样基数"), null=True, blank=True)
    quantity_drawn = models.PositiveIntegerField(_("抽样数量"), null=True, blank=True)
    quantity_retained = models.PositiveIntegerField(_("备样数量"), null=True, blank=True)
    unit_price = models.DecimalField(_("单价（元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    sealed = models.BooleanField(_("样品已封样"), default=False)
    label_name = models.BooleanField(_("标签：产品名称"), default=False)
    label_address = models.BooleanField(_("标签：厂名厂址"), default=False)
    label_standard = models.BooleanField(_("标签：标准号"), default=False)
    label_certificate = models.BooleanField(_("标签：合格证"), default=False)
    label_production_date = models.BooleanField(_("标签：生产日期"), default=False)
    unit_signatory = models.CharField(_("受检单位签字人"), max_length=40, blank=True)
    samplers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("抽样人员"), related_name="samples")
    refused = models.BooleanField(_("拒绝抽查"), default=False)
    refusal_witnesses = models.TextField(_("拒检见证人"), blank=True)
    refusal_note = models.TextField(_("拒检情况"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("样品（抽样单）")
        verbose_name_plural = _("样品（抽样单）")
        ordering = ["-sampled_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity_retained__isnull=True)
                | Q(quantity_drawn__isnull=True)
                | Q(quantity_retained__lte=models.F("quantity_drawn")),
                name="sample_retained_within_drawn",
            )
        ]

    def __str__(self) -> str:
        return self.code


class CustodyAction(models.TextChoices):
    DRAWN = "drawn", _("抽取封样")
    SENT = "sent", _("送样")
    RECEIVED = "received", _("实验室接收")
    TESTED = "tested", _("检验完毕")
    RETAINED = "retained", _("备样留存")
    SEAL_CHECKED = "seal_checked", _("复检前查验封样")
    RETURNED = "returned", _("退还")


class SampleCustody(models.Model):
    """Who held the sample, where, when: traced from the shop to the lab and back."""

    sample = models.ForeignKey(Sample, verbose_name=_("样品"), on_delete=models.PROTECT, related_name="custody")
    action = models.CharField(_("环节"), max_length=16, choices=CustodyAction.choices)
    holder = models.CharField(_("保管人/单位"), max_length=120)
    location = models.CharField(_("地点"), max_length=200, blank=True)
    at = models.DateTimeField(_("时间"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    photo = models.FileField(_("照片"), upload_to="custody/%Y/%m/", blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("样品流转记录")
        verbose_name_plural = _("样品流转记录")
        ordering = ["sample_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.sample.code} {self.get_action_display()}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审核")


class TestReport(models.Model):
    sample = models.OneToOneField(Sample, verbose_name=_("样品"), on_delete=models.PROTECT, related_name="report")
    institution = models.ForeignKey(
        Institution, verbose_name=_("检验机构"), on_delete=models.PROTECT, related_name="reports"
    )
    report_no = models.CharField(_("报告编号"), max_length=60, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    verdict = models.CharField(_("检验结论"), max_length=14, choices=Verdict.choices, blank=True)
    tested_on = models.DateField(_("检验完成日期"), null=True, blank=True)
    attachment = models.FileField(_("签章报告（PDF）"), upload_to="reports/%Y/%m/", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)

    class Meta:
        verbose_name = _("检验报告")
        verbose_name_plural = _("检验报告")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.report_no or f"{self.sample.code}"


class ItemVerdict(models.TextChoices):
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")
    NOT_APPLICABLE = "na", _("不适用")


class ItemResult(models.Model):
    report = models.ForeignKey(TestReport, verbose_name=_("检验报告"), on_delete=models.CASCADE, related_name="items")
    seq = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("检验项目"), max_length=80)
    clause = models.CharField(_("标准条款"), max_length=30, blank=True)
    requirement = models.CharField(_("标准要求"), max_length=200, blank=True)
    measured = models.CharField(_("实测值"), max_length=80)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    verdict = models.CharField(_("单项判定"), max_length=4, choices=ItemVerdict.choices)

    class Meta:
        verbose_name = _("检验项目结果")
        verbose_name_plural = _("检验项目结果")
        ordering = ["report_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["report", "seq"], name="item_result_seq_unique")]

    def __str__(self) -> str:
        return f"{self.name}: {self.get_verdict_display()}"


class Notice(models.Model):
    """A recorded notice to the enterprise of an approved verdict; it opens the objection window."""

    sample = models.ForeignKey(Sample, verbose_name=_("样品"), on_delete=models.PROTECT, related_name="notices")
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="notices")
    notified_on = models.DateField(_("送达日期"))
    channel = models.CharField(_("送达方式"), max_length=30, default="system")
    body = models.TextField(_("内容"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("结果通知")
        verbose_name_plural = _("结果通知")
        ordering = ["-notified_on", "-id"]

    def __str__(self) -> str:
        return f"{self.sample.code} → {self.enterprise.name}"


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("处理中")
    WITHDRAWN = "withdrawn", _("已撤回")
    DECIDED = "decided", _("已复检")


class Objection(models.Model):
    sample = models.ForeignKey(Sample, verbose_name=_("样品"), on_delete=models.PROTECT, related_name="objections")
    filed_on = models.DateField(_("提出日期"))
    reason = models.TextField(_("异议理由"))
    status = models.CharField(_("状态"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-filed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.sample.code} {self.get_status_display()}"


class Reinspection(models.Model):
    """复检 of the retained sample; its verdict replaces the first and is final (R4)."""

    objection = models.OneToOneField(
        Objection, verbose_name=_("异议"), on_delete=models.PROTECT, related_name="reinspection"
    )
    institution = models.ForeignKey(Institution, verbose_name=_("复检机构"), on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField(_("复检日期"))
    verdict = models.CharField(_("复检结论"), max_length=14, choices=Verdict.choices)
    failed_items = models.TextField(_("不合格项目"), blank=True)
    report_no = models.CharField(_("复检报告编号"), max_length=60, blank=True)
    seal_photo = models.FileField(_("封样照片"), upload_to="reinspection/%Y/%m/", blank=True)
    fee = models.DecimalField(_("复检费用（元）"), max_digits=10, decimal_places=2, default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("复检")
        verbose_name_plural = _("复检")

    def __str__(self) -> str:
        return f"{self.objection.sample.code} {self.get_verdict_display()}"


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("等待处理")
    RUNNING = "running", _("正在校验")
    FAILED = "failed", _("校验未通过，未导入")
    COMMITTED = "committed", _("已全部导入")


class ImportBatch(models.Model):
    """One upload of a lab's results file: all rows commit, or none."""

    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name


# ---------------------------------------------------------------- publication (R5)


class AnnouncementKind(models.TextChoices):
    QUARTERLY = "quarterly", _("季度结果公告")
    CORRECTION = "correction", _("更正公告")


class Announcement(models.Model):
    """An immutable announcement; a correction is a new one that references what it corrects."""

    number = models.CharField(_("公告编号"), max_length=60, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    kind = models.CharField(_("类型"), max_length=12, choices=AnnouncementKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    region = models.ForeignKey(
        Region, verbose_name=_("发布区划"), on_delete=models.PROTECT, related_name="announcements"
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("更正的公告"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    body = models.TextField(_("说明"), blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("结果条数"), default=0)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("结果公告")
        verbose_name_plural = _("结果公告")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "quarter"],
                condition=Q(kind="quarterly"),
                name="one_quarterly_announcement_per_region_quarter",
            )
        ]

    def __str__(self) -> str:
        return self.title


class PublishedResult(models.Model):
    """One published row; denormalised so the public site reads one table."""

    announcement = models.ForeignKey(Announcement, on_delete=models.PROTECT, related_name="results")
    sample = models.ForeignKey(Sample, on_delete=models.PROTECT, null=True, blank=True, related_name="published")
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections")
    published_on = models.DateField(_("发布日期"))
    sampled_on = models.DateField(_("抽样日期"))
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    # enterprise, category and region are indexed by the (…, published_on) indexes below; a second,
    # single-column index on each would only slow the quarterly publication's COPY.
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    enterprise_name = models.CharField(_("受检单位"), max_length=120)
    producer_name = models.CharField(_("标称生产企业"), max_length=120, blank=True)
    product_name = models.CharField(_("产品名称"), max_length=100)
    category = models.ForeignKey(ProductCategory, on_delete=models.PROTECT, related_name="+", db_index=False)
    category_name = models.CharField(_("产品类别"), max_length=60)
    focus = models.BooleanField(_("重点产品"), default=False)
    trademark = models.CharField(_("商标"), max_length=60, blank=True)
    model_spec = models.CharField(_("规格型号"), max_length=80, blank=True)
    batch = models.CharField(_("批号/生产日期"), max_length=60, blank=True)
    sampling_place = models.CharField(_("抽样地点"), max_length=200, blank=True)
    field = models.CharField(_("抽查领域"), max_length=12, choices=Field.choices)
    level = models.CharField(_("抽查级别"), max_length=12, choices=PlanLevel.choices)
    verdict = models.CharField(_("结论"), max_length=14, choices=Verdict.choices)
    failed_items = models.TextField(_("不合格项目"), blank=True)
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    institution_name = models.CharField(_("检验机构"), max_length=120)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", db_index=False)
    city_code = models.CharField(max_length=6)
    search = SearchVectorField(null=True)

    class Meta:
        verbose_name = _("公告结果")
        verbose_name_plural = _("公告结果")
        ordering = ["-published_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["sample"], condition=Q(corrects__isnull=True), name="sample_published_once")
        ]
        indexes = [
            GinIndex(fields=["search"], name="published_search_gin"),
            models.Index(fields=["-published_on", "-id"], name="published_date_id"),
            models.Index(fields=["verdict", "-published_on", "-id"], name="published_verdict_date_id"),
            # The default public search shows failures only (about one row in eight): its newest-first
            # walk reads this index instead of every row.
            models.Index(
                fields=["-published_on", "-id"], condition=~Q(verdict="pass"), name="published_failing_date_id"
            ),
            models.Index(fields=["region", "-published_on"], name="published_region_date"),
            models.Index(fields=["city_code", "-published_on"], name="published_city_date"),
            models.Index(fields=["category", "-published_on"], name="published_category_date"),
            models.Index(fields=["enterprise", "-published_on"], name="published_enterprise_date"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_name} {self.product_name}"


class SearchTerm(models.Model):
    """How many published rows hold each indexed term: lets search skip the impossible and pick a plan."""

    term = models.CharField(max_length=64, primary_key=True)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("检索词频")
        verbose_name_plural = _("检索词频")

    def __str__(self) -> str:
        return f"{self.term}: {self.rows}"


class SatisfactionResponse(models.Model):
    """用户满意度 (第十二条): per product category only, never per enterprise."""

    category = models.ForeignKey(ProductCategory, on_delete=models.PROTECT, related_name="satisfaction")
    quality = models.PositiveSmallIntegerField(_("质量满意度"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    safety = models.PositiveSmallIntegerField(_("安全满意度"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    labelling = models.PositiveSmallIntegerField(
        _("标识满意度"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    fingerprint = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("用户满意度调查")
        verbose_name_plural = _("用户满意度调查")

    def __str__(self) -> str:
        return f"{self.category_id}: {self.quality}/{self.safety}/{self.labelling}"
