"""Public site: search of published results, result and enterprise pages, announcements (R5, R10).

Views stay thin: they parse the GET query (the URL is the whole state, so a link shares a
search), call supervision.publication.search.search_published, and render. No ranking or score anywhere.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time
from collections.abc import Iterator
from typing import Any, cast

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from exemptions.selectors import valid_exemption_of
from portal.ratelimit import public_endpoint
from supervision.documents.selectors import latest_public_document, latest_public_documents
from supervision.publication.models import PUBLISHED_COLUMNS, Announcement, PublishedResult
from supervision.publication.search import SearchFilters, search_published
from supervision.publication.stats import exposure_results
from supervision.registry.models import Enterprise, Institution, ProductCategory, Region, RegionLevel
from supervision.spotchecks.models import Field, PlanLevel, Verdict

FIELD_LABELS = dict(Field.choices)
LEVEL_LABELS = dict(PlanLevel.choices)
VERDICT_LABELS = dict(Verdict.choices)
PAGE_SIZE = 20

# The columns of a published row as exported (CSV, XLSX, JSON): one list, in publication's models.
EXPORT_COLUMNS = PUBLISHED_COLUMNS


# ---------------------------------------------------------------- parsing the URL state


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def parse_search(params: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The search state from a query string; bad values are dropped with a message per field."""
    errors: dict[str, str] = {}
    region = (params.get("region") or "").strip()
    if region and not (len(region) == 6 and region.isdigit()):
        errors["region"] = _("行政区划代码应为 6 位数字。")
        region = ""
    year = _int(params.get("year"))
    if params.get("year") and (year is None or not 2000 <= year <= 2100):
        errors["year"] = _("年度应为 2000 至 2100 之间的数字。")
        year = None
    quarter = _int(params.get("quarter"))
    if params.get("quarter") and quarter not in (1, 2, 3, 4):
        errors["quarter"] = _("季度应为 1 至 4。")
        quarter = None
    date_from, date_to = _date(params.get("from")), _date(params.get("to"))
    if params.get("from") and date_from is None:
        errors["from"] = _("日期格式应为 年-月-日，例如 2026-01-31。")
    if params.get("to") and date_to is None:
        errors["to"] = _("日期格式应为 年-月-日，例如 2026-01-31。")
    field = params.get("field") or ""
    if field and field not in FIELD_LABELS:
        errors["field"] = _("请选择有效的抽查领域。")
        field = ""
    level = params.get("level") or ""
    if level and level not in LEVEL_LABELS:
        errors["level"] = _("请选择有效的抽查级别。")
        level = ""
    filters = SearchFilters(
        region=region,
        category=_int(params.get("category")),
        field=field,
        level=level,
        year=year,
        quarter=quarter,
        date_from=date_from,
        date_to=date_to,
        institution=_int(params.get("institution")),
        ascending=params.get("sort") == "asc",
    )
    state = {
        "q": (params.get("q") or "").strip()[:100],
        "filters": filters,
        "cursor": params.get("cursor") or None,
        "include_passes": params.get("passes") in ("1", "on", "true"),
    }
    return state, errors


_choices: dict[str, Any] = {"at": -1e9, "data": {}}


def filter_choices() -> dict[str, Any]:
    """Options of the filter controls; the registry changes rarely, so keep them a minute.
    A fresh dict replaces the old one whole, so a concurrent request never sees half of it."""
    if time.monotonic() - _choices["at"] > 60:
        _choices["data"] = {
            "regions": list(
                Region.objects.filter(code__startswith="44", level__in=[RegionLevel.CITY, RegionLevel.COUNTY])
                .order_by("code")
                .values_list("code", "name", "level")
            ),
            "categories": list(ProductCategory.objects.order_by("code").values_list("id", "name")),
            "institutions": list(Institution.objects.order_by("name").values_list("id", "name")),
        }
        _choices["at"] = time.monotonic()
    data: dict[str, Any] = _choices["data"]
    return data


def _options(kind: str, selected: Any) -> str:
    """Pre-escaped <option> list of a filter control, built once a minute rather than looped over
    in the template on every request (a template loop over 140 regions costs milliseconds)."""
    choices = filter_choices()
    key = f"html_{kind}"
    if key not in choices:
        if kind == "regions":
            items = [
                (code, ("\u3000" if level == RegionLevel.COUNTY else "") + name)
                for code, name, level in choices["regions"]
            ]
        else:
            items = list(choices[kind])
        choices[key] = "".join(format_html('<option value="{}">{}</option>', value, label) for value, label in items)
    html: str = choices[key]
    if selected not in (None, ""):
        needle = f'<option value="{selected}">'
        html = html.replace(needle, f'<option value="{selected}" selected>', 1)
    return mark_safe(html)  # noqa: S308 - built with format_html above


