"""A reviewer's journey in real Chromium, on a desktop and on a phone: the review page with the sampling
record, the sample page and the lab's signed PDF beside the items; approval that shows the notice and asks
before sending it; an objection; a re-inspection form with no verdict chosen whose mistakes are refused
beside their fields; and the sample's history in the order things happened."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from supervision.models import ObjectionStatus, Reinspection
from supervision.spotchecks import services
from tests.browser.conftest import assert_accessible, login, small_targets
from tests.supervision.spotcheck_factory import ITEMS_ONE_FAIL, PDF, PNG, make_plan, make_task, pdf_file, record_sample

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media_root")]


@pytest.fixture
def submitted(reviewer, inspector, inspector2, kettle_category, lab, second_lab, enterprise):
    today = timezone.localdate()
    team = [inspector, inspector2]
    plan = make_plan(reviewer, kettle_category, year=today.year)
    task = make_task(reviewer, plan, enterprise, kettle_category, lab, team, today=today)
    sample = record_sample(inspector, task, team, today - dt.timedelta(days=1))
    services.report_save_items(
        actor=inspector, report=sample.report, items=ITEMS_ONE_FAIL, report_no="GDQT-1", attachment=pdf_file()
    )
    services.report_submit(actor=inspector, report=sample.report)
    return sample


def test_a_reviewer_approves_with_confirmation_and_records_a_reinspection(
    live_server, device, submitted, reviewer, lab, second_lab
):
    page = device
    sample = submitted
    login(page, live_server, reviewer)
    page.goto(live_server.url + "/staff/reviews/")
    page.get_by_role("link", name=sample.code).click()
    page.wait_for_url(f"**/staff/samples/{sample.code}/review/")

    # what the review rests on, beside the items
    for link in ("#link-record", "#link-sample", "#link-pdf"):
        assert page.locator(link).is_visible()
    assert page.locator("table.items tbody tr").count() == 3
    pdf = page.request.get(live_server.url + page.get_attribute("#link-pdf", "href"))
    assert pdf.ok and pdf.body() == PDF
    assert small_targets(page, ".review-sources a, .review-actions button") == []
    assert_accessible(page)
    page.click("#link-record")
    page.wait_for_url("**#record")
    assert page.locator("#record-h").is_visible()
    page.go_back()

    # approval asks first, showing the notice the enterprise will receive
    page.get_by_role("button", name="审核通过并通知企业").click()
    page.wait_for_selector("#confirm-approval")
    assert "检验结论为：不合格" in page.inner_text(".notice-preview")
    assert not sample.notices.exists()
    assert_accessible(page)
    page.get_by_role("button", name="确认通过并发出通知").click()
    page.wait_for_url(f"**/staff/samples/{sample.code}/")
    assert page.locator("#notice-h").is_visible()

    # the enterprise objects; the re-inspection is recorded
    page.get_by_role("link", name="登记企业异议").click()
    page.fill("#id_reason", "企业对泄漏电流的检验结果有异议")
    page.get_by_role("button", name="登记异议").click()
    page.wait_for_url(f"**/staff/samples/{sample.code}/")
    page.get_by_role("link", name="记录复检结果").click()
    page.wait_for_selector("input[name=verdict]")
    assert page.locator("input[name=verdict]:checked").count() == 0  # no verdict chosen for the reviewer
    page.select_option("#id_institution", str(lab.pk))  # the original laboratory, by mistake
    page.check("input[name=verdict][value=fail]")
    page.fill("#id_report_no", "FJ-001")
    page.set_input_files("#id_seal_photo", files=[{"name": "seal.png", "mimeType": "image/png", "buffer": PNG}])
    page.get_by_role("button", name="保存复检结果").click()
    page.wait_for_selector("#id_institution_error")
    assert "原检验机构以外" in page.inner_text("#id_institution_error")
    assert "列明不合格项目" in page.inner_text("#id_failed_items_error")
    assert page.input_value("#id_report_no") == "FJ-001"
    assert page.is_checked("input[name=verdict][value=fail]")
    assert_accessible(page)
    page.select_option("#id_institution", str(second_lab.pk))
    page.fill("#id_failed_items", "泄漏电流和电气强度")
    page.set_input_files("#id_seal_photo", files=[{"name": "seal.png", "mimeType": "image/png", "buffer": PNG}])
    page.get_by_role("button", name="保存复检结果").click()
    page.wait_for_url(f"**/staff/samples/{sample.code}/")
    assert Reinspection.objects.filter(objection__sample=sample, institution=second_lab).exists()
    assert sample.objections.get().status == ObjectionStatus.DECIDED

    # the history in the order it happened: the seal check after the approval, the objection before it
    labels = page.locator(".timeline li strong").all_inner_texts()
    order = ["审核通过", "结果通知送达", "提出异议", "复检前查验封样", "记录复检结果"]
    assert [label for label in labels if label in order] == order
    assert_accessible(page)
    assert page.missing == []
