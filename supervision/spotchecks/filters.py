"""Filters and sorting of the staff lists (django-filter). Region scoping happens before, in the view."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from supervision.registry.models import ProductCategory
from supervision.spotchecks.models import Field, PlanLevel, Sample, Task, TestReport, Verdict


class TaskFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("企业名称/统一社会信用代码"), method="filter_q")
    plan__level = django_filters.ChoiceFilter(label=_("抽查级别"), choices=PlanLevel.choices, empty_label=_("全部"))
    field = django_filters.ChoiceFilter(label=_("抽查领域"), choices=Field.choices, empty_label=_("全部"))
    category = django_filters.ModelChoiceFilter(
        label=_("产品类别"), queryset=ProductCategory.objects.all(), empty_label=_("全部")
    )
    state = django_filters.ChoiceFilter(
        label=_("进度"),
        choices=[("open", _("待抽样")), ("sampled", _("已抽样")), ("compulsory", _("强制监督抽查"))],
        empty_label=_("全部"),
        method="filter_state",
    )
    o = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(("created_at", "created_at"), ("due_date", "due_date"), ("enterprise__name", "enterprise")),
        field_labels={
            "created_at": _("下达时间"),
            "-created_at": _("下达时间（新→旧）"),
            "due_date": _("完成期限"),
            "-due_date": _("完成期限（晚→早）"),
            "enterprise__name": _("受检单位"),
            "-enterprise": _("受检单位（倒序）"),
        },
        empty_label=_("默认（最新）"),
    )

    def filter_q(self, qs: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        return qs.filter(Q(enterprise__name__icontains=value) | Q(enterprise__uscc__iexact=value.strip()))

    def filter_state(self, qs: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        if value == "open":
            return qs.filter(sample__isnull=True)
        if value == "sampled":
            return qs.filter(sample__isnull=False)
        if value == "compulsory":
            return qs.filter(compulsory=True)
        return qs


class SampleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("样品编号/企业/产品"), method="filter_q")
    task__field = django_filters.ChoiceFilter(label=_("抽查领域"), choices=Field.choices, empty_label=_("全部"))
    task__category = django_filters.ModelChoiceFilter(
        label=_("产品类别"), queryset=ProductCategory.objects.all(), empty_label=_("全部")
    )
    verdict = django_filters.ChoiceFilter(
        label=_("结论"), choices=Verdict.choices, empty_label=_("全部"), field_name="standing_verdict"
    )
    o = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(("sampled_on", "sampled_on"), ("code", "code"), ("task__enterprise__name", "enterprise")),
        field_labels={
            "sampled_on": _("抽样日期（早→晚）"),
            "-sampled_on": _("抽样日期（晚→早）"),
            "code": _("样品编号"),
            "-code": _("样品编号（倒序）"),
            "task__enterprise__name": _("受检单位"),
            "-enterprise": _("受检单位（倒序）"),
        },
        empty_label=_("默认"),
    )

    def filter_q(self, qs: QuerySet[Sample], name: str, value: str) -> QuerySet[Sample]:
        value = value.strip()
        return qs.filter(
            Q(code__icontains=value) | Q(task__enterprise__name__icontains=value) | Q(product_name__icontains=value)
        )


class ReportFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("样品编号/企业"), method="filter_q")
    sample__task__category = django_filters.ModelChoiceFilter(
        label=_("产品类别"), queryset=ProductCategory.objects.all(), empty_label=_("全部")
    )
    o = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(("submitted_at", "submitted_at"), ("sample__code", "code")),
        field_labels={
            "submitted_at": _("提交时间（早→晚）"),
            "-submitted_at": _("提交时间（晚→早）"),
            "sample__code": _("样品编号"),
            "-code": _("样品编号（倒序）"),
        },
        empty_label=_("默认（先提交先审）"),
    )

    def filter_q(self, qs: QuerySet[TestReport], name: str, value: str) -> QuerySet[TestReport]:
        value = value.strip()
        return qs.filter(Q(sample__code__icontains=value) | Q(sample__task__enterprise__name__icontains=value))
