"""An administrator's journey in real Chromium, on a desktop and on a phone: the dashboard leads to
publication and to the admin; a licence that expired while suspended shows "expired" for today, with its
history inline and behind its "history" button; in English the admin's selection widgets and the history
speak English; and an inspector is offered no form to add an enterprise."""

from __future__ import annotations

import datetime as dt

import pytest

from supervision.registry import services as registry_services
from tests.browser.conftest import assert_accessible, login, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def licence(enforcement_officer, enterprise, kettle_category, kettle):
    licence = registry_services.licence_issue(
        actor=enforcement_officer,
        kind="ccc",
        number="2020010701000009",
        holder=enterprise,
        categories=[kettle_category],
        products=[kettle],
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2024, 12, 31),
    )
    registry_services.licence_record_event(
        actor=enforcement_officer,
        licence=licence,
        kind="suspended",
        on=dt.date(2023, 3, 1),
        reason="监督抽查不合格，暂停证书",
    )
    return licence


def test_an_administrator_reads_a_licence_and_its_history_in_both_languages(
    live_server, device, administrator, inspector, licence
):
    page = device
    url = live_server.url
    login(page, live_server, administrator)
    page.goto(url + "/staff/")
    assert page.locator(".staff-nav").get_by_role("link", name="结果公告发布").is_visible()
    assert page.get_by_role("link", name="发布季度结果公告、更正公告").is_visible()
    assert_accessible(page)
    open_menu(page)
    page.locator(".main-nav").get_by_role("link", name="系统管理").click()
    page.wait_for_url("**/admin/")

    # the licence: the status derived for today (expiry before suspension) and its history inline
    page.goto(url + f"/admin/supervision/licence/{licence.pk}/change/")
    status = page.locator(".field-status_today .readonly")
    assert status.inner_text() == "已过期"
    history = page.locator("#events-group")
    assert "暂停" in history.inner_text() and "监督抽查不合格，暂停证书" in history.inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="历史").click()
    page.wait_for_url(f"**/admin/supervision/licence/{licence.pk}/history/")
    assert "已过期" in page.inner_text("#status-today")
    rows = page.locator("#status-history tbody tr").all_inner_texts()
    assert len(rows) == 2 and "颁发" in rows[0] and "暂停" in rows[1]
    assert page.locator("#change-history tbody tr").count() == 2  # issued, suspended: before and after
    assert_accessible(page)

    # in English: the selection widgets and the history
    page.goto(url + "/staff/")
    page.click(".lang-switch button[value=en]")
    page.wait_for_url("**/staff/")
    page.goto(url + f"/admin/supervision/licence/{licence.pk}/change/")
    assert page.locator(".field-status_today .readonly").inner_text() == "Expired"
    widget = page.locator(".selector").first
    widget.wait_for()
    text = widget.inner_text()
    assert "Available Product categories covered" in text and "Choose all" in text
    assert "Chosen Product categories covered" in text
    page.goto(url + f"/admin/supervision/licence/{licence.pk}/history/")
    assert "Status history" in page.inner_text("#status-history")
    assert "Expired" in page.inner_text("#status-today")
    assert_accessible(page)

    # least privilege: an inspector reads the register but is offered no form to add to it
    page.context.clear_cookies()
    inspector.is_staff = True
    inspector.save()
    login(page, live_server, inspector)
    page.goto(url + "/admin/")
    row = page.locator("tr.model-enterprise")
    assert row.get_by_role("link", name="企业").is_visible()
    assert row.locator("a.addlink").count() == 0
    response = page.goto(url + "/admin/supervision/enterprise/add/")
    assert response.status == 403
    assert [u for u in page.missing if "/admin/supervision/enterprise/add/" not in u] == []
