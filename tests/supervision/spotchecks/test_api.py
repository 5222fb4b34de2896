"""The spot-check API: each act through the same services, 400 with field errors, 403 outside the region."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from portal.models import AuditAction, AuditEvent
from supervision.models import ObjectionStatus, ReportStatus, Sample, Task
from supervision.spotchecks import services
from tests.supervision.spotcheck_factory import ITEMS_ONE_FAIL, SAMPLING_RECORD, png_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


API = "/api/spotcheck"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_it_creates_a_plan_and_a_task(reviewer, kettle_category, enterprise, lab, team, kettle):
    api = client_for(reviewer)
    r = api.post(
        f"{API}/plans/",
        {
            "title": "2026年第四季度电水壶市级监督抽查",
            "level": "city",
            "year": 2026,
            "quarter": 4,
            "field": "production",
            "categories": [kettle_category.pk],
            "authority": _authority_id("440100"),
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    r = api.post(
        f"{API}/tasks/",
        {
            "plan": r.json()["id"],
            "enterprise": enterprise.pk,
            "category": kettle_category.pk,
            "institution": lab.pk,
            "samplers": [u.pk for u in team],
            "product": kettle.pk,
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    assert Task.objects.get(pk=r.json()["id"]).samplers.count() == 2


def _authority_id(code: str) -> int:
    from supervision.models import Authority

    return Authority.objects.get(region_id=code).pk


def test_it_answers_400_with_the_institution_field_when_out_of_scope(
    reviewer, administrator, plan, enterprise, kettle_category, lab, team
):
    from django.utils import timezone

    from supervision.registry.services import institution_record_event

    institution_record_event(
        actor=administrator, institution=lab, kind="suspended", on=timezone.localdate(), reason="出具虚假报告"
    )
    r = client_for(reviewer).post(
        f"{API}/tasks/",
        {
            "plan": plan.pk,
            "enterprise": enterprise.pk,
            "category": kettle_category.pk,
            "institution": lab.pk,
            "samplers": [u.pk for u in team],
        },
        format="json",
    )
    assert r.status_code == 400
    assert "暂停" in r.json()["institution"][0]


def test_it_records_a_sample_and_answers_400_for_one_sampler(inspector, task, team):
    api = client_for(inspector)
    body = {**SAMPLING_RECORD, "samplers": [inspector.pk], "sampled_on": "2026-09-10"}
    r = api.post(f"{API}/tasks/{task.pk}/sample/", body, format="json")
    assert r.status_code == 400 and "samplers" in r.json()
    r = api.post(f"{API}/tasks/{task.pk}/sample/", {**body, "quantity_retained": 9}, format="json")
    assert r.status_code == 400
    r = api.post(
        f"{API}/tasks/{task.pk}/sample/",
        {**body, "samplers": [u.pk for u in team], "quantity_retained": 2},
        format="json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["report"]["status"] == ReportStatus.DRAFT
    assert r.json()["standing_verdict"] is None and r.json()["is_final"] is False


def test_it_records_a_refusal_as_fail_refused_and_final(inspector, task, team):
    r = client_for(inspector).post(
        f"{API}/tasks/{task.pk}/refusal/",
        {
            "samplers": [u.pk for u in team],
            "sampled_on": "2026-09-10",
            "witnesses": "居委会 李四",
            "note": "拒绝",
            "cost": "900",
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["standing_verdict"] == "fail_refused" and r.json()["is_final"] is True
    assert Task.objects.filter(compulsory=True, origin_sample_id=r.json()["id"]).exists()


def test_it_walks_a_report_from_items_to_reinspection(inspector, reviewer, sample, lab, second_lab):
    api_i, api_r = client_for(inspector), client_for(reviewer)
    r = api_i.put(
        f"{API}/samples/{sample.pk}/items/", {"items": [{**ITEMS_ONE_FAIL[0], "verdict": "?"}]}, format="json"
    )
    assert r.status_code == 400 and "items" in r.json()
    # each bad cell answered at its place, by the same row validator as the page and the import
    bad = [{**ITEMS_ONE_FAIL[0]}, {**ITEMS_ONE_FAIL[1], "measured": "", "name": "噪" * 81}]
    r = api_i.put(f"{API}/samples/{sample.pk}/items/", {"items": bad}, format="json")
    assert r.status_code == 400
    assert set(r.json()["items"]) == {"2"} and set(r.json()["items"]["2"]) == {"measured", "name"}
    assert r.json()["items"]["2"]["name"] == ["第2项：超过80个字符。"]
    r = api_i.put(
        f"{API}/samples/{sample.pk}/items/",
        {"items": ITEMS_ONE_FAIL, "report_no": "WT-1", "tested_on": "2026-09-20"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["report"]["verdict"] == "fail"
    assert api_i.post(f"{API}/samples/{sample.pk}/submit/").status_code == 200
    r = api_r.post(f"{API}/samples/{sample.pk}/return/", {"reason": ""}, format="json")
    assert r.status_code == 400 and "reason" in r.json()
    assert api_r.post(f"{API}/samples/{sample.pk}/return/", {"reason": "单位错误"}, format="json").status_code == 200
    assert api_i.post(f"{API}/samples/{sample.pk}/submit/").status_code == 200
    assert api_i.post(f"{API}/samples/{sample.pk}/approve/").status_code == 403
    r = api_r.post(f"{API}/samples/{sample.pk}/approve/")
    assert r.status_code == 200 and r.json()["standing_verdict"] == "fail"
    notified = dt.date.fromisoformat(r.json()["notified_on"])
    assert r.json()["notices"][0]["objection_deadline"] == str(notified + dt.timedelta(days=15))
    r = api_r.post(
        f"{API}/samples/{sample.pk}/objections/", {"reason": "不服", "filed_on": str(notified)}, format="json"
    )
    assert r.status_code == 201, r.content
    objection_id = r.json()["id"]
    r = api_r.post(
        f"{API}/objections/{objection_id}/reinspection/",
        {"institution": second_lab.pk, "decided_on": str(notified), "verdict": "pass", "seal_photo": png_file()},
        format="multipart",
    )
    assert r.status_code == 201, r.content
    assert r.json()["status"] == ObjectionStatus.DECIDED
    detail = api_r.get(f"{API}/samples/{sample.pk}/").json()
    assert detail["standing_verdict"] == "pass" and detail["is_final"] is True
    assert AuditEvent.objects.filter(action=AuditAction.REINSPECTION_RECORDED).count() == 1


def test_it_refuses_an_objection_after_day_15_with_the_field(inspector, reviewer, sample):
    from django.utils import timezone

    today = timezone.localdate()
    services.report_save_items(actor=inspector, report=sample.report, items=ITEMS_ONE_FAIL)
    services.report_submit(actor=inspector, report=sample.report)
    # notified 15 days ago: today is the last day of the window
    services.report_approve(actor=reviewer, report=sample.report, today=today - dt.timedelta(days=15))
    r = client_for(reviewer).post(
        f"{API}/samples/{sample.pk}/objections/",
        {"reason": "不服", "filed_on": str(today - dt.timedelta(days=1))},
        format="json",
    )
    assert r.status_code == 400 and "登记当日" in r.json()["filed_on"][0]  # no back-dating by a reviewer
    r = client_for(reviewer).post(
        f"{API}/samples/{sample.pk}/objections/", {"reason": "不服", "filed_on": str(today)}, format="json"
    )
    assert r.status_code == 201, r.content
    r = client_for(reviewer).post(f"{API}/objections/{r.json()['id']}/withdraw/", {"reason": "撤回"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == ObjectionStatus.WITHDRAWN


def test_it_refuses_an_objection_on_day_16_with_the_deadline(inspector, reviewer, sample):
    from django.utils import timezone

    today = timezone.localdate()
    services.report_save_items(actor=inspector, report=sample.report, items=ITEMS_ONE_FAIL)
    services.report_submit(actor=inspector, report=sample.report)
    services.report_approve(actor=reviewer, report=sample.report, today=today - dt.timedelta(days=16))
    r = client_for(reviewer).post(
        f"{API}/samples/{sample.pk}/objections/", {"reason": "不服", "filed_on": str(today)}, format="json"
    )
    assert r.status_code == 400 and "异议期限已过" in r.json()["filed_on"][0]


def test_it_answers_404_for_records_outside_the_region_as_the_pages_do(outsider, sample, task, team):
    api = client_for(outsider)
    assert api.get(f"{API}/samples/{sample.pk}/").status_code == 404
    assert api.put(f"{API}/samples/{sample.pk}/items/", {"items": ITEMS_ONE_FAIL}, format="json").status_code == 404
    assert api.get(f"{API}/samples/{sample.pk + 999}/").status_code == 404  # the same answer as for no record
    other_task = Task.objects.create(
        plan=task.plan,
        region=task.region,
        enterprise=task.enterprise,
        field=task.field,
        category=task.category,
        institution=task.institution,
        created_by=task.created_by,
    )
    body = {"samplers": [u.pk for u in team], "sampled_on": "2026-09-10", "product_name": "x", "quantity_drawn": 1}
    r = api.post(f"{API}/tasks/{other_task.pk}/sample/", body, format="json")
    assert r.status_code == 404 and "行政区划" in r.json()["detail"]
    assert not Sample.objects.filter(task=other_task).exists()
    assert api.get(f"{API}/samples/").json()["count"] == 0


def test_it_lists_samples_with_verdict_and_finality(reviewer, sample):
    rows = client_for(reviewer).get(f"{API}/samples/").json()["results"]
    assert [(r["code"], r["standing_verdict"], r["is_final"]) for r in rows] == [(sample.code, None, False)]
    assert Sample.objects.count() == 1


def test_it_documents_the_spotcheck_endpoints_in_the_schema(reviewer):
    r = client_for(reviewer).get("/api/schema/", {"format": "json"})
    assert r.status_code == 200
    paths = r.json()["paths"]
    for path in (
        "/api/spotcheck/plans/",
        "/api/spotcheck/tasks/{id}/sample/",
        "/api/spotcheck/samples/{id}/items/",
        "/api/spotcheck/objections/{id}/reinspection/",
        "/api/spotcheck/imports/",
    ):
        assert path in paths


def test_it_records_custody_and_refuses_a_future_time(inspector, sample):
    api = client_for(inspector)
    r = api.post(
        f"{API}/samples/{sample.pk}/custody/",
        {"action": "received", "holder": "广东产品质量监督检验研究院", "at": "2099-01-01T10:00:00+08:00"},
        format="json",
    )
    assert r.status_code == 400 and "at" in r.json()
    r = api.post(
        f"{API}/samples/{sample.pk}/custody/",
        {"action": "received", "holder": "广东产品质量监督检验研究院", "at": "2026-09-11T10:00:00+08:00"},
        format="json",
    )
    assert r.status_code == 201, r.content
    actions = [c["action"] for c in api.get(f"{API}/samples/{sample.pk}/").json()["custody"]]
    assert actions == ["drawn", "received"]


def test_it_filters_samples_by_finality_and_verdict_and_shows_the_timeline(inspector, reviewer, task, team):
    refusal = services.sample_record_refusal(
        actor=inspector, task=task, samplers=team, sampled_on=dt.date(2026, 9, 10), witnesses="张三", note="拒绝"
    )
    api = client_for(reviewer)
    assert [r["id"] for r in api.get(f"{API}/samples/", {"final": "true"}).json()["results"]] == [refusal.pk]
    assert api.get(f"{API}/samples/", {"final": "false"}).json()["count"] == 0
    assert api.get(f"{API}/samples/", {"verdict": "fail_refused"}).json()["count"] == 1
    timeline = api.get(f"{API}/samples/{refusal.pk}/timeline/").json()
    assert [e["label"] for e in timeline] == ["下达抽查任务", "记录拒检"]


def test_it_takes_the_same_sampling_record_fields_as_the_act_and_the_page():
    from supervision.spotchecks.forms import SampleForm
    from supervision.spotchecks.serializers import SampleRecordSerializer

    act = {"samplers", "sampled_on", *services.SAMPLE_FIELDS}
    assert set(SampleRecordSerializer().fields) == act
    assert set(SampleForm.base_fields) == act
