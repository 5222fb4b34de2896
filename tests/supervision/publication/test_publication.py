"""R5: quarterly publication of final results, idempotent, immutable, corrections as new notices."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from portal.audit import history_of
from portal.models import AuditAction
from supervision.models import Announcement, AnnouncementKind, PublishedResult, Region, SearchTerm
from supervision.publication.search import search_published
from supervision.publication.services import previous_quarter, publish_correction, publish_quarter, quarter_bounds
from supervision.publication.tasks import ensure_beat_schedule, publish_quarter_task
from tests.supervision.pub_factory import make_sample, object_to, reinspect

pytestmark = pytest.mark.django_db

Q2 = dt.date(2026, 5, 10)
LONG_AGO = dt.date(2026, 5, 20)  # notified: the 15-day objection window closed long before today


@pytest.fixture
def mk(official, enterprise, kettle_category, lab):
    def make(**kw):
        kw.setdefault("sampled_on", Q2)
        kw.setdefault("notified_on", LONG_AGO)
        return make_sample(actor=official, enterprise=enterprise, category=kettle_category, institution=lab, **kw)

    return make


def test_it_publishes_a_quarter_once_when_run_twice(mk, official):
    mk()
    mk(verdict="pass")
    first = publish_quarter(actor_or_label=official, year=2026, quarter=2)
    second = publish_quarter(actor_or_label=official, year=2026, quarter=2)
    assert first.pk == second.pk
    assert (first.region_id, first.row_count) == ("440100", 2)  # the official's bureau publishes
    assert PublishedResult.objects.count() == 2
    # the province's scheduled job then finds nothing left to publish: no empty announcement
    with pytest.raises(ValidationError) as refused:
        publish_quarter(actor_or_label="system:celery-beat", year=2026, quarter=2)
    assert refused.value.error_dict["__all__"][0].code == "nothing_to_publish"
    assert Announcement.objects.filter(kind=AnnouncementKind.QUARTERLY).count() == 1


def test_it_publishes_only_final_results(mk, official, lab):
    final_fail = mk(failed=("发热", "输入功率和电流"))
    mk(notified_on=None)  # approved but never notified: not final
    mk(notified_on=dt.date.today() - dt.timedelta(days=3))  # objection window still open
    mk(approved=False)  # report not approved
    with_open_objection = mk()
    object_to(with_open_objection, official, LONG_AGO + dt.timedelta(days=2))
    reinspected = mk()
    reinspect(object_to(reinspected, official, LONG_AGO), official, lab, "pass")
    refused = mk(refused=True, notified_on=None)

    announcement = publish_quarter(actor_or_label=official, year=2026, quarter=2)

    published = {r.sample_id: r for r in announcement.results.all()}
    assert set(published) == {final_fail.pk, reinspected.pk, refused.pk}
    assert published[final_fail.pk].verdict == "fail"
    assert published[final_fail.pk].failed_items == "发热；输入功率和电流"
    assert published[reinspected.pk].verdict == "pass"  # the re-inspection replaces the first verdict
    assert published[reinspected.pk].failed_items == ""
    assert published[refused.pk].verdict == "fail_refused"
    row = published[final_fail.pk]
    assert (row.enterprise_name, row.product_name, row.model_spec, row.trademark) == (
        "广州市天河电器有限公司",
        "电水壶",
        "MK-17S05",
        "美的好",
    )
    assert (row.region_id, row.city_code, row.focus, row.level) == ("440106", "440100", True, "provincial")
    assert row.institution_name == lab.name


def test_it_publishes_each_result_in_exactly_one_announcement(mk, official):
    late = mk(notified_on=None)
    early = mk()
    q2 = publish_quarter(actor_or_label=official, year=2026, quarter=2)
    # the late one becomes final after Q2 was announced: the next quarter's announcement takes it
    late.notices.create(enterprise=late.task.enterprise, notified_on=LONG_AGO, body="通知")
    q3 = publish_quarter(actor_or_label=official, year=2026, quarter=3)
    assert list(q2.results.values_list("sample_id", flat=True)) == [early.pk]
    assert list(q3.results.values_list("sample_id", flat=True)) == [late.pk]
    assert PublishedResult.objects.filter(sample=early).count() == 1


def test_it_refuses_to_publish_a_quarter_that_has_not_closed(official):
    today = dt.date.today()
    with pytest.raises(ValidationError):
        publish_quarter(actor_or_label=official, year=today.year, quarter=(today.month - 1) // 3 + 1)


def test_it_refuses_publication_by_an_inspector(mk, inspector):
    with pytest.raises(PermissionDenied):
        publish_quarter(actor_or_label=inspector, year=2026, quarter=2)


def test_it_audits_the_announcement_with_the_system_actor(mk):
    mk()
    announcement = publish_quarter(actor_or_label="system:celery-beat", year=2026, quarter=2)
    (event,) = history_of(announcement)
    assert event.action == AuditAction.ANNOUNCEMENT_PUBLISHED
    assert event.actor is None and event.actor_label == "system:celery-beat"
    assert event.clause == "第十四条、第二十一条"
    assert event.after["row_count"] == 1


def test_it_indexes_published_rows_and_counts_terms_in_the_same_act(mk, official):
    mk(product_name="儿童电水壶")
    publish_quarter(actor_or_label=official, year=2026, quarter=2)
    assert SearchTerm.objects.get(term="水壶").rows == 1
    assert SearchTerm.objects.get(term="壶").rows == 1
    assert [r["product_name"] for r in search_published(q="童电").rows] == ["儿童电水壶"]


def test_it_publishes_a_correction_that_references_the_original(mk, official):
    mk()
    quarterly = publish_quarter(actor_or_label=official, year=2026, quarter=2)
    original = quarterly.results.get()
    correction = publish_correction(
        actor=official, result=original, changes={"model_spec": "MK-17S06"}, reason="型号录入错误"
    )
    assert correction.kind == AnnouncementKind.CORRECTION
    assert correction.corrects == quarterly
    new = correction.results.get()
    assert new.corrects == original and new.model_spec == "MK-17S06"
    original.refresh_from_db()
    assert original.model_spec == "MK-17S05"  # the original is untouched and stays published
    # search shows the latest version; the original is still reachable and marked corrected
    assert [r["id"] for r in search_published(q="MK-17S").rows] == [new.pk]
    response = pytest.importorskip("django.test").Client().get(reverse("public-result", args=[original.pk]))
    assert "本条结果已被更正" in response.content.decode()
    assert (history_of(correction).get()).action == AuditAction.CORRECTION_PUBLISHED
    with pytest.raises(ValidationError):  # the corrected row cannot be corrected again
        publish_correction(actor=official, result=original, changes={"model_spec": "X"}, reason="再次")


def test_it_never_updates_a_published_row(mk, official):
    mk()
    with CaptureQueriesContext(connection) as ctx:
        quarterly = publish_quarter(actor_or_label=official, year=2026, quarter=2)
        publish_correction(
            actor=official, result=quarterly.results.get(), changes={"verdict": "pass"}, reason="复核更正"
        )
    table = PublishedResult._meta.db_table
    assert not [q["sql"] for q in ctx.captured_queries if q["sql"].startswith(f'UPDATE "{table}"')]


def test_it_rejects_a_correction_without_reason_or_of_identity_fields(mk, official):
    mk()
    row = publish_quarter(actor_or_label=official, year=2026, quarter=2).results.get()
    with pytest.raises(ValidationError):
        publish_correction(actor=official, result=row, changes={"model_spec": "X"}, reason=" ")
    with pytest.raises(ValidationError):
        publish_correction(actor=official, result=row, changes={"sample_id": 1}, reason="改")


def test_it_enqueues_the_publication_task_only_on_commit(mk, client, official, django_capture_on_commit_callbacks):
    mk()
    client.force_login(official)
    with mock.patch("supervision.publication.tasks.publish_quarter_task.apply_async") as apply_async:
        # first the preview: nothing is queued until the official confirms
        response = client.post(reverse("publication:publish"), {"year": 2026, "quarter": 2})
        assert response.status_code == 200 and response.context["preview"].total == 1
        apply_async.assert_not_called()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = client.post(reverse("publication:publish"), {"year": 2026, "quarter": 2, "confirm": "1"})
        assert response.status_code == 302
        apply_async.assert_not_called()
        for callback in callbacks:
            callback()
    apply_async.assert_called_once()
    assert apply_async.call_args.kwargs["kwargs"]["year"] == 2026
    assert apply_async.call_args.kwargs["kwargs"]["region_code"] == "440100"  # the official's bureau
    task_id = apply_async.call_args.kwargs["task_id"]
    status = client.get(reverse("publication:status", args=[task_id])).json()
    assert status["state"] == "queued"


def test_it_keeps_the_form_and_explains_an_open_quarter(client, official):
    client.force_login(official)
    today = dt.date.today()
    response = client.post(reverse("publication:publish"), {"year": today.year, "quarter": (today.month - 1) // 3 + 1})
    assert response.status_code == 400
    assert "该季度尚未结束" in response.content.decode()


def test_it_refuses_an_empty_quarter_on_the_page_and_enqueues_nothing(client, official):
    client.force_login(official)
    with mock.patch("supervision.publication.tasks.publish_quarter_task.apply_async") as apply_async:
        response = client.post(reverse("publication:publish"), {"year": 2026, "quarter": 2})
        assert response.status_code == 400
        assert "preview" not in response.context  # no preview of nothing: refused before it
        response = client.post(reverse("publication:publish"), {"year": 2026, "quarter": 2, "confirm": "1"})
    assert response.status_code == 400
    assert "广州市截至2026-06-30没有结论已生效、尚未公告的结果，不发布空公告。" in response.content.decode()
    apply_async.assert_not_called()
    assert not Announcement.objects.exists()


def test_it_lets_the_scheduled_job_skip_an_empty_quarter_and_say_why(caplog):
    outcome = publish_quarter_task.apply(kwargs={"year": 2026, "quarter": 2}).get()
    assert outcome["state"] == "skipped" and "不发布空公告" in outcome["reason"]
    assert "not published" in caplog.text
    assert not Announcement.objects.exists()


def test_it_refuses_a_publisher_outside_the_region_published_for(mk, official):
    mk()
    with pytest.raises(PermissionDenied, match="本辖区"):
        publish_quarter(actor_or_label=official, year=2026, quarter=2, region=Region.objects.get(code="440000"))
    assert not Announcement.objects.exists()


def test_it_forbids_the_publish_form_to_an_inspector(client, inspector):
    client.force_login(inspector)
    assert client.post(reverse("publication:publish"), {"year": 2026, "quarter": 2}).status_code == 403


def test_it_schedules_the_quarterly_publication_in_beat():
    # the migration ran ensure_beat_schedule; a transactional test may have flushed it since
    ensure_beat_schedule()
    ensure_beat_schedule()
    task = PeriodicTask.objects.get(task="supervision.publish_quarter_task")
    assert task.enabled
    assert (task.crontab.month_of_year, task.crontab.day_of_month, task.crontab.hour) == ("1,4,7,10", "1", "2")
    assert str(task.crontab.timezone) == "Asia/Shanghai"


def test_it_picks_the_quarter_that_just_closed():
    assert previous_quarter(dt.date(2027, 1, 1)) == (2026, 4)
    assert previous_quarter(dt.date(2026, 7, 1)) == (2026, 2)
    assert quarter_bounds(2026, 4) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))


def test_it_leads_an_official_from_a_result_number_to_a_published_correction(client, mk, official):
    mk()
    row = publish_quarter(actor_or_label=official, year=2026, quarter=2).results.get()
    client.force_login(official)
    response = client.get(reverse("publication:correct-lookup"), {"result": row.pk})
    assert response.url == reverse("publication:correct", args=[row.pk])
    form = client.get(response.url)
    assert form.status_code == 200
    data = {k: getattr(row, k) for k in ("enterprise_name", "product_name", "trademark", "batch", "verdict")}
    data.update(model_spec="MK-17S06", failed_items=row.failed_items, institution_name=row.institution_name)
    assert client.post(response.url, {**data, "reason": ""}).status_code == 200  # the reason is required
    assert client.post(response.url, {**data, "reason": "型号录入错误"}).status_code == 302
    assert PublishedResult.objects.get(corrects=row).model_spec == "MK-17S06"


def test_it_merges_the_search_index_pending_list_after_the_commit(mk, official, django_capture_on_commit_callbacks):
    from supervision.publication.services import merge_search_index, schedule_search_index_merge

    mk()
    with django_capture_on_commit_callbacks() as callbacks:
        publish_quarter(actor_or_label=official, year=2026, quarter=2)
    assert schedule_search_index_merge in callbacks

    # the rows' entries wait in the GIN pending list: search finds them all the same
    assert search_published(q=PublishedResult.objects.get().product_name).rows
    with (
        mock.patch("supervision.publication.services.enqueue", side_effect=OSError("no broker")),
        mock.patch("supervision.publication.services.merge_search_index", wraps=merge_search_index) as merge,
    ):
        schedule_search_index_merge()  # the queue is down: merged here instead
    assert merge.call_count == 1
    assert merge_search_index() == 0  # nothing left pending


def test_it_previews_a_quarter_by_city_and_category_with_what_waits(mk, official, toy_category, lab, enterprise):
    from supervision.publication.selectors import quarter_preview
    from tests.supervision.pub_factory import make_sample

    mk()  # 天河 (广州), final failure
    mk(verdict="pass")  # 天河, final pass
    mk(region_code="440104", verdict="pass")  # 越秀 (广州)
    lab.categories.add(toy_category)
    make_sample(
        actor=official,
        enterprise=enterprise,
        category=toy_category,
        institution=lab,
        sampled_on=Q2,
        notified_on=LONG_AGO,
    )
    mk(notified_on=dt.date.today() - dt.timedelta(days=3))  # inside the objection window: waits
    object_to(mk(), official, LONG_AGO + dt.timedelta(days=2))  # an open objection: waits
    mk(notified_on=None)  # approved, not yet notified: waits
    mk(sampled_on=dt.date(2026, 7, 10))  # sampled after the quarter: not this announcement at all
    region = Region.objects.get(code="440100")
    preview = quarter_preview(region=region, year=2026, quarter=2, last_day=dt.date(2026, 6, 30), as_of=dt.date.today())
    assert (preview.total, preview.failing) == (4, 2)
    assert preview.by_city == [("440100", "广州市", 4)]  # 天河 and 越秀 roll up to their city
    assert preview.by_category == [("0101", "电水壶", 3), ("0205", "塑料收纳盒", 1)]
    assert (preview.in_window, preview.with_open_objection, preview.not_yet_notified) == (1, 1, 1)
    # the preview is what publication then does
    announcement = publish_quarter(actor_or_label=official, year=2026, quarter=2)
    assert announcement.row_count == preview.total


def test_it_shows_the_preview_and_publishes_only_when_confirmed(mk, client, official):
    mk()
    mk(notified_on=dt.date.today() - dt.timedelta(days=3))
    client.force_login(official)
    with mock.patch("supervision.publication.tasks.publish_quarter_task.apply_async") as apply_async:
        response = client.post(reverse("publication:publish"), {"year": 2026, "quarter": 2})
        html = response.content.decode()
        assert response.status_code == 200
        assert 'id="publication-preview"' in html and "将公告 1 条结果（其中不合格 1 条）" in html
        assert "本季度还有 1 条结果仍在异议期内" in html and "广州市" in html and "电水壶" in html
        assert "确认发布（1 条结果）" in html
        apply_async.assert_not_called()
    assert not Announcement.objects.exists()


def test_it_says_a_result_of_another_region_belongs_to_it_without_showing_it(client, official, make_result):
    from portal.models import Role
    from tests.conftest import make_user

    result = make_result(verdict="fail", region="440305", enterprise_name="深圳市某某电器有限公司")
    client.force_login(official)
    response = client.get(reverse("publication:correct-lookup"), {"result": str(result.pk)}, follow=True)
    html = response.content.decode()
    assert f"编号为 {result.pk} 的公告结果属于其他行政区划" in html
    assert "深圳市某某电器有限公司" not in html and "南山区" not in html
    missing = client.get(reverse("publication:correct-lookup"), {"result": "999999"}, follow=True)
    assert "未找到编号为 999999 的公告结果" in missing.content.decode()
    client.force_login(make_user("sz_official", "440300", Role.OFFICIAL))
    found = client.get(reverse("publication:correct-lookup"), {"result": str(result.pk)})
    assert found["Location"] == reverse("publication:correct", args=[result.pk])
