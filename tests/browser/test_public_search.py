"""The public search in a real browser: search, filter, share link, language, phone, accessibility."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations
from tests.supervision.pub_factory import publish_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def published(kettle_category):
    publish_rows(
        [
            {
                "product_name": "电水壶",
                "enterprise_name": "广州市天河电器有限公司",
                "failed_items": "泄漏电流和电气强度",
            },
            {
                "product_name": "电水壶",
                "enterprise_name": "深圳市南山电器有限公司",
                "region_id": "440305",
                "failed_items": "发热",
            },
            {
                "product_name": "童装",
                "enterprise_name": "佛山市童装有限公司",
                "region_id": "440606",
                "failed_items": "甲醛含量",
            },
        ],
        category=kettle_category,
    )


def test_it_searches_filters_and_reopens_a_shared_link(live_server, page, published):
    page.goto(live_server.url + "/search/")
    page.fill("#id_q", "水壶")
    page.click("#search-form button[type=submit]")
    page.wait_for_url("**/search/?*")
    assert page.locator(".result-card").count() == 2
    assert "泄漏电流和电气强度" in page.inner_text("#results")

    page.select_option("#id_region", "440300")
    page.click("#search-form button[type=submit]")
    page.wait_for_url("**region=440300**")
    assert page.locator(".result-card").count() == 1
    assert "深圳市南山电器有限公司" in page.inner_text("#results")

    shared = page.get_attribute("#share-link", "href")
    page.goto(live_server.url + "/")
    page.goto(live_server.url + shared)
    assert page.locator(".result-card").count() == 1
    assert page.input_value("#id_q") == "水壶"
    assert page.input_value("#id_region") == "440300"
    assert axe_violations(page) == []

    page.click(".lang-switch button[value=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".result-card").count() == 1


def test_it_works_on_a_phone(live_server, phone_page, published):
    phone_page.goto(live_server.url + "/search/?q=%E7%AB%A5%E8%A3%85")
    assert phone_page.locator(".result-card").count() == 1
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400  # no sideways scrolling on a 390px screen
    assert axe_violations(phone_page) == []


def test_it_says_so_when_nothing_matches(live_server, page, published):
    page.goto(live_server.url + "/search/?q=%E9%A3%9E%E6%9C%BA")
    assert page.locator("#no-results").is_visible()
