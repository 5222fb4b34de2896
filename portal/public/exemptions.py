"""The public catalogue of inspection exemptions (免检产品目录, 国发〔1999〕24号 第十六条): searchable,
filterable, exportable (CSV, JSON), with an Atom feed of designations and revocations. When the
scheme is switched off it says so and lists the historical designations."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exemptions import selectors
from exemptions.models import Exemption, ExemptionEvent, ExemptionEventKind
from portal.ratelimit import public_endpoint
from supervision.publication.stats import city_choices
from supervision.registry.models import ProductCategory

STATUS_CHOICES = [
    ("", gettext_lazy("全部")),
    ("valid", gettext_lazy("有效")),
    ("revoked", gettext_lazy("已取消")),
    ("expired", gettext_lazy("已期满")),
]
COLUMNS: list[tuple[str, Any]] = [
    ("certificate_no", gettext_lazy("证书编号")),
    ("enterprise", gettext_lazy("生产企业")),
    ("uscc", gettext_lazy("统一社会信用代码")),
    ("product", gettext_lazy("产品")),
    ("trademark", gettext_lazy("商标")),
    ("model_spec", gettext_lazy("规格型号")),
    ("category", gettext_lazy("产品类别")),
    ("authority", gettext_lazy("确定部门")),
    ("valid_from", gettext_lazy("免检期起")),
    ("valid_to", gettext_lazy("免检期至")),
    ("status", gettext_lazy("状态")),
    ("revoked_on", gettext_lazy("取消日期")),
    ("revocation", gettext_lazy("取消原因")),
]


class CatalogueForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("产品、企业或证书编号"), max_length=60, required=False)
    category = forms.ChoiceField(label=gettext_lazy("产品类别"), required=False)
    city = forms.ChoiceField(label=gettext_lazy("地市"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("状态"), choices=STATUS_CHOICES, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = ProductCategory.objects.filter(in_catalogue=True).order_by("code").values_list("code", "name")
        self.fields["category"].choices = [("", _("全部类别")), *categories]  # type: ignore[attr-defined]
        self.fields["city"].choices = [("", _("全部地市")), *city_choices()]  # type: ignore[attr-defined]


def _filtered(request: HttpRequest) -> tuple[CatalogueForm, Any]:
    form = CatalogueForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.catalogue(
        day=timezone.localdate(),
        q=data.get("q", ""),
        category=data.get("category", ""),
        city=data.get("city", ""),
        status=data.get("status", ""),
    )
    return form, qs


def _row(e: Exemption, day: dt.date) -> dict[str, Any]:
    revoked = next((ev for ev in e.events.all() if ev.kind == ExemptionEventKind.REVOKED), None)
    status = e.status_on(day)
    labels = dict(STATUS_CHOICES)
    return {
        "id": e.pk,
        "certificate_no": e.certificate_no,
        "enterprise": e.product.enterprise.name,
        "uscc": e.product.enterprise.uscc,
        "product": e.product.name,
        "trademark": e.product.trademark,
        "model_spec": e.product.model_spec,
        "category": e.product.category.name,
        "authority": e.authority.name,
        "valid_from": e.valid_from.isoformat(),
        "valid_to": e.valid_to.isoformat(),
        "status": status,
        "status_label": str(labels.get(status, _("未开始"))),
        "revoked_on": revoked.on.isoformat() if revoked else "",
        "revocation": revoked.reason if revoked else "",
        "certificate": reverse("public-document", args=[e.certificate.code]) if e.certificate else "",
    }


@public_endpoint("page")
def catalogue(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered(request)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    day = timezone.localdate()
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "public/exemptions.html",
        {
            "enabled": settings.EXEMPTIONS_ENABLED,
            "form": form,
            "page": page,
            "rows": [_row(e, day) for e in page.object_list],
            "query": params.urlencode(),
        },
    )


@public_endpoint("download")
def catalogue_csv(request: HttpRequest) -> HttpResponse:
    _form, qs = _filtered(request)
    day = timezone.localdate()
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([str(label) for _name, label in COLUMNS])
    for e in qs[:10000]:
        row = _row(e, day)
        writer.writerow([row["status_label"] if name == "status" else row[name] for name, _label in COLUMNS])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="exemptions.csv"'
    return response


@public_endpoint("download")
def catalogue_json(request: HttpRequest) -> JsonResponse:
    _form, qs = _filtered(request)
    day = timezone.localdate()
    rows = [_row(e, day) for e in qs[:10000]]
    return JsonResponse(
        {"scheme_enabled": settings.EXEMPTIONS_ENABLED, "count": len(rows), "results": rows},
        json_dumps_params={"ensure_ascii": False},
    )


class ExemptionFeed(Feed[ExemptionEvent, None]):
    feed_type = Atom1Feed
    title = gettext_lazy("免检产品的确定与取消")
    subtitle = gettext_lazy("依据国发〔1999〕24号第十六条确定和取消的免检产品。")

    def link(self) -> str:
        return reverse("public-exemptions")

    def items(self) -> Any:
        return selectors.feed_events()

    def item_title(self, item: ExemptionEvent) -> str:
        e = item.exemption
        return f"{item.get_kind_display()}：{e.product.enterprise.name} {e.product} （{e.certificate_no}）"

    def item_description(self, item: ExemptionEvent) -> str:
        e = item.exemption
        text = _("免检期%(f)s至%(t)s，%(authority)s。") % {
            "f": e.valid_from,
            "t": e.valid_to,
            "authority": e.authority.name,
        }
        return f"{text} {item.reason}".strip()

    def item_link(self, item: ExemptionEvent) -> str:
        return f"{reverse('public-exemptions')}?q={item.exemption.certificate_no}"

    def item_guid(self, item: ExemptionEvent) -> str:
        return f"exemption-event-{item.pk}"

    def item_pubdate(self, item: ExemptionEvent) -> dt.datetime:
        return item.created_at
