"""Bad USCC, ID numbers, regions and licence dates are refused in Chinese beside the field, everywhere."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric, uscc

from portal.models import AuditEvent, Role
from supervision.models import Enterprise, Licence, LicenceKind, Person
from supervision.registry import services
from tests.conftest import make_uscc, make_user

pytestmark = pytest.mark.django_db

VALID_USCC = make_uscc("440106", 123456789)


def wrong_check(code: str) -> str:
    """The same code with another (valid-alphabet) final character: only the checksum is wrong."""
    return code[:-1] + ("0" if code[-1] != "0" else "1")


def resident_id(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


VALID_ID = resident_id("44010619850312123")


@pytest.fixture
def clerk(db):
    # keeps the registry's enterprises and persons (portal.permissions.REGISTRY_EDITORS)
    return make_user("gz_clerk", "440100", Role.ENFORCEMENT, is_staff=True)


# ---------------------------------------------------------------- the model (full_clean)


def test_it_accepts_a_valid_uscc_and_upper_cases_it(tianhe, clerk):
    Enterprise(uscc=VALID_USCC, name="甲", region=tianhe).full_clean()
    body = "91440106MA59XY81K"  # letters in the organisation code, as many real codes have
    with_letters = body + uscc.calc_check_digit(body)
    enterprise = services.enterprise_create(actor=clerk, uscc=f" {with_letters.lower()} ", name="乙", region=tianhe)
    enterprise.refresh_from_db()
    assert enterprise.uscc == with_letters


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (wrong_check(VALID_USCC), "校验位不正确"),
        (VALID_USCC[:-1], "不是有效的统一社会信用代码"),  # 17 characters
        (VALID_USCC + "1", "不是有效的统一社会信用代码"),  # 19 characters
        ("91440106I00000001" + "0", "不是有效的统一社会信用代码"),  # I is not in the USCC alphabet
        ("", "此字段不能为空"),
    ],
)
def test_it_refuses_a_bad_uscc_beside_the_field_in_chinese(tianhe, code, message):
    with pytest.raises(ValidationError) as exc:
        Enterprise(uscc=code, name="甲", region=tianhe).full_clean()
    assert message in " ".join(exc.value.message_dict["uscc"])


def test_it_accepts_a_valid_resident_id_including_an_x_check_digit():
    Person(name="张三", id_number=VALID_ID).full_clean()
    body = next(b for n in range(1000) if ric.calc_check_digit((b := f"44010619850312{n:03d}") + "0") == "X")
    Person(name="李四", id_number=body + "X").full_clean()
    # the same number with its last character changed is refused: full_clean above did check it
    with pytest.raises(ValidationError):
        Person(name="李四", id_number=body + "0").full_clean()


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (VALID_ID[:-1] + ("1" if VALID_ID[-1] != "1" else "2"), "校验位不正确"),
        (resident_id("44010619850230123"), "不是有效的居民身份证号码"),  # 30 February
        (resident_id("99999919850312123"), "不是有效的居民身份证号码"),  # no such region
        (VALID_ID[:-1], "不是有效的居民身份证号码"),  # 17 characters
    ],
)
def test_it_refuses_a_bad_resident_id_beside_the_field_in_chinese(number, message):
    with pytest.raises(ValidationError) as exc:
        Person(name="张三", id_number=number).full_clean()
    assert message in " ".join(exc.value.message_dict["id_number"])


def test_it_refuses_a_licence_valid_to_on_or_before_valid_from(enterprise):
    for valid_to in (dt.date(2025, 1, 1), dt.date(2024, 12, 31)):
        with pytest.raises(ValidationError) as exc:
            Licence(
                kind=LicenceKind.CCC, number="X1", holder=enterprise, valid_from=dt.date(2025, 1, 1), valid_to=valid_to
            ).full_clean()
        assert exc.value.message_dict["valid_to"] == ["有效期至必须晚于有效期起。"]


# ---------------------------------------------------------------- the service: nothing half-saved


def test_it_saves_nothing_and_audits_nothing_when_the_service_refuses(clerk, tianhe):
    with pytest.raises(ValidationError):
        services.enterprise_create(actor=clerk, uscc=wrong_check(VALID_USCC), name="甲", region=tianhe)
    assert not Enterprise.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_saves_nothing_when_a_licence_has_its_dates_reversed(enforcement_officer, enterprise, kettle_category):
    with pytest.raises(ValidationError) as exc:
        services.licence_issue(
            actor=enforcement_officer,
            kind=LicenceKind.CCC,
            number="2025010701000001",
            holder=enterprise,
            categories=[kettle_category],
            valid_from=dt.date(2025, 6, 1),
            valid_to=dt.date(2025, 5, 31),
        )
    assert "valid_to" in exc.value.message_dict
    assert not Licence.objects.exists()
    assert not AuditEvent.objects.exists()


# ---------------------------------------------------------------- the API: 400 with field errors


def test_it_answers_400_with_the_uscc_message(client, clerk):
    client.force_login(clerk)
    response = client.post(
        "/api/enterprises/",
        {"uscc": wrong_check(VALID_USCC), "name": "甲公司", "region": "440106"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "校验位不正确" in response.json()["uscc"][0]
    assert not Enterprise.objects.exists()


def test_it_answers_400_for_an_unknown_region(client, clerk):
    client.force_login(clerk)
    response = client.post(
        "/api/enterprises/", {"uscc": VALID_USCC, "name": "甲公司", "region": "449999"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["region"] == ["行政区划代码“449999”不存在，请填写GB/T 2260的6位区划代码。"]


def test_it_answers_400_for_a_bad_id_number(client, clerk):
    client.force_login(clerk)
    response = client.post(
        "/api/persons/", {"name": "张三", "id_number": VALID_ID[:-1] + "Y"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "居民身份证号码" in response.json()["id_number"][0]
    assert not Person.objects.exists()


def test_it_answers_400_for_licence_dates_reversed(client, enforcement_officer, enterprise, kettle_category):
    client.force_login(enforcement_officer)
    response = client.post(
        "/api/licences/",
        {
            "kind": "ccc",
            "number": "2025010701000001",
            "holder": enterprise.pk,
            "categories": [kettle_category.pk],
            "valid_from": "2025-06-01",
            "valid_to": "2025-06-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"valid_to": ["有效期至必须晚于有效期起。"]}
    assert not Licence.objects.exists()


def test_it_answers_400_for_an_overlapping_appointment(client, clerk, enterprise):
    first = Person.objects.create(name="张三", id_number=VALID_ID)
    second = Person.objects.create(name="李四", id_number=resident_id("44010619900101456"))
    services.appointment_create(
        actor=clerk, person=first, enterprise=enterprise, role="legal_rep", start=dt.date(2020, 1, 1)
    )
    client.force_login(clerk)
    response = client.post(
        "/api/appointments/",
        {"person": second.pk, "enterprise": enterprise.pk, "role": "legal_rep", "start": "2024-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "任职期间不能重叠" in response.json()["start"][0]
    assert "张三" in response.json()["start"][0]


# ---------------------------------------------------------------- the admin: the form shows the message


def test_it_shows_the_uscc_message_beside_the_field_in_the_admin_and_keeps_the_input(client, clerk):
    client.force_login(clerk)
    bad = wrong_check(VALID_USCC)
    response = client.post(
        "/admin/supervision/enterprise/add/",
        {
            "uscc": bad,
            "name": "甲公司",
            "region": "440106",
            "registration_status": "active",
            "products-TOTAL_FORMS": "0",
            "products-INITIAL_FORMS": "0",
            "appointments-TOTAL_FORMS": "0",
            "appointments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "校验位不正确" in errors["uscc"][0]
    assert bad in response.content.decode()
    assert not Enterprise.objects.exists()


def test_it_shows_the_id_number_message_in_the_admin(client, clerk):
    client.force_login(clerk)
    response = client.post("/admin/supervision/person/add/", {"name": "张三", "id_number": VALID_ID[:-1] + "Y"})
    assert response.status_code == 200
    assert "居民身份证号码" in response.context["adminform"].form.errors["id_number"][0]
    assert not Person.objects.exists()


def test_it_speaks_chinese_in_the_admin_by_default(client, clerk):
    client.force_login(clerk)
    page = client.get("/admin/supervision/enterprise/add/").content.decode()
    for text in ("增加 企业", "统一社会信用代码", "所在行政区划", "保存"):
        assert text in page