def decorate_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        row["field_label"] = FIELD_LABELS.get(row["field"], row["field"])
        row["level_label"] = LEVEL_LABELS.get(row["level"], row["level"])
        row["verdict_label"] = VERDICT_LABELS.get(row["verdict"], row["verdict"])
        row["failed"] = row["verdict"] != Verdict.PASS
    return rows


def _query_without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


# The search's state in a URL: a result opened from a search carries it, so "Back to search" returns
# to the same query, filters and page.
SEARCH_PARAMS = ("q", "region", "category", "field", "level", "year", "quarter", "from", "to", "institution")
SEARCH_STATE = (*SEARCH_PARAMS, "sort", "passes", "cursor")


def search_state_query(params: Any) -> str:
    """The search parameters of a query string (nothing else), URL-encoded."""
    kept = QueryDict(mutable=True)
    for name in SEARCH_STATE:
        value = (params.get(name) or "").strip()[:200]
        if value:
            kept[name] = value
    return kept.urlencode()


def active_filter_count(params: Any) -> int:
    """How many filters besides the keywords narrow the search (shown on the folded filter control)."""
    count = sum(1 for name in SEARCH_PARAMS[1:] if (params.get(name) or "").strip())
    count += int(params.get("sort") == "asc")
    count += int(params.get("passes") in ("1", "on", "true"))
    return int(count)


# ---------------------------------------------------------------- pages


HOME_FAILURES = 5


@public_endpoint("page")
def home(request: HttpRequest) -> HttpResponse:
    """A starting point: the search, the latest failures of focus products (newest first, facts only:
    no ranking, 第十二条), the latest announcements, and the ways to statistics and the catalogue."""
    latest = list(
        Announcement.objects.exclude(published_at=None)
        .select_related("region", "corrects")
        .order_by("-published_at", "-id")[:5]
    )
    failures = list(exposure_results()[:HOME_FAILURES])
    return render(request, "public/home.html", {"latest": latest, "failures": failures})


@public_endpoint("search")
def search(request: HttpRequest) -> HttpResponse:
    state, errors = parse_search(request.GET)
    page = search_published(
        q=state["q"],
        filters=state["filters"],
        cursor=state["cursor"],
        limit=PAGE_SIZE,
        include_passes=state["include_passes"],
    )
    base_query = _query_without(request, "cursor")
    context = {
        "state": state,
        "filters": state["filters"],
        "errors": errors,
        "rows": decorate_rows(page.rows),
        "page": page,
        "base_query": base_query,
        "page_query": search_state_query(request.GET),
        "active_filters": active_filter_count(request.GET),
        "first_page": state["cursor"] is None,
        "region_options": _options("regions", state["filters"].region),
        "category_options": _options("categories", state["filters"].category),
        "institution_options": _options("institutions", state["filters"].institution),
        "field_choices": Field.choices,
        "level_choices": PlanLevel.choices,
        "quarters": [1, 2, 3, 4],
    }
    return render(request, "public/search.html", context)


@public_endpoint("page")
def result_detail(request: HttpRequest, pk: int) -> HttpResponse:
    result = get_object_or_404(
        PublishedResult.objects.select_related(
            "announcement__region", "announcement__corrects", "region", "sample__task"
        ),
        pk=pk,
    )
    corrections = list(PublishedResult.objects.filter(corrects=result).select_related("announcement"))
    back_query = search_state_query(request.GET)
    product_id = result.sample.task.product_id if result.sample is not None else None
    # 第十六条: the exemption mark beside a product exempt today
    marks = valid_exemption_of([product_id] if product_id else [], day=timezone.localdate())
    return render(
        request,
        "public/result.html",
        {
            "result": result,
            "exemption": marks.get(product_id) if product_id else None,
            "row": decorate_rows([{"field": result.field, "level": result.level, "verdict": result.verdict}])[0],
            "corrections": corrections,
            "original": result.corrects,
            "back_query": back_query,
        },
    )


@public_endpoint("page")
def enterprise_detail(request: HttpRequest, uscc: str) -> HttpResponse:
    """An enterprise's published results, newest first: facts only, no score or rank (R10)."""
    enterprise = get_object_or_404(Enterprise.objects.select_related("region"), uscc=uscc.upper())
    filters = SearchFilters(enterprise=enterprise.pk)
    page = search_published(
        filters=filters, cursor=request.GET.get("cursor"), limit=PAGE_SIZE, include_passes=True, with_count=False
    )
    product_ids = list(enterprise.products.values_list("pk", flat=True))
    exempt = sorted(valid_exemption_of(product_ids, day=timezone.localdate()).values(), key=lambda e: e.certificate_no)
    return render(
        request,
        "public/enterprise.html",
        {"enterprise": enterprise, "rows": decorate_rows(page.rows), "page": page, "exempt": exempt},
    )


