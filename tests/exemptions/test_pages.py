"""Exemptions on the pages: eligibility explained to staff, the application with its evidence, the
designation and the revocation; the public catalogue, its exports and feed, and the mark."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exemptions import services as exemptions
from exemptions.models import Exemption, RevocationGround
from supervision.models import PlanLevel

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]
D = dt.date
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def three_passes(checked):
    for day in (D(2024, 6, 10), D(2025, 1, 10), D(2025, 8, 10)):
        checked(PlanLevel.PROVINCIAL, day)


def test_it_explains_each_condition_to_staff(client, reviewer, kettle, three_passes):
    client.force_login(reviewer)
    html = client.get(reverse("exemptions:eligibility", args=[kettle.pk])).content.decode()
    assert "连续三次以上国家或省级抽查合格" in html and "最近连续3次国家或省级监督抽查合格" in html
    assert "尚无免检申请，未申报市场占有率。" in html and "尚不符合免检条件" in html


def test_it_records_an_application_with_evidence_and_keeps_the_form_on_a_bad_file(client, provincial_official, kettle):
    client.force_login(provincial_official)
    url = reverse("exemptions:apply", args=[kettle.pk])
    data = {
        "applied_on": "2026-11-20",
        "market_share": "15",
        "enterprise_standard": "Q/TH 001-2025",
        "standard_comparison": "严于国标",
        "evidence_description": "企业标准文本",
    }
    response = client.post(url, {**data, "evidence": SimpleUploadedFile("a.txt", b"hello")})
    assert response.status_code == 200 and "只接受PDF、JPEG或PNG" in response.content.decode()
    assert 'value="Q/TH 001-2025"' in response.content.decode()  # what was typed is kept
    response = client.post(url, {**data, "evidence": SimpleUploadedFile("s.png", PNG, content_type="image/png")})
    assert response.status_code == 302


def test_it_designates_from_the_page_and_links_the_certificate(client, provincial_official, apply, three_passes):
    application = apply()
    client.force_login(provincial_official)
    url = reverse("exemptions:application", args=[application.pk])
    response = client.post(url, {"valid_from": str(dt.date.today() + dt.timedelta(days=1))})
    assert response.status_code == 302
    exemption = Exemption.objects.get()
    html = client.get(url).content.decode()
    assert exemption.certificate_no in html and reverse("public-document", args=[exemption.certificate.code]) in html


def test_it_publishes_the_catalogue_with_exports_feed_and_the_mark(
    client, provincial_official, apply, three_passes, kettle
):
    from django.utils import timezone

    exemption = exemptions.exemption_designate(
        actor=provincial_official, application=apply(), today=timezone.localdate()
    )
    html = client.get(reverse("public-exemptions")).content.decode()
    assert exemption.certificate_no in html and kettle.enterprise.name in html
    assert (
        exemption.certificate_no
        in client.get(reverse("public-exemptions"), {"q": "电水壶", "status": "valid"}).content.decode()
    )
    assert (
        exemption.certificate_no not in client.get(reverse("public-exemptions"), {"status": "revoked"}).content.decode()
    )
    csv = client.get(reverse("public-exemptions-csv")).content.decode("utf-8-sig")
    assert "证书编号" in csv.splitlines()[0] and exemption.certificate_no in csv
    data = client.get(reverse("public-exemptions-json")).json()
    assert data["scheme_enabled"] is True and data["results"][0]["status"] == "valid"
    feed = client.get(reverse("public-exemptions-feed")).content.decode()
    assert "确定为免检产品" in feed and exemption.certificate_no in feed
    page = client.get(reverse("public-enterprise", args=[kettle.enterprise.uscc])).content.decode()
    assert 'class="badge mark-exempt"' in page and exemption.certificate_no in page
    exemptions.exemption_revoke(
        exemption=exemption, ground=RevocationGround.COMPLAINT, reason="投诉属实", actor_label="system:test"
    )
    page = client.get(reverse("public-enterprise", args=[kettle.enterprise.uscc])).content.decode()
    assert 'class="badge mark-exempt"' not in page  # no mark once revoked
    assert "取消免检资格" in client.get(reverse("public-exemptions-feed")).content.decode()


def test_it_says_the_scheme_is_closed_and_lists_the_history_when_switched_off(
    client, provincial_official, apply, three_passes, settings
):
    from django.utils import timezone

    exemption = exemptions.exemption_designate(
        actor=provincial_official, application=apply(), today=timezone.localdate()
    )
    settings.EXEMPTIONS_ENABLED = False
    html = client.get(reverse("public-exemptions")).content.decode()
    assert "免检制度已停止实施" in html and exemption.certificate_no in html
    assert client.get(reverse("public-exemptions-json")).json()["scheme_enabled"] is False


def test_it_answers_eligibility_and_designation_in_the_staff_api(
    client, provincial_official, reviewer, apply, three_passes, kettle
):
    application = apply()
    client.force_login(reviewer)
    data = client.get(f"/api/exemptions/eligibility/{kettle.pk}/").json()
    assert data["eligible"] is True and [c["key"] for c in data["conditions"]] == [
        "passes",
        "stability",
        "market_share",
        "standard",
    ]
    assert client.post(f"/api/exemptions/applications/{application.pk}/designate/", {}).status_code == 403
    client.force_login(provincial_official)
    response = client.post(
        f"/api/exemptions/applications/{application.pk}/designate/", {}, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["status"] == "valid"
