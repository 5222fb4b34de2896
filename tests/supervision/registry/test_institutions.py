"""第十三条: a testing institution's qualification is suspended, reinstated or cancelled as events
with their reasons and history, through the service, from the admin and the API alike."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from portal.models import AuditAction, AuditEvent
from supervision.models import InstitutionEvent
from supervision.registry import services

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def _change_form(inst, **extra):
    data = {
        "name": inst.name,
        "accreditation_no": inst.accreditation_no,
        "region": inst.region_id,
        "categories": [c.pk for c in inst.categories.all()],
        "standards": [s.pk for s in inst.standards.all()],
        "valid_from": inst.valid_from.isoformat(),
        "valid_to": inst.valid_to.isoformat(),
        "events-TOTAL_FORMS": str(inst.events.count()),
        "events-INITIAL_FORMS": str(inst.events.count()),
        "event_kind": "",
        "event_on": "",
        "event_reason": "",
    }
    data.update(extra)
    return data


def test_it_derives_the_status_from_the_history_and_the_validity(lab, administrator):
    assert lab.status_on(D(2025, 6, 1)) == "valid"
    assert lab.status_on(D(2031, 1, 1)) == "expired"
    services.institution_record_event(
        actor=administrator, institution=lab, kind="suspended", on=D(2025, 6, 1), reason="出具虚假报告"
    )
    assert (lab.status_on(D(2025, 5, 31)), lab.status_on(D(2025, 6, 1))) == ("valid", "suspended")
    services.institution_record_event(
        actor=administrator, institution=lab, kind="reinstated", on=D(2025, 9, 1), reason="整改完成"
    )
    assert lab.status_on(D(2025, 9, 1)) == "valid"
    services.institution_record_event(
        actor=administrator, institution=lab, kind="cancelled", on=D(2026, 1, 5), reason="情节严重"
    )
    assert (lab.status_on(D(2026, 1, 4)), lab.status_on(D(2026, 1, 5))) == ("valid", "cancelled")
    assert [e.kind for e in lab.events.all()] == ["suspended", "reinstated", "cancelled"]


@pytest.mark.parametrize(
    "kind, on, reason, field, words",
    [
        ("reinstated", D(2025, 6, 1), "恢复", "kind", "只有暂停的资质才能恢复"),
        ("suspended", D(2025, 6, 1), " ", "reason", "请写明理由"),
        ("bogus", D(2025, 6, 1), "x", "kind", "未知的资质事件"),
    ],
)
def test_it_refuses_an_invalid_event_naming_the_field(lab, administrator, kind, on, reason, field, words):
    with pytest.raises(ValidationError) as exc:
        services.institution_record_event(actor=administrator, institution=lab, kind=kind, on=on, reason=reason)
    assert words in exc.value.message_dict[field][0]
    assert not lab.events.exists()


def test_it_refuses_a_backdated_event_and_anything_after_a_cancellation(lab, administrator):
    services.institution_record_event(
        actor=administrator, institution=lab, kind="suspended", on=D(2025, 6, 1), reason="虚假报告"
    )
    with pytest.raises(ValidationError) as exc:
        services.institution_record_event(
            actor=administrator, institution=lab, kind="reinstated", on=D(2025, 5, 31), reason="x"
        )
    assert "不能早于最近一次事件" in exc.value.message_dict["on"][0]
    services.institution_record_event(
        actor=administrator, institution=lab, kind="cancelled", on=D(2025, 7, 1), reason="情节严重"
    )
    with pytest.raises(ValidationError) as exc:
        services.institution_record_event(
            actor=administrator, institution=lab, kind="reinstated", on=D(2025, 8, 1), reason="x"
        )
    assert "撤销" in exc.value.message_dict["kind"][0]


def test_it_lets_only_an_administrator_record_an_event(lab, official):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.institution_record_event(
            actor=official, institution=lab, kind="suspended", on=D(2025, 6, 1), reason="x"
        )


def test_it_suspends_from_the_admin_through_the_service_with_an_audit_row(admin_client, lab):
    url = f"/admin/supervision/institution/{lab.pk}/change/"
    response = admin_client.post(
        url, _change_form(lab, event_kind="suspended", event_on="2025-06-01", event_reason="出具虚假报告")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = InstitutionEvent.objects.get()
    assert (event.kind, event.on, event.reason, event.actor.username) == (
        "suspended",
        D(2025, 6, 1),
        "出具虚假报告",
        "gd_admin",
    )
    audit = AuditEvent.objects.get(action=AuditAction.INSTITUTION_EVENT)
    assert (audit.clause, audit.after["status"], audit.region_code) == ("第十三条", "suspended", "440100")


def test_it_shows_a_refused_event_beside_the_admin_field_and_keeps_the_form(admin_client, lab):
    url = f"/admin/supervision/institution/{lab.pk}/change/"
    response = admin_client.post(url, _change_form(lab, name="改名后的机构", event_kind="reinstated", event_reason="x"))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "只有暂停的资质才能恢复" in form.errors["event_kind"][0]
    assert form.data["name"] == "改名后的机构"  # what was typed is kept
    lab.refresh_from_db()
    assert lab.name != "改名后的机构" and not lab.events.exists()  # nothing half-saved


def test_it_corrects_validity_from_the_admin_through_the_service(admin_client, lab):
    url = f"/admin/supervision/institution/{lab.pk}/change/"
    response = admin_client.post(url, _change_form(lab, valid_to="2031-12-31"))
    assert response.status_code == 302
    lab.refresh_from_db()
    assert lab.valid_to == D(2031, 12, 31)
    changed = AuditEvent.objects.get(action=AuditAction.RECORD_CHANGED)
    assert (changed.before["valid_to"], changed.after["valid_to"]) == ("2030-12-31", "2031-12-31")


def test_it_records_an_event_through_the_api(client, administrator, lab):
    client.force_login(administrator)
    r = client.post(
        f"/api/institutions/{lab.pk}/events/",
        {"kind": "suspended", "on": "2025-06-01", "reason": "出具虚假报告"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert client.get(f"/api/institutions/{lab.pk}/").json()["events"][0]["kind"] == "suspended"
    r = client.post(
        f"/api/institutions/{lab.pk}/events/",
        {"kind": "reinstated", "on": "2025-05-01", "reason": "x"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "on" in r.json()
