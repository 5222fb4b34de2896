"""A citizen's journey in real Chromium, on a desktop and on a phone (390×844): the home page, a search
with its filters, a result and back to the same search, the announcements, the catalogue to a category's
results, the satisfaction survey answered once; axe finds nothing serious on any page, the phone shows the
query box and the first result above the fold, and every header control is a touch target."""

from __future__ import annotations

import datetime as dt

import pytest

from supervision.models import Announcement, PublishedResult
from tests.browser.conftest import assert_accessible, open_menu, small_targets
from tests.supervision.pub_factory import publish_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_HEIGHT = 844


@pytest.fixture
def published(kettle_category):
    rows = [
        {
            "enterprise_name": f"佛山市顺德区某某家用电器制造有限公司第{i}分公司",
            "product_name": "电水壶",
            "trademark": f"品牌{i}",
            "model_spec": f"MK-{i:03d}",
            "region_id": ["440106", "440305", "440604"][i % 3],
            "verdict": "fail" if i % 2 == 0 else "pass",
            "failed_items": "泄漏电流和电气强度" if i % 2 == 0 else "",
        }
        for i in range(12)
    ]
    # the announcement is published with its count, as publication does (published_at last)
    Announcement.objects.create(
        number="T-2026Q2", title="测试公告", kind="quarterly", year=2026, quarter=2, region_id="440000"
    )
    publish_rows(rows, category=kettle_category)
    Announcement.objects.filter(number="T-2026Q2").update(
        row_count=len(rows), published_at=dt.datetime(2026, 7, 1, tzinfo=dt.UTC)
    )
    return kettle_category


def header_targets(page) -> list:
    return small_targets(page, ".site-header a, .site-header button, .site-header summary")


def test_a_citizen_finds_results_reads_announcements_and_answers_the_survey(live_server, device, published):
    page = device
    phone = page.device == "phone"
    url = live_server.url

    # the home page is a starting point
    page.goto(url + "/")
    assert page.locator("#home-q").is_visible()
    assert page.locator("#home-failures li").count() == 5  # the latest failures of focus products
    assert page.locator("#home-announcements li").count() == 1
    for name in ("合格率统计", "监督抽查产品目录"):
        assert page.locator(".start-links").get_by_role("link", name=name).is_visible()
    assert header_targets(page) == []
    assert_accessible(page)

    # a search from the home page
    page.fill("#home-q", "水壶")
    page.locator(".home-search button[type=submit]").click()
    page.wait_for_url("**/search/?q=*")
    header = page.locator(".site-header").bounding_box()
    query = page.locator("#id_q").bounding_box()
    first = page.locator(".result-card").first.bounding_box()
    print(
        f"\n[{page.device}] search above the fold: header 0–{header['height']:.0f} px, query box "
        f"{query['y']:.0f}–{query['y'] + query['height']:.0f} px, first result "
        f"{first['y']:.0f}–{first['y'] + first['height']:.0f} px"
    )
    if phone:
        assert header["height"] <= 60  # one row: brand, language, menu
        assert not page.locator("#id_region").is_visible()  # the ten filters are folded away
        assert page.locator("#filter-panel > summary").is_visible()
        assert query["y"] + query["height"] < 200
        assert first["y"] + first["height"] <= PHONE_HEIGHT  # the whole first result, not scrolled to
        assert header_targets(page) == []
        assert small_targets(page, "#search-form button, #filter-panel > summary") == []
    else:
        assert page.locator("#id_region").is_visible()  # a desktop shows the filters
        assert not page.locator("#filter-panel > summary").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert_accessible(page)

    # narrow it down with the filters
    if phone:
        page.click("#filter-panel > summary")
    page.select_option("#id_region", "440100")
    page.check("#id_passes")
    (page.locator(".filter-submit button") if phone else page.locator("#search-form .q button")).click()
    page.wait_for_url("**region=440100**")
    assert page.locator(".result-card").count() == 4  # 天河 only, passes included
    if phone:
        assert page.locator("#filter-panel").evaluate("d => d.open")  # open: it says what is set
        assert "已选 2 项" in page.inner_text("#filter-panel > summary")

    # a result, then back to the same search
    page.locator(".result-card h2 a").first.click()
    page.wait_for_url("**/results/**")
    assert_accessible(page)
    page.click("#back-to-search")
    page.wait_for_url("**/search/?**")
    assert page.input_value("#id_q") == "水壶"
    assert page.input_value("#id_region") == "440100"
    assert page.is_checked("#id_passes")
    assert page.locator(".result-card").count() == 4

    # the announcements, readable on a phone
    open_menu(page)
    page.locator(".main-nav").get_by_role("link", name="结果公告").click()
    page.wait_for_url("**/announcements/")
    page.locator("#announcement-list a").first.click()
    page.wait_for_url("**/announcements/T-2026Q2/")
    cell = page.locator("#announcement-rows tbody tr").first.locator("td").nth(1).bounding_box()
    if phone:
        assert cell["width"] > 250  # a card per row, not a column squeezed to a character or two
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert_accessible(page)

    # the catalogue leads to a category's results and its survey
    page.goto(url + "/catalogue/")
    page.locator(".category-results").first.click()
    page.wait_for_url(f"**category={published.pk}**")
    assert page.locator(".result-card").count() == PublishedResult.objects.count()
    page.goto(url + f"/catalogue/{published.code}/")
    for question in ("quality", "safety", "labelling"):
        page.locator(f"label[for=id_{question}_3]").click()  # a tap on the whole option
    page.get_by_role("button", name="提交").click()
    page.wait_for_selector("#survey-thanks")
    page.reload()
    assert page.locator("#survey-answered").is_visible()
    assert page.locator("input[name=quality]").count() == 0  # answered: no form again
    assert_accessible(page)

    assert page.missing == []  # no 404 on the way: the favicon is found
