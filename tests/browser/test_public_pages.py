"""Public pages in real Chromium: charts, accessibility (axe), phone layout, keyboard-only survey."""

from __future__ import annotations

import datetime as dt

import pytest

from supervision.models import (
    Announcement,
    CatalogueItem,
    Field,
    PlanLevel,
    ProductCategory,
    PublishedResult,
    Region,
    SatisfactionResponse,
    Standard,
    Verdict,
)
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def published(db):
    std = Standard.objects.create(code="GB 4706.19-2008", title="家用和类似用途电器的安全 液体加热器的特殊要求")
    kettle = ProductCategory.objects.create(code="0101", name="电水壶", health_safety=True, complaint_focus=True)
    kettle.standards.add(std)
    CatalogueItem.objects.create(category=kettle, standard=std, clause="13", name="泄漏电流和电气强度", seq=1)
    heater = ProductCategory.objects.create(code="0102", name="电热水器（储水式）", livelihood=True)
    ann = Announcement.objects.create(
        number="穗质监公告〔2026〕3号", title="2026年第3季度结果公告", kind="quarterly", year=2026, quarter=3,
        region_id="440100",
    )  # fmt: skip
    rows = []
    for i in range(30):
        region = Region.objects.get(code=["440106", "440305", "440604"][i % 3])
        verdict = Verdict.FAIL if i % 4 == 0 else Verdict.PASS
        category = kettle if i % 2 else heater
        rows.append(
            PublishedResult(
                announcement=ann,
                published_on=dt.date(2026, 9, 28) - dt.timedelta(days=i),
                sampled_on=dt.date(2026, 7, 10),
                year=2026,
                quarter=[1, 2, 3][i % 3],
                enterprise_name=f"佛山市顺德区某某超长名称家用电器制造有限公司第{i}分公司",
                product_name=category.name,
                category=category,
                category_name=category.name,
                focus=True,
                trademark=f"品牌{i}",
                model_spec=f"SUPER-LONG-MODEL-SPECIFICATION-{i:04d}-XYZ",
                field=[Field.PRODUCTION, Field.CIRCULATION, Field.ONLINE][i % 3],
                level=PlanLevel.PROVINCIAL,
                verdict=verdict,
                failed_items="泄漏电流和电气强度、输入功率和电流、标志和说明、对触及带电部件的防护"
                if verdict == Verdict.FAIL
                else "",
                institution_name="广东产品质量监督检验研究院",
                region=region,
                city_code=region.code[:4] + "00",
            )
        )
    PublishedResult.objects.bulk_create(rows)
    return kettle


def tab_until(page, condition: str, limit: int = 60) -> None:
    """Press Tab from where the focus is until `condition` (a JS expression) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {condition}"):
            return
    raise AssertionError(f"never reached by Tab: {condition}")


def test_it_renders_statistics_charts_that_pass_axe(live_server, page, published):
    page.goto(f"{live_server.url}/statistics/")
    assert page.get_by_role("heading", level=1).inner_text() == "监督抽查合格率统计"
    charts = page.locator("svg.chart[role=img]")
    assert charts.count() == 5
    assert charts.first.bounding_box()["height"] > 50
    assert page.locator("svg.chart rect").count() >= 2
    assert "电水壶" in page.locator("svg[aria-labelledby^=by-category] g > title").first.text_content()
    assert axe_violations(page) == []

    page.select_option("#id_quarter", "2")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**quarter=2**")
    assert page.locator(".totals dd").first.inner_text() == "10"


def test_it_fits_the_exposure_page_on_a_phone(live_server, phone_page, published):
    phone_page.goto(f"{live_server.url}/exposure/")
    assert phone_page.locator("table.stack tbody tr").count() == 8
    overflow = phone_page.evaluate(
        "() => [document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]"
    )
    assert max(overflow[:2]) <= overflow[2], overflow
    assert axe_violations(phone_page) == []


def test_it_takes_a_survey_answer_from_the_keyboard_alone(live_server, page, published):
    page.goto(f"{live_server.url}/catalogue/")
    tab_until(page, "document.activeElement.textContent.includes('电水壶')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/catalogue/0101/")

    tab_until(page, "document.activeElement.name === 'quality'")
    for name, choice in (("quality", 4), ("safety", 5), ("labelling", 3)):
        # In a radio group the arrow keys move and select; Tab leaves the group.
        assert page.evaluate("() => document.activeElement.name") == name
        for _ in range(choice - 1):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "感谢您参加满意度调查" in page.locator(".notice-ok").inner_text()
    answer = SatisfactionResponse.objects.get()
    assert (answer.quality, answer.safety, answer.labelling) == (4, 5, 3)
    assert axe_violations(page) == []
