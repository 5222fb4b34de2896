"""A licence's status is the history of its events (第十一条, 第十五条), never a flipped field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.models import AuditAction, AuditEvent
from supervision.models import Licence, LicenceEvent, LicenceKind
from supervision.registry import services

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def licence(enforcement_officer, enterprise, kettle_category, kettle) -> Licence:
    return services.licence_issue(
        actor=enforcement_officer,
        kind=LicenceKind.CCC,
        number="2024010701000001",
        holder=enterprise,
        categories=[kettle_category],
        products=[kettle],
        valid_from=D(2024, 1, 1),
        valid_to=D(2028, 12, 31),
    )


def record(actor, licence, kind, on, reason="监督抽查不合格"):
    return services.licence_record_event(actor=actor, licence=licence, kind=kind, on=on, reason=reason)


def test_it_issues_a_licence_with_its_issued_event(licence, enforcement_officer):
    assert [(e.kind, e.on, e.actor) for e in licence.events.all()] == [("issued", D(2024, 1, 1), enforcement_officer)]
    assert licence.status_on(D(2023, 12, 31)) == "none"
    assert licence.status_on(D(2024, 1, 1)) == "valid"
    assert licence.status_on(D(2028, 12, 31)) == "valid"
    assert licence.status_on(D(2029, 1, 1)) == "expired"


def test_it_derives_status_from_the_history_issue_suspend_reinstate_revoke(licence, enforcement_officer):
    o = enforcement_officer
    record(o, licence, "suspended", D(2025, 3, 10))
    record(o, licence, "reinstated", D(2025, 5, 20), reason="复查合格")
    record(o, licence, "suspended", D(2025, 9, 1))
    record(o, licence, "revoked", D(2025, 11, 15), reason="复查仍不合格")
    licence.refresh_from_db()
    assert [e.kind for e in licence.events.all()] == ["issued", "suspended", "reinstated", "suspended", "revoked"]
    assert licence.status_on(D(2025, 3, 9)) == "valid"
    assert licence.status_on(D(2025, 3, 10)) == "suspended"  # from the day of the event
    assert licence.status_on(D(2025, 5, 19)) == "suspended"
    assert licence.status_on(D(2025, 5, 20)) == "valid"
    assert licence.status_on(D(2025, 11, 14)) == "suspended"
    assert licence.status_on(D(2025, 11, 15)) == "revoked"
    assert licence.status_on(D(2030, 1, 1)) == "revoked"  # revoked stays revoked, past the validity too
    assert not hasattr(licence, "status")  # no stored field to keep in sync


@pytest.mark.parametrize(
    ("history", "kind", "on", "field", "message"),
    [
        ([], "reinstated", D(2025, 1, 1), "kind", "只有已暂停的证书才能恢复"),
        ([("suspended", D(2025, 1, 1))], "suspended", D(2025, 2, 1), "kind", "只有有效的证书才能暂停"),
        ([("revoked", D(2025, 1, 1))], "reinstated", D(2025, 2, 1), "kind", "不能再记录任何事件"),
        ([("revoked", D(2025, 1, 1))], "revoked", D(2025, 2, 1), "kind", "不能再记录任何事件"),
        ([], "issued", D(2025, 1, 1), "kind", "只在登记证书时产生"),
        ([], "suspended", D(2029, 1, 1), "kind", "只有有效的证书才能暂停"),  # expired the day before
        ([("suspended", D(2025, 6, 1))], "reinstated", D(2025, 5, 31), "on", "日期不能早于最近一次事件"),
        ([], "suspended", D(2023, 12, 31), "on", "日期不能早于最近一次事件（颁发，2024-01-01）"),
    ],
)
def test_it_refuses_an_invalid_transition_with_a_message(
    licence, enforcement_officer, history, kind, on, field, message
):
    for k, day in history:
        record(enforcement_officer, licence, k, day)
    before = LicenceEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        record(enforcement_officer, licence, kind, on)
    assert message in exc.value.message_dict[field][0]
    assert LicenceEvent.objects.count() == before


def test_it_allows_suspending_on_the_last_valid_day(licence, enforcement_officer):
    record(enforcement_officer, licence, "suspended", D(2028, 12, 31))
    assert licence.status_on(D(2028, 12, 31)) == "suspended"


def test_it_shows_a_licence_that_expired_while_suspended_as_expired(licence, enforcement_officer):
    # suspended in 2027 and never reinstated; the validity ended on 2028-12-31: expiry takes precedence
    record(enforcement_officer, licence, "suspended", D(2027, 6, 1))
    assert licence.status_on(D(2028, 12, 31)) == "suspended"
    assert licence.status_on(D(2029, 1, 1)) == "expired"
    prefetched = type(licence).objects.prefetch_related("events").get(pk=licence.pk)
    assert prefetched.status_on(D(2029, 1, 1)) == "expired"  # the list's path agrees
    # an expired licence is not reinstated: a reinstatement could not make it valid again
    with pytest.raises(ValidationError) as exc:
        record(enforcement_officer, licence, "reinstated", D(2029, 2, 1))
    assert "已过期" in exc.value.message_dict["kind"][0]
    # a revocation stays the final word, past the validity too
    record(enforcement_officer, licence, "revoked", D(2028, 1, 1))
    assert licence.status_on(D(2029, 1, 1)) == "revoked"


def test_it_requires_a_reason_to_suspend_or_revoke(licence, enforcement_officer):
    with pytest.raises(ValidationError) as exc:
        record(enforcement_officer, licence, "suspended", D(2025, 1, 1), reason="  ")
    assert exc.value.message_dict["reason"] == ["暂停或吊销/撤销证书必须写明理由。"]


def test_it_cites_the_clause_in_the_audit_row(licence, enforcement_officer):
    record(enforcement_officer, licence, "suspended", D(2025, 1, 1), reason="抽查不合格")
    row = AuditEvent.objects.filter(action=AuditAction.LICENCE_EVENT).order_by("id").last()
    assert (row.clause, row.before, row.after, row.reason) == (
        "第十五条",
        {"status": "valid"},
        {"status": "suspended", "event": "suspended", "on": "2025-01-01"},
        "抽查不合格",
    )


def test_it_refuses_an_inspector_recording_licence_events(licence, inspector):
    with pytest.raises(PermissionDenied):
        record(inspector, licence, "suspended", D(2025, 1, 1))


# ---------------------------------------------------------------- API


def test_it_records_an_event_through_the_api(client, licence, enforcement_officer):
    client.force_login(enforcement_officer)
    url = f"/api/licences/{licence.pk}/events/"
    response = client.post(
        url, {"kind": "suspended", "on": "2025-03-10", "reason": "抽查不合格"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["kind"] == "suspended"
    detail = client.get(f"/api/licences/{licence.pk}/").json()
    assert [e["kind"] for e in detail["events"]] == ["issued", "suspended"]


def test_it_answers_400_for_an_invalid_transition_through_the_api(client, licence, enforcement_officer):
    client.force_login(enforcement_officer)
    response = client.post(
        f"/api/licences/{licence.pk}/events/",
        {"kind": "reinstated", "on": "2025-03-10"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "只有已暂停的证书才能恢复" in response.json()["kind"][0]


def test_it_answers_403_to_an_inspector_posting_an_event(client, licence, inspector):
    client.force_login(inspector)
    response = client.post(
        f"/api/licences/{licence.pk}/events/",
        {"kind": "suspended", "on": "2025-03-10", "reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert licence.events.count() == 1


def test_it_has_no_writable_status_in_the_api(client, licence, enforcement_officer):
    client.force_login(enforcement_officer)
    response = client.patch(f"/api/licences/{licence.pk}/", {"status": "revoked"}, content_type="application/json")
    assert response.status_code == 200
    assert licence.status_on(D(2025, 1, 1)) == "valid"


# ---------------------------------------------------------------- admin


def _change_form(licence, **extra):
    data = {
        "kind": licence.kind,
        "number": licence.number,
        "holder": licence.holder_id,
        "categories": [c.pk for c in licence.categories.all()],
        "products": [p.pk for p in licence.products.all()],
        "valid_from": licence.valid_from.isoformat(),
        "valid_to": licence.valid_to.isoformat(),
        "events-TOTAL_FORMS": str(licence.events.count()),
        "events-INITIAL_FORMS": str(licence.events.count()),
        "event_kind": "",
        "event_on": "",
        "event_reason": "",
    }
    data.update(extra)
    return data


def test_it_records_an_event_from_the_admin_change_form(client, licence, enforcement_officer):
    enforcement_officer.is_staff = True
    enforcement_officer.save()
    client.force_login(enforcement_officer)
    url = f"/admin/supervision/licence/{licence.pk}/change/"
    response = client.post(
        url, _change_form(licence, event_kind="suspended", event_on="2025-03-10", event_reason="抽查不合格")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert [e.kind for e in licence.events.all()] == ["issued", "suspended"]
    assert licence.status_on(D(2025, 3, 10)) == "suspended"


def test_it_shows_an_invalid_transition_beside_the_admin_field(client, licence, enforcement_officer):
    enforcement_officer.is_staff = True
    enforcement_officer.save()
    client.force_login(enforcement_officer)
    url = f"/admin/supervision/licence/{licence.pk}/change/"
    response = client.post(url, _change_form(licence, event_kind="reinstated", event_on="2025-03-10"))
    assert response.status_code == 200
    assert "只有已暂停的证书才能恢复" in response.context["adminform"].form.errors["event_kind"][0]
    assert licence.events.count() == 1


def _add_form(holder, category, product, *, number: str) -> dict:
    return {
        "kind": "production",
        "number": number,
        "holder": holder.pk,
        "categories": [category.pk],
        "products": [product.pk],
        "valid_from": "2025-01-01",
        "valid_to": "2029-12-31",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }


def test_it_issues_a_licence_from_the_admin_through_the_service(
    client, enforcement_officer, enterprise, kettle_category, kettle
):
    enforcement_officer.is_staff = True
    enforcement_officer.save()
    client.force_login(enforcement_officer)
    response = client.post(
        "/admin/supervision/licence/add/", _add_form(enterprise, kettle_category, kettle, number="粤XK16-204-00001")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    licence = Licence.objects.get(number="粤XK16-204-00001")
    assert [e.kind for e in licence.events.all()] == ["issued"]
    assert list(licence.products.all()) == [kettle]
    assert AuditEvent.objects.filter(action=AuditAction.LICENCE_EVENT, target_id=str(licence.pk)).count() == 1


def test_it_refuses_in_the_admin_a_product_of_another_enterprise_beside_the_field(
    client, enforcement_officer, enterprise, kettle_category, tianhe
):
    from supervision.models import Enterprise, Product
    from tests.conftest import make_uscc

    other = Enterprise.objects.create(uscc=make_uscc("440106", 77), name="广州市另一电器厂", region=tianhe)
    stranger = Product.objects.create(enterprise=other, category=kettle_category, name="电水壶", model_spec="X-1")
    enforcement_officer.is_staff = True
    enforcement_officer.save()
    client.force_login(enforcement_officer)
    response = client.post(
        "/admin/supervision/licence/add/", _add_form(enterprise, kettle_category, stranger, number="粤XK16-204-00002")
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["products"] == ["产品“电水壶”不是持证企业的产品。"]
    assert not Licence.objects.filter(number="粤XK16-204-00002").exists()


def test_it_keeps_the_holder_of_a_licence_in_the_admin(client, licence, enforcement_officer, tianhe, kettle_category):
    from supervision.models import Enterprise, Product
    from tests.conftest import make_uscc

    other = Enterprise.objects.create(uscc=make_uscc("440106", 78), name="广州市第三电器厂", region=tianhe)
    theirs = Product.objects.create(enterprise=other, category=kettle_category, name="电水壶", model_spec="Y-2")
    enforcement_officer.is_staff = True
    enforcement_officer.save()
    client.force_login(enforcement_officer)
    url = f"/admin/supervision/licence/{licence.pk}/change/"
    # the holder field is not taken, so the other enterprise's product is not the holder's
    response = client.post(url, _change_form(licence, holder=other.pk, products=[theirs.pk]))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["products"] == ["产品“电水壶”不是持证企业的产品。"]
    client.post(url, _change_form(licence, holder=other.pk))
    licence.refresh_from_db()
    assert licence.holder_id != other.pk
