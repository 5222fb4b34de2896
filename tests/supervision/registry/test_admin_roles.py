"""Least privilege in the admin: what each role is offered, per kind of record (portal.permissions).

Enterprises, persons and appointments are kept by enforcement officers and administrators; products also
by reviewers (they name the product on a task); licences by enforcement officers and administrators; the
catalogue, standards, institutions and accounts by administrators. Everyone else reads (inspectors,
reviewers and officials see the registry, never a form to add or change it). The API and the services
follow the same sets, so the admin is not the only door that is closed.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from portal.models import AuditEvent
from supervision.models import Appointment, Enterprise, Institution, Licence, Person, Product, ProductCategory, Standard
from tests.conftest import make_uscc

pytestmark = pytest.mark.django_db

ROLES = ["inspector", "reviewer", "enforcement_officer", "official", "administrator"]
# model -> the personas that may add and change it; every persona may read it
WRITERS = {
    Enterprise: {"enforcement_officer", "administrator"},
    Person: {"enforcement_officer", "administrator"},
    Appointment: {"enforcement_officer", "administrator"},
    Product: {"reviewer", "enforcement_officer", "administrator"},
    Licence: {"enforcement_officer", "administrator"},
    Institution: {"administrator"},
    ProductCategory: {"administrator"},
    Standard: {"administrator"},
}


@pytest.fixture
def staff(request):
    user = request.getfixturevalue(request.param)
    user.is_staff = True  # admin access; what they may do there follows their roles
    user.save(update_fields=["is_staff"])
    user.persona = request.param
    return user


@pytest.mark.parametrize("staff", ROLES, indirect=True)
@pytest.mark.parametrize("model", list(WRITERS), ids=lambda m: m.__name__)
def test_it_offers_each_role_only_what_it_may_do(staff, model):
    request = RequestFactory().get("/admin/")
    request.user = staff
    model_admin = admin.site._registry[model]
    may_write = staff.persona in WRITERS[model]
    assert model_admin.has_view_permission(request)
    assert model_admin.has_add_permission(request) is may_write
    assert model_admin.has_change_permission(request) is may_write
    # records referenced by samples and results are never deleted; the catalogue's own entries may be
    deletable = may_write and model in (ProductCategory, Standard)
    assert model_admin.has_delete_permission(request) is deletable


@pytest.mark.parametrize("staff", ["inspector", "reviewer", "official"], indirect=True)
def test_it_refuses_an_inspector_the_forms_to_add_enterprises_persons_and_appointments(client, staff, enterprise):
    client.force_login(staff)
    for name in ("enterprise", "person", "appointment"):
        assert client.get(f"/admin/supervision/{name}/").status_code == 200  # reads the register
        assert client.get(f"/admin/supervision/{name}/add/").status_code == 403
    changelist = client.get("/admin/supervision/enterprise/").content.decode()
    assert "/admin/supervision/enterprise/add/" not in changelist  # no "Add" button to find
    before = AuditEvent.objects.count()
    form = {
        "uscc": make_uscc("440106", 31),
        "name": "广州市天河区某某电器有限公司",
        "region": "440106",
        "registration_status": "active",
        "products-TOTAL_FORMS": "0",
        "products-INITIAL_FORMS": "0",
        "appointments-TOTAL_FORMS": "0",
        "appointments-INITIAL_FORMS": "0",
    }
    assert client.post("/admin/supervision/enterprise/add/", form).status_code == 403
    assert not Enterprise.objects.filter(uscc=form["uscc"]).exists()
    assert AuditEvent.objects.count() == before
    # the change page is read-only: no form field to type into, no save button
    page = client.get(f"/admin/supervision/enterprise/{enterprise.pk}/change/").content.decode()
    assert 'name="name"' not in page and 'name="_save"' not in page


@pytest.mark.parametrize("persona", ["inspector", "reviewer", "official"])
def test_it_refuses_the_same_writes_through_the_api(client, request, persona, enterprise):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    payload = {"uscc": make_uscc("440106", 32), "name": "广州市天河区乙电器有限公司", "region": "440106"}
    assert client.post("/api/enterprises/", payload, content_type="application/json").status_code == 403
    assert client.post("/api/persons/", {"name": "张三"}, content_type="application/json").status_code == 403
    assert client.get("/api/enterprises/").status_code == 200


def test_it_lets_an_enforcement_officer_add_an_enterprise_in_the_admin(client, enforcement_officer):
    enforcement_officer.is_staff = True
    enforcement_officer.save()
    client.force_login(enforcement_officer)
    form = {
        "uscc": make_uscc("440106", 33),
        "name": "广州市天河区丙电器有限公司",
        "region": "440106",
        "registration_status": "active",
        "products-TOTAL_FORMS": "0",
        "products-INITIAL_FORMS": "0",
        "appointments-TOTAL_FORMS": "0",
        "appointments-INITIAL_FORMS": "0",
    }
    assert client.post("/admin/supervision/enterprise/add/", form).status_code == 302
    assert Enterprise.objects.filter(uscc=form["uscc"]).exists()
