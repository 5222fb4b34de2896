"""The public exemption catalogue and the exemption mark, in real Chromium at desktop and phone size."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from exemptions import services as exemptions
from exemptions.models import RevocationGround
from supervision.models import PlanLevel
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media_root")]


@pytest.fixture
def designated(checked, apply, provincial_official, settings):
    settings.EXEMPTIONS_ENABLED = True
    for day in (dt.date(2024, 6, 10), dt.date(2025, 1, 10), dt.date(2025, 8, 10)):
        checked(PlanLevel.PROVINCIAL, day)
    return exemptions.exemption_designate(actor=provincial_official, application=apply(), today=timezone.localdate())


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_it_lets_a_citizen_find_an_exempt_product_and_see_its_mark(live_server, designated, kettle, viewport, request):
    page = request.getfixturevalue(viewport)
    page.goto(f"{live_server.url}/exemptions/")
    assert page.get_by_role("heading", name="免检产品目录").is_visible()
    page.fill("#id_q", "电水壶")
    page.select_option("#id_status", "valid")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/exemptions/?*")
    row = page.get_by_role("row", name=designated.certificate_no)
    assert row.is_visible() and "有效" in row.inner_text()
    assert axe_violations(page) == []
    page.get_by_role("link", name=kettle.enterprise.name).first.click()
    mark = page.locator(".mark-exempt").first
    assert mark.is_visible() and mark.inner_text() == "免检"
    assert axe_violations(page) == []


def test_it_shows_a_revoked_exemption_without_the_mark(live_server, page, designated, kettle):
    exemptions.exemption_revoke(
        exemption=designated, ground=RevocationGround.COMPLAINT, reason="投诉属实", actor_label="system:test"
    )
    page.goto(f"{live_server.url}/exemptions/?status=revoked")
    assert "投诉属实" in page.get_by_role("row", name=designated.certificate_no).inner_text()
    page.goto(f"{live_server.url}/enterprises/{kettle.enterprise.uscc}/")
    assert page.locator(".mark-exempt").count() == 0
