"""Every write checks a role: each unsafe endpoint of the staff API and each staff page that
changes something refuses, with 403 and nothing written, a staff member of the region whose role
may not make that change.

The API routes are enumerated from the routers, so a new write endpoint is covered the day it is
added; the staff pages are listed by name, and a test fails when a page is neither listed as a
write nor as a read.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from portal.models import AuditEvent
from supervision.spotchecks import urls as staff_urls
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

UNSAFE = {"post", "put", "patch", "delete"}


def _api_routes() -> list[tuple[str, str, str]]:
    """(method, path, view name) of every unsafe route of the staff API, with 1 for any id."""
    routes = []

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                actions = getattr(p.callback, "actions", None)
                route = prefix + str(p.pattern)
                if not actions or not route.startswith("api/") or "format" in p.pattern.regex.groupindex:
                    continue
                path = "/" + re.sub(r"\(\?P<\w+>[^)]*\)", "1", route.replace("^", "").replace("$", ""))
                for method in actions:
                    if method in UNSAFE:
                        routes.append((method, path, p.name))

    walk(get_resolver().url_patterns, "")
    return routes


def test_it_enumerates_the_write_endpoints_of_both_apis():
    names = {(m, n) for m, _, n in _api_routes()}
    for expected in (
        ("post", "enterprise-list"),
        ("patch", "enterprise-detail"),
        ("post", "licence-events"),
        ("post", "appointment-end"),
        ("post", "spotcheck-plan-list"),
        ("post", "spotcheck-task-sample"),
        ("post", "spotcheck-sample-approve"),
        ("put", "spotcheck-sample-items"),
        ("post", "spotcheck-objection-reinspection"),
        ("post", "spotcheck-import-list"),
    ):
        assert expected in names
    assert all("(?P<" not in path for _, path, _ in _api_routes())


@pytest.mark.parametrize("persona", ["official", "no_role"])
def test_it_refuses_every_registry_write_to_a_role_that_may_not_write(persona, official):
    user = official if persona == "official" else make_user("gz_norole", "440100")
    api = APIClient()
    api.force_authenticate(user)
    before = AuditEvent.objects.count()
    checked = 0
    for method, path, _name in _api_routes():
        if path.startswith(("/api/spotcheck/", "/api/exemptions/")):
            continue
        response = getattr(api, method)(path, {}, format="json")
        assert response.status_code == 403, (method, path, response.status_code)
        checked += 1
    assert checked >= 10
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("persona", ["inspector", "no_role"])
def test_it_refuses_every_exemption_write_to_a_role_outside_the_scheme(persona, request):
    user = request.getfixturevalue(persona) if persona != "no_role" else make_user("gz_norole", "440100")
    api = APIClient()
    api.force_authenticate(user)
    before = AuditEvent.objects.count()
    checked = 0
    for method, path, _name in _api_routes():
        if not path.startswith("/api/exemptions/"):
            continue
        response = getattr(api, method)(path, {}, format="json")
        assert response.status_code == 403, (method, path, response.status_code)
        checked += 1
    assert checked >= 4
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("persona", ["enforcement_officer", "no_role"])
def test_it_refuses_every_spotcheck_write_to_a_role_outside_the_spot_checks(persona, request):
    user = request.getfixturevalue(persona) if persona != "no_role" else make_user("gz_norole", "440100")
    api = APIClient()
    api.force_authenticate(user)
    before = AuditEvent.objects.count()
    checked = 0
    for method, path, _name in _api_routes():
        if not path.startswith("/api/spotcheck/"):
            continue
        response = getattr(api, method)(path, {}, format="json")
        assert response.status_code == 403, (method, path, response.status_code)
        checked += 1
    assert checked >= 12
    assert AuditEvent.objects.count() == before


# ---------------------------------------------------------------- staff pages

# name -> (the role allowed to write, a persona of the region without it)
WRITE_PAGES = {
    "plan-create": ("official", "inspector"),
    "task-create": ("reviewer", "inspector"),
    "sample-record": ("inspector", "reviewer"),
    "sample-refusal": ("inspector", "reviewer"),
    "custody-add": ("inspector", "official"),
    "report-entry": ("inspector", "reviewer"),
    "report-review": ("reviewer", "inspector"),
    "objection-create": ("reviewer", "inspector"),
    "objection-withdraw": ("reviewer", "inspector"),
    "reinspection-create": ("reviewer", "inspector"),
    "import-page": ("inspector", "reviewer"),
}
READ_PAGES = {
    "plan-list",
    "task-list",
    "my-tasks",
    "to-enter",
    "awaiting-deadline",
    "final-list",
    "sample-detail",
    "sample-label",
    "review-list",
    "institution-reexamination",
    "import-template",
    "import-batch",
    "import-progress",
    "verdict-suggestion",
    "report-pdf",
}


def test_it_classes_every_staff_page_as_a_write_or_a_read():
    names = {p.name for p in staff_urls.urlpatterns}
    assert names == set(WRITE_PAGES) | READ_PAGES


def _args(name: str, sample, objection, open_task) -> list:
    if name in ("sample-record", "sample-refusal"):
        return [open_task.pk]
    if name in ("objection-withdraw", "reinspection-create"):
        return [objection.pk]
    if name in ("plan-create", "task-create", "import-page"):
        return []
    return [sample.code]


@pytest.fixture
def open_task(reviewer, plan, kettle_category, lab, team, tianhe):
    """A task not yet sampled (of another enterprise: the kettle's was sampled already)."""
    from supervision.models import Enterprise
    from tests.conftest import make_uscc
    from tests.supervision.spotcheck_factory import make_task

    other = Enterprise.objects.create(uscc=make_uscc("440106", 55), name="广州市天河小家电厂", region=tianhe)
    return make_task(reviewer, plan, other, kettle_category, lab, team)


@pytest.fixture
def objection(inspector, reviewer, sample):
    import datetime as dt

    from supervision.spotchecks import services
    from tests.supervision.spotcheck_factory import ITEMS_ONE_FAIL, approve

    approve(inspector, reviewer, sample, ITEMS_ONE_FAIL, dt.date(2026, 10, 1))
    return services.objection_file(
        actor=reviewer,
        sample=sample,
        reason="对泄漏电流有异议",
        filed_on=dt.date(2026, 10, 5),
        today=dt.date(2026, 10, 5),
    )


@pytest.mark.parametrize("name", sorted(WRITE_PAGES))
def test_it_refuses_a_staff_page_write_to_a_role_that_may_not_make_it(
    name, client, request, sample, objection, open_task, media_root
):
    _allowed, refused = WRITE_PAGES[name]
    user = request.getfixturevalue(refused)
    client.force_login(user)
    before = AuditEvent.objects.count()
    response = client.post(
        reverse(f"supervision:{name}", args=_args(name, sample, objection, open_task)), {"action": "approve"}
    )
    assert response.status_code == 403
    assert AuditEvent.objects.count() == before


def test_it_gives_no_role_at_all_a_write_page(client, sample, objection, open_task):
    client.force_login(make_user("gz_norole", "440100"))
    for name in sorted(WRITE_PAGES):
        response = client.post(reverse(f"supervision:{name}", args=_args(name, sample, objection, open_task)), {})
        assert response.status_code == 403, name


def test_it_refuses_publication_writes_to_staff_who_do_not_publish(client, reviewer, inspector):
    from supervision.publication import urls as publication_urls

    assert {p.name for p in publication_urls.urlpatterns} == {"home", "status", "publish", "correct", "correct-lookup"}
    for user in (reviewer, inspector):
        client.force_login(user)
        assert client.post(reverse("publication:publish"), {"year": 2026, "quarter": 3}).status_code == 403
        assert client.post(reverse("publication:correct", args=[1]), {"reason": "更正"}).status_code == 403
        assert client.get(reverse("publication:correct-lookup"), {"result": "1"}).status_code == 403
    assert AuditEvent.objects.count() == 0
