"""Spot-check services as the rules: R1 (no repeat checks), R2, R3 (refusal), R4, R11."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.audit import history_of
from portal.models import AuditAction, AuditEvent
from supervision.models import (
    CustodyAction,
    ObjectionStatus,
    PlanLevel,
    ReportStatus,
    SampleCustody,
    Task,
    Verdict,
)
from supervision.models import (
    TestReport as LabReport,
)
from supervision.registry import services as registry_services
from supervision.spotchecks import services
from supervision.spotchecks.selectors import (
    awaiting_objection_deadline,
    awaiting_review,
    final_results,
    final_samples,
    planning_categories,
    sample_failed_items,
    sample_timeline,
    sample_verdict,
    tasks_for,
)
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

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


TODAY = dt.date(2026, 11, 26)
NOTIFIED = dt.date(2026, 10, 1)


@pytest.fixture
def approved(inspector, reviewer, sample):
    approve(inspector, reviewer, sample, ITEMS_ONE_FAIL, NOTIFIED)
    sample.refresh_from_db()
    return sample


# ---------------------------------------------------------------- plans and tasks


def test_it_writes_the_plan_with_its_clause(reviewer, plan):
    ev = history_of(plan).get()
    assert ev.action == AuditAction.PLAN_CREATED
    assert ev.clause == "第十四条"
    assert ev.actor == reviewer


def test_it_refuses_a_plan_to_an_inspector(inspector, kettle_category):
    with pytest.raises(PermissionDenied):
        make_plan(inspector, kettle_category)


def test_it_refuses_a_provincial_plan_from_a_city_bureau(reviewer, kettle_category):
    with pytest.raises(ValidationError) as exc:
        make_plan(reviewer, kettle_category, level=PlanLevel.PROVINCIAL)
    assert "level" in exc.value.message_dict


def test_it_refuses_an_institution_outside_its_accreditation_scope(
    reviewer, plan, enterprise, kettle_category, team, unaccredited_lab
):
    with pytest.raises(ValidationError) as exc:
        make_task(reviewer, plan, enterprise, kettle_category, unaccredited_lab, team)
    assert "资质范围不包括“电水壶”" in exc.value.message_dict["institution"][0]
    assert not Task.objects.exists()


def test_it_refuses_an_institution_whose_accreditation_expired_or_is_suspended(
    reviewer, administrator, plan, enterprise, kettle_category, lab, team
):
    lab.valid_to = dt.date(2026, 11, 25)
    lab.save()
    with pytest.raises(ValidationError) as exc:
        make_task(reviewer, plan, enterprise, kettle_category, lab, team)
    assert "不在有效期内" in exc.value.message_dict["institution"][0]
    lab.valid_to = dt.date(2030, 1, 1)
    lab.save()
    today = dt.date(2026, 11, 26)  # make_task's day
    registry_services.institution_record_event(
        actor=administrator, institution=lab, kind="suspended", on=today, reason="出具虚假报告"
    )
    with pytest.raises(ValidationError) as exc:
        make_task(reviewer, plan, enterprise, kettle_category, lab, team)
    assert "暂停" in exc.value.message_dict["institution"][0]
    # reinstated: it may test again; cancelled (撤销其资格): never again
    registry_services.institution_record_event(
        actor=administrator, institution=lab, kind="reinstated", on=today, reason="整改完成"
    )
    assert make_task(reviewer, plan, enterprise, kettle_category, lab, team).institution == lab
    registry_services.institution_record_event(
        actor=administrator, institution=lab, kind="cancelled", on=today, reason="情节严重"
    )
    with pytest.raises(ValidationError) as exc:
        make_task(reviewer, plan, enterprise, kettle_category, lab, team)
    assert "撤销" in exc.value.message_dict["institution"][0]
    with pytest.raises(ValidationError) as exc:
        registry_services.institution_record_event(
            actor=administrator, institution=lab, kind="reinstated", on=today, reason="申请恢复"
        )
    assert "撤销" in exc.value.message_dict["kind"][0]


def test_it_requires_two_samplers_on_a_task(reviewer, plan, enterprise, kettle_category, lab, inspector):
    with pytest.raises(ValidationError) as exc:
        make_task(reviewer, plan, enterprise, kettle_category, lab, [inspector, inspector])
    assert "samplers" in exc.value.message_dict


def test_it_refuses_a_task_outside_the_actors_region(reviewer, plan, shenzhen_enterprise, kettle_category, lab, team):
    with pytest.raises(PermissionDenied):
        make_task(reviewer, plan, shenzhen_enterprise, kettle_category, lab, team)


# ---------------------------------------------------------------- R1 repeat checks, day boundaries

SIX_MONTHS_BEFORE_TODAY = dt.date(2026, 5, 26)


@pytest.mark.parametrize(
    ("earlier_day", "blocked"),
    [
        (SIX_MONTHS_BEFORE_TODAY - dt.timedelta(days=1), False),  # day before the boundary: long enough ago
        (SIX_MONTHS_BEFORE_TODAY, False),  # exactly six months ago: the six months have run
        (SIX_MONTHS_BEFORE_TODAY + dt.timedelta(days=1), True),  # the day after: still within six months
    ],
)
def test_it_refuses_a_repeat_check_within_six_months_by_the_same_level(
    reviewer, inspector, team, enterprise, kettle_category, lab, kettle, earlier_day, blocked
):
    first_plan = make_plan(reviewer, kettle_category, quarter=2)
    first = make_task(reviewer, first_plan, enterprise, kettle_category, lab, team, product=kettle)
    record_sample(inspector, first, team, earlier_day)
    second_plan = make_plan(reviewer, kettle_category, quarter=4)
    if blocked:
        with pytest.raises(ValidationError) as exc:
            make_task(reviewer, second_plan, enterprise, kettle_category, lab, team, product=kettle, today=TODAY)
        message = exc.value.message_dict["product"][0]
        assert "市级" in message and str(earlier_day) in message and "第十四条" in message
    else:
        make_task(reviewer, second_plan, enterprise, kettle_category, lab, team, product=kettle, today=TODAY)


def test_it_refuses_a_city_check_after_a_provincial_one(
    reviewer, administrator, inspector, team, enterprise, kettle_category, lab, kettle
):
    administrator.roles = ["official"]
    administrator.save()
    prov_plan = make_plan(administrator, kettle_category, level=PlanLevel.PROVINCIAL, region_code="440000")
    prov_task = make_task(administrator, prov_plan, enterprise, kettle_category, lab, team, product=kettle)
    record_sample(inspector, prov_task, team, dt.date(2026, 10, 1))
    city_plan = make_plan(reviewer, kettle_category, quarter=4)
    with pytest.raises(ValidationError) as exc:
        make_task(reviewer, city_plan, enterprise, kettle_category, lab, team, product=kettle)
    assert "省级" in exc.value.message_dict["product"][0]


def test_it_lets_a_higher_level_check_a_product_a_lower_level_checked(
    reviewer, administrator, inspector, team, enterprise, kettle_category, lab, kettle
):
    city_plan = make_plan(reviewer, kettle_category)
    city_task = make_task(reviewer, city_plan, enterprise, kettle_category, lab, team, product=kettle)
    record_sample(inspector, city_task, team, dt.date(2026, 10, 1))
    administrator.roles = ["official"]
    administrator.save()
    prov_plan = make_plan(administrator, kettle_category, level=PlanLevel.PROVINCIAL, region_code="440000")
    assert make_task(administrator, prov_plan, enterprise, kettle_category, lab, team, product=kettle).pk


def test_it_matches_a_product_by_producer_and_category_when_no_product_is_named(
    reviewer, inspector, team, enterprise, kettle_category, lab
):
    first = make_task(reviewer, make_plan(reviewer, kettle_category), enterprise, kettle_category, lab, team)
    record_sample(inspector, first, team, dt.date(2026, 10, 1))
    with pytest.raises(ValidationError) as exc:
        make_task(reviewer, make_plan(reviewer, kettle_category), enterprise, kettle_category, lab, team)
    assert "product" in exc.value.message_dict


def test_it_computes_the_free_day_at_month_ends():
    assert services.repeat_check_free_from(dt.date(2025, 8, 31)) == dt.date(2026, 2, 28)
    assert services.repeat_check_free_from(dt.date(2027, 8, 31)) == dt.date(2028, 2, 29)
    assert services.repeat_check_free_from(dt.date(2025, 9, 15)) == dt.date(2026, 3, 15)


# ---------------------------------------------------------------- R2 sampling


def test_it_requires_two_distinct_samplers_with_enforcement_ids(inspector, inspector2, task):
    with pytest.raises(ValidationError) as exc:
        record_sample(inspector, task, [inspector, inspector], dt.date(2026, 9, 10))
    assert "不得少于2名" in exc.value.message_dict["samplers"][0]
    inspector2.enforcement_id = ""
    inspector2.save()
    with pytest.raises(ValidationError) as exc:
        record_sample(inspector, task, [inspector, inspector2], dt.date(2026, 9, 10))
    assert "执法证号" in exc.value.message_dict["samplers"][0]


def test_it_refuses_a_retained_quantity_above_the_drawn_one(inspector, task, team):
    with pytest.raises(ValidationError) as exc:
        record_sample(inspector, task, team, dt.date(2026, 9, 10), quantity_drawn=2, quantity_retained=3)
    assert "不能超过抽样数量" in exc.value.message_dict["quantity_retained"][0]


def test_it_records_a_sample_with_code_custody_draft_report_and_audit(inspector, sample, lab):
    assert sample.code == "GD20260910440106-0001"
    assert sample.custody.get().action == CustodyAction.DRAWN
    assert sample.report.status == ReportStatus.DRAFT and sample.report.institution == lab
    ev = history_of(sample).get()
    assert (ev.action, ev.clause, ev.actor) == (AuditAction.SAMPLE_RECORDED, "第十四条", inspector)


def test_it_refuses_sampling_to_a_reviewer_and_outside_the_region(reviewer, outsider, task, team):
    with pytest.raises(PermissionDenied):
        record_sample(reviewer, task, team, dt.date(2026, 9, 10))
    with pytest.raises(PermissionDenied):
        record_sample(outsider, task, team, dt.date(2026, 9, 10))


# ---------------------------------------------------------------- R3 refusal


def test_it_judges_a_refusal_a_failure_and_orders_a_compulsory_check_at_the_enterprises_cost(
    inspector, task, team, enterprise
):
    with pytest.raises(ValidationError) as exc:
        services.sample_record_refusal(
            actor=inspector, task=task, samplers=team, sampled_on=dt.date(2026, 9, 10), witnesses=" ", note="拒绝"
        )
    assert "witnesses" in exc.value.message_dict
    refusal = services.sample_record_refusal(
        actor=inspector,
        task=task,
        samplers=team,
        sampled_on=dt.date(2026, 9, 10),
        witnesses="街道办 张三",
        note="企业负责人拒绝抽样",
        cost="1800.00",
    )
    assert refusal.refused and sample_verdict(refusal) == Verdict.FAIL_REFUSED
    assert final_samples(as_of=dt.date(2026, 9, 10)).filter(pk=refusal.pk).exists()
    compulsory = Task.objects.get(origin_sample=refusal)
    assert compulsory.compulsory and compulsory.plan == task.plan
    assert compulsory.cost_payer == enterprise and compulsory.cost == Decimal("1800.00")
    actions = [e.action for e in history_of(refusal)]
    assert actions == [AuditAction.SAMPLE_REFUSAL]
    assert history_of(compulsory).get().clause == "第十五条"
    assert not LabReport.objects.filter(sample=refusal).exists()


def test_it_refuses_an_objection_to_a_refusal(inspector, reviewer, task, team):
    refusal = services.sample_record_refusal(
        actor=inspector, task=task, samplers=team, sampled_on=dt.date(2026, 9, 10), witnesses="张三", note="拒绝"
    )
    with pytest.raises(ValidationError) as exc:
        services.objection_file(
            actor=reviewer, sample=refusal, reason="不服", filed_on=dt.date(2026, 9, 12), today=dt.date(2026, 9, 12)
        )
    assert "第十五条" in exc.value.message_dict["sample"][0]


# ---------------------------------------------------------------- reports


def test_it_fails_a_sample_with_one_failed_item(inspector, sample):
    report = services.report_save_items(actor=inspector, report=sample.report, items=ITEMS_ONE_FAIL)
    assert report.verdict == Verdict.FAIL
    report = services.report_save_items(actor=inspector, report=sample.report, items=ITEMS_PASS)
    assert report.verdict == Verdict.PASS and report.items.count() == 3


def test_it_refuses_empty_or_bad_items(inspector, sample):
    with pytest.raises(ValidationError) as exc:
        services.report_save_items(actor=inspector, report=sample.report, items=[])
    assert "items" in exc.value.message_dict
    bad = [{**ITEMS_PASS[0], "verdict": "maybe"}, {**ITEMS_PASS[1], "measured": ""}]
    with pytest.raises(ValidationError) as exc:
        services.report_save_items(actor=inspector, report=sample.report, items=bad)
    assert len(exc.value.message_dict["items"]) == 2


def test_it_accepts_only_pdf_attachments(inspector, sample):
    with pytest.raises(ValidationError) as exc:
        services.report_save_items(
            actor=inspector, report=sample.report, items=ITEMS_PASS, attachment=pdf_file("x.pdf", b"MZ\x90\x00")
        )
    assert "attachment" in exc.value.message_dict
    report = services.report_save_items(actor=inspector, report=sample.report, items=ITEMS_PASS, attachment=pdf_file())
    assert report.attachment.name.endswith(".pdf")


def test_it_lets_only_another_reviewer_approve_and_notifies_the_enterprise(inspector, reviewer, sample):
    services.report_save_items(actor=inspector, report=sample.report, items=ITEMS_ONE_FAIL)
    with pytest.raises(PermissionDenied):
        services.report_approve(actor=inspector, report=sample.report)
    services.report_submit(actor=inspector, report=sample.report)
    assert list(awaiting_review(reviewer)) == [sample.report]
    report = services.report_approve(actor=reviewer, report=sample.report, today=NOTIFIED)
    assert report.status == ReportStatus.APPROVED
    notice = sample.notices.get()
    assert notice.notified_on == NOTIFIED
    assert "不合格" in notice.body and "泄漏电流和电气强度" in notice.body and "2026-10-16" in notice.body
    with pytest.raises(ValidationError):
        services.report_save_items(actor=inspector, report=report, items=ITEMS_PASS)


def test_it_refuses_approval_by_the_submitter(inspector, sample):
    inspector.roles = ["inspector", "reviewer"]
    inspector.save()
    services.report_save_items(actor=inspector, report=sample.report, items=ITEMS_PASS)
    services.report_submit(actor=inspector, report=sample.report)
    with pytest.raises(PermissionDenied):
        services.report_approve(actor=inspector, report=sample.report)


def test_it_returns_a_report_with_a_reason_and_accepts_it_again(inspector, reviewer, sample):
    services.report_save_items(actor=inspector, report=sample.report, items=ITEMS_PASS)
    services.report_submit(actor=inspector, report=sample.report)
    with pytest.raises(ValidationError):
        services.report_return(actor=reviewer, report=sample.report, reason="")
    report = services.report_return(actor=reviewer, report=sample.report, reason="实测值单位有误")
    assert report.status == ReportStatus.RETURNED
    services.report_save_items(actor=inspector, report=report, items=ITEMS_ONE_FAIL)
    assert services.report_submit(actor=inspector, report=report).status == ReportStatus.SUBMITTED


# ---------------------------------------------------------------- R4 objection window and finality


def test_it_accepts_an_objection_on_day_15(reviewer, approved):
    obj = services.objection_file(
        actor=reviewer,
        sample=approved,
        reason="对泄漏电流结果有异议",
        filed_on=NOTIFIED + dt.timedelta(days=15),
        today=NOTIFIED + dt.timedelta(days=15),
    )
    assert obj.status == ObjectionStatus.OPEN


def test_it_refuses_an_objection_on_day_16(reviewer, approved):
    with pytest.raises(ValidationError) as exc:
        services.objection_file(
            actor=reviewer,
            sample=approved,
            reason="异议",
            filed_on=NOTIFIED + dt.timedelta(16),
            today=NOTIFIED + dt.timedelta(16),
        )
    assert "异议期限已过" in exc.value.message_dict["filed_on"][0]
    assert "2026-10-16" in exc.value.message_dict["filed_on"][0]


def test_it_makes_the_verdict_final_on_day_16_not_day_15(reviewer, approved):
    assert not final_samples(as_of=NOTIFIED + dt.timedelta(days=15)).filter(pk=approved.pk).exists()
    assert final_samples(as_of=NOTIFIED + dt.timedelta(days=16)).filter(pk=approved.pk).exists()
    waiting = list(awaiting_objection_deadline(reviewer, NOTIFIED + dt.timedelta(days=15)))
    assert waiting == [approved] and waiting[0].deadline == dt.date(2026, 10, 16)
    assert list(final_results(reviewer, NOTIFIED + dt.timedelta(days=16))) == [approved]
    assert final_results(reviewer, NOTIFIED + dt.timedelta(days=16))[0].standing_verdict == Verdict.FAIL


def test_it_allows_only_one_open_objection(reviewer, approved):
    services.objection_file(
        actor=reviewer,
        sample=approved,
        reason="异议",
        filed_on=NOTIFIED + dt.timedelta(3),
        today=NOTIFIED + dt.timedelta(3),
    )
    with pytest.raises(ValidationError) as exc:
        services.objection_file(
            actor=reviewer,
            sample=approved,
            reason="又一",
            filed_on=NOTIFIED + dt.timedelta(4),
            today=NOTIFIED + dt.timedelta(4),
        )
    assert "正在处理" in exc.value.message_dict["sample"][0]


def test_it_holds_finality_while_an_objection_is_open_and_releases_it_on_withdrawal(reviewer, approved):
    obj = services.objection_file(
        actor=reviewer,
        sample=approved,
        reason="异议",
        filed_on=NOTIFIED + dt.timedelta(3),
        today=NOTIFIED + dt.timedelta(3),
    )
    later = NOTIFIED + dt.timedelta(days=40)
    assert not final_samples(as_of=later).filter(pk=approved.pk).exists()
    services.objection_withdraw(actor=reviewer, objection=obj, reason="企业撤回")
    assert final_samples(as_of=later).filter(pk=approved.pk).exists()
    assert [e.action for e in history_of(approved)][-2:] == [
        AuditAction.OBJECTION_FILED,
        AuditAction.OBJECTION_WITHDRAWN,
    ]


def test_it_replaces_the_verdict_with_the_reinspection_and_charges_the_lab_when_overturned(
    reviewer, approved, second_lab
):
    obj = services.objection_file(
        actor=reviewer,
        sample=approved,
        reason="异议",
        filed_on=NOTIFIED + dt.timedelta(5),
        today=NOTIFIED + dt.timedelta(5),
    )
    with pytest.raises(ValidationError) as exc:
        services.reinspection_record(
            actor=reviewer,
            objection=obj,
            institution=second_lab,
            decided_on=NOTIFIED + dt.timedelta(20),
            verdict="pass",
        )
    assert "seal_photo" in exc.value.message_dict
    rein = services.reinspection_record(
        actor=reviewer,
        objection=obj,
        institution=second_lab,
        decided_on=NOTIFIED + dt.timedelta(20),
        verdict="pass",
        fee="2400",
        seal_photo=png_file(),
    )
    obj.refresh_from_db()
    assert obj.status == ObjectionStatus.DECIDED
    assert sample_verdict(approved) == Verdict.PASS and sample_failed_items(approved) == []
    assert final_samples(as_of=rein.decided_on).filter(pk=approved.pk).exists()
    custody = SampleCustody.objects.filter(sample=approved).order_by("at", "id")
    assert custody.last().action == CustodyAction.SEAL_CHECKED
    ev = AuditEvent.objects.get(action=AuditAction.REINSPECTION_RECORDED)
    assert ev.after["confirms_first_result"] is False
    assert ev.after["fee_borne_by"]["kind"] == "original_institution"
    assert ev.before["verdict"] == Verdict.FAIL and ev.clause.startswith("第十四条")
    with pytest.raises(ValidationError):
        services.objection_file(
            actor=reviewer,
            sample=approved,
            reason="再议",
            filed_on=NOTIFIED + dt.timedelta(6),
            today=NOTIFIED + dt.timedelta(6),
        )


def test_it_charges_the_applicant_when_the_reinspection_confirms(reviewer, approved, second_lab, enterprise):
    obj = services.objection_file(
        actor=reviewer,
        sample=approved,
        reason="异议",
        filed_on=NOTIFIED + dt.timedelta(5),
        today=NOTIFIED + dt.timedelta(5),
    )
    services.reinspection_record(
        actor=reviewer,
        objection=obj,
        institution=second_lab,
        decided_on=NOTIFIED + dt.timedelta(20),
        verdict="fail",
        failed_items="泄漏电流和电气强度",
        fee=2400,
        seal_photo=png_file(),
    )
    ev = AuditEvent.objects.get(action=AuditAction.REINSPECTION_RECORDED)
    assert ev.after["fee_borne_by"] == {"kind": "applicant", "enterprise_id": enterprise.pk, "name": enterprise.name}
    assert sample_failed_items(approved) == ["泄漏电流和电气强度"]


def test_it_writes_the_audit_trail_of_a_sample_with_clauses(inspector, reviewer, approved):
    actions = [(e.action, e.clause) for e in history_of(approved)]
    assert actions == [
        (AuditAction.SAMPLE_RECORDED, "第十四条"),
        (AuditAction.ENTERPRISE_NOTIFIED, "第十四条（异议复检）"),
    ]
    report_actions = [e.action for e in history_of(approved.report)]
    assert report_actions == [AuditAction.RECORD_CHANGED, AuditAction.REPORT_SUBMITTED, AuditAction.REPORT_APPROVED]
    kinds = [e.kind for e in sample_timeline(approved)]
    assert "custody" in kinds and "notice" in kinds and kinds.count("audit") >= 5


def test_it_lists_planning_categories_with_focus_first_and_counts(reviewer, sample, kettle_category):
    from supervision.models import ProductCategory

    ProductCategory.objects.create(code="0901", name="文具")
    rows = list(planning_categories(user=reviewer, year=2026))
    assert rows[0] == kettle_category and rows[0].focus and rows[0].checks_year == 1
    assert rows[1].checks_recent == 0


def test_it_lists_pending_tasks_for_their_samplers(inspector, tianhe_inspector, task):
    assert list(tasks_for(inspector)) == [task]
    assert list(tasks_for(tianhe_inspector)) == []  # not one of its samplers


def test_it_orders_the_timeline_by_when_each_thing_happened_ties_by_recording_order(
    inspector, reviewer, task, team, second_lab
):
    # Everything on one day, as a fast case goes: sampled, tested, approved, objected to and
    # re-inspected today. The seal check is written by the re-inspection (a day, no time): it was
    # stamped a minute before "now" and used to appear before the approval it follows.
    from django.utils import timezone

    today = timezone.localdate()
    sample = record_sample(inspector, task, team, today)
    services.custody_record(
        actor=inspector,
        sample=sample,
        action=CustodyAction.RECEIVED,
        holder="广东产品质量监督检验研究院",
        at=timezone.now(),
    )
    approve(inspector, reviewer, sample, ITEMS_ONE_FAIL, notified_on=today)
    objection = services.objection_file(actor=reviewer, sample=sample, reason="异议", filed_on=today)
    services.reinspection_record(
        actor=reviewer,
        objection=objection,
        institution=second_lab,
        decided_on=today,
        verdict="fail",
        failed_items="泄漏电流和电气强度",
        seal_photo=png_file(),
    )
    labels = [e.label for e in sample_timeline(sample)]
    assert labels == [
        "下达抽查任务",
        "填写抽样单",
        "抽取封样",
        "实验室接收",
        "修改",
        "提交检验报告",
        "审核通过",
        "结果通知送达",
        "提出异议",
        "复检前查验封样",
        "记录复检结果",
    ]
    entries = {e.label: e for e in sample_timeline(sample)}
    # the sampling record and the re-inspection give a day, never a time: none is shown
    assert (entries["抽取封样"].time_known, entries["抽取封样"].on) == (False, today)
    assert entries["复检前查验封样"].time_known is False
    assert entries["实验室接收"].time_known is True
    # the audit row of the notice is folded into the notice (who sent it, under which clause)
    assert entries["结果通知送达"].actor == str(reviewer) and entries["结果通知送达"].clause


def test_it_places_a_back_dated_day_only_entry_by_its_day(inspector, reviewer, approved):
    # `approved` was sampled on 2026-09-10 and its notice served on NOTIFIED, both recorded today:
    # each sits on its own day, and shows the day only
    entries = sample_timeline(approved)
    assert [e.on for e in entries] == sorted(e.on for e in entries)
    drawn = next(e for e in entries if e.kind == "custody")
    notice = next(e for e in entries if e.kind == "notice")
    assert (drawn.on, drawn.time_known) == (dt.date(2026, 9, 10), False)
    assert (notice.on, notice.time_known) == (NOTIFIED, False)
    assert entries.index(drawn) < entries.index(notice)
