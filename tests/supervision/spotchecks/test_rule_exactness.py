"""The spot-check rules on their boundaries (issue: seven deviations found by an auditor).

Each test names the rule and the boundary; each failed on the code before the fix.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from portal.models import AuditAction, AuditEvent
from supervision.models import (
    Announcement,
    AnnouncementKind,
    FeePayer,
    Institution,
    Objection,
    PublishedResult,
    Region,
    Standard,
    Task,
)
from supervision.publication.services import publish_correction, publish_quarter
from supervision.registry.services import institution_record_event
from supervision.spotchecks import services
from tests.supervision.pub_factory import make_sample
from tests.supervision.spotcheck_factory import (
    ITEMS_ONE_FAIL,
    approve,
    make_plan,
    make_task,
    png_file,
    record_sample,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]
D = dt.date


# ---------------------------------------------------------------- 1. R1: one date for the block and its message


@pytest.mark.parametrize(
    ("sampled_on", "free_from"),
    [
        (D(2025, 8, 28), D(2026, 2, 28)),
        (D(2025, 8, 29), D(2026, 2, 28)),
        (D(2025, 8, 30), D(2026, 2, 28)),
        (D(2025, 8, 31), D(2026, 2, 28)),
        (D(2027, 8, 28), D(2028, 2, 28)),  # leap year: February has 29 days
        (D(2027, 8, 29), D(2028, 2, 29)),
        (D(2027, 8, 30), D(2028, 2, 29)),
        (D(2027, 8, 31), D(2028, 2, 29)),
        (D(2026, 3, 31), D(2026, 9, 30)),
        (D(2027, 3, 31), D(2027, 9, 30)),
    ],
)
def test_it_frees_a_product_on_the_clamped_anniversary(sampled_on, free_from):
    assert services.repeat_check_free_from(sampled_on) == free_from


@pytest.mark.parametrize(
    ("sampled_on", "free_from"),
    [
        (D(2025, 8, 28), D(2026, 2, 28)),
        (D(2025, 8, 30), D(2026, 2, 28)),
        (D(2025, 8, 31), D(2026, 2, 28)),
        (D(2023, 8, 31), D(2024, 2, 29)),  # into a leap February
        (D(2026, 3, 31), D(2026, 9, 30)),
    ],
)
def test_it_blocks_the_day_before_the_free_day_and_allows_it_on_that_day(
    reviewer, inspector, team, enterprise, kettle_category, lab, kettle, sampled_on, free_from
):
    lab.valid_from = D(2020, 1, 1)  # accredited through every date of these stories
    lab.save()
    first = make_task(
        reviewer,
        make_plan(reviewer, kettle_category),
        enterprise,
        kettle_category,
        lab,
        team,
        product=kettle,
        today=sampled_on,
    )
    record_sample(inspector, first, team, sampled_on)
    day_before = free_from - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        make_task(
            reviewer,
            make_plan(reviewer, kettle_category),
            enterprise,
            kettle_category,
            lab,
            team,
            product=kettle,
            today=day_before,
        )
    message = exc.value.message_dict["product"][0]
    assert f"{free_from}起方可再次抽查" in message  # the message names the day the block lifts
    task = make_task(
        reviewer,
        make_plan(reviewer, kettle_category),
        enterprise,
        kettle_category,
        lab,
        team,
        product=kettle,
        today=free_from,
    )
    assert task.pk


# ---------------------------------------------------------------- 2. R1 again when the sample is drawn


def test_it_refuses_to_sample_a_product_another_task_sampled_ten_days_before(
    reviewer, inspector, team, enterprise, kettle_category, lab, kettle
):
    plan = make_plan(reviewer, kettle_category)
    first = make_task(reviewer, plan, enterprise, kettle_category, lab, team, product=kettle, today=D(2026, 11, 10))
    second = make_task(reviewer, plan, enterprise, kettle_category, lab, team, product=kettle, today=D(2026, 11, 10))
    earlier = record_sample(inspector, first, team, D(2026, 11, 15))
    with pytest.raises(ValidationError) as exc:
        record_sample(inspector, second, team, D(2026, 11, 25))
    message = exc.value.message_dict["sampled_on"][0]
    assert earlier.code in message and "2027-05-15起方可再次抽查" in message
    assert not second.__class__.objects.get(pk=second.pk).__dict__.get("sample_id")


# ---------------------------------------------------------------- 3. R2: what a sampling record must hold


@pytest.mark.parametrize(
    ("missing", "field"),
    [
        ({"place_kind": ""}, "place_kind"),
        ({"place": ""}, "place"),
        ({"sealed": False}, "sealed"),
        ({"quantity_retained": None}, "quantity_retained"),
        ({"unit_signatory": ""}, "unit_signatory"),
        ({"batch": ""}, "batch"),
        ({"executed_standard": ""}, "executed_standard"),
        ({"quantity_drawn": None}, "quantity_drawn"),
        ({"unit_price": -1}, "unit_price"),
    ],
)
def test_it_refuses_a_sampling_record_without_what_r2_requires(inspector, task, team, missing, field):
    with pytest.raises(ValidationError) as exc:
        record_sample(inspector, task, team, D(2026, 9, 10), **missing)
    assert field in exc.value.message_dict
    assert "R2" not in exc.value.message_dict[field][0]  # no internal codes in a user's message


def test_it_accepts_not_labelled_when_the_label_check_says_the_label_lacks_it(inspector, task, team):
    sample = record_sample(
        inspector,
        task,
        team,
        D(2026, 9, 10),
        batch="",
        executed_standard="",
        label_production_date=False,
        label_standard=False,
    )
    assert sample.batch == "" and not sample.label_production_date


def test_it_refuses_drawing_more_than_the_category_needs(inspector, task, team, kettle_category):
    kettle_category.sample_quantity = 4
    kettle_category.save()
    with pytest.raises(ValidationError) as exc:
        record_sample(inspector, task, team, D(2026, 9, 10), quantity_drawn=5)
    assert "每批抽样不超过4个" in exc.value.message_dict["quantity_drawn"][0]
    assert record_sample(inspector, task, team, D(2026, 9, 10), quantity_drawn=4).quantity_drawn == 4


# ---------------------------------------------------------------- 4. R4: a final verdict is not reopened

NOTIFIED = D(2026, 10, 1)


@pytest.fixture
def approved(inspector, reviewer, sample):
    approve(inspector, reviewer, sample, ITEMS_ONE_FAIL, NOTIFIED)
    sample.refresh_from_db()
    return sample


def test_it_refuses_a_back_dated_objection_from_a_reviewer(reviewer, approved):
    with pytest.raises(ValidationError) as exc:
        services.objection_file(
            actor=reviewer,
            sample=approved,
            reason="异议",
            filed_on=NOTIFIED + dt.timedelta(3),
            today=NOTIFIED + dt.timedelta(5),
        )
    assert "登记当日" in exc.value.message_dict["filed_on"][0]


def test_it_lets_an_administrator_record_a_paper_objection_with_its_receipt(administrator, approved):
    objection = services.objection_file(
        actor=administrator,
        sample=approved,
        reason="企业邮寄的书面异议",
        filed_on=NOTIFIED + dt.timedelta(3),
        receipt_no="SJ-2026-0088",
        today=NOTIFIED + dt.timedelta(5),
    )
    assert (objection.filed_on, objection.receipt_no) == (NOTIFIED + dt.timedelta(3), "SJ-2026-0088")
    row = AuditEvent.objects.get(action=AuditAction.OBJECTION_FILED)
    assert row.after["paper"] is True and row.after["receipt_no"] == "SJ-2026-0088"


def test_it_refuses_any_objection_once_the_verdict_is_final(administrator, approved):
    # day 16: the window has passed with no objection, the verdict is final (and may be published);
    # even a paper objection dated inside the window does not reopen it
    with pytest.raises(ValidationError) as exc:
        services.objection_file(
            actor=administrator,
            sample=approved,
            reason="迟到的异议",
            filed_on=NOTIFIED + dt.timedelta(10),
            receipt_no="SJ-1",
            today=NOTIFIED + dt.timedelta(16),
        )
    assert "已于异议期满后生效" in exc.value.message_dict["sample"][0]
    assert not Objection.objects.exists()


def test_it_issues_a_correction_when_a_reinspection_changes_a_published_verdict(
    reviewer, official, approved, second_lab, make_announcement
):
    objection = services.objection_file(
        actor=reviewer,
        sample=approved,
        reason="异议",
        filed_on=NOTIFIED + dt.timedelta(5),
        today=NOTIFIED + dt.timedelta(5),
    )
    # a copy of the first verdict already published (legacy data: the rule now keeps it from happening)
    announcement = make_announcement(year=2026, quarter=3, region="440100")
    published = PublishedResult.objects.create(
        announcement=announcement,
        sample=approved,
        published_on=D(2026, 10, 25),
        sampled_on=approved.sampled_on,
        year=2026,
        quarter=3,
        enterprise_name="广州市天河电器有限公司",
        product_name="电水壶",
        category=approved.task.category,
        category_name="电水壶",
        field="production",
        level="city",
        verdict="fail",
        failed_items="泄漏电流和电气强度",
        institution_name="广东产品质量监督检验研究院",
        region_id=approved.region_id,
        city_code="440100",
    )
    services.reinspection_record(
        actor=reviewer,
        objection=objection,
        institution=second_lab,
        decided_on=NOTIFIED + dt.timedelta(20),
        verdict="pass",
        seal_photo=png_file(),
    )
    correction = Announcement.objects.get(kind=AnnouncementKind.CORRECTION)
    row = correction.results.get()
    assert (row.corrects_id, row.verdict, row.failed_items) == (published.pk, "pass", "")
    assert correction.corrects_id == announcement.pk
    assert AuditEvent.objects.filter(action=AuditAction.CORRECTION_PUBLISHED, actor=reviewer).exists()


# ---------------------------------------------------------------- 5. R4: no backup sample, no re-inspection


def test_it_refuses_an_objection_when_no_backup_sample_was_kept(inspector, reviewer, task, team):
    sample = record_sample(inspector, task, team, D(2026, 9, 10), quantity_retained=0)
    approve(inspector, reviewer, sample, ITEMS_ONE_FAIL, NOTIFIED)
    with pytest.raises(ValidationError) as exc:
        services.objection_file(
            actor=reviewer,
            sample=sample,
            reason="异议",
            filed_on=NOTIFIED + dt.timedelta(2),
            today=NOTIFIED + dt.timedelta(2),
        )
    assert "未留存封存的备样" in exc.value.message_dict["sample"][0]


def test_it_refuses_a_reinspection_of_a_sample_without_backup(inspector, reviewer, task, team, second_lab):
    sample = record_sample(inspector, task, team, D(2026, 9, 10), quantity_retained=0)
    approve(inspector, reviewer, sample, ITEMS_ONE_FAIL, NOTIFIED)
    legacy = Objection.objects.create(sample=sample, filed_on=NOTIFIED, reason="旧异议", recorded_by=reviewer)
    with pytest.raises(ValidationError) as exc:
        services.reinspection_record(
            actor=reviewer,
            objection=legacy,
            institution=second_lab,
            decided_on=NOTIFIED + dt.timedelta(5),
            verdict="pass",
            seal_photo=png_file(),
        )
    assert "无备样" in exc.value.messages[0]


@pytest.mark.parametrize(("verdict", "payer"), [("fail", FeePayer.APPLICANT), ("pass", FeePayer.ORIGINAL_INSTITUTION)])
def test_it_records_who_bears_the_fee_on_the_reinspection(reviewer, approved, second_lab, lab, verdict, payer):
    objection = services.objection_file(
        actor=reviewer,
        sample=approved,
        reason="异议",
        filed_on=NOTIFIED + dt.timedelta(5),
        today=NOTIFIED + dt.timedelta(5),
    )
    re = services.reinspection_record(
        actor=reviewer,
        objection=objection,
        institution=second_lab,
        decided_on=NOTIFIED + dt.timedelta(20),
        verdict=verdict,
        failed_items="泄漏电流和电气强度" if verdict == "fail" else "",
        fee=1800,
        seal_photo=png_file(),
    )
    name = approved.task.enterprise.name if payer == FeePayer.APPLICANT else lab.name
    assert (re.fee_payer, re.fee_payer_name) == (payer, name)


def test_it_refuses_the_original_lab_as_reinspection_lab(reviewer, approved, lab):
    objection = services.objection_file(
        actor=reviewer,
        sample=approved,
        reason="异议",
        filed_on=NOTIFIED + dt.timedelta(5),
        today=NOTIFIED + dt.timedelta(5),
    )
    with pytest.raises(ValidationError) as exc:
        services.reinspection_record(
            actor=reviewer,
            objection=objection,
            institution=lab,
            decided_on=NOTIFIED + dt.timedelta(20),
            verdict="pass",
            seal_photo=png_file(),
        )
    assert "原检验机构以外" in exc.value.message_dict["institution"][0]


# ---------------------------------------------------------------- 6. R11: the standard is part of the scope


def test_it_refuses_an_institution_accredited_for_the_category_but_another_standard(
    reviewer, plan, enterprise, kettle_category, team
):
    other = Standard.objects.create(code="GB 4706.1-2005", title="家用电器安全 通用要求", mandatory=True)
    inst = Institution.objects.create(
        name="只认通用标准的检验所",
        accreditation_no="CMA-OTHER",
        region=Region.objects.get(code="440100"),
        valid_from=D(2024, 1, 1),
        valid_to=D(2030, 1, 1),
    )
    inst.categories.add(kettle_category)
    inst.standards.add(other)
    with pytest.raises(ValidationError) as exc:
        make_task(reviewer, plan, enterprise, kettle_category, inst, team)
    assert "GB 4706.19-2008" in exc.value.message_dict["institution"][0]
    inst.standards.add(*kettle_category.standards.all())
    assert make_task(reviewer, plan, enterprise, kettle_category, inst, team).institution == inst


# ---------------------------------------------------------------- 7. R11 at every act that relies on the institution


def _suspend(administrator, inst, on):
    institution_record_event(actor=administrator, institution=inst, kind="suspended", on=on, reason="出具虚假报告")


def test_it_sends_the_compulsory_check_only_to_an_institution_in_scope(
    administrator, inspector, task, team, lab, second_lab
):
    from django.utils import timezone

    _suspend(administrator, lab, timezone.localdate())
    refusal = {"samplers": team, "sampled_on": D(2026, 9, 10), "witnesses": "街道干部", "note": "拒绝抽样"}
    with pytest.raises(ValidationError) as exc:
        services.sample_record_refusal(actor=inspector, task=task, **refusal)
    assert "暂停" in exc.value.message_dict["institution"][0]
    sample = services.sample_record_refusal(actor=inspector, task=task, institution=second_lab, **refusal)
    assert Task.objects.get(origin_sample=sample).institution == second_lab


def test_it_refuses_to_submit_a_report_tested_while_its_institution_was_suspended(
    administrator, inspector, sample, lab
):
    _suspend(administrator, lab, D(2026, 9, 15))
    services.report_save_items(actor=inspector, report=sample.report, items=ITEMS_ONE_FAIL, tested_on=D(2026, 9, 20))
    with pytest.raises(ValidationError) as exc:
        services.report_submit(actor=inspector, report=sample.report)
    assert "暂停" in exc.value.message_dict["institution"][0]


def test_it_refuses_to_approve_a_report_whose_institution_was_suspended_since(
    administrator, inspector, reviewer, sample, lab
):
    from django.utils import timezone

    services.report_save_items(actor=inspector, report=sample.report, items=ITEMS_ONE_FAIL, tested_on=D(2026, 9, 20))
    services.report_submit(actor=inspector, report=sample.report)
    _suspend(administrator, lab, timezone.localdate())
    with pytest.raises(ValidationError) as exc:
        services.report_approve(actor=reviewer, report=sample.report)
    assert "暂停" in exc.value.message_dict["institution"][0]
    sample.report.refresh_from_db()
    assert sample.report.status == "submitted"


def test_it_lists_a_cancelled_institutions_reports_since_a_date_for_re_examination(
    client, administrator, inspector, reviewer, sample, lab
):
    services.report_save_items(actor=inspector, report=sample.report, items=ITEMS_ONE_FAIL, tested_on=D(2026, 9, 20))
    institution_record_event(
        actor=administrator, institution=lab, kind="cancelled", on=D(2026, 10, 1), reason="伪造数据"
    )
    client.force_login(reviewer)
    assert "资质暂停或撤销的检验机构" in client.get(reverse("supervision:review-list")).content.decode()
    url = reverse("supervision:institution-reexamination", args=[lab.pk])
    html = client.get(url, {"since": "2026-09-01"}).content.decode()
    assert sample.code in html and "资质已撤销" in html
    assert sample.code not in client.get(url, {"since": "2026-09-21"}).content.decode()


# ---------------------------------------------------------------- published records are immutable in the database


def test_it_refuses_an_update_or_delete_of_a_published_row_in_the_database(official, enterprise, kettle_category, lab):
    make_sample(
        actor=official,
        enterprise=enterprise,
        category=kettle_category,
        institution=lab,
        sampled_on=D(2026, 5, 10),
        notified_on=D(2026, 5, 20),
    )
    announcement = publish_quarter(actor_or_label=official, year=2026, quarter=2)
    row = announcement.results.get()
    for sql in (
        "UPDATE supervision_publishedresult SET verdict = 'pass' WHERE id = %s",
        "DELETE FROM supervision_publishedresult WHERE id = %s",
    ):
        with pytest.raises(IntegrityError, match="immutable"), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [row.pk])
    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
        Announcement.objects.filter(pk=announcement.pk).update(title="改过的标题")
    # the correction path still works: a new notice, the published row untouched
    publish_correction(actor=official, result=row, changes={"model_spec": "MK-17S06"}, reason="型号录入错误")
    row.refresh_from_db()
    assert row.model_spec == "MK-17S05"