@public_endpoint("page")
def announcement_list(request: HttpRequest) -> HttpResponse:
    qs = Announcement.objects.exclude(published_at=None).select_related("region", "corrects")
    paginator = Paginator(qs.order_by("-published_at", "-id"), 30)
    page = paginator.get_page(request.GET.get("page"))
    pdfs = latest_public_documents(page.object_list)
    for announcement in page.object_list:
        announcement.pdf = pdfs.get(str(announcement.pk))  # type: ignore[attr-defined]  # read by the template
    return render(request, "public/announcements.html", {"page": page})


def _announcement(key: str) -> Announcement:
    qs = Announcement.objects.exclude(published_at=None).select_related("region", "corrects")
    found = qs.filter(Q(number=key) | Q(pk=int(key)) if key.isdigit() else Q(number=key)).first()
    if found is None:
        raise Http404(_("未找到该公告。"))
    return found


@public_endpoint("page")
def announcement_detail(request: HttpRequest, key: str) -> HttpResponse:
    announcement = _announcement(key)
    rows_qs = announcement.results.order_by("-published_on", "-id").values(
        "id",
        "enterprise_name",
        "product_name",
        "trademark",
        "model_spec",
        "batch",
        "field",
        "level",
        "verdict",
        "failed_items",
        "institution_name",
        "corrects_id",
    )
    paginator = Paginator(rows_qs, 50)
    paginator.count = announcement.row_count  # known: no COUNT(*) over the table
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "public/announcement.html",
        {
            "announcement": announcement,
            "page": page,
            "rows": decorate_rows(cast(list[dict[str, Any]], list(page.object_list))),
            "corrections": list(announcement.corrections.exclude(published_at=None)),
            "pdf": latest_public_document(announcement),
        },
    )


# ---------------------------------------------------------------- downloads


def _export_value(row: dict[str, Any], name: str) -> Any:
    value: Any = row.get(name)
    if name == "field":
        return str(FIELD_LABELS.get(value, value))
    if name == "level":
        return str(LEVEL_LABELS.get(value, value))
    if name == "verdict":
        return str(VERDICT_LABELS.get(value, value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else value


def announcement_rows(announcement: Announcement) -> Iterator[dict[str, Any]]:
    names = [name for name, _label in EXPORT_COLUMNS]
    rows: Iterator[dict[str, Any]] = announcement.results.order_by("id").values(*names).iterator(chunk_size=2000)
    return rows


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # Excel opens UTF-8 CSV with Chinese only with a BOM
    yield writer.writerow([str(label) for _name, label in EXPORT_COLUMNS])
    for row in rows:
        yield writer.writerow([_export_value(row, name) for name, _label in EXPORT_COLUMNS])


def _download_name(announcement: Announcement, ext: str) -> str:
    return f'attachment; filename="announcement-{announcement.number}.{ext}"'


@public_endpoint("download")
def announcement_csv(request: HttpRequest, key: str) -> StreamingHttpResponse:
    announcement = _announcement(key)
    response = StreamingHttpResponse(
        csv_stream(announcement_rows(announcement)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = _download_name(announcement, "csv")
    return response


@public_endpoint("download")
def announcement_json(request: HttpRequest, key: str) -> StreamingHttpResponse:
    announcement = _announcement(key)

    def stream() -> Iterator[str]:
        head = {
            "number": announcement.number,
            "title": announcement.title,
            "kind": announcement.kind,
            "year": announcement.year,
            "quarter": announcement.quarter,
            "region": announcement.region_id,
            "corrects": announcement.corrects.number if announcement.corrects else None,
            "published_at": announcement.published_at.isoformat() if announcement.published_at else None,
            "row_count": announcement.row_count,
        }
        yield json.dumps(head, ensure_ascii=False)[:-1] + ', "results": ['
        for i, row in enumerate(announcement_rows(announcement)):
            yield ("," if i else "") + json.dumps(row, ensure_ascii=False, default=str)
        yield "]}"

    response = StreamingHttpResponse(stream(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = _download_name(announcement, "json")
    return response


@public_endpoint("download")
def announcement_xlsx(request: HttpRequest, key: str) -> HttpResponse:
    from openpyxl import Workbook

    announcement = _announcement(key)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=announcement.number[:31])
    sheet.append([str(label) for _name, label in EXPORT_COLUMNS])
    for row in announcement_rows(announcement):
        sheet.append([_export_value(row, name) for name, _label in EXPORT_COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = _download_name(announcement, "xlsx")
    return response
