"""Every registry change, by service or through the admin, writes its audit row: who, what, before, after."""

from __future__ import annotations

import datetime as dt

import pytest
from stdnum.cn import ric

from portal.audit import history_of
from portal.models import AuditAction, AuditEvent
from supervision.models import CatalogueItem, Enterprise, Person, ProductCategory, Region, Standard
from supervision.registry import services
from tests.conftest import make_uscc

pytestmark = pytest.mark.django_db

D = dt.date


def resident_id(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


def rows() -> list[tuple]:
    return [(e.action, e.actor_id, e.target_type.model, e.clause) for e in AuditEvent.objects.order_by("id")]


def staff(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


# ---------------------------------------------------------------- services


def test_it_audits_enterprise_create_and_update_with_before_and_after(enforcement_officer, tianhe):
    ent = services.enterprise_create(
        actor=enforcement_officer, uscc=make_uscc("440106", 5), name="甲公司", region=tianhe
    )
    services.enterprise_update(actor=enforcement_officer, enterprise=ent, name="乙公司", phone="020-1")
    created, changed = AuditEvent.objects.order_by("id")
    assert (created.action, created.actor, created.before) == (AuditAction.RECORD_CREATED, enforcement_officer, None)
    assert created.after["uscc"] == ent.uscc and created.after["region"] == "440106"
    assert (changed.action, changed.actor) == (AuditAction.RECORD_CHANGED, enforcement_officer)
    assert (changed.before["name"], changed.after["name"]) == ("甲公司", "乙公司")
    assert (changed.before["phone"], changed.after["phone"]) == ("", "020-1")
    assert changed.region_code == "440106"
    assert list(history_of(ent)) == [created, changed]


def test_it_audits_a_person_with_the_id_number_masked(enforcement_officer):
    number = resident_id("44010619850312123")
    person = services.person_create(actor=enforcement_officer, name="张三", id_number=number)
    row = AuditEvent.objects.get()
    assert row.action == AuditAction.RECORD_CREATED
    assert row.after["id_number"] == person.masked_id
    assert number not in str(row.after) and number not in row.target_repr


def test_it_audits_appointments_under_the_enterprise_region(enforcement_officer, enterprise):
    person = Person.objects.create(name="张三", id_number=resident_id("44010619850312123"))
    appointment = services.appointment_create(
        actor=enforcement_officer, person=person, enterprise=enterprise, role="legal_rep", start=D(2020, 1, 1)
    )
    services.appointment_end(actor=enforcement_officer, appointment=appointment, end=D(2025, 1, 1))
    assert rows() == [
        (AuditAction.APPOINTMENT_CREATED, enforcement_officer.pk, "appointment", ""),
        (AuditAction.APPOINTMENT_ENDED, enforcement_officer.pk, "appointment", ""),
    ]
    assert set(AuditEvent.objects.values_list("region_code", flat=True)) == {"440106"}


def test_it_audits_products(enforcement_officer, enterprise, kettle_category):
    product = services.product_create(
        actor=enforcement_officer, enterprise=enterprise, category=kettle_category, name="电水壶"
    )
    services.product_update(actor=enforcement_officer, product=product, is_main=True)
    assert rows() == [
        (AuditAction.RECORD_CREATED, enforcement_officer.pk, "product", ""),
        (AuditAction.RECORD_CHANGED, enforcement_officer.pk, "product", ""),
    ]
    changed = AuditEvent.objects.order_by("id").last()
    assert (changed.before["is_main"], changed.after["is_main"]) == (False, True)


def test_it_audits_licence_issue_and_events_citing_the_clauses(
    enforcement_officer, enterprise, kettle_category, kettle
):
    licence = services.licence_issue(
        actor=enforcement_officer,
        kind="ccc",
        number="2024010701000001",
        holder=enterprise,
        categories=[kettle_category],
        products=[kettle],
        valid_from=D(2024, 1, 1),
        valid_to=D(2028, 12, 31),
    )
    services.licence_record_event(
        actor=enforcement_officer, licence=licence, kind="suspended", on=D(2025, 1, 1), reason="不合格"
    )
    issued, suspended = AuditEvent.objects.order_by("id")
    assert (issued.action, issued.clause, issued.before) == (AuditAction.LICENCE_EVENT, "第十一条", None)
    assert issued.after["categories"] == [kettle_category.pk] and issued.after["products"] == [kettle.pk]
    assert (suspended.clause, suspended.before, suspended.after["status"]) == (
        "第十五条",
        {"status": "valid"},
        "suspended",
    )
    assert {issued.region_code, suspended.region_code} == {"440106"}


def test_it_audits_institutions(administrator, kettle_category):
    inst = services.institution_create(
        actor=administrator,
        name="某检验所",
        accreditation_no="CMA-1",
        region=Region.objects.get(code="440100"),
        categories=[kettle_category],
        valid_from=D(2024, 1, 1),
        valid_to=D(2029, 1, 1),
    )
    services.institution_record_event(
        actor=administrator, institution=inst, kind="suspended", on=D(2026, 3, 1), reason="出具虚假报告"
    )
    created, changed = AuditEvent.objects.order_by("id")
    assert (created.action, created.clause, created.after["categories"]) == (
        AuditAction.RECORD_CREATED,
        "第十三条",
        [kettle_category.pk],
    )
    assert (changed.action, changed.clause, changed.reason) == (
        AuditAction.INSTITUTION_EVENT,
        "第十三条",
        "出具虚假报告",
    )
    assert (changed.before["status"], changed.after["status"], changed.region_code) == ("valid", "suspended", "440100")


# ---------------------------------------------------------------- admin


def _enterprise_form(ent: Enterprise, **changes) -> dict:
    data = {
        "uscc": ent.uscc,
        "name": ent.name,
        "address": ent.address,
        "region": ent.region_id,
        "registration_status": ent.registration_status,
        "contact": ent.contact,
        "phone": ent.phone,
        "products-TOTAL_FORMS": "0",
        "products-INITIAL_FORMS": "0",
        "appointments-TOTAL_FORMS": "0",
        "appointments-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_it_audits_an_admin_change_with_before_and_after(client, enforcement_officer, enterprise):
    client.force_login(staff(enforcement_officer))
    response = client.post(
        f"/admin/supervision/enterprise/{enterprise.pk}/change/", _enterprise_form(enterprise, name="新名称")
    )
    assert response.status_code == 302
    row = AuditEvent.objects.get()
    assert (row.action, row.actor, row.target_id) == (
        AuditAction.RECORD_CHANGED,
        enforcement_officer,
        str(enterprise.pk),
    )
    assert (row.before["name"], row.after["name"]) == ("广州市天河电器有限公司", "新名称")


def test_it_writes_no_audit_row_for_an_admin_save_that_changes_nothing(client, enforcement_officer, enterprise):
    client.force_login(staff(enforcement_officer))
    client.post(f"/admin/supervision/enterprise/{enterprise.pk}/change/", _enterprise_form(enterprise))
    assert not AuditEvent.objects.exists()


def test_it_audits_an_admin_add_and_its_inline_rows(client, administrator):
    std = Standard.objects.create(code="GB 31701-2015", title="婴幼儿及儿童纺织产品安全技术规范")
    client.force_login(administrator)
    response = client.post(
        "/admin/supervision/productcategory/add/",
        {
            "code": "0201",
            "name": "儿童服装",
            "health_safety": "on",
            "in_catalogue": "on",
            "standards": [std.pk],
            "items-TOTAL_FORMS": "2",
            "items-INITIAL_FORMS": "0",
            "items-0-seq": "1",
            "items-0-name": "甲醛含量",
            "items-0-standard": std.pk,
            "items-1-seq": "2",
            "items-1-name": "pH值",
            "items-1-standard": std.pk,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    category = ProductCategory.objects.get(code="0201")
    assert rows() == [
        (AuditAction.RECORD_CREATED, administrator.pk, "productcategory", ""),
        (AuditAction.RECORD_CREATED, administrator.pk, "catalogueitem", ""),
        (AuditAction.RECORD_CREATED, administrator.pk, "catalogueitem", ""),
    ]
    assert AuditEvent.objects.get(target_type__model="productcategory").after["standards"] == [std.pk]
    assert category.items.count() == 2


def test_it_audits_an_inline_change_and_delete(client, administrator, kettle_category):
    client.force_login(administrator)
    items = list(kettle_category.items.order_by("seq"))
    data = {
        "code": kettle_category.code,
        "name": kettle_category.name,
        "health_safety": "on",
        "complaint_focus": "on",
        "licence_required": "on",
        "in_catalogue": "on",
        "standards": [s.pk for s in kettle_category.standards.all()],
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": str(len(items)),
    }
    for n, item in enumerate(items):
        data.update(
            {
                f"items-{n}-id": item.pk,
                f"items-{n}-category": kettle_category.pk,
                f"items-{n}-seq": item.seq,
                f"items-{n}-name": item.name,
                f"items-{n}-standard": item.standard_id,
                f"items-{n}-clause": item.clause,
            }
        )
    data["items-0-name"] = "标志和使用说明"
    data["items-1-DELETE"] = "on"
    response = client.post(f"/admin/supervision/productcategory/{kettle_category.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    deleted, changed = AuditEvent.objects.order_by("id")
    assert (deleted.action, deleted.target_id, deleted.after) == (AuditAction.RECORD_DELETED, str(items[1].pk), None)
    assert (changed.action, changed.before["name"], changed.after["name"]) == (
        AuditAction.RECORD_CHANGED,
        "标志和说明",
        "标志和使用说明",
    )
    assert not CatalogueItem.objects.filter(pk=items[1].pk).exists()


def test_it_audits_an_admin_delete(client, administrator):
    std = Standard.objects.create(code="GB 2811-2019", title="头部防护 安全帽")
    client.force_login(administrator)
    response = client.post(f"/admin/supervision/standard/{std.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    row = AuditEvent.objects.get()
    assert (row.action, row.actor, row.before["code"], row.after) == (
        AuditAction.RECORD_DELETED,
        administrator,
        "GB 2811-2019",
        None,
    )


def test_it_audits_a_staff_account_change_without_the_password(client, administrator, inspector):
    client.force_login(administrator)
    response = client.post(
        f"/admin/portal/user/{inspector.pk}/change/",
        {
            "username": inspector.username,
            "full_name": inspector.full_name,
            "region": "440100",
            "roles": ["inspector", "reviewer"],
            "enforcement_id": inspector.enforcement_id,
            "email": "",
            "is_active": "on",
            "is_staff": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    inspector.refresh_from_db()
    assert inspector.roles == ["inspector", "reviewer"]
    row = AuditEvent.objects.get()
    assert (row.before["roles"], row.after["roles"]) == (["inspector"], ["inspector", "reviewer"])
    assert "password" not in row.before and "password" not in row.after


def test_it_shows_the_audit_trail_read_only_and_scoped(
    client, administrator, inspector, enterprise, shenzhen_enterprise
):
    services.enterprise_update(actor=administrator, enterprise=enterprise, phone="1")
    services.enterprise_update(actor=administrator, enterprise=shenzhen_enterprise, phone="2")
    client.force_login(administrator)
    response = client.get("/admin/portal/auditevent/")
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 2
    assert client.get("/admin/portal/auditevent/add/").status_code == 403
    from tests.conftest import make_user

    gz_admin = make_user("gz_admin", "440100", "administrator", is_staff=True)
    client.force_login(gz_admin)
    shown = [e.region_code for e in client.get("/admin/portal/auditevent/").context["cl"].result_list]
    assert shown == ["440106"]
    client.force_login(staff(inspector))
    assert client.get("/admin/portal/auditevent/").status_code == 403


def test_it_creates_a_staff_account_in_the_admin_bound_to_a_region_with_roles(client, administrator):
    from portal.models import User

    client.force_login(administrator)
    response = client.post(
        "/admin/portal/user/add/",
        {
            "username": "fs_inspector",
            "usable_password": "true",
            "password1": "a-long-demo-pass-123",
            "password2": "a-long-demo-pass-123",
            "full_name": "佛检",
            "region": "440600",
            "roles": ["inspector"],
            "enforcement_id": "44060001",
            "is_staff": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="fs_inspector")
    assert (user.region_id, user.roles, user.is_superuser) == ("440600", ["inspector"], False)
    row = AuditEvent.objects.get()
    assert (row.action, row.before, row.after["roles"]) == (AuditAction.RECORD_CREATED, None, ["inspector"])
    assert "password" not in row.after


def test_it_keeps_a_city_administrator_from_creating_accounts_elsewhere(client):
    from tests.conftest import make_user

    gz_admin = make_user("gz_admin", "440100", "administrator", is_staff=True)
    client.force_login(gz_admin)
    response = client.post(
        "/admin/portal/user/add/",
        {
            "username": "sz_someone",
            "usable_password": "true",
            "password1": "a-long-demo-pass-123",
            "password2": "a-long-demo-pass-123",
            "region": "440300",
            "roles": ["inspector"],
        },
    )
    assert response.status_code == 200
    assert "region" in response.context["adminform"].form.errors
    assert not AuditEvent.objects.exists()


def test_it_opens_the_audit_trail_from_the_history_button(client, administrator, enterprise, shenzhen_enterprise):
    services.enterprise_update(actor=administrator, enterprise=enterprise, phone="1")
    services.enterprise_update(actor=administrator, enterprise=enterprise, phone="2")
    services.enterprise_update(actor=administrator, enterprise=shenzhen_enterprise, phone="3")
    client.force_login(administrator)
    response = client.get(f"/admin/supervision/enterprise/{enterprise.pk}/history/")
    assert response.status_code == 200
    shown = [row["event"] for row in response.context["audit_rows"]]
    assert [(e.target_id, e.after["phone"]) for e in shown] == [(str(enterprise.pk), "2"), (str(enterprise.pk), "1")]
    assert [row["changes"] for row in response.context["audit_rows"]] == [
        [("联系电话", "1", "2")],
        [("联系电话", "", "1")],
    ]
    # the full trail, filtered to this record, is one link away
    trail = client.get(response.context["trail_url"])
    assert [e.after["phone"] for e in trail.context["cl"].result_list] == ["2", "1"]


def test_it_shows_a_licence_history_with_its_events_and_the_status_for_today(
    client, enforcement_officer, administrator, enterprise, kettle_category, kettle
):
    licence = services.licence_issue(
        actor=enforcement_officer,
        kind="ccc",
        number="2020010701000001",
        holder=enterprise,
        categories=[kettle_category],
        products=[kettle],
        valid_from=D(2020, 1, 1),
        valid_to=D(2024, 12, 31),
    )
    services.licence_record_event(
        actor=enforcement_officer, licence=licence, kind="suspended", on=D(2023, 3, 1), reason="抽查不合格"
    )
    for user, sees_trail in ((staff(enforcement_officer), False), (administrator, True)):
        client.force_login(user)
        response = client.get(f"/admin/supervision/licence/{licence.pk}/history/")
        assert response.status_code == 200
        # expired while suspended: expired (the status derived for today)
        assert response.context["status"] == "已过期"
        assert [(e.kind, e.on) for e in response.context["status_events"]] == [
            ("issued", D(2020, 1, 1)),
            ("suspended", D(2023, 3, 1)),
        ]
        page = response.content.decode()
        assert "抽查不合格" in page and "已过期" in page
        assert (response.context["audit_rows"] is not None) is sees_trail
        change = client.get(f"/admin/supervision/licence/{licence.pk}/change/").content.decode()
        assert "已过期" in change and "暂停" in change  # the status today, and the history inline
