"""Public search (R5, R10): Chinese tokenizer, filters, keyset pages, capped counts, rate limit."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.ratelimit import body_cache
from supervision.publication import search as search_module
from supervision.publication.search import (
    SearchFilters,
    decode_cursor,
    document_vector,
    encode_cursor,
    parse_query,
    search_published,
)
from tests.supervision.pub_factory import publish_rows

pytestmark = pytest.mark.django_db


def _vector_matches(row: dict, q: str) -> bool:
    literal, _terms = document_vector(row)
    with connection.cursor() as cur:
        cur.execute("SELECT %s::tsvector @@ %s::tsquery", [literal, parse_query(q).tsquery])
        return cur.fetchone()[0]


# ---------------------------------------------------------------- tokenizer


def test_it_tokenizes_han_runs_into_unigrams_and_bigrams():
    _literal, terms = document_vector({"product_name": "电水壶"})
    assert {"电", "水", "壶", "电水", "水壶"} <= terms
    assert "电水壶" not in terms


def test_it_indexes_model_numbers_with_their_prefixes():
    _literal, terms = document_vector({"model_spec": "MK-17S05"})
    assert {"mk17s05", "mk17", "mk", "17s05", "17s"} <= terms


def test_it_turns_a_query_into_phrases_of_bigrams():
    assert parse_query("电水壶").tsquery == "('电水' <-> '水壶')"
    assert parse_query("壶").tsquery == "'壶'"
    assert parse_query("童装 MK-17").tsquery == "'童装' & 'mk17'"
    assert parse_query("  ").empty


@pytest.mark.parametrize("q", ["水壶", "电水壶", "壶", "天河", "美的", "mk-17s05", "MK17", "17S", "泄漏电流"])
def test_it_matches_one_and_two_character_words_and_model_numbers(q):
    row = {
        "product_name": "电水壶",
        "enterprise_name": "广州市天河电器有限公司",
        "trademark": "美的好",
        "model_spec": "MK-17S05",
        "failed_items": "泄漏电流和电气强度",
    }
    assert _vector_matches(row, q)


@pytest.mark.parametrize("q", ["司电", "器有限公司电水", "壶美", "强度发", "电壶", "mk18"])
def test_it_does_not_match_across_fields_or_gaps(q):
    row = {
        "product_name": "电水壶",
        "enterprise_name": "广州市天河电器有限公司",
        "trademark": "美的好",
        "model_spec": "MK-17S05",
        "failed_items": "泄漏电流和电气强度；发热",
    }
    assert not _vector_matches(row, q)


def test_it_encodes_an_opaque_cursor_and_ignores_a_forged_one():
    cursor = encode_cursor(dt.date(2026, 7, 1), 42)
    assert "2026" not in cursor
    assert decode_cursor(cursor) == (dt.date(2026, 7, 1), 42)
    assert decode_cursor("not-a-cursor!") is None


# ---------------------------------------------------------------- selector


@pytest.fixture
def rows(kettle_category):
    return publish_rows(
        [
            {"product_name": "电水壶", "enterprise_name": "广州市天河电器有限公司", "failed_items": "泄漏电流"},
            {
                "product_name": "童装",
                "enterprise_name": "深圳市南山童装有限公司",
                "region_id": "440305",
                "failed_items": "甲醛含量",
            },
            {
                "product_name": "锂电池",
                "enterprise_name": "东莞市长安电子有限公司",
                "region_id": "441900",
                "model_spec": "BP-20A",
            },
            {
                "product_name": "插座",
                "enterprise_name": "佛山市顺德电器厂",
                "region_id": "440606",
                "field": "circulation",
            },
            {
                "product_name": "电水壶",
                "enterprise_name": "中山市小榄电器有限公司",
                "region_id": "442000",
                "verdict": "pass",
            },
        ],
        category=kettle_category,
    )


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("水壶", ["电水壶"]),
        ("壶", ["电水壶"]),
        ("童装", ["童装"]),
        ("锂电", ["锂电池"]),
        ("插座", ["插座"]),
        ("bp-20", ["锂电池"]),
    ],
)
def test_it_finds_failures_by_chinese_words(rows, q, expected):
    assert [r["product_name"] for r in search_published(q=q).rows] == expected


def test_it_includes_passes_only_when_asked(rows):
    assert len(search_published(q="电水壶").rows) == 1
    assert len(search_published(q="电水壶", include_passes=True).rows) == 2


def test_it_combines_filters(rows, kettle_category):
    assert [r["product_name"] for r in search_published(q="电器", filters=SearchFilters(region="440600")).rows] == [
        "插座"
    ]
    assert search_published(q="电器", filters=SearchFilters(region="440606", field="production")).rows == []
    by_county = search_published(
        filters=SearchFilters(region="440106", category=kettle_category.pk, year=2026, quarter=2)
    )
    assert [r["enterprise_name"] for r in by_county.rows] == ["广州市天河电器有限公司"]
    assert search_published(filters=SearchFilters(quarter=3)).rows == []
    assert len(search_published(filters=SearchFilters(region="440000")).rows) == 4
    assert search_published(filters=SearchFilters(date_from=dt.date(2026, 7, 2))).rows == []


def test_it_answers_an_impossible_query_without_reading_the_results(rows):
    with CaptureQueriesContext(connection) as ctx:
        page = search_published(q="飞机")
    assert page.rows == [] and page.count == 0 and page.plan == "impossible"
    assert not any("supervision_publishedresult" in q["sql"] for q in ctx.captured_queries)


def test_it_caps_the_count(kettle_category, monkeypatch):
    publish_rows([{"product_name": f"童装{i}"} for i in range(8)], category=kettle_category)
    monkeypatch.setattr(search_module, "COUNT_CAP", 5)
    page = search_published(q="童装", limit=3)
    assert page.capped and page.count == 5 and page.count_label == "5+"
    exact = search_published(q="童装", limit=10)
    assert not exact.capped and exact.count == 8


def test_it_pages_by_cursor_without_repeating_or_skipping_under_inserts(kettle_category):
    publish_rows(
        [{"product_name": f"插座{i}", "published_on": dt.date(2026, 7, 1 + i % 3)} for i in range(25)],
        category=kettle_category,
    )
    seen: list[int] = []
    expected = [r["id"] for r in search_published(q="插座", limit=100).rows]
    cursor = None
    while True:
        page = search_published(q="插座", limit=7, cursor=cursor)
        seen += [r["id"] for r in page.rows]
        # newer rows arrive between two page fetches: they must not shift the pages
        publish_rows(
            [{"product_name": "插座新", "published_on": dt.date(2026, 10, 1)}], category=kettle_category, quarter=3
        )
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert seen == expected
    assert len(set(seen)) == 25


def test_it_pages_in_ascending_order_too(kettle_category):
    publish_rows(
        [{"product_name": "插座", "published_on": dt.date(2026, 7, 1 + i)} for i in range(5)], category=kettle_category
    )
    first = search_published(q="插座", limit=2, filters=SearchFilters(ascending=True))
    second = search_published(q="插座", limit=2, cursor=first.next_cursor, filters=SearchFilters(ascending=True))
    days = [r["published_on"].day for r in first.rows + second.rows]
    assert days == [1, 2, 3, 4]


# ---------------------------------------------------------------- public pages and API


def test_it_serves_the_search_page_with_share_link_and_next_page(client, kettle_category):
    publish_rows([{"product_name": "童装"} for _ in range(25)], category=kettle_category)
    response = client.get(reverse("public-search"), {"q": "童装", "region": "440106"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="result-card"') == 20
    assert "下一页" in html and "cursor=" in html
    assert "评分" not in html and "排名" not in html


def test_it_explains_a_bad_filter_beside_the_field(client, rows):
    html = client.get(reverse("public-search"), {"q": "壶", "year": "abc", "region": "12"}).content.decode()
    assert "年度应为" in html and "行政区划代码应为 6 位数字" in html


def test_it_serves_the_json_api_with_cursor_pagination(client, kettle_category):
    publish_rows([{"product_name": "锂电池"} for _ in range(3)], category=kettle_category)
    first = client.get(reverse("public-api-results"), {"q": "锂电", "limit": 2}).json()
    assert len(first["results"]) == 2 and first["next_cursor"]
    assert first["count"] == 3 and first["count_capped"] is False
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next_cursor"] is None and second["count"] is None
    assert {r["id"] for r in first["results"]}.isdisjoint({r["id"] for r in second["results"]})
    assert client.get(reverse("public-api-results"), {"year": "x"}).status_code == 400


def test_it_exports_csv_with_the_same_filters(client, rows):
    response = client.get(reverse("public-api-results-csv"), {"q": "电器"})
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "广州市天河电器有限公司" in body and "佛山市顺德电器厂" in body and "中山市小榄" not in body


def test_it_offers_announcement_downloads_feed_and_sitemap(client, rows):
    assert client.get(reverse("public-announcement", args=["T-2026Q2"])).status_code == 200
    csv_body = b"".join(client.get(reverse("public-announcement-csv", args=["T-2026Q2"])).streaming_content)
    assert "童装".encode() in csv_body
    data = json.loads(b"".join(client.get(reverse("public-announcement-json", args=["T-2026Q2"])).streaming_content))
    assert len(data["results"]) == 5
    xlsx = client.get(reverse("public-announcement-xlsx", args=["T-2026Q2"]))
    assert xlsx.content[:2] == b"PK"
    assert b"<feed" in client.get(reverse("public-feed")).content
    assert client.get("/sitemap.xml").status_code == 200


def test_it_answers_429_with_retry_after_when_over_the_rate_limit(client, rows, settings):
    from django.core.cache import cache

    cache.clear()
    settings.PUBLIC_RATE_LIMIT = "3/minute"
    codes = [client.get(reverse("public-api-results"), {"q": "壶"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = client.get(reverse("public-search"), {"q": "壶"})  # its own window, still allowed
    assert response.status_code == 200
    limited = client.get(reverse("public-api-results"), {"q": "壶"})
    assert limited.status_code == 429 and 1 <= int(limited["Retry-After"]) <= 60


def test_it_serves_repeated_anonymous_requests_from_the_response_cache(client, rows, settings):
    from django.core.cache import cache

    settings.PUBLIC_RESPONSE_CACHE_SECONDS = 30
    cache.clear()
    body_cache.clear()
    url = reverse("public-api-results") + "?q=%E5%A3%B6"
    first = client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        second = client.get(url)
    assert second["X-Response-Cache"] == "hit" and second.content == first.content
    assert not any("supervision_publishedresult" in q["sql"] for q in ctx.captured_queries)
    body_cache.clear()


def test_it_shares_a_cached_response_between_workers(client, rows, settings):
    from django.core.cache import cache

    settings.PUBLIC_RESPONSE_CACHE_SECONDS = 30
    cache.clear()
    body_cache.clear()
    url = reverse("public-api-results") + "?q=%E5%A3%B6&region=440106"
    first = client.get(url)
    assert "X-Response-Cache" not in first
    body_cache.clear()  # another worker: its own process cache is empty, the shared cache is not
    with CaptureQueriesContext(connection) as ctx:
        second = client.get(url)
    assert second["X-Response-Cache"] == "hit" and second.content == first.content
    assert not any("supervision_publishedresult" in q["sql"] for q in ctx.captured_queries)
    cache.clear()
    body_cache.clear()


def test_it_shows_an_enterprise_page_with_results_and_no_score(client, enterprise, kettle_category):
    publish_rows(
        [{"product_name": "电水壶", "enterprise_id": enterprise.pk, "verdict": "pass"}], category=kettle_category
    )
    html = client.get(reverse("public-enterprise", args=[enterprise.uscc])).content.decode()
    assert "电水壶" in html and "合格" in html
    assert "评分" not in html and "排名" not in html


def test_it_gives_the_same_pages_whichever_plan_it_takes(kettle_category, monkeypatch):
    publish_rows(
        [
            {"product_name": f"插座{i}" if i % 3 else "电水壶", "published_on": dt.date(2026, 7, 1 + i % 9)}
            for i in range(40)
        ],
        category=kettle_category,
    )

    def pages(**kwargs) -> tuple[list[int], set[str]]:
        seen, plans, cursor = [], set(), None
        while True:
            page = search_published(q="插座", limit=4, cursor=cursor, **kwargs)
            seen += [r["id"] for r in page.rows]
            plans.add(page.plan)
            if not page.next_cursor:
                return seen, plans
            cursor = page.next_cursor

    by_gin, gin_plans = pages()
    assert gin_plans == {"gin"} and len(by_gin) == 26
    monkeypatch.setattr(search_module, "gin_threshold", lambda limit: 0)  # walk the date index
    by_date, date_plans = pages()
    assert by_date == by_gin and date_plans == {"date"}
    # a walk that stops at its budget carries on through the GIN index after the last row walked
    monkeypatch.setattr(search_module, "walk_budget", lambda limit, estimate: 5)
    by_both, both_plans = pages()
    assert by_both == by_gin and "date+gin" in both_plans


def test_it_gives_the_same_pages_when_a_rare_failures_only_query_walks_first(kettle_category, monkeypatch):
    publish_rows(
        [
            {
                "product_name": f"插座{i}" if i % 3 else "电水壶",
                "verdict": "fail" if i % 2 else "pass",
                "published_on": dt.date(2026, 7, 1 + i % 9),
            }
            for i in range(40)
        ],
        category=kettle_category,
    )

    def pages() -> tuple[list[int], set[str]]:
        seen, plans, cursor = [], set(), None
        while True:
            page = search_published(q="插座", limit=4, cursor=cursor)
            seen += [r["id"] for r in page.rows]
            plans.add(page.plan)
            if not page.next_cursor:
                return seen, plans
            cursor = page.next_cursor

    by_gin, gin_plans = pages()
    assert gin_plans == {"gin"} and len(by_gin) == 13
    # every estimate counts as worth a short walk, and the walk stops after 5 failing rows
    monkeypatch.setattr(search_module, "SHORT_WALK_MIN_ESTIMATE", 0)
    monkeypatch.setattr(search_module, "SHORT_WALK_BUDGET", 5)
    by_walk, walk_plans = pages()
    assert by_walk == by_gin and "date+gin" in walk_plans
