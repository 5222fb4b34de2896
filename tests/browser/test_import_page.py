"""Bulk import of a lab's results in real Chromium: a bad file is refused row by row and nothing is saved;
the batch page follows a running batch with its progress bar."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from supervision.models import ImportBatch, ImportStatus, ItemResult, Region
from tests.browser.conftest import login
from tests.supervision.spotcheck_factory import make_plan, make_task, record_sample

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sample(reviewer, kettle_category, lab, enterprise, inspector, inspector2):
    plan = make_plan(reviewer, kettle_category, year=2026)
    today = timezone.localdate()
    task = make_task(reviewer, plan, enterprise, kettle_category, lab, [inspector, inspector2], today=today)
    return record_sample(inspector, task, [inspector, inspector2], today)


def test_it_refuses_a_bad_file_with_every_bad_row_and_saves_nothing(live_server, page, inspector, sample):
    day = sample.sampled_on.isoformat()
    csv_text = "\n".join(
        [
            "样品编号,报告编号,检验完成日期,序号,检验项目,标准条款,标准要求,实测值,单位,单项判定",
            f"{sample.code},WT-1,{day},1,标志和说明,7,符合要求,符合,,合格",
            f"{sample.code},WT-1,{day},2,发热,11,≤75,52,K,还行",
            f"GD20990101440100-9999,WT-2,{day},1,发热,11,≤75,52,K,合格",
            f"{sample.code},WT-1,{day},3,输入功率,10,≤5%,,%,合格",
        ]
    )
    before = ItemResult.objects.count()
    login(page, live_server, inspector)
    page.goto(f"{live_server.url}/staff/imports/")
    # a wrong kind of file is stopped in the page: the choice stays and the reason sits beside the field
    page.set_input_files("#id_file", files=[{"name": "结果.pdf", "mimeType": "application/pdf", "buffer": b"%PDF"}])
    page.get_by_role("button", name="上传并校验").click()
    assert page.locator("#file-client-error").is_visible()
    assert ".csv" in page.locator("#file-client-error").inner_text()
    assert page.url.removeprefix(live_server.url) == "/staff/imports/"
    assert ImportBatch.objects.count() == 0

    page.set_input_files(
        "#id_file", files=[{"name": "结果.csv", "mimeType": "text/csv", "buffer": csv_text.encode("utf-8")}]
    )
    page.get_by_role("button", name="上传并校验").click()
    page.wait_for_url("**/staff/imports/*/")
    assert "未导入任何数据" in page.locator("[role=alert]").inner_text()
    rows = page.locator("table.import-errors tbody tr")
    cells = [rows.nth(i).locator("th, td").all_inner_texts() for i in range(rows.count())]
    lines = {c[0] for c in cells}
    assert {"3", "4", "5"} <= lines, cells
    assert ["3", "单项判定"] in [c[:2] for c in cells]
    assert ["5", "实测值"] in [c[:2] for c in cells]
    assert ItemResult.objects.count() == before
    assert ImportBatch.objects.get().status == ImportStatus.FAILED


def test_it_follows_a_running_batch_with_its_progress_bar(live_server, page, inspector):
    batch = ImportBatch.objects.create(
        original_name="大批量.csv",
        file="imports/big.csv",
        region=Region.objects.get(code="440100"),
        uploaded_by=inspector,
        status=ImportStatus.RUNNING,
        total_rows=1000,
        processed_rows=250,
    )
    login(page, live_server, inspector)
    page.goto(f"{live_server.url}/staff/imports/{batch.pk}/")
    assert page.get_attribute("#import-progress", "value") == "25"
    ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=600)
    expect(page.locator("#import-progress")).to_have_attribute("value", "60", timeout=5000)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.FAILED,
        processed_rows=1000,
        errors=[{"line": 812, "column": "样品编号", "message": "样品编号“X”不存在。"}],
    )
    page.wait_for_selector("table.import-errors", timeout=5000)
    assert page.locator("table.import-errors tbody tr").all_inner_texts()[0].split("\t")[0] == "812"
    assert "未导入任何数据" in page.content()
