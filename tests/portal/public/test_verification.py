"""Public verification (no login): the QR code's short URL, the upload that accepts the issued file
and refuses one with a changed byte, size and type checks, the announcement PDF beside CSV/XLSX/JSON."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from supervision.documents.models import DocumentKind
from supervision.publication.documents import issue_announcement_document
from supervision.registry.models import Authority
from supervision.spotchecks.models import Verdict

pytestmark = pytest.mark.usefixtures("media_root")


@pytest.fixture
def report(db, administrator, make_result):
    from portal.reports.services import generate_report

    make_result(verdict=Verdict.FAIL, region="440106")
    province = Authority.objects.select_related("region").get(region_id="440000")
    return generate_report(actor=administrator, authority=province, year=2026, quarter=3)


def _upload(data: bytes, name: str = "report.pdf", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_the_short_url_says_what_the_document_is_who_issued_it_when_and_its_hash(client, report):
    page = client.get(f"/d/{report.code}/")
    body = page.content.decode()
    assert page.status_code == 200
    for fact in (report.number, report.title, "广东省质量技术监督局", report.sha256, report.issued_on.isoformat()):
        assert fact in body
    assert "不公开下载" in body  # a report to government: its facts, not its file
    assert client.get(f"/d/{report.code}/pdf").status_code == 404
    assert client.get("/d/NOSUCHCODE/").status_code == 404


def test_it_accepts_the_issued_file(client, report):
    answer = client.post(reverse("public-verify"), {"file": _upload(report.file.read())})
    body = answer.content.decode()
    assert answer.status_code == 200
    assert 'data-result="genuine"' in body and report.number in body


def test_it_refuses_a_file_with_one_changed_byte(client, report):
    data = bytearray(report.file.read())
    at = len(data) // 2
    data[at] = (data[at] + 1) % 256
    answer = client.post(reverse("public-verify"), {"file": _upload(bytes(data))})
    body = answer.content.decode()
    assert answer.status_code == 422
    assert 'data-result="refused"' in body and "核验未通过" in body
    assert "文件已被修改" in body  # it still claims its number: said plainly


def test_it_checks_the_type_and_size_of_an_upload(client, settings):
    not_pdf = client.post(
        reverse("public-verify"), {"file": _upload(b"hello", name="a.txt", content_type="text/plain")}
    )
    assert not_pdf.status_code == 400 and "只能核验 PDF 文件" in not_pdf.content.decode()
    disguised = client.post(reverse("public-verify"), {"file": _upload(b"MZ\x90\x00", name="a.pdf")})
    assert disguised.status_code == 400
    settings.DOCUMENT_UPLOAD_MAX_BYTES = 1024
    big = client.post(reverse("public-verify"), {"file": _upload(b"%PDF-" + b"0" * 300_000)})
    assert big.status_code == 413


def test_it_is_rate_limited_like_the_other_public_endpoints(client, settings):
    settings.PUBLIC_RATE_LIMIT = "2/minute"
    codes = [client.get(reverse("public-verify")).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_an_announcement_has_its_pdf_next_to_csv_xlsx_and_json(client, make_result):
    row = make_result(verdict=Verdict.FAIL, region="440106", enterprise_name="广州市丙电器有限公司")
    announcement = row.announcement
    document = issue_announcement_document(actor=None, actor_label="system:test", announcement=announcement)
    assert document.kind == DocumentKind.ANNOUNCEMENT and document.number.startswith("穗质监〔")
    listing = client.get(reverse("public-announcements")).content.decode()
    detail = client.get(reverse("public-announcement", args=[announcement.number])).content.decode()
    pdf_url = reverse("public-announcement-pdf", args=[announcement.number])
    assert pdf_url in listing and pdf_url in detail
    download = client.get(pdf_url)
    data = b"".join(download.streaming_content)
    assert download.status_code == 200 and data[:5] == b"%PDF-"
    verified = client.post(reverse("public-verify"), {"file": _upload(data)})
    assert 'data-result="genuine"' in verified.content.decode()
    assert client.get(f"/d/{document.code}/pdf").status_code == 200  # public kind: downloadable
