"""R10 — no rankings (国发〔1999〕24号 第十二条; 粤府〔2000〕16号 二).

The portal publishes no composite score, ranking, rating, "best of" or recommendation of enterprises
or products. These tests crawl every public page and public API answer they can build a URL for, with
data present, and fail on ranking vocabulary in what a visitor reads; and they check that no model
gives an enterprise or product a score, rank or rating field, and that statistics never group or
order by enterprise.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import openpyxl
import pytest
from django.apps import apps
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils.translation import gettext

from supervision.models import Enterprise, Product, SatisfactionResponse, Verdict
from supervision.publication.stats import Statistics, public_statistics

pytestmark = pytest.mark.django_db

CHINESE_TERMS = ["排名", "排行", "名次", "榜", "评比", "推荐", "最佳", "十佳", "综合评分", "星级", "评级"]
ENGLISH_TERMS = re.compile(
    r"\b(rank|ranks|ranked|ranking|rankings|top\s*10|top\s*ten|best|score|scores|rating|ratings)\b", re.I
)

# base.html's footer states the rule itself: "本平台不发布任何企业或产品的综合评价、排序、评比或推荐信息".
# It holds 评比 and 推荐 because it *forbids* them; we drop that exact sentence (in the page's language)
# and nothing else, so any other use of the words — in the footer or anywhere — still fails.
FOOTER_SENTENCE = "依据《国务院关于进一步加强产品质量工作若干问题的决定》（国发〔1999〕24号）实施。本平台不发布任何企业或产品的综合评价、排序、评比或推荐信息。"
# Other exact sentences that state the same rule as a disclaimer (each is a *denial* of ranking).
# Add one only when the sentence says the page is NOT a ranking; reword it if you can.
RULE_STATEMENTS = [
    FOOTER_SENTENCE,
    # templates/public/search.html, under the results
    "结果按发布日期排列，仅为已公告的监督抽查结论，不构成对企业或产品的评价、排序或推荐。",
]

VISIBLE_ATTRIBUTES = {"title", "alt", "aria-label", "placeholder", "aria-description"}
PUBLIC_API_PREFIX = "api/public"
SKIP_PREFIXES = ("admin/", "staff/", "accounts/", "i18n/", "api/schema", "api/docs", "static/", "media/", "__")


class _VisibleText(HTMLParser):
    """Text a visitor can read: text nodes and visible attributes, minus <script> and <style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1
        for name, value in attrs:
            if value and (name in VISIBLE_ATTRIBUTES or (name == "value" and tag in ("button", "input"))):
                if name == "value" and dict(attrs).get("type") in ("hidden", "radio", "checkbox"):
                    continue
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    text = " ".join(parser.parts)
    for sentence in RULE_STATEMENTS:
        text = text.replace(sentence, "").replace(gettext(sentence), "")
    return text


def _json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)
    elif isinstance(value, str):
        yield value


def ranking_words(text: str) -> list[str]:
    found = [term for term in CHINESE_TERMS if term in text]
    found += [m.group(0) for m in ENGLISH_TERMS.finditer(text)]
    return found


TEXT_TYPES = ("text/", "application/json", "application/xml", "application/atom+xml", "application/rss+xml")


def response_words(response) -> list[str]:
    """Ranking words in what a response shows: HTML/XML text, JSON keys and values, CSV cells.

    Spreadsheets are read cell by cell; other binary downloads (pdf) are not read here.
    """
    content_type = response.get("Content-Type", "")
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in content_type:
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True)
        cells = (str(v) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for v in row if v)
        return ranking_words(" ".join([*workbook.sheetnames, *cells]))
    if not content_type.startswith(TEXT_TYPES):
        return []
    body = raw.decode()
    if "json" in content_type:
        return ranking_words(" ".join(_json_strings(json.loads(body))))
    if content_type.startswith("text/csv"):
        return ranking_words(body)
    return ranking_words(visible_text(body))


# ---------------------------------------------------------------- the detector itself


