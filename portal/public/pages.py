"""Public pages beyond search: catalogue (第十四条), category + satisfaction survey (第十二条),
statistics (R10) and exposure (第二十一条). No login; views parse input and call selectors/services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.forms import attach_service_errors
from portal.public.satisfaction import (
    satisfaction_answered,
    satisfaction_fingerprint,
    satisfaction_index,
    satisfaction_record,
)
from supervision.publication.charts import bar_chart, line_chart
from supervision.publication.stats import (
    category_quarter_rates,
    city_choices,
    exposure_page,
    exposure_results,
    public_statistics,
    published_years,
    responsible_persons,
)
from supervision.registry.models import CatalogueItem, ProductCategory

THANKS_KEY = "survey-thanks"
SCALE = [(str(n), str(n)) for n in range(1, 6)]
SCALE_ERRORS = {
    "required": gettext_lazy("请选择 1 至 5 中的一项。"),
    "invalid_choice": gettext_lazy("只能选择 1 至 5 中的一项（1 表示很不满意，5 表示很满意）。"),
}


def _scale_question(label: Any) -> forms.TypedChoiceField:
    """One survey question answered on the 1–5 scale."""
    return forms.TypedChoiceField(
        label=label, choices=SCALE, coerce=int, widget=forms.RadioSelect, error_messages=SCALE_ERRORS
    )


class SatisfactionForm(forms.Form):
    quality = _scale_question(gettext_lazy("您对这类产品的质量是否满意？"))
    safety = _scale_question(gettext_lazy("您对这类产品的使用安全是否放心？"))
    labelling = _scale_question(gettext_lazy("这类产品的标识和说明是否清楚？"))


class StatsFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("年度"), required=False, coerce=int, empty_value=None)
    quarter = forms.TypedChoiceField(label=gettext_lazy("季度"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["year"]).choices = [("", _("全部年度"))] + [(str(y), str(y)) for y in years]
        cast(forms.ChoiceField, self.fields["quarter"]).choices = [("", _("全部季度"))] + [
            (str(q), _("第%(quarter)s季度") % {"quarter": q}) for q in range(1, 5)
        ]


class ExposureFilterForm(forms.Form):
    city = forms.ChoiceField(label=gettext_lazy("地市"), required=False)
    category = forms.ChoiceField(label=gettext_lazy("产品类别"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["city"]).choices = [("", _("全部地市")), *city_choices()]
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("", _("全部类别")),
            *ProductCategory.objects.filter(in_catalogue=True).order_by("code").values_list("code", "name"),
        ]


def _focus_reasons(category: ProductCategory) -> list[str]:
    reasons = []
    if category.health_safety:
        reasons.append(_("涉及人体健康和人身、财产安全的产品"))
    if category.livelihood:
        reasons.append(_("关系国计民生的重要产品"))
    if category.complaint_focus:
        reasons.append(_("消费者反映强烈的产品"))
    return reasons


def catalogue(request: HttpRequest) -> HttpResponse:
    categories = list(
        ProductCategory.objects.filter(in_catalogue=True)
        .order_by("code")
        .prefetch_related("standards")
        .annotate(item_count=Count("items", distinct=True))
    )
    for category in categories:
        category.focus_reasons = _focus_reasons(category)  # type: ignore[attr-defined]  # read by the template
    return render(request, "public/catalogue.html", {"categories": categories})


def _client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: a client can write any X-Forwarded-For it likes.
    address: str = request.META.get("REMOTE_ADDR", "")
    return address


def category_detail(request: HttpRequest, code: str) -> HttpResponse:
    category = get_object_or_404(
        ProductCategory.objects.prefetch_related(
            "standards", Prefetch("items", queryset=CatalogueItem.objects.select_related("standard"))
        ),
        code=code,
        in_catalogue=True,
    )
    form = SatisfactionForm(request.POST or None)
    fingerprint = satisfaction_fingerprint(
        ip=_client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        category=category,
        day=timezone.localdate(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            satisfaction_record(actor=None, category=category, fingerprint=fingerprint, **form.cleaned_data)
        except ValidationError as exc:
            attach_service_errors(form, exc)
        else:
            # Our own notice rather than the messages framework: base.html's <ul role="status"> breaks
            # list semantics (axe "listitem", serious) and base.html is not ours to change.
            request.session[THANKS_KEY] = category.code
            return redirect(f"{request.path}#survey")
    rates = category_quarter_rates(category)
    chart = line_chart(
        chart_id="category-quarters", title=_("%(name)s：各季度合格率") % {"name": category.name}, rows=rates
    )
    return render(
        request,
        "public/category.html",
        {
            "category": category,
            "focus_reasons": _focus_reasons(category),
            "chart": chart if rates else None,
            "form": form,
            "index": satisfaction_index(category),
            "thanks": request.method == "GET" and request.session.pop(THANKS_KEY, None) == category.code,
            # once answered (one answer per person, category and day), the page says so instead of asking again
            "answered": request.method == "GET" and satisfaction_answered(fingerprint),
        },
        status=400 if request.method == "POST" else 200,
    )


def statistics(request: HttpRequest) -> HttpResponse:
    form = StatsFilterForm(request.GET or None, years=published_years())
    year = quarter = None
    if form.is_bound and form.is_valid():
        year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
    stats = public_statistics(year=year, quarter=quarter)
    sections = [
        (_("按产品类别"), bar_chart(chart_id="by-category", title=_("各产品类别合格率"), rows=stats.by_category)),
        (_("按地区（地市）"), bar_chart(chart_id="by-city", title=_("各地市合格率"), rows=stats.by_city)),
        (_("按抽查领域"), bar_chart(chart_id="by-field", title=_("生产、流通和电商领域合格率"), rows=stats.by_field)),
        (_("按抽查级别"), bar_chart(chart_id="by-level", title=_("各级监督抽查合格率"), rows=stats.by_level)),
        (_("按季度"), line_chart(chart_id="by-quarter", title=_("各季度合格率"), rows=stats.by_quarter)),
    ]
    return render(request, "public/stats.html", {"form": form, "stats": stats, "sections": sections})


def exposure(request: HttpRequest) -> HttpResponse:
    form = ExposureFilterForm(request.GET or None)
    city = category = None
    if form.is_bound and form.is_valid():
        city, category = form.cleaned_data["city"] or None, form.cleaned_data["category"] or None
    page = exposure_page(
        exposure_results(city_code=city, category_code=category),
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    base_query = request.GET.copy()
    for key in ("after", "before"):
        base_query.pop(key, None)
    persons = responsible_persons(page.rows)
    for row in page.rows:
        row.responsible = persons.get(row.id, [])  # type: ignore[attr-defined]  # read by the template
    return render(
        request,
        "public/exposure.html",
        {"form": form, "page": page, "base_query": base_query.urlencode()},
    )
