"""Serializers of the spot-check API: they parse input and present records; acts are services.

Related records are looked up by primary key among all records; the service then refuses one
outside the acting user's region with 403 (PermissionDenied), so the answer says why.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.models import User
from supervision.registry.models import Authority, Enterprise, Institution, Product, ProductCategory
from supervision.spotchecks.imports import error_count
from supervision.spotchecks.models import (
    CustodyAction,
    Field,
    ImportBatch,
    ItemResult,
    Notice,
    Objection,
    PlaceKind,
    Plan,
    Reinspection,
    Sample,
    SampleCustody,
    Task,
    TestReport,
)
from supervision.spotchecks.selectors import objection_deadline, sample_failed_items


def _pk(model: Any, **kw: Any) -> serializers.PrimaryKeyRelatedField[Any]:
    return serializers.PrimaryKeyRelatedField(queryset=model._default_manager.all(), **kw)


def _staff() -> serializers.PrimaryKeyRelatedField[User]:
    return serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))


# ---------------------------------------------------------------- input


class PlanCreateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=120, label=_("计划名称"))
    # a plain string (values listed) so the schema's enum name does not collide with the region level
    level = serializers.CharField(label=_("抽查级别"), help_text="national / provincial / city / county")
    year = serializers.IntegerField(min_value=2000, max_value=2100, label=_("年度"))
    quarter = serializers.IntegerField(min_value=1, max_value=4, label=_("季度"))
    field = serializers.ChoiceField(choices=Field.choices, label=_("抽查领域"))
    categories = serializers.ListField(child=_pk(ProductCategory), allow_empty=False, label=_("抽查产品类别"))
    authority = _pk(Authority, label=_("组织部门"))


class TaskCreateSerializer(serializers.Serializer[Any]):
    plan = _pk(Plan, label=_("抽查计划"))
    enterprise = _pk(Enterprise, label=_("受检单位"))
    category = _pk(ProductCategory, label=_("产品类别"))
    institution = _pk(Institution, label=_("承检机构"))
    samplers = serializers.ListField(child=_staff(), allow_empty=False, label=_("抽样人员"))
    field = serializers.ChoiceField(choices=Field.choices, required=False, allow_null=True, label=_("抽查领域"))
    product = _pk(Product, required=False, allow_null=True, label=_("产品"))
    producer = _pk(Enterprise, required=False, allow_null=True, label=_("标称生产企业"))
    shop_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)
    shop_url = serializers.URLField(required=False, allow_blank=True, default="")
    due_date = serializers.DateField(required=False, allow_null=True)


class SampleRecordSerializer(serializers.Serializer[Any]):
    samplers = serializers.ListField(child=_staff(), allow_empty=False, label=_("抽样人员"))
    sampled_on = serializers.DateField(label=_("抽样日期"))
    place_kind = serializers.ChoiceField(choices=PlaceKind.choices, required=False, allow_blank=True)
    place = serializers.CharField(required=False, allow_blank=True, max_length=200)
    place_url = serializers.URLField(required=False, allow_blank=True)
    product_name = serializers.CharField(max_length=100, label=_("产品名称"))
    trademark = serializers.CharField(required=False, allow_blank=True, max_length=60)
    model_spec = serializers.CharField(required=False, allow_blank=True, max_length=80)
    batch = serializers.CharField(required=False, allow_blank=True, max_length=60)
    production_date = serializers.DateField(required=False, allow_null=True)
    executed_standard = serializers.CharField(required=False, allow_blank=True, max_length=60)
    grade = serializers.CharField(required=False, allow_blank=True, max_length=20)
    sampling_base = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    quantity_drawn = serializers.IntegerField(min_value=1, label=_("抽样数量"))
    quantity_retained = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    unit_price = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True)
    sealed = serializers.BooleanField(required=False, default=False)
    label_name = serializers.BooleanField(required=False, default=False)
    label_address = serializers.BooleanField(required=False, default=False)
    label_standard = serializers.BooleanField(required=False, default=False)
    label_certificate = serializers.BooleanField(required=False, default=False)
    label_production_date = serializers.BooleanField(required=False, default=False)
    unit_signatory = serializers.CharField(required=False, allow_blank=True, max_length=40)


class RefusalSerializer(serializers.Serializer[Any]):
    samplers = serializers.ListField(child=_staff(), allow_empty=False, label=_("抽样人员"))
    sampled_on = serializers.DateField(label=_("日期"))
    witnesses = serializers.CharField(label=_("见证人"))
    note = serializers.CharField(label=_("拒检情况"))
    # the stubs want a Decimal default; the service takes the int 0 as it is (Decimal | int | str)
    cost = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, default=0)  # type: ignore[arg-type]
    institution = _pk(Institution, label=_("强制监督抽查的检验机构"), required=False, allow_null=True, default=None)


class CustodySerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=CustodyAction.choices)
    holder = serializers.CharField(max_length=120)
    at = serializers.DateTimeField()
    location = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    photo = serializers.FileField(required=False, allow_null=True)


class ItemInputSerializer(serializers.Serializer[Any]):
    """Parses one row; `services.clean_item` (the row validator of the page, the API and the import)
    checks it and answers 400 `{"items": {"<row>": {"<column>": [message]}}}`."""

    seq = serializers.IntegerField(required=False, allow_null=True)
    name = serializers.CharField(allow_blank=True)
    clause = serializers.CharField(required=False, allow_blank=True, default="")
    requirement = serializers.CharField(required=False, allow_blank=True, default="")
    measured = serializers.CharField(allow_blank=True)
    unit = serializers.CharField(required=False, allow_blank=True, default="")
    verdict = serializers.CharField(allow_blank=True, help_text=_("pass/fail/na 或 合格/不合格/不适用"))


class ItemsSaveSerializer(serializers.Serializer[Any]):
    items = ItemInputSerializer(many=True, allow_empty=True)
    report_no = serializers.CharField(required=False, allow_blank=True, default="")
    tested_on = serializers.DateField(required=False, allow_null=True)


class ReturnSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(allow_blank=True, label=_("退回理由"))


class ApproveSerializer(serializers.Serializer[Any]):
    pass


class ObjectionFileSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(allow_blank=True, label=_("异议理由"))
    filed_on = serializers.DateField(label=_("提出日期"))
    receipt_no = serializers.CharField(
        required=False, allow_blank=True, default="", label=_("纸质异议收件回执编号（仅管理员登记此前收到的纸质异议）")
    )


class WithdrawSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(allow_blank=True, label=_("撤回理由"))


class ReinspectionSerializer(serializers.Serializer[Any]):
    institution = _pk(Institution, label=_("复检机构"))
    decided_on = serializers.DateField(label=_("复检日期"))
    verdict = serializers.CharField(label=_("复检结论"), help_text="pass / fail")
    failed_items = serializers.CharField(required=False, allow_blank=True, default="")
    report_no = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)
    # the stubs want a Decimal default; the service takes the int 0 as it is (Decimal | int | str)
    fee = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, default=0)  # type: ignore[arg-type]
    seal_photo = serializers.ImageField(required=False, allow_null=True)


class ImportUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(label=_("检验结果文件（CSV 或 XLSX）"))


# ---------------------------------------------------------------- output


class PlanSerializer(serializers.ModelSerializer[Plan]):
    level = serializers.CharField(read_only=True, help_text="national / provincial / city / county")
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Plan
        fields = ("id", "title", "level", "level_display", "year", "quarter", "field", "categories", "authority")
        read_only_fields = fields


class TaskSerializer(serializers.ModelSerializer[Task]):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    sample = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = (
            "id",
            "plan",
            "region",
            "enterprise",
            "enterprise_name",
            "producer",
            "field",
            "shop_name",
            "shop_url",
            "category",
            "category_name",
            "product",
            "institution",
            "samplers",
            "compulsory",
            "origin_sample",
            "cost",
            "cost_payer",
            "due_date",
            "sample",
        )
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.INT)
    def get_sample(self, obj: Task) -> int | None:
        try:
            return obj.sample.pk
        except Sample.DoesNotExist:
            return None


class ItemResultSerializer(serializers.ModelSerializer[ItemResult]):
    verdict = serializers.CharField(read_only=True, help_text="pass / fail / na（合格/不合格/不适用）")

    class Meta:
        model = ItemResult
        fields = ("seq", "name", "clause", "requirement", "measured", "unit", "verdict")
        read_only_fields = fields


class TestReportSerializer(serializers.ModelSerializer[TestReport]):
    items = ItemResultSerializer(many=True, read_only=True)

    class Meta:
        model = TestReport
        fields = (
            "id",
            "institution",
            "report_no",
            "status",
            "verdict",
            "tested_on",
            "attachment",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "return_reason",
            "items",
        )
        read_only_fields = fields


class NoticeSerializer(serializers.ModelSerializer[Notice]):
    objection_deadline = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = ("id", "notified_on", "objection_deadline", "channel", "body")
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.DATE)
    def get_objection_deadline(self, obj: Notice) -> Any:
        return objection_deadline(obj.notified_on)


class ReinspectionSerializerOut(serializers.ModelSerializer[Reinspection]):
    class Meta:
        model = Reinspection
        fields = ("id", "institution", "decided_on", "verdict", "failed_items", "report_no", "fee")
        read_only_fields = fields


class ObjectionSerializer(serializers.ModelSerializer[Objection]):
    reinspection = ReinspectionSerializerOut(read_only=True)

    class Meta:
        model = Objection
        fields = ("id", "sample", "filed_on", "reason", "status", "reinspection")
        read_only_fields = fields


class CustodyOutSerializer(serializers.ModelSerializer[SampleCustody]):
    class Meta:
        model = SampleCustody
        fields = ("id", "action", "holder", "location", "at", "note", "photo")
        read_only_fields = fields


class SampleListSerializer(serializers.ModelSerializer[Sample]):
    """A sample with its derived standing verdict and finality (R4), annotated by the selector."""

    enterprise_name = serializers.CharField(source="task.enterprise.name", read_only=True)
    category_name = serializers.CharField(source="task.category.name", read_only=True)
    level = serializers.CharField(source="task.plan.level", read_only=True)
    report_status = serializers.SerializerMethodField()
    standing_verdict = serializers.CharField(read_only=True, allow_null=True)
    is_final = serializers.BooleanField(read_only=True)
    notified_on = serializers.DateField(read_only=True, allow_null=True)
    has_open_objection = serializers.BooleanField(read_only=True)

    class Meta:
        model = Sample
        fields: tuple[str, ...] = (
            "id",
            "code",
            "task",
            "region",
            "sampled_on",
            "product_name",
            "trademark",
            "model_spec",
            "batch",
            "enterprise_name",
            "category_name",
            "level",
            "refused",
            "report_status",
            "standing_verdict",
            "is_final",
            "notified_on",
            "has_open_objection",
        )
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_report_status(self, obj: Sample) -> str | None:
        report = getattr(obj, "report", None) if not obj.refused else None
        return report.status if report else None


class SampleDetailSerializer(SampleListSerializer):
    report = serializers.SerializerMethodField()
    notices = NoticeSerializer(many=True, read_only=True)
    objections = ObjectionSerializer(many=True, read_only=True)
    custody = CustodyOutSerializer(many=True, read_only=True)
    failed_items = serializers.SerializerMethodField()

    class Meta(SampleListSerializer.Meta):
        fields = (
            *SampleListSerializer.Meta.fields,
            "place_kind",
            "place",
            "place_url",
            "production_date",
            "executed_standard",
            "grade",
            "sampling_base",
            "quantity_drawn",
            "quantity_retained",
            "unit_price",
            "sealed",
            "samplers",
            "refusal_witnesses",
            "refusal_note",
            "failed_items",
            "report",
            "notices",
            "objections",
            "custody",
        )
        read_only_fields = fields

    @extend_schema_field(TestReportSerializer(allow_null=True))
    def get_report(self, obj: Sample) -> dict[str, Any] | None:
        report = TestReport.objects.filter(sample=obj).first()
        return TestReportSerializer(report, context=self.context).data if report else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_failed_items(self, obj: Sample) -> list[str]:
        return sample_failed_items(obj)


class TimelineEntrySerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField(help_text="orders the entry; its time of day is a fact only where time_known")
    on = serializers.DateField(help_text="the day it happened")
    time_known = serializers.BooleanField(help_text="false where the act was given a day only")
    kind = serializers.CharField(help_text="audit / custody / notice")
    # the metaclass takes declared fields off the class, so this does not shadow Field.label
    label = serializers.CharField()  # type: ignore[assignment]
    actor = serializers.CharField()
    clause = serializers.CharField()
    detail = serializers.CharField()


class ImportBatchSerializer(serializers.ModelSerializer[ImportBatch]):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    error_count = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = (
            "id",
            "original_name",
            "status",
            "status_display",
            "total_rows",
            "processed_rows",
            "error_count",
            "errors",
            "created_at",
            "finished_at",
        )
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.INT)
    def get_error_count(self, obj: ImportBatch) -> int:
        return error_count(obj)
