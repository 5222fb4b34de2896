"""What an inspector and a reviewer met walking their day (issue 10), fixed and pinned through the pages:
My tasks, the samplers' check boxes, messages without internal codes, a not-applicable item, a sampling
day without an invented time, the review page's sources and confirmation, the re-inspection form, the
verdict suggestion, and what an import says when it is done or refused."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from supervision.models import ImportStatus, ReportStatus, Sample
from supervision.spotchecks import imports
from tests.supervision.spotcheck_factory import (
    ITEMS_ONE_FAIL,
    ITEMS_PASS,
    approve,
    make_plan,
    make_task,
    pdf_file,
    png_file,
    record_sample,
)
from tests.supervision.spotchecks.test_import import csv_file, good_rows
from tests.supervision.spotchecks.test_views import items_post, sample_post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


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
    return record_sample(inspector, task, [inspector, inspector2], today - dt.timedelta(days=3))


# ---------------------------------------------------------------- inspectors


def test_it_opens_my_tasks_on_what_is_still_to_sample_with_a_switch_for_all(client, inspector, task, sample, plan):
    # one task sampled (`sample`), one still open
    from supervision.models import Enterprise
    from tests.conftest import make_uscc

    other = Enterprise.objects.create(uscc=make_uscc("440106", 71), name="广州市天河小家电厂", region=task.region)
    open_task = make_task(
        plan.created_by,
        plan,
        other,
        task.category,
        task.institution,
        list(task.samplers.all()),
        today=timezone.localdate(),
    )
    client.force_login(inspector)
    response = client.get(reverse("supervision:my-tasks"))
    assert [t.pk for t in response.context["page"]] == [open_task.pk]
    html = response.content.decode()
    assert re.search(r'id="show-open"[^>]*>待抽样（1）', html.replace('aria-current="page" ', ""))
    assert "我参与的全部任务（2）" in html
    everything = client.get(reverse("supervision:my-tasks"), {"show": "all"})
    assert {t.pk for t in everything.context["page"]} == {open_task.pk, task.pk}
    # the dashboard counts what "My tasks" opens on
    assert client.get(reverse("staff-home")).context["my_tasks"] == 1


def test_it_offers_the_samplers_as_check_boxes_with_the_task_team_ticked(client, inspector, inspector2, task):
    client.force_login(inspector)
    html = client.get(reverse("supervision:sample-record", args=[task.pk])).content.decode()
    boxes = re.findall(r'<input type="checkbox" name="samplers" value="(\d+)"[^>]*>', html)
    assert set(boxes) == {str(inspector.pk), str(inspector2.pk)}
    assert len(re.findall(r'<input type="checkbox" name="samplers"[^>]*checked', html)) == 2
    assert "<select" not in html.split('name="samplers"')[0][-300:]  # no Ctrl+click list
    assert "执法证号" in html and "勾选至少两名" in html


def test_it_refuses_one_sampler_and_a_negative_price_beside_the_fields_without_codes(client, inspector, task, today):
    client.force_login(inspector)
    data = sample_post(task, samplers=[str(inspector.pk)], unit_price="-5")
    response = client.post(reverse("supervision:sample-record", args=[task.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_unit_price_error"' in html and "单价不能为负数" in html
    assert "抽样人员不得少于2名" in html
    assert not re.search(r"[（(]R\d+[）)]", html)  # no internal rule codes in what the user reads
    assert (
        'min="0"' in html.split('name="unit_price"')[1][:200] or 'min="0"' in html.split('name="unit_price"')[0][-200:]
    )


def test_it_shows_a_not_applicable_item_as_such_and_no_invented_sampling_time(client, inspector, reviewer, sample):
    approve(inspector, reviewer, sample, ITEMS_PASS, notified_on=timezone.localdate())
    client.force_login(inspector)
    html = client.get(reverse("supervision:sample-detail", args=[sample.code])).content.decode()
    row = re.search(r"<th scope=\"row\">发热</th>.*?</tr>", html, re.S).group(0)
    assert "不适用" in row and "尚无结论" not in row
    # the sampling record gives a day: the custody table and the timeline show that day, no time
    day = sample.sampled_on.strftime("%Y-%m-%d")
    assert f'<td>{day}</td><th scope="row">抽取封样</th>' in html
    assert "09:00" not in html and f'<time datetime="{day}">{day}</time> <strong>抽取封样' in html


def test_it_suggests_the_verdict_from_a_numeric_requirement_and_keeps_the_inspectors_choice(client, inspector, sample):
    client.force_login(inspector)
    answer = client.get(
        reverse("supervision:verdict-suggestion"), {"requirement": "泄漏电流≤0.75", "measured": "1.2", "unit": "mA"}
    ).json()
    assert answer["verdict"] == "fail" and "实测 1.2 mA，要求 ≤ 0.75 mA" in answer["text"]
    assert client.get(
        reverse("supervision:verdict-suggestion"), {"requirement": "符合要求", "measured": "符合"}
    ).json() == {
        "verdict": None,
        "text": "",
    }
    # a pass typed against a failing reading is saved as typed, and pointed out
    rows = [dict(r) for r in ITEMS_ONE_FAIL]
    rows[2]["verdict"] = "pass"
    url = reverse("supervision:report-entry", args=[sample.code])
    assert client.post(url, items_post(rows)).status_code == 302
    sample.report.refresh_from_db()
    assert sample.report.verdict == "pass"
    html = client.get(url).content.decode()
    assert "按标准要求推算：不合格（实测 1.2 mA，要求 ≤ 0.75 mA），与所填判定不一致，请核对。" in html
    assert "按标准要求推算：合格（实测 2.1 %，要求 ≤ 5 %）" in html  # "+2.1" against "≤+5%"


def test_it_answers_the_suggestion_to_inspectors_only(client, reviewer):
    client.force_login(reviewer)
    assert (
        client.get(reverse("supervision:verdict-suggestion"), {"requirement": "≤1", "measured": "2"}).status_code == 403
    )


# ---------------------------------------------------------------- reviewers


def test_it_links_the_review_to_the_sampling_record_the_sample_and_the_signed_pdf(client, inspector, reviewer, sample):
    from supervision.spotchecks import services

    services.report_save_items(
        actor=inspector, report=sample.report, items=ITEMS_ONE_FAIL, report_no="R-1", attachment=pdf_file()
    )
    services.report_submit(actor=inspector, report=sample.report)
    client.force_login(reviewer)
    html = client.get(reverse("supervision:report-review", args=[sample.code])).content.decode()
    detail = reverse("supervision:sample-detail", args=[sample.code])
    assert f'href="{detail}#record" id="link-record"' in html
    assert f'href="{detail}" id="link-sample"' in html
    pdf_url = reverse("supervision:report-pdf", args=[sample.code])
    assert f'href="{pdf_url}" id="link-pdf"' in html
    pdf = client.get(pdf_url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    # served to the region's staff only, as the sample itself
    from tests.conftest import make_user

    client.force_login(make_user("sz_reviewer", "440300", "reviewer"))
    assert client.get(pdf_url).status_code == 404
    # the items are beside them, each with what its requirement suggests when that differs
    assert "泄漏电流和电气强度" in html


@pytest.fixture
def objection(inspector, reviewer, sample, today):
    from supervision.spotchecks import services

    approve(inspector, reviewer, sample, ITEMS_ONE_FAIL, notified_on=today)
    return services.objection_file(actor=reviewer, sample=sample, reason="对泄漏电流有异议", filed_on=today)


def test_it_offers_no_default_reinspection_verdict_and_refuses_each_mistake_beside_its_field(
    client, reviewer, objection, lab, second_lab, today
):
    client.force_login(reviewer)
    url = reverse("supervision:reinspection-create", args=[objection.pk])
    html = client.get(url).content.decode()
    radios = re.findall(r'<input type="radio" name="verdict"[^>]*>', html)
    assert len(radios) == 2 and not any("checked" in r for r in radios)
    assert "（原检验机构，不能承担复检）" in html
    # no verdict at all
    response = client.post(url, {"institution": second_lab.pk, "decided_on": today.isoformat(), "fee": "0"})
    assert 'id="id_verdict_error"' in response.content.decode() and "请选择复检结论" in response.content.decode()
    # a fail naming no failed item, by the original lab
    data = {
        "institution": lab.pk,
        "decided_on": today.isoformat(),
        "verdict": "fail",
        "fee": "100",
        "report_no": "FJ-1",
    }
    html = client.post(url, {**data, "seal_photo": png_file()}).content.decode()
    assert re.search(r'id="id_institution_error"[^>]*><li>复检应由原检验机构以外的机构承担', html)
    assert re.search(r'id="id_failed_items_error"[^>]*><li>复检不合格须列明不合格项目', html)
    assert 'value="FJ-1"' in html  # what was typed is kept
    # a pass that lists failed items
    html = client.post(
        url, {**data, "institution": second_lab.pk, "verdict": "pass", "failed_items": "发热", "seal_photo": png_file()}
    ).content.decode()
    assert re.search(r'id="id_failed_items_error"[^>]*><li>复检结论为合格时不应填写不合格项目', html)
    objection.refresh_from_db()
    assert objection.status == "open"
    ok = client.post(
        url,
        {**data, "institution": second_lab.pk, "failed_items": "泄漏电流和电气强度", "seal_photo": png_file()},
    )
    assert ok.status_code == 302


# ---------------------------------------------------------------- imports


@pytest.fixture
def samples(reviewer, inspector, inspector2, kettle_category, lab, enterprise):
    from supervision.models import Product

    team = [inspector, inspector2]
    out = []
    for n in range(2):
        product = Product.objects.create(enterprise=enterprise, category=kettle_category, name=f"电水壶{n}")
        task = make_task(
            reviewer, make_plan(reviewer, kettle_category), enterprise, kettle_category, lab, team, product=product
        )
        out.append(record_sample(inspector, task, team, dt.date(2026, 9, 10)))
    return out


def test_it_links_the_samples_an_import_wrote_and_says_their_reports_are_drafts(client, inspector, samples):
    client.force_login(inspector)
    response = client.post(reverse("supervision:import-page"), {"file": csv_file(good_rows(samples))})
    batch_url = response["Location"]
    html = client.get(batch_url).content.decode()
    assert "progress" not in html  # a small file was checked while the user waited: no progress bar
    for s in samples:
        assert f'href="{reverse("supervision:sample-detail", args=[s.code])}"' in html
        assert f'href="{reverse("supervision:report-entry", args=[s.code])}"' in html
    assert "其中 2 份报告仍是草稿：导入不会提交报告" in html
    assert {s.report.status for s in samples} == {ReportStatus.DRAFT}


def test_it_shows_the_offending_value_of_each_row_error_in_the_readers_language(client, inspector, samples):
    rows = good_rows(samples)
    rows[0][3] = "一"  # seq
    rows[1][9] = "通过"  # verdict
    rows[2][0] = "GD-NO-SUCH"  # sample code
    client.force_login(inspector)
    response = client.post(reverse("supervision:import-page"), {"file": csv_file(rows)})
    batch = imports.ImportBatch.objects.get()
    assert batch.status == ImportStatus.FAILED
    values = {(e["line"], e["value"]) for e in batch.errors}
    assert {(2, "一"), (3, "通过"), (4, "GD-NO-SUCH")} <= values
    html = client.get(response["Location"]).content.decode()
    assert "<code>通过</code>" in html and "单项判定应为“合格”“不合格”或“不适用”。" in html
    english = client.get(response["Location"], headers={"accept-language": "en"}).content.decode()
    assert "<code>通过</code>" in english  # the file's own value, as typed
    assert "单项判定应为" not in english and "Item verdict" in english