def test_it_detects_ranking_words_only_in_visible_text():
    page = (
        "<html><head><title>结果</title><style>.best{}</style></head><body>"
        "<p>@@</p><script src='/static/js/x.js'>var rank=1</script>"
        f"<footer><p>{FOOTER_SENTENCE}</p></footer></body></html>"
    )
    assert ranking_words(visible_text(page.replace("@@", "operating generating ranking-free? no"))) == ["ranking"]
    assert ranking_words(visible_text(page.replace("@@", "本季度合格率"))) == []
    assert ranking_words(visible_text(page.replace("@@", "企业排名"))) == ["排名"]
    assert ranking_words(visible_text(page.replace("@@", "<a title='十佳企业'>x</a>"))) == ["十佳"]
    assert ranking_words(visible_text(page.replace("@@", "Top 10 brands"))) == ["Top 10"]
    assert ranking_words(visible_text(f"<footer>{FOOTER_SENTENCE}本所推荐</footer>")) == ["推荐"]


# ---------------------------------------------------------------- crawl


@pytest.fixture
def published(db, enterprise, kettle_category, make_result, make_announcement, toy_category):
    """A quarter of published rows, a correction, and enough survey answers to show the index."""
    rows = [
        make_result(verdict=Verdict.FAIL, enterprise=enterprise, enterprise_name=enterprise.name),
        make_result(verdict=Verdict.PASS, enterprise=enterprise, enterprise_name=enterprise.name),
        make_result(verdict=Verdict.FAIL_REFUSED, region="440305"),
        make_result(verdict=Verdict.PASS, category=toy_category, year=2026, quarter=2),
    ]
    correction = make_announcement(kind="correction", corrects=rows[1].announcement, year=2026, quarter=3)
    rows.append(make_result(verdict=Verdict.PASS, corrects=rows[2], announcement=correction, region="440305"))
    SatisfactionResponse.objects.bulk_create(
        SatisfactionResponse(category=kettle_category, quality=4, safety=3, labelling=5, fingerprint=f"fp{i}")
        for i in range(30)
    )
    return {"rows": rows, "enterprise": enterprise, "category": kettle_category, "correction": correction}


def _walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, URLPattern, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        else:
            yield prefix + str(p.pattern), p, namespace


def _param_names(route: str, p: URLPattern) -> list[str]:
    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    names += list(getattr(p.pattern, "regex", re.compile("")).groupindex)
    return list(dict.fromkeys(names))


def public_patterns() -> list[tuple[str, URLPattern, str]]:
    """Every named pattern outside the staff site, admin, accounts and the staff API."""
    found = []
    for route, p, namespace in _walk(get_resolver().url_patterns):
        route = route.lstrip("^")
        if route.startswith(SKIP_PREFIXES) or not p.name:
            continue
        if route.startswith("api/") and not route.startswith(PUBLIC_API_PREFIX):
            continue
        found.append((route, p, namespace))
    return found


def _candidates(name: str, data: dict) -> list[Any]:
    rows, ent, cat, corr = data["rows"], data["enterprise"], data["category"], data["correction"]
    ann = rows[0].announcement
    by_name = {
        "code": [cat.code],
        "uscc": [ent.uscc],
        "number": [ann.number],
        "key": [ann.pk, corr.pk, ann.number],
        "section": ["results", "announcements", "enterprises", "pages", "static"],
        "year": [2026],
        "quarter": [3],
    }
    if name in by_name:
        return by_name[name]
    return [rows[0].pk, ann.pk, corr.pk, ent.pk, ent.uscc, cat.code, ann.number, rows[4].pk]


