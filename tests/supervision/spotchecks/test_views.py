"""Staff pages of the spot checks through the Django test client: roles (403), regions (404), forms that keep
what was typed, and the pages an inspector and a reviewer use every day."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import Role
from supervision.models import ItemResult, ObjectionStatus, Region, ReportStatus, Sample, Task
from tests.conftest import make_user
from tests.supervision.spotcheck_factory import ITEMS_ONE_FAIL, approve, make_plan, make_task, record_sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def plan(reviewer, kettle_category):
    return make_plan(reviewer, kettle_category, year=2026)


@pytest.fixture
def task(reviewer, plan, enterprise, kettle_category, lab, inspector, inspector2, today):
    return make_task(reviewer, plan, enterprise, kettle_category, lab, [inspector, inspector2], today=today)


@pytest.fixture
def sample(inspector, inspector2, task, today) -> Sample:
    return record_sample(inspector, task, [inspector, inspector2], today)


def sample_post(task: Task, **overrides) -> dict:
    data = {
        "samplers": [str(u.pk) for u in task.samplers.all()],
        "sampled_on": timezone.localdate().isoformat(),
        "place_kind": "finished_store",
        "place": "成品库二号",
        "product_name": "电水壶（不锈钢）",
        "trademark": "美的好",
        "model_spec": "MK-17S05",
        "batch": "B20261101",
        "executed_standard": "GB 4706.19-2008",
        "sampling_base": "200",
        "quantity_drawn": "4",
        "quantity_retained": "2",
        "unit_price": "89.00",
        "sealed": "on",
        "label_name": "on",
        "unit_signatory": "张厂长",
    }
    data.update(overrides)
    return data


def items_post(rows: list[dict], *, action: str = "save", initial: int | None = None) -> dict:
    data = {
        "items-TOTAL_FORMS": str(len(rows)),
        "items-INITIAL_FORMS": str(len(rows) if initial is None else initial),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "action": action,
        "report_no": "GDQT-2026-001",
        "tested_on": "",
    }
    for i, row in enumerate(rows):
        for key in ("name", "clause", "requirement", "unit", "measured", "verdict"):
            data[f"items-{i}-{key}"] = row.get(key, "")
    return data


def test_it_shows_an_inspector_every_page_of_the_day(client, inspector, task, sample):
    client.force_login(inspector)
    pages = [
        reverse("staff-home"),
        reverse("supervision:my-tasks"),
        reverse("supervision:task-list") + "?o=-due_date&field=production",
        reverse("supervision:plan-list"),
        reverse("supervision:sample-detail", args=[sample.code]),
        reverse("supervision:sample-label", args=[sample.code]),
        reverse("supervision:report-entry", args=[sample.code]),
        reverse("supervision:awaiting-deadline"),
        reverse("supervision:final-list"),
        reverse("supervision:to-enter"),
        reverse("supervision:import-page"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    assert sample.code in client.get(reverse("supervision:to-enter")).content.decode()
    # "My tasks" opens on what is still to sample; the switch shows the sampled one too
    assert task.enterprise.name not in client.get(reverse("supervision:my-tasks")).content.decode()
    assert task.enterprise.name in client.get(reverse("supervision:my-tasks") + "?show=all").content.decode()
    assert task.plan.title in client.get(reverse("supervision:plan-list")).content.decode()
    detail = client.get(reverse("supervision:sample-detail", args=[sample.code])).content.decode()
    assert "<svg" in detail and sample.code in detail
    assert "填写抽样单" in detail  # the timeline shows the recording act


def test_it_prefills_the_entry_table_with_the_catalogue_items(client, inspector, sample):
    client.force_login(inspector)
    html = client.get(reverse("supervision:report-entry", args=[sample.code])).content.decode()
    for name in ("标志和说明", "对触及带电部件的防护", "输入功率和电流", "发热", "泄漏电流和电气强度"):
        assert f'value="{name}"' in html
    assert 'id="item-row-template"' in html
    assert "<script>" not in html  # CSP: no inline script


def test_it_refuses_sampling_to_a_reviewer(client, reviewer, task):
    client.force_login(reviewer)
    response = client.post(reverse("supervision:sample-record", args=[task.pk]), sample_post(task))
    assert response.status_code == 403
    assert not Sample.objects.filter(task=task).exists()


def test_it_refuses_approval_to_an_inspector(client, inspector, inspector2, sample):
    client.force_login(inspector2)
    assert client.get(reverse("supervision:report-review", args=[sample.code])).status_code == 403
    assert client.get(reverse("supervision:review-list")).status_code == 403
    assert client.get(reverse("supervision:plan-create")).status_code == 403


def test_it_hides_another_regions_sample(client, outsider, sample):
    client.force_login(outsider)
    for name in ("sample-detail", "sample-label", "report-entry"):
        assert client.get(reverse(f"supervision:{name}", args=[sample.code])).status_code == 404, name
    assert sample.code not in client.get(reverse("supervision:task-list")).content.decode()


def test_it_records_a_sample_with_two_samplers(client, inspector, task):
    client.force_login(inspector)
    response = client.post(reverse("supervision:sample-record", args=[task.pk]), sample_post(task))
    sample = Sample.objects.get(task=task)
    assert response.status_code == 302
    assert response["Location"] == reverse("supervision:sample-detail", args=[sample.code])
    assert sample.samplers.count() == 2
    assert sample.quantity_retained == 2 and sample.sealed and sample.label_name and not sample.label_address


def test_it_keeps_what_was_typed_when_retained_exceeds_drawn(client, inspector, task):
    client.force_login(inspector)
    response = client.post(
        reverse("supervision:sample-record", args=[task.pk]), sample_post(task, quantity_retained="9")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert not Sample.objects.filter(task=task).exists()
    # the message sits beside the field, linked to it; everything typed is still there
    assert 'id="id_quantity_retained_error"' in html
    assert "备样数量（9）不能超过抽样数量（4）" in html
    assert re.search(r'<input[^>]*name="quantity_retained"[^>]*aria-describedby="id_quantity_retained_error"', html)
    assert 'value="电水壶（不锈钢）"' in html and 'value="B20261101"' in html and 'value="张厂长"' in html


def test_it_refuses_a_single_sampler_beside_the_field(client, inspector, task):
    client.force_login(inspector)
    response = client.post(
        reverse("supervision:sample-record", args=[task.pk]), sample_post(task, samplers=[str(inspector.pk)])
    )
    assert response.status_code == 200
    assert 'id="id_samplers_error"' in response.content.decode()


def test_it_keeps_every_row_when_a_measured_value_is_missing(client, inspector, sample):
    client.force_login(inspector)
    rows = [dict(r) for r in ITEMS_ONE_FAIL]
    rows[1]["measured"] = ""
    response = client.post(reverse("supervision:report-entry", args=[sample.code]), items_post(rows))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_items-1-measured_error"' in html and "请填写实测值" in html
    assert 'value="1.2"' in html and 'value="泄漏电流和电气强度"' in html and 'value="GDQT-2026-001"' in html
    assert not ItemResult.objects.exists()


def test_it_saves_submits_and_lets_another_reviewer_approve(client, inspector, reviewer, sample, today):
    client.force_login(inspector)
    response = client.post(
        reverse("supervision:report-entry", args=[sample.code]), items_post(ITEMS_ONE_FAIL, action="submit")
    )
    assert response.status_code == 302
    sample.report.refresh_from_db()
    assert sample.report.status == ReportStatus.SUBMITTED
    client.force_login(reviewer)
    assert sample.code in client.get(reverse("supervision:review-list")).content.decode()
    url = reverse("supervision:report-review", args=[sample.code])
    # approval serves a notice on the enterprise: the first press shows it and asks
    response = client.post(url, {"action": "approve"})
    assert response.status_code == 200 and response.context["confirming"]
    assert "确认通过并发出通知" in response.content.decode() and "检验结论为：不合格" in response.content.decode()
    sample.report.refresh_from_db()
    assert sample.report.status == ReportStatus.SUBMITTED and not sample.notices.exists()
    response = client.post(url, {"action": "approve", "confirm": "1"})
    assert response.status_code == 302
    html = client.get(reverse("supervision:sample-detail", args=[sample.code])).content.decode()
    deadline = (today + dt.timedelta(days=15)).strftime("%Y-%m-%d")
    assert "不合格" in html and "泄漏电流和电气强度" in html and deadline in html


def test_it_requires_a_reason_to_return_a_report(client, inspector, reviewer, sample):
    client.force_login(inspector)
    client.post(reverse("supervision:report-entry", args=[sample.code]), items_post(ITEMS_ONE_FAIL, action="submit"))
    client.force_login(reviewer)
    response = client.post(reverse("supervision:report-review", args=[sample.code]), {"action": "return", "reason": ""})
    assert response.status_code == 400
    assert 'id="id_reason_error"' in response.content.decode()
    sample.report.refresh_from_db()
    assert sample.report.status == ReportStatus.SUBMITTED


def test_it_refuses_an_objection_on_day_16_with_the_deadline(client, inspector, reviewer, sample, today):
    approve(inspector, reviewer, sample, ITEMS_ONE_FAIL, notified_on=today - dt.timedelta(days=16))
    client.force_login(reviewer)
    url = reverse("supervision:objection-create", args=[sample.code])
    response = client.post(url, {"filed_on": today.isoformat(), "reason": "检测方法有误"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "异议期限已过" in html and "检测方法有误" in html
    assert not sample.objections.exists()


def test_it_accepts_an_objection_on_day_15_and_withdraws_it(client, inspector, reviewer, sample, today):
    approve(inspector, reviewer, sample, ITEMS_ONE_FAIL, notified_on=today - dt.timedelta(days=15))
    client.force_login(reviewer)
    response = client.post(
        reverse("supervision:objection-create", args=[sample.code]),
        {"filed_on": today.isoformat(), "reason": "检测方法有误"},
    )
    assert response.status_code == 302
    objection = sample.objections.get()
    html = client.get(reverse("supervision:sample-detail", args=[sample.code])).content.decode()
    assert "异议处理中" in html
    response = client.post(reverse("supervision:objection-withdraw", args=[objection.pk]), {"reason": "企业书面撤回"})
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.WITHDRAWN


def test_it_shows_a_refusal_as_fail_and_its_compulsory_task(client, inspector, task, today):
    client.force_login(inspector)
    response = client.post(
        reverse("supervision:sample-refusal", args=[task.pk]),
        {
            "samplers": [str(u.pk) for u in task.samplers.all()],
            "sampled_on": today.isoformat(),
            "witnesses": "天河路社区 张三",
            "note": "企业负责人拒绝抽样",
            "cost": "800",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "不合格（拒检）" in html
    assert "已下达强制监督抽查任务" in html
    assert Task.objects.filter(compulsory=True, origin_sample__task=task, cost=800).exists()


def test_it_explains_why_a_task_is_refused_to_an_unaccredited_institution(
    client, reviewer, plan, enterprise, kettle_category, inspector, inspector2, unaccredited_lab
):
    client.force_login(reviewer)
    response = client.post(
        reverse("supervision:task-create"),
        {
            "plan": plan.pk,
            "enterprise": enterprise.pk,
            "category": kettle_category.pk,
            "institution": unaccredited_lab.pk,
            "samplers": [inspector.pk, inspector2.pk],
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_institution_error"' in html
    assert not Task.objects.filter(institution=unaccredited_lab).exists()


def test_it_lists_focus_categories_first_with_how_often_checked(client, reviewer, kettle_category, sample):
    from supervision.models import ProductCategory

    ProductCategory.objects.create(code="0001", name="文具")
    client.force_login(reviewer)
    html = client.get(reverse("supervision:plan-create")).content.decode()
    assert html.index("电水壶") < html.index("文具")
    assert re.search(r"电水壶（近三年抽查 1 次", html)


def test_it_paginates_and_filters_tasks(client, reviewer, plan, enterprise, kettle_category, lab, inspector, task):
    client.force_login(reviewer)
    html = client.get(reverse("supervision:task-list") + "?q=天河电器").content.decode()
    assert enterprise.name in html
    html = client.get(reverse("supervision:task-list") + "?q=不存在的企业").content.decode()
    assert "没有符合条件的任务" in html


def test_it_reports_import_progress_only_within_the_region(client, inspector, outsider):
    from supervision.models import ImportBatch

    batch = ImportBatch.objects.create(
        original_name="r.csv",
        region=Region.objects.get(code="440100"),
        total_rows=10,
        processed_rows=4,
        uploaded_by=inspector,
        file="imports/r.csv",
    )
    client.force_login(inspector)
    data = client.get(reverse("supervision:import-progress", args=[batch.pk])).json()
    assert data["percent"] == 40 and data["done"] is False
    client.force_login(outsider)
    assert client.get(reverse("supervision:import-progress", args=[batch.pk])).status_code == 404


def test_it_rejects_an_upload_that_is_not_csv_or_xlsx(client, inspector):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(inspector)
    response = client.post(reverse("supervision:import-page"), {"file": SimpleUploadedFile("results.pdf", b"%PDF-1.4")})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_file_error"' in html and "results.pdf" in html and "重新选择文件" in html


def test_it_shows_the_reviewer_count_on_the_dashboard(client, inspector, reviewer, sample):
    client.force_login(inspector)
    client.post(reverse("supervision:report-entry", args=[sample.code]), items_post(ITEMS_ONE_FAIL, action="submit"))
    client.force_login(reviewer)
    html = client.get(reverse("staff-home")).content.decode()
    assert re.search(r'<span class="count">1</span>\s*待审核的检验报告', html)


def test_it_requires_login(client, sample):
    response = client.get(reverse("supervision:sample-detail", args=[sample.code]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_refuses_an_organiser_role_page_to_an_enforcement_officer(client, sample):
    officer = make_user("gz_enf2", "440100", Role.ENFORCEMENT)
    client.force_login(officer)
    assert client.get(reverse("supervision:task-create")).status_code == 403
    assert client.post(reverse("supervision:report-entry", args=[sample.code]), {}).status_code == 403


def test_it_explains_a_repeat_check_within_six_months(
    client, reviewer, plan, enterprise, kettle_category, lab, inspector, inspector2, sample
):
    client.force_login(reviewer)
    response = client.post(
        reverse("supervision:task-create"),
        {
            "plan": plan.pk,
            "enterprise": enterprise.pk,
            "category": kettle_category.pk,
            "institution": lab.pk,
            "samplers": [inspector.pk, inspector2.pk],
            "due_date": "",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_product_error"' in html and "6个月内同级或下级不得重复抽查" in html and sample.code in html
    assert Task.objects.count() == 1


def test_it_records_a_reinspection_that_replaces_the_verdict(client, inspector, reviewer, sample, second_lab, today):
    from tests.supervision.spotcheck_factory import png_file

    approve(inspector, reviewer, sample, ITEMS_ONE_FAIL, notified_on=today - dt.timedelta(days=2))
    client.force_login(reviewer)
    client.post(
        reverse("supervision:objection-create", args=[sample.code]),
        {"filed_on": today.isoformat(), "reason": "检测方法有误"},
    )
    objection = sample.objections.get()
    url = reverse("supervision:reinspection-create", args=[objection.pk])
    # a failing re-inspection must name its failed items: the message sits beside that field
    response = client.post(
        url,
        {
            "institution": second_lab.pk,
            "decided_on": today.isoformat(),
            "verdict": "fail",
            "fee": "300",
            "report_no": "FJ-1",
        },
    )
    assert response.status_code == 200
    assert 'id="id_failed_items_error"' in response.content.decode()
    response = client.post(
        url,
        {
            "institution": second_lab.pk,
            "decided_on": today.isoformat(),
            "verdict": "pass",
            "fee": "300",
            "report_no": "FJ-1",
            "seal_photo": png_file(),
        },
    )
    assert response.status_code == 302
    html = client.get(reverse("supervision:sample-detail", args=[sample.code])).content.decode()
    assert 'class="verdict verdict-pass"' in html and "最终结论" in html


def test_it_adds_a_custody_step_and_keeps_a_bad_one_as_typed(client, inspector, sample):
    client.force_login(inspector)
    url = reverse("supervision:custody-add", args=[sample.code])
    response = client.post(url, {"action": "sent", "holder": "", "at": "2026-11-26T09:30", "location": "检验院收样室"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_holder_error"' in html and 'value="检验院收样室"' in html
    response = client.post(
        url, {"action": "sent", "holder": "王检", "at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 302
    assert sample.custody.filter(action="sent", holder="王检").exists()


def test_it_offers_both_import_templates(client, inspector):
    client.force_login(inspector)
    csv_response = client.get(reverse("supervision:import-template", args=["csv"]))
    assert csv_response.status_code == 200 and "样品编号" in csv_response.content.decode("utf-8-sig")
    xlsx_response = client.get(reverse("supervision:import-template", args=["xlsx"]))
    assert xlsx_response.status_code == 200 and xlsx_response.content[:2] == b"PK"
    assert client.get(reverse("supervision:import-template", args=["exe"])).status_code == 404


def test_it_paginates_tasks_and_keeps_the_filters_in_the_page_links(
    client, reviewer, plan, enterprise, kettle_category, lab
):
    for _ in range(30):
        Task.objects.create(
            plan=plan,
            region=enterprise.region,
            enterprise=enterprise,
            field="production",
            category=kettle_category,
            institution=lab,
            created_by=reviewer,
        )
    client.force_login(reviewer)
    html = client.get(reverse("supervision:task-list") + "?field=production&o=-created_at").content.decode()
    assert "第 1 / 2 页，共 30 条" in html
    assert 'href="?field=production&amp;o=-created_at&amp;page=2"' in html
    html = client.get(reverse("supervision:task-list") + "?field=production&o=-created_at&page=2").content.decode()
    assert html.count('<th scope="row">') == 5


def test_it_makes_a_plan_through_the_page(client, reviewer, kettle_category):
    from supervision.models import Plan

    client.force_login(reviewer)
    response = client.post(
        reverse("supervision:plan-create"),
        {
            "title": "2026年第四季度电水壶市级监督抽查",
            "level": "city",
            "year": "2026",
            "quarter": "4",
            "field": "production",
            "categories": [kettle_category.pk],
        },
    )
    assert response.status_code == 302
    assert Plan.objects.get().title == "2026年第四季度电水壶市级监督抽查"
    # a city bureau cannot organise a national check: the service's message sits beside the level
    response = client.post(
        reverse("supervision:plan-create"),
        {
            "title": "国家级",
            "level": "national",
            "year": "2026",
            "quarter": "4",
            "field": "production",
            "categories": [kettle_category.pk],
        },
    )
    assert response.status_code == 200 and 'id="id_level_error"' in response.content.decode()


def test_it_shows_the_withdraw_form_only_inside_the_region(client, inspector, reviewer, outsider, sample, today):
    from supervision.spotchecks.services import objection_file

    approve(inspector, reviewer, sample, ITEMS_ONE_FAIL, notified_on=today)
    objection = objection_file(actor=reviewer, sample=sample, reason="不服", filed_on=today, today=today)
    client.force_login(reviewer)
    assert client.get(reverse("supervision:objection-withdraw", args=[objection.pk])).status_code == 200
    assert client.get(reverse("supervision:reinspection-create", args=[objection.pk])).status_code == 200
    sz_reviewer = make_user("sz_reviewer", "440300", Role.REVIEWER)
    client.force_login(sz_reviewer)
    assert client.get(reverse("supervision:objection-withdraw", args=[objection.pk])).status_code == 404
    client.force_login(outsider)
    assert client.get(reverse("supervision:objection-withdraw", args=[objection.pk])).status_code == 403


def test_it_puts_a_service_row_message_beside_the_cell_it_names(client, inspector, sample):
    # The service locates each bad cell (row, column); the page places it by that location, not by
    # reading the message: the added row (the 6th sent; the blank 6th form is not sent) lacks its
    # measured value and has a name over 80 characters.
    client.force_login(inspector)
    catalogue = [
        {"name": n, "clause": c, "measured": "符合", "verdict": "pass"}
        for n, c in [("标志和说明", "7"), ("对触及带电部件的防护", "8"), ("输入功率和电流", "10"), ("发热", "11")]
    ]
    catalogue.append({"name": "泄漏电流和电气强度", "clause": "13", "measured": "1.2", "verdict": "fail"})
    added = {"name": "噪" * 81, "unit": "dB", "verdict": "pass"}
    data = items_post([*catalogue, {}, added], initial=5)
    html = client.post(reverse("supervision:report-entry", args=[sample.code]), data).content.decode()
    assert re.search(r'id="id_items-6-measured_error"[^>]*><li>第6项：请填写实测值。', html)
    assert re.search(r'id="id_items-6-name_error"[^>]*><li>第6项：超过80个字符。', html)
    assert 'value="dB"' in html  # what was typed is kept
    assert not sample.report.items.exists()  # nothing saved
