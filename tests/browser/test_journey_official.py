"""An official's journey in real Chromium, on a desktop and on a phone: from the dashboard to the
publication page through the one staff menu; an empty quarter refused; the preview of a quarter (results by
city and category, what waits inside its objection window) confirmed before anything is queued; the
announcement followed to the public site; and a correction lookup of another region's result answered
"another region" without showing it."""

from __future__ import annotations

import datetime as dt

import pytest

from supervision.models import Announcement
from tests.browser.conftest import assert_accessible, login, small_targets
from tests.supervision.pub_factory import make_sample

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Q2 = dt.date(2026, 5, 10)
LONG_AGO = dt.date(2026, 5, 20)


@pytest.fixture
def eager_worker():
    """The publication runs in the worker: here, at once in the server, so the page sees it finish."""
    from portal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def quarter(official, enterprise, kettle_category, lab, make_result):
    for verdict in ("fail", "pass"):
        make_sample(
            actor=official,
            enterprise=enterprise,
            category=kettle_category,
            institution=lab,
            sampled_on=Q2,
            notified_on=LONG_AGO,
            verdict=verdict,
        )
    # notified three days ago: still inside its objection window, it waits for a later announcement
    make_sample(
        actor=official,
        enterprise=enterprise,
        category=kettle_category,
        institution=lab,
        sampled_on=Q2,
        notified_on=dt.date.today() - dt.timedelta(days=3),
    )
    # a result published by 深圳 long ago
    return make_result(verdict="fail", region="440305", year=2025, quarter=4, enterprise_name="深圳市某某电器有限公司")


def test_an_official_previews_confirms_and_publishes_a_quarter(live_server, device, quarter, official, eager_worker):
    page = device
    shenzhen_result = quarter
    login(page, live_server, official)
    page.goto(live_server.url + "/staff/")
    page.locator(".staff-nav").get_by_role("link", name="结果公告发布").click()
    page.wait_for_url("**/staff/publication/")
    assert page.locator(".staff-nav a[aria-current=page]").inner_text() == "结果公告发布"
    assert small_targets(page, ".staff-nav a, form button") == []

    # an empty quarter is refused beside the form
    page.fill("#id_year", "2026")
    page.select_option("#id_quarter", "1")
    page.get_by_role("button", name="核对将要公告的结果").click()
    page.wait_for_selector(".errors")
    assert "不发布空公告" in page.inner_text(".errors")
    assert page.locator("#publication-preview").count() == 0
    assert_accessible(page)

    # the quarter with results: a preview, then a confirmation
    page.select_option("#id_quarter", "2")
    page.get_by_role("button", name="核对将要公告的结果").click()
    page.wait_for_selector("#publication-preview")
    preview = page.inner_text("#publication-preview")
    assert "将公告 2 条结果（其中不合格 1 条）" in preview
    assert page.locator("#preview-by-city tbody tr").all_inner_texts() == ["广州市\t2"]
    assert page.locator("#preview-by-category tbody tr").all_inner_texts() == ["电水壶\t2"]
    assert "还有 1 条结果仍在异议期内" in page.inner_text("#preview-waiting")
    assert not Announcement.objects.filter(year=2026, quarter=2).exists()  # nothing queued before confirming
    assert_accessible(page)
    page.get_by_role("button", name="确认发布（2 条结果）").click()
    page.wait_for_url("**/staff/publication/?task=*")
    page.locator("#publication-progress[data-state=done]").wait_for()
    announcement = Announcement.objects.get(kind="quarterly", year=2026, quarter=2)
    assert announcement.row_count == 2 and announcement.region_id == "440100"
    page.locator("#publication-progress-text").get_by_role("link", name=announcement.number).click()
    page.wait_for_url(f"**/announcements/{announcement.number}/")
    assert page.locator("#announcement-rows tbody tr").count() == 2

    # a correction of another region's result: said so, nothing of it shown
    page.goto(live_server.url + "/staff/publication/")
    page.fill("#id_result", str(shenzhen_result.pk))
    page.get_by_role("button", name="更正该结果").click()
    page.wait_for_url("**/staff/publication/")
    message = page.inner_text(".messages")
    assert "属于其他行政区划" in message
    assert "深圳市某某电器有限公司" not in page.content()
    assert_accessible(page)
    assert page.missing == []
