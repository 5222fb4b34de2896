import pytest

from tests.browser.conftest import axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_shows_the_public_home_in_chinese_and_switches_to_english(live_server, page):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.click(".lang-switch button[value=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"


def test_it_logs_a_staff_member_in(live_server, page, inspector):
    login(page, live_server, inspector)
    assert "/staff/" in page.url
    assert page.get_by_role("heading", level=1).inner_text()
    assert axe_violations(page) == []
