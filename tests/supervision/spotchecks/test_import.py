"""Bulk import of a lab's results: every row checked, all committed or none."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from portal.models import AuditAction, AuditEvent
from supervision.models import ImportStatus, ItemResult, ReportStatus, Verdict
from supervision.spotchecks import imports, services
from tests.supervision.spotcheck_factory import ITEMS_PASS, make_plan, make_task, record_sample

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def samples(reviewer, inspector, inspector2, kettle_category, lab, enterprise, tianhe):
    """Three samples of three products of the enterprise, sampled 2026-09-10."""
    from supervision.models import Product

    team = [inspector, inspector2]
    out = []
    for n in range(3):
        product = Product.objects.create(enterprise=enterprise, category=kettle_category, name=f"电水壶{n}")
        task = make_task(
            reviewer, make_plan(reviewer, kettle_category), enterprise, kettle_category, lab, team, product=product
        )
        out.append(record_sample(inspector, task, team, dt.date(2026, 9, 10)))
    return out


def csv_file(rows: list[list], header: list[str] | None = None, name: str = "results.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header or imports.HEADERS)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8-sig"), content_type="text/csv")


def good_rows(samples) -> list[list]:
    rows = []
    for i, s in enumerate(samples):
        for seq, item in enumerate(ITEMS_PASS, start=1):
            verdict = {"pass": "合格", "na": "不适用"}[item["verdict"]]
            if i == 1 and seq == 2:
                verdict = "不合格"
            rows.append(
                [
                    s.code,
                    f"WT-{i}",
                    "2026-09-20",
                    seq,
                    item["name"],
                    item["clause"],
                    item["requirement"],
                    item["measured"],
                    item["unit"],
                    verdict,
                ]
            )
    return rows


def test_it_offers_csv_and_xlsx_templates_with_chinese_headers():
    text = imports.import_template_csv().decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(imports.HEADERS)
    wb = load_workbook(io.BytesIO(imports.import_template_xlsx()), read_only=True)
    header = next(wb.worksheets[0].iter_rows(values_only=True))
    assert list(header) == imports.HEADERS


def test_it_commits_a_good_file_and_derives_each_verdict(inspector, samples):
    batch = imports.import_results_start(actor=inspector, uploaded_file=csv_file(good_rows(samples)))
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert (batch.total_rows, batch.processed_rows) == (9, 9)
    assert ItemResult.objects.count() == 9
    verdicts = [s.report.__class__.objects.get(pk=s.report.pk).verdict for s in samples]
    assert verdicts == [Verdict.PASS, Verdict.FAIL, Verdict.PASS]
    report = samples[1].report.__class__.objects.get(pk=samples[1].report.pk)
    assert report.report_no == "WT-1" and report.tested_on == dt.date(2026, 9, 20)
    assert AuditEvent.objects.filter(action=AuditAction.RESULTS_IMPORTED).count() == 4  # 3 reports + the batch
    # every row filed under its region and citing its clause: the city's staff read their own trail
    rows = AuditEvent.objects.filter(action=AuditAction.RESULTS_IMPORTED)
    per_report = rows.exclude(target_type__model="importbatch")
    assert {(r.region_code, r.clause) for r in per_report} == {(samples[0].region_id, "第十四条")}
    assert rows.get(target_type__model="importbatch").region_code == inspector.region_id


def test_it_reports_every_bad_row_with_line_and_column_and_commits_nothing(inspector, reviewer, samples):
    services.report_save_items(actor=inspector, report=samples[2].report, items=ITEMS_PASS)
    services.report_submit(actor=inspector, report=samples[2].report)
    rows = good_rows(samples)
    rows[0][9] = "基本合格"  # line 2: bad verdict
    rows[1][0] = "GD-NO-SUCH"  # line 3: unknown sample
    rows[4][3] = "1"  # line 6: duplicate seq of line 5 (sample 2, seq 1)
    rows[5][7] = ""  # line 7: measured missing
    rows[6][2] = "2026-13-01"  # line 8: bad date (sample 3 is also submitted)
    batch = imports.import_results_start(actor=inspector, uploaded_file=csv_file(rows))
    assert batch.status == ImportStatus.FAILED
    found = {(e["line"], e["column"]) for e in batch.errors}
    assert {(2, "单项判定"), (3, "样品编号"), (6, "序号"), (7, "实测值"), (8, "检验完成日期")} <= found
    assert {(8, "样品编号"), (9, "样品编号"), (10, "样品编号")} <= found  # submitted report: not editable
    assert all(e["message"] for e in batch.errors)
    assert ItemResult.objects.filter(report__status=ReportStatus.DRAFT).count() == 0
    assert imports.error_count(batch) == len(batch.errors)


def test_it_refuses_samples_outside_the_uploaders_region(outsider, samples):
    batch = imports.import_results_start(actor=outsider, uploaded_file=csv_file(good_rows(samples)[:1]))
    assert batch.status == ImportStatus.FAILED
    assert "行政区划" in batch.errors[0]["message"]
    assert ItemResult.objects.count() == 0


def test_it_names_missing_header_columns(inspector, samples):
    batch = imports.import_results_start(
        actor=inspector, uploaded_file=csv_file(good_rows(samples), header=imports.HEADERS[:-1])
    )
    assert batch.status == ImportStatus.FAILED and "单项判定" in batch.errors[0]["message"]


def test_it_caps_the_error_list_and_keeps_the_count(client, inspector, samples, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ERRORS", 3)
    rows = [["GD-X", "", "2026-09-20", n, "项目", "", "", "1", "", "合格"] for n in range(1, 8)]
    batch = imports.import_results_start(actor=inspector, uploaded_file=csv_file(rows))
    assert len(batch.errors) == 4 and imports.error_count(batch) == 7
    assert "共有7处错误" in batch.errors[-1]["message"]
    client.force_login(inspector)
    assert client.get(reverse("supervision:import-progress", args=[batch.pk])).json()["error_count"] == 7


def test_it_imports_an_xlsx_file(inspector, samples):
    wb = Workbook()
    ws = wb.active
    ws.append(imports.HEADERS)
    for row in good_rows(samples):
        row[2] = dt.datetime(2026, 9, 20)  # a real date cell, as Excel stores it
        ws.append(row)
    data = io.BytesIO()
    wb.save(data)
    upload = SimpleUploadedFile("results.xlsx", data.getvalue(), content_type=imports.XLSX_TYPE)
    batch = imports.import_results_start(actor=inspector, uploaded_file=upload)
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert ItemResult.objects.count() == 9


def test_it_refuses_other_file_kinds_and_other_roles(inspector, reviewer):
    with pytest.raises(ValidationError) as exc:
        imports.import_results_start(actor=inspector, uploaded_file=SimpleUploadedFile("x.pdf", b"%PDF-1.4"))
    assert "file" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        imports.import_results_start(actor=reviewer, uploaded_file=SimpleUploadedFile("x.csv", b"a,b"))


def test_it_runs_a_batch_only_once(inspector, samples):
    batch = imports.import_results_start(actor=inspector, uploaded_file=csv_file(good_rows(samples)))
    assert imports.import_results_run(batch.pk) == ImportStatus.COMMITTED
    assert ItemResult.objects.count() == 9


def test_it_uploads_through_the_api_and_polls_the_batch(inspector, samples):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(inspector)
    r = api.post("/api/spotcheck/imports/", {"file": csv_file(good_rows(samples))}, format="multipart")
    assert r.status_code == 201, r.content
    assert r.json()["status"] == ImportStatus.COMMITTED
    polled = api.get(f"/api/spotcheck/imports/{r.json()['id']}/").json()
    assert polled["processed_rows"] == polled["total_rows"] == 9
    r = api.get("/api/spotcheck/imports/template-csv/")
    assert r.status_code == 200 and r.content.decode("utf-8-sig").startswith("样品编号")


def test_it_keeps_spreadsheet_line_numbers_across_blank_rows_in_xlsx(inspector, samples):
    wb = Workbook()
    ws = wb.active
    ws.append(imports.HEADERS)
    rows = good_rows(samples)
    ws.append(rows[0])
    ws.append([])  # line 3 left blank: Excel does not store it at all
    ws.append([*rows[1][:9], "差"])  # line 4: bad verdict
    data = io.BytesIO()
    wb.save(data)
    batch = imports.import_results_start(actor=inspector, uploaded_file=SimpleUploadedFile("r.xlsx", data.getvalue()))
    assert batch.status == ImportStatus.FAILED
    assert [(e["line"], e["column"]) for e in batch.errors] == [(4, "单项判定")]


def test_it_refuses_a_workbook_part_with_a_dtd(inspector, samples):
    import zipfile

    wb = Workbook()
    wb.active.append(imports.HEADERS)
    data = io.BytesIO()
    wb.save(data)
    evil = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data.getvalue())) as src, zipfile.ZipFile(evil, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                dtd = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaa">]>'
                body = body.replace(b"?>", b"?>" + dtd, 1) if body.startswith(b"<?xml") else dtd + body
            dst.writestr(item, body)
    batch = imports.import_results_start(actor=inspector, uploaded_file=SimpleUploadedFile("e.xlsx", evil.getvalue()))
    assert batch.status == ImportStatus.FAILED and "无法读取文件" in batch.errors[0]["message"]


def test_it_reclaims_a_batch_whose_worker_died_but_not_a_running_one(inspector, samples):
    from django.utils import timezone

    from supervision.models import ImportBatch

    batch = imports.import_results_start(actor=inspector, uploaded_file=csv_file(good_rows(samples)), inline=False)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING)
    assert imports.import_results_run(batch.pk) == ImportStatus.RUNNING  # someone is on it
    assert ItemResult.objects.count() == 0
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    assert imports.import_results_run(batch.pk) == ImportStatus.COMMITTED
    assert ItemResult.objects.count() == 9
