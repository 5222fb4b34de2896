"""Reports to government (R14, 第二十五条): the figures in the PDF are those of the public statistics,
an empty period says so, the table runs across parts with page numbers right, English from the
same template, and only officials of the region generate and download."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.reports import services as report_services
from portal.reports.selectors import ReportScope
from portal.reports.services import generate_report, report_context
from supervision.documents.models import DocumentKind, IssuedDocument
from supervision.registry.models import Authority
from supervision.spotchecks.models import Verdict
from tests.conftest import make_user
from tests.pdf_tools import pdf_pages, pdf_text

pytestmark = pytest.mark.usefixtures("media_root")


@pytest.fixture
def province(db):
    return Authority.objects.select_related("region").get(region_id="440000")


@pytest.fixture
def guangzhou_bureau(db):
    return Authority.objects.select_related("region").get(region_id="440100")


@pytest.fixture
def seeded(make_result, toy_category):
    """2026 Q3: 广州 (天河) 3 kettles, 1 failing; 深圳 2 boxes, 1 refused; Q2: one pass (other quarter)."""
    make_result(verdict=Verdict.PASS, region="440106")
    make_result(verdict=Verdict.PASS, region="440106")
    make_result(verdict=Verdict.FAIL, region="440106", enterprise_name="广州市甲电器有限公司")
    make_result(verdict=Verdict.PASS, region="440305", category=toy_category)
    make_result(
        verdict=Verdict.FAIL_REFUSED, region="440305", category=toy_category, enterprise_name="深圳市乙塑料制品厂"
    )
    make_result(verdict=Verdict.PASS, region="440106", quarter=2)


def _flat(text: str) -> str:
    return "".join(text.split())


def test_it_prints_the_figures_of_the_seeded_quarter(seeded, administrator, province):
    document = generate_report(actor=administrator, authority=province, year=2026, quarter=3)
    assert document.kind == DocumentKind.QUARTERLY_REPORT and document.period == "2026Q3"
    text = _flat(pdf_text(document.file.path))
    assert "2026年第3季度本辖区共公告产品质量监督抽查5批次，其中不合格2批次，合格率60.0%" in text
    assert "广东省质量技术监督局2026年第3季度产品质量监督抽查工作报告" in text
    assert "粤质监〔2026〕1号" in text
    assert "广州市甲电器有限公司" in text and "深圳市乙塑料制品厂" in text  # the table of failures
    assert "电水壶" in text and "66.7%" in text  # kettles: 3 batches, 1 failed
    assert "广州市" in text and "深圳市" in text  # by city
    # the later issues' sections are there and say plainly there is nothing yet
    for title in ("打假案件", "举报奖励", "免检", "查封、扣押"):
        assert title in text
    assert "本平台尚未登记此类工作（第十九条），本期没有此类记录。" in text


def test_its_figures_are_those_of_the_public_statistics_page(seeded, administrator, province, client):
    page = client.get(reverse("public-stats"), {"year": 2026, "quarter": 3})
    on_screen = page.context["stats"]
    in_report = report_context(ReportScope(authority=province, year=2026, quarter=3))["stats"]
    assert (in_report.total.batches, in_report.total.failures, in_report.total.rate) == (
        on_screen.total.batches,
        on_screen.total.failures,
        on_screen.total.rate,
    )
    assert [(r.label, r.batches, r.failures) for r in in_report.by_category] == [
        (r.label, r.batches, r.failures) for r in on_screen.by_category
    ]
    assert [(r.label, r.batches, r.failures) for r in in_report.by_city] == [
        (r.label, r.batches, r.failures) for r in on_screen.by_city
    ]


def test_a_city_report_counts_its_own_region_by_county(seeded, official, guangzhou_bureau):
    context = report_context(ReportScope(authority=guangzhou_bureau, year=2026, quarter=3))
    assert (context["stats"].total.batches, context["stats"].total.failures) == (3, 1)
    assert [(r.label, r.batches) for r in context["stats"].by_city] == [("天河区", 3)]
    assert context["recipients"] == ["广州市人民政府", "广东省质量技术监督局"]


def test_a_period_with_no_data_gives_a_valid_report_that_says_so(administrator, province):
    document = generate_report(actor=administrator, authority=province, year=2025, quarter=1)
    text = _flat(pdf_text(document.file.path))
    assert "2025年第1季度本辖区没有已公告的监督抽查结果" in text
    assert "本期没有公告不合格产品。" in text
    assert document.pages >= 1


def test_the_table_of_failures_runs_across_parts_with_its_header_and_page_numbers(
    make_result, administrator, province, monkeypatch
):
    monkeypatch.setattr(report_services, "ROWS_PER_PART", 40)
    for n in range(100):
        make_result(verdict=Verdict.FAIL, region="440106", enterprise_name=f"广州市第{n:03d}号电器厂")
    document = generate_report(actor=administrator, authority=province, year=2026, quarter=3)
    pages = pdf_pages(document.file.path)
    assert len(pages) == document.pages >= 4
    for n, text in enumerate(pages, start=1):
        assert f"第{n}页共{len(pages)}页" in _flat(text)
    table_pages = [p for p in pages if "电器厂" in p]
    assert len(table_pages) >= 3
    assert all("不合格项目" in p and "受检单位" in p for p in table_pages)  # the header on every page
    text = _flat("".join(pages))
    assert all(f"广州市第{n:03d}号电器厂" in text for n in range(100))


def test_the_english_report_comes_from_the_same_template(seeded, administrator, province):
    document = generate_report(actor=administrator, authority=province, year=2026, quarter=None, language="en")
    assert document.kind == DocumentKind.YEARLY_REPORT and document.language == "en"
    text = " ".join(pdf_text(document.file.path).split())
    assert "Overall" in text and "Page 1 of" in text


def test_only_officials_of_the_region_generate_reports(seeded, inspector, official, province, guangzhou_bureau):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        generate_report(actor=inspector, authority=guangzhou_bureau, year=2026, quarter=3)
    with pytest.raises(PermissionDenied):  # a city's official does not report for the province
        generate_report(actor=official, authority=province, year=2026, quarter=3)
    assert not IssuedDocument.objects.exists()


# ---------------------------------------------------------------- staff pages


def test_the_page_queues_a_report_and_answers_its_progress(seeded, client, official, guangzhou_bureau, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from portal.celery import app

    app.conf.task_always_eager = True
    try:
        client.force_login(official)
        page = client.get(reverse("reports:home"))
        assert page.status_code == 200 and "广州市质量技术监督局" in page.content.decode()
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            answer = client.post(
                reverse("reports:generate"),
                {
                    "authority": guangzhou_bureau.pk,
                    "period": "quarterly",
                    "year": 2026,
                    "quarter": 3,
                    "language": "zh-hans",
                },
            )
        assert answer.status_code == 302
        task_id = answer.url.split("task=")[1]
        status = client.get(reverse("reports:status", args=[task_id])).json()
        assert status["state"] == "done" and status["number"] == "穗质监〔2026〕1号"
        download = client.get(status["url"])
        assert download.status_code == 200 and b"".join(download.streaming_content)[:5] == b"%PDF-"
        listing = client.get(reverse("reports:home")).content.decode()
        assert "穗质监〔2026〕1号" in listing and "刘局" in listing
    finally:
        app.conf.task_always_eager = False


def test_a_document_of_another_region_is_not_found(seeded, client, administrator, guangzhou_bureau):
    document = generate_report(actor=administrator, authority=guangzhou_bureau, year=2026, quarter=3)
    shenzhen_official = make_user("sz_official", "440300", "official")
    client.force_login(shenzhen_official)
    assert client.get(reverse("reports:download", args=[document.pk])).status_code == 404
    inspector = make_user("gz_inspector9", "440100", "inspector")
    client.force_login(inspector)
    assert client.get(reverse("reports:download", args=[document.pk])).status_code == 403
