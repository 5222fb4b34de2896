"""Public JSON API (no login): plain Django views serialising `.values()` rows — several times
faster than DRF for this read-only, high-traffic path. Documented in docs/public-api.md.

Same filters as the search page, cursor (keyset) pagination, a capped count, a streaming CSV
export with the same filters; rate limited (429 + Retry-After) and response-cached.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse

from portal.public.views import EXPORT_COLUMNS, csv_stream, parse_search
from portal.ratelimit import public_endpoint
from supervision.publication.models import Announcement, PublishedResult
from supervision.publication.search import LIST_FIELDS, search_published


def _json(data: Any, status: int = 200) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, default=str, separators=(",", ":"))
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")


@public_endpoint("api", as_json=True)
def results(request: HttpRequest) -> HttpResponse:
    state, errors = parse_search(request.GET)
    if errors:
        return _json({"errors": errors}, status=400)
    limit = max(1, min(int(request.GET["limit"]) if request.GET.get("limit", "").isdigit() else 20, 100))
    page = search_published(
        q=state["q"],
        filters=state["filters"],
        cursor=state["cursor"],
        limit=limit,
        include_passes=state["include_passes"],
    )
    next_url = None
    if page.next_cursor:
        params = request.GET.copy()
        params["cursor"] = page.next_cursor
        next_url = f"{request.path}?{params.urlencode()}"
    return _json(
        {
            # counted with the first page only: a cursor page answers null
            "count": None if state["cursor"] else page.count,
            "count_capped": None if state["cursor"] else page.capped,
            # true when "1000+" comes from the index's term counts rather than counted rows
            "count_estimated": None if state["cursor"] else page.estimated,
            "next_cursor": page.next_cursor,
            "next": next_url,
            "results": page.rows,
        }
    )


@public_endpoint("api", as_json=True)
def result_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = PublishedResult.objects.filter(pk=pk).values(*LIST_FIELDS).first()
    if row is None:
        raise Http404
    row["corrected_by"] = list(PublishedResult.objects.filter(corrects_id=pk).values_list("id", flat=True))
    row["url"] = reverse("public-result", args=[pk])
    return _json(row)


@public_endpoint("api", as_json=True)
def announcements(request: HttpRequest) -> HttpResponse:
    rows = list(
        Announcement.objects.exclude(published_at=None)
        .order_by("-published_at", "-id")
        .values(
            "id",
            "number",
            "title",
            "kind",
            "year",
            "quarter",
            "region_id",
            "corrects__number",
            "published_at",
            "row_count",
        )[:200]
    )
    for row in cast("list[dict[str, Any]]", rows):  # .values() rows; each gains and loses keys here
        row["corrects"] = row.pop("corrects__number")
        row["csv"] = reverse("public-announcement-csv", args=[row["number"]])
    return _json({"results": rows})


def _all_matching(state: dict[str, Any]) -> Iterator[dict[str, Any]]:
    cursor = None
    while True:
        page = search_published(
            q=state["q"],
            filters=state["filters"],
            cursor=cursor,
            limit=100,
            include_passes=state["include_passes"],
            with_count=False,
        )
        yield from page.rows
        if not page.next_cursor:
            return
        cursor = page.next_cursor


@public_endpoint("download")
def results_csv(request: HttpRequest) -> HttpResponseBase:
    state, errors = parse_search(request.GET)
    if errors:
        return _json({"errors": errors}, status=400)
    state["cursor"] = None
    names = {name for name, _label in EXPORT_COLUMNS}
    rows = ({k: v for k, v in row.items() if k in names} for row in _all_matching(state))
    response = StreamingHttpResponse(csv_stream(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="published-results.csv"'
    return response
