"""R14 in real Chromium: an official generates the quarterly report, watches its progress bar,
downloads the PDF, and a visitor verifies that file on the public page (no login)."""

from __future__ import annotations

import pytest
from celery.contrib.testing.worker import start_worker
from playwright.sync_api import expect

from portal.celery import app
from supervision.documents.models import IssuedDocument
from supervision.spotchecks.models import Verdict
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media_root")]


@pytest.fixture
def worker():
    app.conf.task_always_eager = False
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=30) as w:
        yield w


def test_an_official_generates_downloads_and_verifies_the_quarterly_report(
    live_server, page, browser, worker, official, make_result, tmp_path
):
    make_result(verdict=Verdict.FAIL, region="440106", enterprise_name="广州市丁电器有限公司")
    make_result(verdict=Verdict.PASS, region="440106")
    login(page, live_server, official)
    page.goto(f"{live_server.url}/staff/")
    page.get_by_role("link", name="工作报告").first.click()
    expect(page.get_by_role("heading", name="工作报告", exact=True)).to_be_visible()
    page.fill("#id_year", "2026")
    page.select_option("#id_quarter", "3")
    page.click("form[action$='/generate/'] button[type=submit]")
    box = page.locator("#report-progress")
    expect(box).to_be_visible()
    expect(page.locator("#report-progress-bar")).to_be_attached()
    expect(box).to_have_attribute("data-state", "done", timeout=90_000)
    expect(page.locator("#report-progress-text")).to_contain_text("穗质监〔2026〕1号")
    assert page.locator("#report-progress-bar").evaluate("bar => bar.value") == 100
    with page.expect_download() as info:
        page.click("#report-download")
    saved = tmp_path / "report.pdf"
    info.value.save_as(saved)
    document = IssuedDocument.objects.get()
    assert saved.read_bytes()[:5] == b"%PDF-" and saved.stat().st_size == document.size

    visitor = browser.new_context(locale="zh-CN").new_page()
    visitor.goto(f"{live_server.url}/d/{document.code}/")
    expect(visitor.get_by_text(document.sha256)).to_be_visible()
    visitor.goto(f"{live_server.url}/verify/")
    visitor.set_input_files("#id_file", str(saved))
    visitor.get_by_role("button", name="核验").click()
    expect(visitor.locator("#verify-result")).to_have_attribute("data-result", "genuine")
    expect(visitor.locator("#verify-result")).to_contain_text("未被修改")
    visitor.context.close()
