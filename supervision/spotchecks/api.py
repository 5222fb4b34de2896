"""Staff REST API of the spot checks (/api/spotcheck/…): the same acts as the pages, through the same services.

Lists are scoped to the user's region, and a record outside it answers 404 as on the pages (looked
up through `portal.access.access_object`); a role that may not act gets 403 with the reason; bad
input is a 400 with messages beside the fields.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from portal.access import access_object, scope_to_region
from portal.permissions import SAMPLERS, SPOTCHECK_STAFF, HasRole
from portal.typing import request_user
from supervision.spotchecks import imports, services
from supervision.spotchecks import serializers as s
from supervision.spotchecks.models import ImportBatch, Objection, Plan, Sample, Task
from supervision.spotchecks.selectors import sample_timeline, samples_for, with_standing_verdict

ERRORS = {
    400: OpenApiResponse(description="字段错误"),
    403: OpenApiResponse(description="角色无权操作"),
    404: OpenApiResponse(description="记录不存在或不在您的辖区内"),
}


def _valid(serializer_class: Any, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Plan]):
    """抽查计划 (第十四条)."""

    serializer_class = s.PlanSerializer
    permission_classes = [HasRole(*SPOTCHECK_STAFF)]

    def get_queryset(self) -> QuerySet[Plan]:
        return scope_to_region(Plan.objects.prefetch_related("categories"), self.request.user)

    @extend_schema(request=s.PlanCreateSerializer, responses={201: s.PlanSerializer, **ERRORS})
    def create(self, request: Request) -> Response:
        plan = services.plan_create(actor=request_user(request), **_valid(s.PlanCreateSerializer, request))
        return Response(s.PlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class TaskViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Task]):
    """抽查任务: assign (R1, R11), then record its sample or the refusal (R2, R3)."""

    serializer_class = s.TaskSerializer
    permission_classes = [HasRole(*SPOTCHECK_STAFF)]
    filterset_fields = ("plan", "compulsory", "category")

    def get_queryset(self) -> QuerySet[Task]:
        return scope_to_region(
            Task.objects.select_related("sample").prefetch_related("samplers"), self.request.user
        ).order_by("-id")

    def get_object(self) -> Task:
        return access_object(Task.objects.all(), self.request.user, pk=self.kwargs["pk"])

    @extend_schema(responses={200: s.TaskSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(s.TaskSerializer(self.get_object()).data)

    @extend_schema(request=s.TaskCreateSerializer, responses={201: s.TaskSerializer, **ERRORS})
    def create(self, request: Request) -> Response:
        task = services.task_create(actor=request_user(request), **_valid(s.TaskCreateSerializer, request))
        return Response(s.TaskSerializer(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.SampleRecordSerializer, responses={201: s.SampleDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def sample(self, request: Request, pk: str) -> Response:
        task = self.get_object()
        data = _valid(s.SampleRecordSerializer, request)
        sample = services.sample_record(actor=request_user(request), task=task, **data)
        return _sample_response(request, sample, status.HTTP_201_CREATED)

    @extend_schema(request=s.RefusalSerializer, responses={201: s.SampleDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def refusal(self, request: Request, pk: str) -> Response:
        task = self.get_object()
        sample = services.sample_record_refusal(
            actor=request_user(request), task=task, **_valid(s.RefusalSerializer, request)
        )
        return _sample_response(request, sample, status.HTTP_201_CREATED)


def _sample_response(request: Request, sample: Sample, code: int = status.HTTP_200_OK) -> Response:
    annotated = with_standing_verdict(Sample.objects.filter(pk=sample.pk), as_of=timezone.localdate()).get()
    return Response(s.SampleDetailSerializer(annotated, context={"request": request}).data, status=code)


class SampleViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Sample]):
    """样品: the sampling record, its report, review, notice, objections, with derived verdict and finality."""

    serializer_class = s.SampleListSerializer
    permission_classes = [HasRole(*SPOTCHECK_STAFF)]
    filterset_fields = ("refused", "task__plan", "task__category")

    def get_queryset(self) -> QuerySet[Sample]:
        qs = samples_for(request_user(self.request), as_of=timezone.localdate())
        final = self.request.query_params.get("final")
        if final in ("true", "1", "false", "0"):
            qs = qs.filter(is_final=final in ("true", "1"))
        verdict = self.request.query_params.get("verdict")
        if verdict:
            qs = qs.filter(standing_verdict=verdict)
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter("final", bool, description="只列出结论已终局（true）或未终局（false）的样品"),
            OpenApiParameter("verdict", str, description="现行结论：pass / fail / fail_refused"),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_object(self) -> Sample:
        return access_object(Sample.objects.select_related("report"), self.request.user, pk=self.kwargs["pk"])

    def _report(self, sample: Sample) -> Any:
        report = getattr(sample, "report", None) if not sample.refused else None
        if report is None:
            raise ValidationError({"report": _("拒检记录没有检验报告。")})
        return report

    @extend_schema(responses={200: s.SampleDetailSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    def retrieve(self, request: Request, pk: str) -> Response:
        return _sample_response(request, self.get_object())

    @extend_schema(responses={200: s.TimelineEntrySerializer(many=True), 403: ERRORS[403], 404: ERRORS[404]})
    @action(detail=True, methods=["get"])
    def timeline(self, request: Request, pk: str) -> Response:
        """The status history: audit events, custody and the notice, in time order."""
        entries = sample_timeline(self.get_object())
        return Response(s.TimelineEntrySerializer(entries, many=True).data)

    @extend_schema(request=s.ItemsSaveSerializer, responses={200: s.SampleDetailSerializer, **ERRORS})
    @action(detail=True, methods=["put"])
    def items(self, request: Request, pk: str) -> Response:
        """Replace the item results of the sample's report (draft or returned); the verdict is derived."""
        sample = self.get_object()
        data = _valid(s.ItemsSaveSerializer, request)
        services.report_save_items(
            actor=request_user(request),
            report=self._report(sample),
            items=[dict(i) for i in data["items"]],
            report_no=data.get("report_no", ""),
            tested_on=data.get("tested_on"),
        )
        return _sample_response(request, sample)

    @extend_schema(request=None, responses={200: s.SampleDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        sample = self.get_object()
        services.report_submit(actor=request_user(request), report=self._report(sample))
        return _sample_response(request, sample)

    @extend_schema(request=None, responses={200: s.SampleDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """Approve the report and notify the enterprise: the objection window opens today."""
        sample = self.get_object()
        services.report_approve(actor=request_user(request), report=self._report(sample))
        return _sample_response(request, sample)

    @extend_schema(request=s.ReturnSerializer, responses={200: s.SampleDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="return")
    def return_report(self, request: Request, pk: str) -> Response:
        sample = self.get_object()
        data = _valid(s.ReturnSerializer, request)
        services.report_return(actor=request_user(request), report=self._report(sample), reason=data["reason"])
        return _sample_response(request, sample)

    @extend_schema(request=s.ObjectionFileSerializer, responses={201: s.ObjectionSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def objections(self, request: Request, pk: str) -> Response:
        """Record the enterprise's objection (within OBJECTION_DAYS days of the notice)."""
        sample = self.get_object()
        objection = services.objection_file(
            actor=request_user(request), sample=sample, **_valid(s.ObjectionFileSerializer, request)
        )
        return Response(s.ObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CustodySerializer, responses={201: s.CustodyOutSerializer, **ERRORS})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def custody(self, request: Request, pk: str) -> Response:
        sample = self.get_object()
        row = services.custody_record(
            actor=request_user(request), sample=sample, **_valid(s.CustodySerializer, request)
        )
        return Response(s.CustodyOutSerializer(row).data, status=status.HTTP_201_CREATED)


class ObjectionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Objection]):
    """异议 and 复检 (R4)."""

    serializer_class = s.ObjectionSerializer
    permission_classes = [HasRole(*SPOTCHECK_STAFF)]
    filterset_fields = ("status", "sample")

    def get_queryset(self) -> QuerySet[Objection]:
        return scope_to_region(Objection.objects.select_related("reinspection"), self.request.user, "sample__region")

    @extend_schema(request=s.WithdrawSerializer, responses={200: s.ObjectionSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        objection = access_object(Objection.objects.all(), request.user, "sample__region", pk=pk)
        data = _valid(s.WithdrawSerializer, request)
        objection = services.objection_withdraw(actor=request_user(request), objection=objection, reason=data["reason"])
        return Response(s.ObjectionSerializer(objection).data)

    @extend_schema(request=s.ReinspectionSerializer, responses={201: s.ObjectionSerializer, **ERRORS})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def reinspection(self, request: Request, pk: str) -> Response:
        """Record the re-inspection of the retained sample; its verdict replaces the first and is final."""
        objection = access_object(Objection.objects.all(), request.user, "sample__region", pk=pk)
        services.reinspection_record(
            actor=request_user(request), objection=objection, **_valid(s.ReinspectionSerializer, request)
        )
        objection.refresh_from_db()
        return Response(s.ObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)


class ImportViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[ImportBatch]):
    """Bulk import of a lab's item results: all rows commit or none; big files run in the worker."""

    serializer_class = s.ImportBatchSerializer
    permission_classes = [HasRole(*SAMPLERS)]
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[ImportBatch]:
        return scope_to_region(ImportBatch.objects.all(), self.request.user)

    @extend_schema(responses={200: s.ImportBatchSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    def retrieve(self, request: Request, pk: str) -> Response:
        batch = access_object(ImportBatch.objects.all(), request.user, pk=pk)
        return Response(s.ImportBatchSerializer(batch).data)

    @extend_schema(request=s.ImportUploadSerializer, responses={201: s.ImportBatchSerializer, **ERRORS})
    def create(self, request: Request) -> Response:
        data = _valid(s.ImportUploadSerializer, request)
        batch = imports.import_results_start(actor=request_user(request), uploaded_file=data["file"])
        return Response(s.ImportBatchSerializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[],
        responses={(200, "text/csv"): OpenApiTypes.BINARY},
        description="下载导入模板（CSV）。",
    )
    @action(detail=False, methods=["get"], url_path="template-csv")
    def template_csv(self, request: Request) -> HttpResponse:
        response = HttpResponse(imports.import_template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="import-template.csv"'
        return response

    @extend_schema(
        responses={(200, imports.XLSX_TYPE): OpenApiTypes.BINARY},
        description="下载导入模板（XLSX）。",
    )
    @action(detail=False, methods=["get"], url_path="template-xlsx")
    def template_xlsx(self, request: Request) -> HttpResponse:
        response = HttpResponse(imports.import_template_xlsx(), content_type=imports.XLSX_TYPE)
        response["Content-Disposition"] = 'attachment; filename="import-template.xlsx"'
        return response
