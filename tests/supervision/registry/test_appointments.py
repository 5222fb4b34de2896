"""Posts in an enterprise: one legal representative (and one principal) at a time; adjacent terms are fine."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric

from portal.models import AuditAction, AuditEvent
from supervision.models import Appointment, Person
from supervision.registry import services

pytestmark = pytest.mark.django_db

D = dt.date


def person(name: str, n: int) -> Person:
    body = f"4401061990{n:02d}01123"
    return Person.objects.create(name=name, id_number=body + ric.calc_check_digit(body + "0"))


@pytest.fixture
def zhang(db):
    return person("张三", 1)


@pytest.fixture
def li(db):
    return person("李四", 2)


def appoint(actor, who, enterprise, start, end=None, role="legal_rep"):
    return services.appointment_create(actor=actor, person=who, enterprise=enterprise, role=role, start=start, end=end)


def test_it_refuses_an_overlapping_legal_representative_naming_the_holder(enforcement_officer, enterprise, zhang, li):
    appoint(enforcement_officer, zhang, enterprise, D(2020, 1, 1), D(2024, 12, 31))
    with pytest.raises(ValidationError) as exc:
        appoint(enforcement_officer, li, enterprise, D(2024, 12, 31))  # one shared day is an overlap
    assert exc.value.message_dict["start"] == [
        "该企业在此期间已有法定代表人：张三（2020-01-01 起），任职期间不能重叠。"
    ]
    assert Appointment.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.APPOINTMENT_CREATED).count() == 1


def test_it_allows_the_next_term_to_start_the_day_after_the_last_ended(enforcement_officer, enterprise, zhang, li):
    appoint(enforcement_officer, zhang, enterprise, D(2020, 1, 1), D(2024, 12, 31))
    appoint(enforcement_officer, li, enterprise, D(2025, 1, 1))
    assert Appointment.objects.filter(enterprise=enterprise).count() == 2


def test_it_refuses_a_new_term_before_an_open_ended_one_would_end(enforcement_officer, enterprise, zhang, li):
    appoint(enforcement_officer, zhang, enterprise, D(2020, 1, 1))
    with pytest.raises(ValidationError):
        appoint(enforcement_officer, li, enterprise, D(2030, 1, 1))
    with pytest.raises(ValidationError):  # an earlier term running into the open one
        appoint(enforcement_officer, li, enterprise, D(2019, 1, 1), D(2020, 1, 1))
    appoint(enforcement_officer, li, enterprise, D(2019, 1, 1), D(2019, 12, 31))


def test_it_allows_several_managers_but_not_the_same_manager_twice(enforcement_officer, enterprise, zhang, li):
    appoint(enforcement_officer, zhang, enterprise, D(2020, 1, 1), role="manager")
    appoint(enforcement_officer, li, enterprise, D(2021, 1, 1), role="manager")
    with pytest.raises(ValidationError):
        appoint(enforcement_officer, zhang, enterprise, D(2022, 1, 1), role="manager")


def test_it_treats_legal_representative_and_principal_as_separate_posts(enforcement_officer, enterprise, zhang, li):
    appoint(enforcement_officer, zhang, enterprise, D(2020, 1, 1))
    appoint(enforcement_officer, li, enterprise, D(2020, 1, 1), role="principal")
    with pytest.raises(ValidationError):
        appoint(enforcement_officer, zhang, enterprise, D(2021, 1, 1), role="principal")


def test_it_refuses_an_end_before_the_start(enforcement_officer, enterprise, zhang):
    with pytest.raises(ValidationError) as exc:
        appoint(enforcement_officer, zhang, enterprise, D(2020, 1, 2), D(2020, 1, 1))
    assert exc.value.message_dict["end"] == ["离任日期不能早于任职日期。"]


def test_it_ends_a_term_and_then_allows_a_successor(enforcement_officer, enterprise, zhang, li):
    first = appoint(enforcement_officer, zhang, enterprise, D(2020, 1, 1))
    services.appointment_end(
        actor=enforcement_officer, appointment=first, end=D(2025, 6, 30), removed=True, reason="依法免职"
    )
    first.refresh_from_db()
    assert (first.end, first.removed) == (D(2025, 6, 30), True)
    row = AuditEvent.objects.get(action=AuditAction.APPOINTMENT_ENDED)
    assert (row.before["end"], row.after["end"], row.clause) == (None, "2025-06-30", "第十五条")
    appoint(enforcement_officer, li, enterprise, D(2025, 7, 1))
    with pytest.raises(ValidationError) as exc:
        services.appointment_end(actor=enforcement_officer, appointment=first, end=D(2025, 7, 30))
    assert "不能再次终止" in exc.value.message_dict["end"][0]


def test_it_ends_a_term_through_the_api(client, enforcement_officer, enterprise, zhang):
    first = appoint(enforcement_officer, zhang, enterprise, D(2020, 1, 1))
    client.force_login(enforcement_officer)
    response = client.post(f"/api/appointments/{first.pk}/end/", {"end": "2019-12-31"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"end": ["离任日期不能早于任职日期。"]}
    response = client.post(f"/api/appointments/{first.pk}/end/", {"end": "2025-06-30"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["end"] == "2025-06-30"


def test_it_appoints_through_the_admin_and_refuses_overlaps_there(client, enforcement_officer, enterprise, zhang, li):
    enforcement_officer.is_staff = True
    enforcement_officer.save()
    client.force_login(enforcement_officer)
    form = {"person": zhang.pk, "enterprise": enterprise.pk, "role": "legal_rep", "start": "2020-01-01"}
    assert client.post("/admin/supervision/appointment/add/", form).status_code == 302
    response = client.post("/admin/supervision/appointment/add/", {**form, "person": li.pk, "start": "2022-01-01"})
    assert response.status_code == 200
    assert "任职期间不能重叠" in response.context["adminform"].form.errors["start"][0]
    assert Appointment.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.APPOINTMENT_CREATED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_serialises_two_concurrent_appointments_to_one_post(enforcement_officer, enterprise, zhang, li):
    """Without the row lock both clerks would pass the overlap check and the enterprise would have two legal reps."""
    import threading
    import time

    from django.db import connection, transaction

    first_in, release = threading.Event(), threading.Event()
    outcome: dict[str, str] = {}

    def first_clerk() -> None:
        try:
            with transaction.atomic():
                appoint(enforcement_officer, zhang, enterprise, D(2020, 1, 1))
                first_in.set()
                release.wait(10)
        finally:
            connection.close()

    def second_clerk() -> None:
        first_in.wait(10)
        try:
            appoint(enforcement_officer, li, enterprise, D(2021, 1, 1))
            outcome["second"] = "saved"
        except ValidationError:
            outcome["second"] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=first_clerk), threading.Thread(target=second_clerk)]
    for t in threads:
        t.start()
    first_in.wait(10)
    time.sleep(0.5)  # the second clerk is now waiting for the enterprise row
    assert "second" not in outcome
    release.set()
    for t in threads:
        t.join(10)
    assert outcome == {"second": "refused"}
    assert Appointment.objects.filter(enterprise=enterprise).count() == 1


def test_it_ends_a_post_in_the_admin_only_through_the_service_and_then_keeps_it(
    client, enforcement_officer, enterprise, zhang
):
    first = appoint(enforcement_officer, zhang, enterprise, D(2020, 1, 1))
    enforcement_officer.is_staff = True
    enforcement_officer.save()
    client.force_login(enforcement_officer)
    url = f"/admin/supervision/appointment/{first.pk}/change/"
    # a removal without its last day is refused beside the field
    response = client.post(url, {"end": "", "removed": "on"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["end"] == ["依法免职须填写离任日期。"]
    first.refresh_from_db()
    assert (first.end, first.removed) == (None, False)
    # ended with a removal: through appointment_end, which cites the clause
    assert client.post(url, {"end": "2025-06-30", "removed": "on"}).status_code == 302
    first.refresh_from_db()
    assert (first.end, first.removed) == (D(2025, 6, 30), True)
    ended = AuditEvent.objects.get(action=AuditAction.APPOINTMENT_ENDED)
    assert ended.clause == "第十五条"
    # an ended post is history: a later edit changes nothing
    client.post(url, {"end": "2026-01-31", "removed": ""})
    first.refresh_from_db()
    assert (first.end, first.removed) == (D(2025, 6, 30), True)
    assert (
        AuditEvent.objects.filter(target_id=str(first.pk)).exclude(action=AuditAction.APPOINTMENT_CREATED).count() == 1
    )
