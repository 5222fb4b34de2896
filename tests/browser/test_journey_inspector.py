"""An inspector's journey in real Chromium, on a desktop and on a phone: My tasks (open ones first), the
sampling record with its samplers as check boxes and a mistake refused beside its field, the item results
with a verdict suggested from a numeric requirement, then a laboratory's file imported: its bad row shown
with the offending value, then the good file linking the samples it wrote, whose reports are drafts."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.utils import timezone

from supervision.models import CatalogueItem, Enterprise, Product, ReportStatus, Sample
from supervision.spotchecks import imports
from tests.browser.conftest import assert_accessible, login, small_targets
from tests.conftest import make_uscc
from tests.supervision.spotcheck_factory import make_plan, make_task, record_sample

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def day(reviewer, inspector, inspector2, kettle_category, lab, enterprise, tianhe):
    """Two tasks of the team: one to sample today, one sampled already whose lab file is to import."""
    CatalogueItem.objects.filter(name="泄漏电流和电气强度").update(requirement="≤0.75", unit="mA")
    today = timezone.localdate()
    team = [inspector, inspector2]
    plan = make_plan(reviewer, kettle_category, year=today.year)
    to_sample = make_task(reviewer, plan, enterprise, kettle_category, lab, team, today=today)
    other = Enterprise.objects.create(uscc=make_uscc("440106", 61), name="广州市天河小家电厂", region=tianhe)
    kettle = Product.objects.create(enterprise=other, category=kettle_category, name="电水壶")
    sampled = record_sample(
        inspector,
        make_task(reviewer, plan, other, kettle_category, lab, team, product=kettle, today=today),
        team,
        today,
    )
    return {"task": to_sample, "sampled": sampled}


def lab_file(sample: Sample, measured: str, verdict: str = "合格") -> dict:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(imports.HEADERS)
    writer.writerow([sample.code, "WT-1", "", 1, "标志和说明", "7", "应有标志", "符合", "", verdict])
    writer.writerow([sample.code, "WT-1", "", 2, "泄漏电流和电气强度", "13", "≤0.75", measured, "mA", "合格"])
    return {"name": "lab.csv", "mimeType": "text/csv", "buffer": ("\ufeff" + out.getvalue()).encode()}


def tick(page, selector: str) -> None:
    """Tick a check box as the device would: a tap on a phone, Space from the keyboard on a desktop."""
    if page.device == "phone":
        page.tap(selector)
    else:
        page.focus(selector)
        page.keyboard.press("Space")


def test_an_inspector_samples_enters_results_and_imports_a_lab_file(live_server, device, day, inspector, inspector2):
    page = device
    url = live_server.url
    task, sampled = day["task"], day["sampled"]
    login(page, live_server, inspector)

    # My tasks opens on what is still to sample (the dashboard's count), with a switch for all
    page.goto(url + "/staff/")
    page.locator(".cards").get_by_role("link", name=re.compile("我的待抽样任务")).click()
    page.wait_for_url("**/staff/tasks/mine/")
    assert page.locator("tbody tr").count() == 1
    assert "待抽样（1）" in page.inner_text("#show-open") and "（2）" in page.inner_text("#show-all")
    assert small_targets(page, ".staff-nav a, .switch a") == []
    assert_accessible(page)
    page.click("#show-all")
    page.wait_for_url("**show=all**")
    assert page.locator("tbody tr").count() == 2
    page.click("#show-open")
    page.get_by_role("link", name="填写抽样单").click()
    page.wait_for_url(f"**/staff/tasks/{task.pk}/sample/")

    # the sampling record: the team is ticked; one sampler and a negative price are refused beside their fields
    box2 = f"#id_samplers input[value='{inspector2.pk}']"
    assert page.is_checked(f"#id_samplers input[value='{inspector.pk}']") and page.is_checked(box2)
    tick(page, box2)
    assert not page.is_checked(box2)
    page.fill("#id_place", "成品库二号")
    page.select_option("#id_place_kind", "finished_store")
    page.fill("#id_product_name", "电水壶（不锈钢）")
    page.fill("#id_batch", "B20261101")
    page.fill("#id_executed_standard", "GB 4706.19-2008")
    page.fill("#id_sampling_base", "200")
    page.fill("#id_quantity_drawn", "4")
    page.fill("#id_quantity_retained", "2")
    page.fill("#id_unit_price", "-89")
    page.check("#id_sealed")
    page.fill("#id_unit_signatory", "张厂长")
    page.get_by_role("button", name="保存抽样单").click()
    page.wait_for_selector("#id_unit_price_error")
    assert "单价不能为负数" in page.inner_text("#id_unit_price_error")
    assert "抽样人员不得少于2名" in page.inner_text(".field.has-error:has(#id_samplers)")
    assert "R2" not in page.inner_text("main")
    assert page.input_value("#id_product_name") == "电水壶（不锈钢）"  # what was typed is kept
    assert_accessible(page)
    tick(page, box2)
    page.fill("#id_unit_price", "89")
    page.get_by_role("button", name="保存抽样单").click()
    page.wait_for_url("**/staff/samples/**")
    sample = Sample.objects.get(task=task)
    # the timeline gives the sampling day, no invented time
    drawn = page.locator(".timeline li", has_text="抽取封样").locator("time")
    assert drawn.inner_text() == sample.sampled_on.isoformat()

    # item results: the leakage current's requirement is numeric, so a verdict is suggested
    page.get_by_role("link", name="录入检验结果").click()
    page.wait_for_selector("table.entry")
    rows = page.locator("table.entry tbody tr")
    assert rows.count() == 5
    for i in range(5):
        page.fill(f"#id_items-{i}-measured", "1.2" if i == 4 else "符合")
        page.select_option(f"#id_items-{i}-verdict", "pass")
    suggestion = page.locator("#items-4-suggestion")
    suggestion.filter(has_text="不合格").wait_for()
    assert "实测 1.2 mA，要求 ≤ 0.75 mA" in suggestion.inner_text()
    assert "与所填判定不一致" in suggestion.inner_text()  # the inspector picked pass: pointed out, not changed
    assert page.input_value("#id_items-4-verdict") == "pass"
    page.select_option("#id_items-4-verdict", "fail")
    page.locator("#items-4-suggestion:not(.differs)").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="提交审核").click()
    page.wait_for_url(f"**/staff/samples/{sample.code}/")
    sample.report.refresh_from_db()
    assert (sample.report.status, sample.report.verdict) == (ReportStatus.SUBMITTED, "fail")

    # a laboratory's file: a bad value is shown in its row error; the good file links its samples
    page.goto(url + "/staff/imports/")
    page.set_input_files("#id_file", files=[lab_file(sampled, "", verdict="通过")])
    page.get_by_role("button", name="上传并校验").click()
    page.wait_for_selector("table.import-errors")
    assert page.locator("progress").count() == 0  # a small file: its result at once, no progress bar
    errors = page.locator("table.import-errors tbody tr")
    assert errors.count() == 2
    first, second = errors.nth(0).inner_text(), errors.nth(1).inner_text()
    assert "通过" in first and "单项判定应为" in first  # the value the file holds, and why it is refused
    assert "（空）" in second and "请填写实测值" in second
    assert_accessible(page)
    page.goto(url + "/staff/imports/")
    page.set_input_files("#id_file", files=[lab_file(sampled, "0.42")])
    page.get_by_role("button", name="上传并校验").click()
    page.wait_for_selector("#import-done")
    assert "仍是草稿" in page.inner_text("#import-drafts")
    page.locator("#imported-samples").get_by_role("link", name=sampled.code).wait_for()
    assert page.locator("progress").count() == 0
    assert_accessible(page)
    page.locator("#imported-samples").get_by_role("link", name="核对并提交审核").click()
    page.wait_for_url(f"**/staff/samples/{sampled.code}/report/")
    assert page.input_value("#id_items-1-measured") == "0.42"
    assert page.missing == []
