"""The document base: numbers per authority and year without gaps, versions kept, a failed render
gives its number back, page numbers across parts, the CJK font embedded and subsetted."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from portal.models import AuditAction, AuditEvent
from supervision.documents.models import DocumentCounter, DocumentKind, IssuedDocument
from supervision.documents.services import issue_document
from supervision.registry.models import Authority
from tests.pdf_tools import pdf_fonts, pdf_pages

PAGE = (
    """{% extends "pdf/base.html" %}{% block body %}{% include "pdf/_masthead.html" %}<p>正文 PART</p>{% endblock %}"""
)


def _parts(doc, n=1, paragraphs=5):
    from django.template import Context, Template

    html = []
    for i in range(n):
        body = "".join(f"<p>第{i + 1}部分第{k}段：质量技术监督。</p>" for k in range(paragraphs))
        html.append(Template(PAGE.replace("<p>正文 PART</p>", body)).render(Context({"doc": doc})))
    return html


def _issue(official, authority, *, period="2026Q3", build=None, **kw):
    return issue_document(
        actor=official,
        kind=DocumentKind.QUARTERLY_REPORT,
        authority=authority,
        title="测试报告",
        period=period,
        build=build or (lambda doc: _parts(doc)),
        **kw,
    )


@pytest.fixture
def guangzhou_bureau(db):
    return Authority.objects.select_related("region").get(region_id="440100")


def test_it_numbers_an_authoritys_documents_in_order_and_keeps_every_version(media_root, official, guangzhou_bureau):
    first = _issue(official, guangzhou_bureau)
    second = _issue(official, guangzhou_bureau)
    other = _issue(official, guangzhou_bureau, period="2026Q2")
    assert [first.number, second.number, other.number] == [
        "穗质监〔2026〕1号",
        "穗质监〔2026〕2号",
        "穗质监〔2026〕3号",
    ]
    assert (first.version, second.version, other.version) == (1, 2, 1)
    # the old version is kept as issued, file and all
    first.refresh_from_db()
    assert first.file.read()[:5] == b"%PDF-"
    assert len({first.sha256, second.sha256}) == 2
    events = AuditEvent.objects.filter(action=AuditAction.REPORT_ISSUED).order_by("id")
    assert [e.after["number"] for e in events] == [first.number, second.number, other.number]
    assert {e.clause for e in events} == {"第二十五条"}
    assert {e.region_code for e in events} == {"440100"}


def test_it_gives_the_number_back_when_the_render_fails(media_root, official, guangzhou_bureau):
    _issue(official, guangzhou_bureau)

    def broken(doc):
        raise RuntimeError("template error")

    with pytest.raises(RuntimeError):
        _issue(official, guangzhou_bureau, build=broken)
    assert IssuedDocument.objects.count() == 1  # the previous version intact, nothing half-issued
    assert DocumentCounter.objects.get(authority=guangzhou_bureau).last == 1
    assert _issue(official, guangzhou_bureau).number == "穗质监〔2026〕2号"  # not skipped


def test_it_numbers_pages_across_parts_and_embeds_a_subset_of_the_cjk_font(media_root, official, guangzhou_bureau):
    document = _issue(official, guangzhou_bureau, build=lambda doc: _parts(doc, n=3, paragraphs=60), processes=2)
    pages = pdf_pages(document.file.path)
    assert len(pages) == document.pages > 3
    for n, text in enumerate(pages, start=1):
        flat = "".join(text.split())  # pdftotext does not keep the narrow spaces of the stamp
        assert f"第{n}页共{document.pages}页" in flat, text[-200:]
        assert f"/d/{document.code}/" in flat  # the verification address on every page
    fonts = pdf_fonts(document.file.path)
    assert fonts and all(f["emb"] == "yes" and f["sub"] == "yes" for f in fonts)
    assert any("Noto-Sans-CJK-SC" in f["name"] for f in fonts)
    assert not any("DejaVu" in f["name"] for f in fonts)
    assert "穗质监〔2026〕1号" in pages[0]


@pytest.mark.django_db(transaction=True)
def test_it_keeps_numbers_gapless_when_two_officials_issue_at_the_same_instant(media_root, official, administrator):
    authority = Authority.objects.select_related("region").get(region_id="440100")
    barrier = threading.Barrier(2)
    numbers, errors = [], []

    def generate(actor):
        try:
            barrier.wait()
            numbers.append(_issue(actor, authority).serial)
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=generate, args=(a,)) for a in (official, administrator)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(numbers) == [1, 2]
    assert sorted(IssuedDocument.objects.values_list("version", flat=True)) == [1, 2]
    assert DocumentCounter.objects.get(authority=authority).last == 2
