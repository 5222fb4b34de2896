"""Public verification of issued documents (no login): the short URL printed under each QR code,
an upload that says whether a PDF is a genuine, unaltered issue, and the announcements' PDFs."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.public.views import _announcement
from portal.ratelimit import public_endpoint
from supervision.documents.models import IssuedDocument
from supervision.documents.selectors import (
    PDF_MAGIC,
    document_by_code,
    documents_with_hash,
    latest_public_document,
    sha256_of,
)

PDF_TYPES = ("application/pdf", "application/x-pdf", "application/octet-stream", "")


class VerifyForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("PDF 文件"), allow_empty_file=False)

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        limit = settings.DOCUMENT_UPLOAD_MAX_BYTES
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                _("文件超过 %(mb)s MB，不是本平台印发的文件。") % {"mb": limit // (1024 * 1024)}
            )
        name = (upload.name or "").lower()
        head = upload.read(len(PDF_MAGIC))
        upload.seek(0)
        if not name.endswith(".pdf") or head != PDF_MAGIC or (upload.content_type or "") not in PDF_TYPES:
            raise forms.ValidationError(_("只能核验 PDF 文件。"))
        return upload


def _claimed_number(data: bytes) -> str:
    """The document number a PDF claims in its metadata (our PDFs carry it as the subject)."""
    try:
        from pypdf import PdfReader

        metadata = PdfReader(io.BytesIO(data)).metadata
        return str(metadata.get("/Subject", "")) if metadata else ""
    except Exception:  # an altered or broken file: it simply claims nothing
        return ""


def _download(document: IssuedDocument) -> FileResponse:
    response = FileResponse(document.file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.code}.pdf"'
    response["Content-Length"] = str(document.size)
    return response


@public_endpoint("page")
def document_detail(request: HttpRequest, code: str) -> HttpResponse:
    """What a document is, who issued it and when, and its SHA-256: the QR code's address."""
    document = document_by_code(code)
    if document is None:
        raise Http404(_("未找到该文件：验证码有误，或该文件并非本平台印发。"))
    newer = (
        IssuedDocument.objects.filter(
            kind=document.kind,
            authority=document.authority,
            subject_key=document.subject_key,
            language=document.language,
            version__gt=document.version,
        )
        .order_by("-version")
        .first()
    )
    return render(request, "public/document.html", {"document": document, "newer": newer})


@public_endpoint("download")
def document_download(request: HttpRequest, code: str) -> FileResponse:
    document = document_by_code(code)
    if document is None or not document.is_public:
        raise Http404(_("该文件不公开下载。"))
    return _download(document)


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@public_endpoint("verify")
def verify(request: HttpRequest) -> HttpResponse:
    """Upload a PDF: genuine and unaltered when its SHA-256 is that of an issued document."""
    if request.method == "POST" and _declared_length(request) > settings.DOCUMENT_UPLOAD_MAX_BYTES + 64 * 1024:
        # refused before a byte of the body is read
        limit = settings.DOCUMENT_UPLOAD_MAX_BYTES // (1024 * 1024)
        message = _("文件超过 %(mb)s MB，不是本平台印发的文件。") % {"mb": limit}
        return render(request, "public/verify.html", {"form": VerifyForm(), "too_large": message}, status=413)
    form = VerifyForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload: UploadedFile[bytes] = form.cleaned_data["file"]
            data = upload.read()
            digest = sha256_of([data])
            context["sha256"] = digest
            context["matches"] = documents_with_hash(digest)
            if not context["matches"]:
                status = 422
                claimed = _claimed_number(data)
                if claimed and IssuedDocument.objects.filter(number=claimed).exists():
                    context["claimed"] = claimed
        else:
            status = 400
    return render(request, "public/verify.html", context, status=status)


@public_endpoint("download")
def announcement_pdf(request: HttpRequest, key: str) -> FileResponse:
    announcement = _announcement(key)
    document = latest_public_document(announcement)
    if document is None:
        raise Http404(_("该公告的 PDF 文本尚未生成。"))
    response = _download(document)
    response["Content-Disposition"] = f'attachment; filename="announcement-{announcement.number}.pdf"'
    return response
