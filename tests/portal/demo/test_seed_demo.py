"""`manage.py seed_demo`: staff per role and region, valid identifiers, a real catalogue, idempotent with --once."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from stdnum.cn import ric, uscc

from portal.models import Role, User
from supervision.models import (
    Appointment,
    Enterprise,
    Institution,
    Licence,
    LicenceEvent,
    Person,
    Product,
    ProductCategory,
)

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        m.__name__: m.objects.count()
        for m in (User, Enterprise, Person, Appointment, Product, Licence, LicenceEvent, Institution, ProductCategory)
    }


@pytest.fixture
def seeded(db):
    # Speed is measured on demand (the closing note gives the figure), not timed in CI.
    call_command("seed_demo", stdout=io.StringIO())


def test_it_seeds_a_realistic_registry(seeded):
    """One seeding, checked from every side (seeding is the slow part of these tests)."""
    check_staff_for_every_role_bound_to_their_regions()
    check_enterprises_with_valid_usccs_and_legal_representatives_with_valid_ids()
    check_the_real_catalogue_with_focus_flags_and_test_items()
    check_products_licences_with_histories_and_institutions()


def check_staff_for_every_role_bound_to_their_regions():
    expected = {
        "gd_admin": ("440000", [Role.ADMINISTRATOR]),
        "gz_inspector": ("440100", [Role.INSPECTOR]),
        "gz_inspector2": ("440100", [Role.INSPECTOR]),
        "gz_reviewer": ("440100", [Role.REVIEWER]),
        "gz_enforcement": ("440100", [Role.ENFORCEMENT]),
        "gz_official": ("440100", [Role.OFFICIAL]),
        "sz_inspector": ("440300", [Role.INSPECTOR]),
        "sz_reviewer": ("440300", [Role.REVIEWER]),
        "th_inspector": ("440106", [Role.INSPECTOR]),
    }
    for username, (region, roles) in expected.items():
        user = User.objects.get(username=username)
        assert (user.region_id, user.roles) == (region, roles)
        assert user.full_name and user.enforcement_id and user.is_staff
        assert user.check_password("demo-pass-123")
    assert {r for u in User.objects.all() for r in u.roles} == set(Role.values)


def check_enterprises_with_valid_usccs_and_legal_representatives_with_valid_ids():
    enterprises = list(Enterprise.objects.select_related("region"))
    assert 200 <= len(enterprises) <= 500
    assert all(uscc.is_valid(e.uscc) for e in enterprises)
    assert all(e.uscc[2:8] == e.region_id for e in enterprises)
    assert all(e.name.endswith("有限公司") for e in enterprises)
    assert Enterprise.objects.filter(region__code__startswith="4401").exists()
    assert Enterprise.objects.filter(region__code__startswith="4403").exists()
    assert all(ric.is_valid(n) for n in Person.objects.values_list("id_number", flat=True))
    current = Appointment.objects.filter(role="legal_rep", end__isnull=True).values("enterprise").distinct().count()
    assert current == len(enterprises)
    for a in Appointment.objects.filter(end__isnull=False)[:20]:
        a.full_clean()  # ended terms sit before their successors without overlap


def check_the_real_catalogue_with_focus_flags_and_test_items():
    kettle = ProductCategory.objects.get(name="电水壶")
    assert kettle.standards.get().code.startswith("GB 4706.19")
    assert kettle.health_safety and kettle.licence_required
    for category in ProductCategory.objects.all():
        assert 3 <= category.items.count() <= 6, category.name
    codes = set(ProductCategory.objects.values_list("standards__code", flat=True))
    for std in (
        "GB 31701",
        "GB/T 5023",
        "GB 31241",
        "GB 16410",
        "GB 14748",
        "GB 2099.1",
        "GB 4806",
        "GB 17761",
        "GB 6675",
        "GB 2811",
        "GB/T 15063",
    ):
        assert any(c.startswith(std) for c in codes), std


def check_products_licences_with_histories_and_institutions():
    assert Product.objects.filter(is_main=True).count() == Enterprise.objects.count()
    assert Product.objects.exclude(trademark="").exclude(model_spec="").count() == Product.objects.count()
    assert LicenceEvent.objects.filter(kind="issued").count() == Licence.objects.count() > 50
    assert LicenceEvent.objects.filter(kind="suspended").exists()
    assert LicenceEvent.objects.filter(kind="reinstated").exists()
    assert LicenceEvent.objects.filter(kind="revoked").exists()
    assert 8 <= Institution.objects.count() <= 12
    assert all(i.categories.exists() for i in Institution.objects.all())


def test_it_is_idempotent_with_once_and_refuses_a_second_full_run(seeded):
    before = counts()
    out = io.StringIO()
    call_command("seed_demo", "--once", stdout=out)
    assert counts() == before
    assert "已存在" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=io.StringIO())


def test_it_prints_the_logins(db):
    out = io.StringIO()
    call_command("seed_demo", "--print-logins", stdout=out)
    text = out.getvalue()
    for username in ("gd_admin", "gz_inspector", "gz_official", "sz_reviewer", "th_inspector"):
        assert username in text
    assert "demo-pass-123" in text and "广州市" in text and "执法人员" in text


def test_it_hands_scale_to_the_bulk_generator_only(db, monkeypatch):
    calls = []
    monkeypatch.setattr("portal.demo.scale.generate_published", lambda n, **kw: calls.append(n))
    call_command("seed_demo", "--scale", "1000", stdout=io.StringIO())
    assert calls == [1000]
    assert not User.objects.exists()