def crawl_public(client, data: dict) -> dict[str, Any]:
    """GET every public URL pattern we can fill in; returns {url: response} for the 200 answers."""
    pages: dict[str, Any] = {}
    # A guessed argument may make another page fail; we only read the pages that answer 200.
    client.raise_request_exception = False
    for route, p, namespace in public_patterns():
        params = [n for n in _param_names(route, p) if n != "format"]
        if "format" in _param_names(route, p):
            continue  # DRF's format-suffix twin of a pattern already crawled
        name = namespace + p.name
        if len(params) > 1:
            attempts = [{n: _candidates(n, data)[0] for n in params}]
        elif params:
            attempts = [{params[0]: v} for v in _candidates(params[0], data)]
        else:
            attempts = [{}]
        urls = []
        for kwargs in attempts:
            try:
                urls.append(reverse(name, kwargs=kwargs))
            except NoReverseMatch:
                continue  # e.g. a USCC offered to an <int:pk>
        for url in urls:
            response = client.get(url)
            if response.status_code == 200:
                pages[url] = response
                break
    return pages


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_it_finds_no_ranking_words_on_any_public_page_or_api_answer(client, published, language):
    # English too: a translation must not slip in "rating" or "score" where the Chinese is neutral.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    pages = crawl_public(client, published)
    category_url = reverse("public-category", args=[published["category"].code])
    extra = [
        reverse("public-stats"),
        reverse("public-stats") + "?year=2026&quarter=3",
        reverse("public-exposure"),
        reverse("public-exposure") + "?city=440100",
        reverse("public-catalogue"),
        category_url,
        f"/results/{published['rows'][0].pk}/",
    ]
    for search_name in ("public-search",):
        try:
            extra.append(reverse(search_name) + "?q=电水壶")
        except Exception:  # noqa: BLE001, S112 - the search page is another engineer's and may not exist yet
            continue
    for url in extra:
        response = client.get(url)
        if response.status_code == 200:
            pages[url] = response
    # The survey's error page is public too.
    pages[category_url + " (POST)"] = client.post(category_url, {"quality": "9"})

    for must in (reverse("public-stats"), reverse("public-exposure"), reverse("public-catalogue"), category_url):
        assert must in pages, f"{must} was not crawled"
    offending = {url: words for url, r in pages.items() if (words := response_words(r))}
    assert offending == {}, f"ranking vocabulary on public pages: {offending}"
    # the index is shown (30 answers) and carries no ranking words
    assert 'class="index-value"' in pages[category_url].content.decode()


def test_it_fails_the_guard_when_a_page_ranks(client, published, monkeypatch):
    """A guard that cannot fail is a defect: a page that says 排名 must be caught."""
    from portal.public import pages as public_pages

    real = public_pages.render

    def ranking_render(request, template, context=None, **kwargs):
        response = real(request, template, context, **kwargs)
        response.content = response.content.replace(b"<h1>", "<h1>合格率排名 ".encode(), 1)
        return response

    monkeypatch.setattr(public_pages, "render", ranking_render)
    assert response_words(client.get(reverse("public-stats"))) == ["排名"]


# ---------------------------------------------------------------- statistics never order enterprises


def test_it_never_groups_or_orders_statistics_by_enterprise(client, published):
    dimensions = {f.name for f in dataclasses.fields(Statistics)}
    assert dimensions == {"year", "quarter", "total", "by_category", "by_city", "by_field", "by_level", "by_quarter"}

    with CaptureQueriesContext(connection) as ctx:
        public_statistics(year=2026)
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "enterprise" not in sql.lower()

    html = client.get(reverse("public-stats")).content.decode()
    for row in published["rows"]:
        assert row.enterprise_name not in html


# ---------------------------------------------------------------- no per-enterprise score in any model

FIELD_NAME = re.compile(r"(score|rank|rating|stars?\b|recommend|best|top_?\d|satisf|appraisal|evaluation)", re.I)
CHINESE_LABEL = re.compile("|".join(CHINESE_TERMS + ["评分", "满意度", "信誉等级", "排序"]))


def _enterprise_related(model: type[models.Model]) -> bool:
    if model in (Enterprise, Product):
        return True
    return any(
        f.is_relation and f.related_model in (Enterprise, Product)
        for f in model._meta.get_fields(include_hidden=True)
        if f.concrete or f.many_to_many
    )


def test_it_has_no_score_rank_or_rating_field_on_enterprise_related_models():
    related = [m for m in apps.get_models() if _enterprise_related(m)]
    assert Enterprise in related and Product in related and len(related) > 3
    offending = []
    for model in related:
        for f in model._meta.get_fields():
            label = str(getattr(f, "verbose_name", ""))
            if FIELD_NAME.search(f.name) or CHINESE_LABEL.search(label):
                offending.append(f"{model._meta.label}.{f.name} ({label})")
    assert offending == []


def test_it_keeps_satisfaction_per_category_never_per_enterprise():
    targets = {f.related_model for f in SatisfactionResponse._meta.get_fields() if f.is_relation and f.concrete}
    assert {t._meta.label for t in targets} == {"supervision.ProductCategory"}
    names = {f.name for f in SatisfactionResponse._meta.get_fields()}
    assert not names & {"enterprise", "product", "brand", "trademark", "sample", "uscc"}
