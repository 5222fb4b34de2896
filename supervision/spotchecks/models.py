"""Spot checks: plans, tasks, samples and their custody, test reports, notices, objections,
re-inspections and bulk imports. Data and invariants only; acts live in services.py."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supervision.registry.models import (
    Authority,
    Enterprise,
    Institution,
    Product,
    ProductCategory,
    Region,
)

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
    # False where the act was given a day only (the sampling record, a re-inspection): the time of
    # `at` then says nothing and is not shown; the row is ordered by its day and when it was recorded.
    time_known = models.BooleanField(_("记录了具体时刻"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    photo = models.FileField(_("照片"), upload_to="custody/%Y/%m/", blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("样品流转记录")
        verbose_name_plural = _("样品流转记录")
        ordering = ["sample_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.sample.code} {self.get_action_display()}"

    @property
    def day(self) -> dt.date:
        return timezone.localdate(self.at)


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
    # a paper objection received earlier and recorded later by an administrator, with its receipt
    receipt_no = models.CharField(_("纸质异议收件回执编号"), max_length=60, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-filed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.sample.code} {self.get_status_display()}"


class FeePayer(models.TextChoices):
    # R4: the applicant advances the fee and bears it only if the re-inspection confirms the first result
    APPLICANT = "applicant", _("申请人（复检维持原结论）")
    ORIGINAL_INSTITUTION = "original_institution", _("原检验机构（复检改变原结论）")


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
    fee_payer = models.CharField(_("复检费用承担方"), max_length=24, choices=FeePayer.choices, blank=True)
    fee_payer_name = models.CharField(_("复检费用承担单位"), max_length=120, blank=True)
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
