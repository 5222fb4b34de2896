"""An inspector's and a reviewer's day in real Chromium: sampling record, keyboard entry of item results,
review, and the standing verdict with its failed item; forms that keep what was typed; axe checks."""

from __future__ import annotations

import pytest
from django.utils import timezone

from supervision.models import CatalogueItem, ItemVerdict, ReportStatus, Sample
from supervision.models import TestReport as LabReport
from tests.browser.conftest import axe_violations, login
from tests.supervision.spotcheck_factory import PDF, make_plan, make_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def task(reviewer, kettle_category, lab, enterprise, inspector, inspector2):
    plan = make_plan(reviewer, kettle_category, year=2026)
    return make_task(
        reviewer, plan, enterprise, kettle_category, lab, [inspector, inspector2], today=timezone.localdate()
    )


def fill_sampling_record(page, *, retained: str) -> None:
    page.fill("#id_place", "成品库二号")
    page.select_option("#id_place_kind", "finished_store")
    page.fill("#id_product_name", "电水壶（不锈钢）")
    page.fill("#id_trademark", "美的好")
    page.fill("#id_model_spec", "MK-17S05")
    page.fill("#id_batch", "B20261101")
    page.fill("#id_executed_standard", "GB 4706.19-2008")
    page.fill("#id_sampling_base", "200")
    page.fill("#id_quantity_drawn", "4")
    page.fill("#id_quantity_retained", retained)
    page.fill("#id_unit_price", "89.00")
    page.check("#id_sealed")
    for box in ("name", "address", "standard", "certificate", "production_date"):
        page.check(f"#id_label_{box}")
    page.fill("#id_unit_signatory", "张厂长")


def test_it_takes_a_sample_from_record_to_approved_failure(live_server, page, task, inspector, inspector2, reviewer):
    # four catalogue items are prefilled; the fifth result is a row the inspector adds from the keyboard
    CatalogueItem.objects.filter(name="泄漏电流和电气强度").delete()
    login(page, live_server, inspector)
    page.goto(f"{live_server.url}/staff/tasks/mine/")
    page.get_by_role("link", name="填写抽样单").click()
    # the task's team is ticked already; ticking stays a click, a key or a tap
    for person in (inspector, inspector2):
        page.check(f"#id_samplers input[value='{person.pk}']")
    fill_sampling_record(page, retained="2")
    page.get_by_role("button", name="保存抽样单").click()
    page.wait_for_url("**/staff/samples/**")
    sample = Sample.objects.get(task=task)
    assert set(sample.samplers.all()) == {inspector, inspector2}

    page.get_by_role("link", name="录入检验结果").click()
    page.wait_for_selector("table.entry")
    assert page.locator("table.entry tbody tr").count() == 4
    page.fill("#id_report_no", "GDQT-2026-0001")
    page.set_input_files("#id_attachment", files=[{"name": "signed.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    # keyboard only through the table: measured value, Tab, verdict, Tab to the next row's measured value
    page.focus("#id_items-0-measured")
    for i, measured in enumerate(["符合", "符合", "+2.1", "52"]):
        assert page.evaluate("document.activeElement.id") == f"id_items-{i}-measured"
        page.keyboard.type(measured)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == f"id_items-{i}-verdict"
        page.keyboard.press("1")  # 1 = 合格 in a verdict cell
        assert page.input_value(f"#id_items-{i}-verdict") == ItemVerdict.PASS
        if i < 3:
            page.keyboard.press("Tab")
    # Enter on the last cell adds a row and puts the cursor in its first cell
    page.keyboard.press("Enter")
    assert page.locator("table.entry tbody tr").count() == 5
    assert page.evaluate("document.activeElement.id") == "id_items-4-name"
    for value in ["泄漏电流和电气强度", "13", "≤0.75", "mA", "1.2"]:
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_items-4-verdict"
    page.keyboard.press("2")  # 2 = 不合格
    assert page.input_value("#id_items-4-verdict") == ItemVerdict.FAIL
    # Alt+N adds a row too; left blank, it is ignored on save
    page.keyboard.press("Alt+n")
    assert page.locator("table.entry tbody tr").count() == 6
    page.get_by_role("button", name="提交审核").click()
    page.wait_for_url(f"**/staff/samples/{sample.code}/")
    report = LabReport.objects.get(sample=sample)
    assert report.status == ReportStatus.SUBMITTED
    assert report.items.count() == 5 and report.attachment

    page.context.clear_cookies()
    login(page, live_server, reviewer)
    page.goto(f"{live_server.url}/staff/reviews/")
    page.get_by_role("link", name=sample.code).click()
    page.get_by_role("button", name="审核通过并通知企业").click()
    page.get_by_role("button", name="确认通过并发出通知").click()
    page.wait_for_url(f"**/staff/samples/{sample.code}/")
    assert page.locator(".standing .verdict").inner_text() == "不合格"
    assert page.locator("#failed-items li").all_inner_texts() == ["泄漏电流和电气强度"]
    assert "异议期至" in page.locator(".standing").inner_text()
    assert "通知" in page.locator("#notice-h").inner_text()
    assert axe_violations(page) == []


def test_it_keeps_the_sampling_record_as_typed_and_shows_the_error_beside_the_field(live_server, page, task, inspector):
    login(page, live_server, inspector)
    page.goto(f"{live_server.url}/staff/tasks/{task.pk}/sample/")
    assert axe_violations(page) == []
    fill_sampling_record(page, retained="9")
    page.get_by_role("button", name="保存抽样单").click()
    page.wait_for_selector("#id_quantity_retained_error")
    error = page.locator("#id_quantity_retained_error")
    assert "不能超过抽样数量" in error.inner_text()
    # beside the field: same field group, and the input points at it for screen readers
    group = page.locator(".field.has-error").filter(has=page.locator("#id_quantity_retained"))
    assert group.locator("#id_quantity_retained_error").count() == 1
    assert "id_quantity_retained_error" in page.get_attribute("#id_quantity_retained", "aria-describedby")
    assert page.input_value("#id_quantity_retained") == "9"
    assert page.input_value("#id_product_name") == "电水壶（不锈钢）"
    assert page.input_value("#id_batch") == "B20261101"
    assert page.input_value("#id_unit_signatory") == "张厂长"
    assert page.is_checked("#id_label_certificate")
    # the keyboard lands on the field to fix
    assert page.evaluate("document.activeElement.id") == "id_quantity_retained"
    assert not Sample.objects.filter(task=task).exists()
    assert axe_violations(page) == []
