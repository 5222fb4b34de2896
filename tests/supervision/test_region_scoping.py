"""Staff see and change only their region and below: 广州 staff see 天河, never 深圳; in the API and the admin."""

from __future__ import annotations

import datetime as dt

import pytest
from stdnum.cn import ric

from portal.models import Role
from supervision.models import Appointment, Enterprise, Licence, LicenceKind, Person, Product, Region
from supervision.registry import services
from tests.conftest import make_uscc

pytestmark = pytest.mark.django_db

GUANGZHOU_ROLES = ["inspector", "reviewer", "enforcement_officer", "official"]
# who keeps enterprises, persons and appointments (portal.permissions.REGISTRY_EDITORS): least privilege
WRITERS = {"enforcement_officer"}


def resident_id(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


@pytest.fixture
def staff(request):
    user = request.getfixturevalue(request.param)
    user.is_staff = True  # admin access; what they may do there follows their roles
    user.save(update_fields=["is_staff"])
    user.persona = request.param
    return user


@pytest.fixture
def records(administrator, enterprise, shenzhen_enterprise, kettle_category):
    """A full set of registry records in 天河 (inside 广州) and in 深圳南山 (outside)."""
    out = {}
    for key, ent, n in (("tianhe", enterprise, 1), ("shenzhen", shenzhen_enterprise, 2)):
        person = Person.objects.create(name=f"法人{n}", id_number=resident_id(f"4401061990010{n}123"))
        appointment = Appointment.objects.create(
            person=person, enterprise=ent, role="legal_rep", start=dt.date(2020, 1, 1)
        )
        product = Product.objects.create(enterprise=ent, category=kettle_category, name="电水壶", model_spec=f"K{n}")
        licence = services.licence_issue(
            actor=administrator,
            kind=LicenceKind.CCC,
            number=f"202401070100000{n}",
            holder=ent,
            categories=[kettle_category],
            products=[product],
            valid_from=dt.date(2024, 1, 1),
            valid_to=dt.date(2028, 12, 31),
        )
        out[key] = {
            "enterprises": ent.pk,
            "persons": person.pk,
            "appointments": appointment.pk,
            "products": product.pk,
            "licences": licence.pk,
        }
    return out


# ---------------------------------------------------------------- API: list and detail


@pytest.mark.parametrize("staff", GUANGZHOU_ROLES, indirect=True)
@pytest.mark.parametrize("resource", ["enterprises", "persons", "appointments", "products", "licences"])
def test_it_shows_guangzhou_staff_tianhe_records_but_not_shenzhen_ones(client, staff, records, resource):
    client.force_login(staff)
    response = client.get(f"/api/{resource}/")
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert records["tianhe"][resource] in ids
    assert records["shenzhen"][resource] not in ids
    assert client.get(f"/api/{resource}/{records['tianhe'][resource]}/").status_code == 200
    assert client.get(f"/api/{resource}/{records['shenzhen'][resource]}/").status_code == 404


def test_it_shows_the_tianhe_inspector_only_tianhe(client, tianhe_inspector, records):
    yuexiu = Enterprise.objects.create(
        uscc=make_uscc("440104", 7), name="广州市越秀区某某电器有限公司", region=Region.objects.get(code="440104")
    )
    client.force_login(tianhe_inspector)
    ids = {row["id"] for row in client.get("/api/enterprises/").json()["results"]}
    assert ids == {records["tianhe"]["enterprises"]}
    assert client.get(f"/api/enterprises/{yuexiu.pk}/").status_code == 404
    regions = {row["code"] for row in client.get("/api/regions/?page_size=500").json()["results"]}
    assert regions == {"440106"}


def test_it_shows_the_outsider_nothing_of_guangzhou(client, outsider, records):
    client.force_login(outsider)
    assert client.get(f"/api/enterprises/{records['tianhe']['enterprises']}/").status_code == 404
    assert client.get(f"/api/licences/{records['tianhe']['licences']}/").status_code == 404
    ids = {row["id"] for row in client.get("/api/enterprises/").json()["results"]}
    assert ids == {records["shenzhen"]["enterprises"]}


def test_it_refuses_anonymous_callers(client, records):
    assert client.get("/api/enterprises/").status_code in (401, 403)


def test_it_refuses_an_account_without_region_or_role(client, records):
    from tests.conftest import make_user

    nobody = make_user("nobody", None)
    client.force_login(nobody)
    assert client.get("/api/enterprises/").status_code == 403


# ---------------------------------------------------------------- API: writes


@pytest.mark.parametrize("staff", GUANGZHOU_ROLES, indirect=True)
def test_it_lets_writers_change_tianhe_records_and_refuses_shenzhen(client, staff, records):
    client.force_login(staff)
    tianhe_id, shenzhen_id = records["tianhe"]["enterprises"], records["shenzhen"]["enterprises"]
    response = client.patch(f"/api/enterprises/{tianhe_id}/", {"phone": "020-1"}, content_type="application/json")
    if staff.persona in WRITERS:
        assert response.status_code == 200
        assert Enterprise.objects.get(pk=tianhe_id).phone == "020-1"
    else:
        assert response.status_code == 403
        assert Enterprise.objects.get(pk=tianhe_id).phone == ""
    response = client.patch(f"/api/enterprises/{shenzhen_id}/", {"phone": "0755-1"}, content_type="application/json")
    assert response.status_code == (404 if staff.persona in WRITERS else 403)
    assert Enterprise.objects.get(pk=shenzhen_id).phone == ""


@pytest.mark.parametrize("staff", GUANGZHOU_ROLES, indirect=True)
def test_it_refuses_creating_an_enterprise_in_shenzhen_beside_the_region(client, staff, db):
    client.force_login(staff)
    payload = {"uscc": make_uscc("440305", 99), "name": "深圳市某某电器有限公司", "region": "440305"}
    response = client.post("/api/enterprises/", payload, content_type="application/json")
    if staff.persona in WRITERS:
        assert response.status_code == 400
        assert response.json()["region"] == ["“南山区”不在您的管辖范围（广州市）内，不能登记或修改该记录。"]
    else:
        assert response.status_code == 403
    assert not Enterprise.objects.exists()
    payload.update(uscc=make_uscc("440106", 99), region="440106", name="广州市天河区某某电器有限公司")
    response = client.post("/api/enterprises/", payload, content_type="application/json")
    assert response.status_code == (201 if staff.persona in WRITERS else 403)


def test_it_refuses_moving_a_tianhe_enterprise_to_shenzhen(client, enforcement_officer, records):
    client.force_login(enforcement_officer)
    pk = records["tianhe"]["enterprises"]
    response = client.patch(f"/api/enterprises/{pk}/", {"region": "440305"}, content_type="application/json")
    assert response.status_code == 400
    assert "不在您的管辖范围" in response.json()["region"][0]
    assert Enterprise.objects.get(pk=pk).region_id == "440106"


def test_it_refuses_a_product_for_an_enterprise_of_another_region(client, reviewer, records, kettle_category):
    client.force_login(reviewer)  # reviewers keep products (they name them on tasks)
    response = client.post(
        "/api/products/",
        {"enterprise": records["shenzhen"]["enterprises"], "category": kettle_category.pk, "name": "电水壶"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "enterprise" in response.json()


def test_it_refuses_the_outsider_recording_a_licence_event_in_guangzhou(client, records, shenzhen):
    from tests.conftest import make_user

    sz_officer = make_user("sz_enforcement", "440300", Role.ENFORCEMENT)
    client.force_login(sz_officer)
    response = client.post(
        f"/api/licences/{records['tianhe']['licences']}/events/",
        {"kind": "suspended", "on": "2025-01-01", "reason": "抽查不合格"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert Licence.objects.get(pk=records["tianhe"]["licences"]).events.count() == 1


def test_it_refuses_the_service_call_outside_the_region_even_without_the_api(enterprise):
    from django.core.exceptions import ValidationError

    from tests.conftest import make_user

    sz_officer = make_user("sz_enforcement", "440300", Role.ENFORCEMENT)
    with pytest.raises(ValidationError) as exc:
        services.enterprise_update(actor=sz_officer, enterprise=enterprise, phone="1")
    assert "不在您的管辖范围" in exc.value.message_dict["region"][0]


# ---------------------------------------------------------------- admin


@pytest.mark.parametrize("staff", GUANGZHOU_ROLES, indirect=True)
def test_it_scopes_the_admin_changelist_and_change_views(client, staff, records):
    client.force_login(staff)
    response = client.get("/admin/supervision/enterprise/")
    assert response.status_code == 200
    shown = {e.pk for e in response.context["cl"].result_list}
    assert shown == {records["tianhe"]["enterprises"]}
    tianhe = client.get(f"/admin/supervision/enterprise/{records['tianhe']['enterprises']}/change/")
    assert tianhe.status_code == 200
    shenzhen = client.get(f"/admin/supervision/enterprise/{records['shenzhen']['enterprises']}/change/")
    assert shenzhen.status_code == 302  # the admin's "no such record" redirect
    licences = {lic.pk for lic in client.get("/admin/supervision/licence/").context["cl"].result_list}
    assert licences == {records["tianhe"]["licences"]}


@pytest.mark.parametrize("staff", GUANGZHOU_ROLES, indirect=True)
def test_it_refuses_admin_writes_outside_the_region_or_without_a_writing_role(client, staff, records):
    client.force_login(staff)
    form = {
        "uscc": make_uscc("440305", 77),
        "name": "深圳市某某电器有限公司",
        "region": "440305",
        "registration_status": "active",
        "products-TOTAL_FORMS": "0",
        "products-INITIAL_FORMS": "0",
        "appointments-TOTAL_FORMS": "0",
        "appointments-INITIAL_FORMS": "0",
    }
    response = client.post("/admin/supervision/enterprise/add/", form)
    if staff.persona in WRITERS:
        assert response.status_code == 200
        assert "region" in response.context["adminform"].form.errors
    else:
        assert response.status_code == 403
    assert not Enterprise.objects.filter(uscc=form["uscc"]).exists()


def test_it_keeps_the_outsider_out_of_guangzhou_in_the_admin(client, outsider, records):
    outsider.is_staff = True
    outsider.save()
    client.force_login(outsider)
    shown = {e.pk for e in client.get("/admin/supervision/enterprise/").context["cl"].result_list}
    assert shown == {records["shenzhen"]["enterprises"]}
    assert client.get(f"/admin/supervision/enterprise/{records['tianhe']['enterprises']}/change/").status_code == 302


def test_it_lets_only_administrators_edit_the_catalogue(client, inspector, administrator, kettle_category):
    inspector.is_staff = True
    inspector.save()
    client.force_login(inspector)
    assert client.get("/admin/supervision/productcategory/").status_code == 200
    assert client.get("/admin/supervision/productcategory/add/").status_code == 403
    client.force_login(administrator)
    assert client.get("/admin/supervision/productcategory/add/").status_code == 200


# ---------------------------------------------------------------- the resident ID number: authorised view only


@pytest.mark.parametrize(
    ("persona", "full"),
    [
        ("inspector", False),
        ("reviewer", False),
        ("official", False),
        ("enforcement_officer", True),
        ("administrator", True),
    ],
)
def test_it_shows_the_full_id_number_only_to_administrators_and_enforcement(request, client, records, persona, full):
    user = request.getfixturevalue(persona)
    user.is_staff = True
    user.save()
    person = Person.objects.get(pk=records["tianhe"]["persons"])
    client.force_login(user)
    api = client.get(f"/api/persons/{person.pk}/").json()
    assert api["id_number"] == (person.id_number if full else person.masked_id)
    assert api["masked_id"] == person.masked_id
    listing = client.get("/admin/supervision/person/").content.decode()
    change = client.get(f"/admin/supervision/person/{person.pk}/change/").content.decode()
    for page in (listing, change):
        assert (person.id_number in page) is full
        assert person.masked_id in page or full


def test_it_lets_only_authorised_staff_search_persons_by_id_number(client, inspector, enforcement_officer, records):
    person = Person.objects.get(pk=records["tianhe"]["persons"])
    for user, found in ((inspector, 0), (enforcement_officer, 1)):
        user.is_staff = True
        user.save()
        client.force_login(user)
        response = client.get("/admin/supervision/person/", {"q": person.id_number})
        assert len(response.context["cl"].result_list) == found


def test_it_lets_only_authorised_staff_correct_an_id_number(client, inspector, enforcement_officer, records):
    person = Person.objects.get(pk=records["tianhe"]["persons"])
    corrected = resident_id("44010619900109123")
    client.force_login(inspector)  # an inspector reads persons (masked) and changes nothing
    response = client.patch(f"/api/persons/{person.pk}/", {"id_number": corrected}, content_type="application/json")
    assert response.status_code == 403
    assert (
        client.patch(f"/api/persons/{person.pk}/", {"name": "法人甲"}, content_type="application/json").status_code
        == 403
    )
    client.force_login(enforcement_officer)
    response = client.patch(f"/api/persons/{person.pk}/", {"id_number": corrected}, content_type="application/json")
    assert response.status_code == 200
    person.refresh_from_db()
    assert (person.name, person.id_number) == ("法人1", corrected)


def test_it_filters_orders_and_searches_within_the_scope(client, inspector, records):
    other = Enterprise.objects.create(
        uscc=make_uscc("440104", 8), name="广州市越秀区阿尔法电器有限公司", region=Region.objects.get(code="440104")
    )
    client.force_login(inspector)

    def ids(query: str) -> list[int]:
        return [row["id"] for row in client.get(f"/api/enterprises/?{query}").json()["results"]]

    tianhe = records["tianhe"]["enterprises"]
    assert ids("within=440106") == [tianhe]
    assert sorted(ids("within=440100")) == sorted([tianhe, other.pk])
    assert ids("within=440300") == []  # 深圳 stays out of scope whatever the filter says
    assert ids("region=440104") == [other.pk]
    assert ids("search=阿尔法") == [other.pk]
    assert ids("ordering=uscc") == sorted([tianhe, other.pk], key=lambda pk: Enterprise.objects.get(pk=pk).uscc)
