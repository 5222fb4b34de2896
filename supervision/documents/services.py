"""Issuing a document (every PDF the portal issues goes through `issue_document`).

# 国发〔1999〕24号 第二十五条 (reports to the people's government and the superior bureau) and
# 第十四条、第二十一条 (announcements): an issued document has a number (文号) of its authority and
# year, taken without gaps, and is kept as issued; issuing the same subject again is a new version.

Decisions:
- The number is taken under a row lock on the authority's counter for the year, held until the
  document is stored and audited. Two officials issuing at once get consecutive numbers; a render
  that fails rolls back and gives its number back, so no number is skipped or used twice. The lock
  is per authority: other bureaus issue in parallel.
- The PDF carries its number, so it is rendered inside that transaction (a report of 2,000 rows
  keeps the lock for about twenty seconds); what does not need the number (reading the figures)
  is done by the caller before.
- The verification code is random (not derived from the number), so a document's URL tells
  nothing a reader could count.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.models import User
from supervision.documents.models import KIND_ACTIONS, DocumentCounter, IssuedDocument
from supervision.documents.rendering import RenderedPdf, qr_data_uri, render_document
from supervision.registry.models import Authority

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed from paper
CODE_LENGTH = 10


@dataclass(frozen=True)
class IssueContext:
    """What a document's template needs that only issuing knows: its number, code and version."""

    authority: Authority
    number: str
    code: str
    verify_url: str
    qr: str  # data URI of the QR code of verify_url
    issued_on: dt.date
    version: int
    language: str
    title: str

    def as_template_context(self) -> dict[str, Any]:
        return {"doc": self}


# Builds the HTML parts of the document (front matter, then table chunks) for an IssueContext.
Builder = Callable[[IssueContext], Sequence[str]]
Progress = Callable[[str, int], None]


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def verify_url(code: str) -> str:
    return str(settings.PUBLIC_BASE_URL) + reverse("public-document", args=[code])


def document_number(authority: Authority, year: int, serial: int) -> str:
    stem = authority.document_code or authority.name
    return f"{stem}〔{year}〕{serial}号"


def page_label(page: int, pages: int) -> str:
    return _("第 %(page)s 页 共 %(pages)s 页") % {"page": page, "pages": pages}


def subject_key(subject: models.Model | None, period: str) -> str:
    if subject is not None:
        return f"{subject._meta.label_lower}:{subject.pk}"
    return f"period:{period}"


def _take_number(authority: Authority, year: int) -> DocumentCounter:
    # Make sure the counter row exists (ON CONFLICT DO NOTHING: a concurrent first issue waits on
    # the unique index, then does nothing), then lock it: the second of two issues waits here.
    DocumentCounter.objects.bulk_create([DocumentCounter(authority=authority, year=year)], ignore_conflicts=True)
    return DocumentCounter.objects.select_for_update().get(authority=authority, year=year)


def _file_stem(number: str, version: int) -> str:
    return re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]+", "-", number).strip("-") + f"-v{version}"


# Not durable: an act may issue its letter or certificate inside its own transaction, so the two
# commit together (or neither does, and the number is given back).
@transaction.atomic
def issue_document(
    *,
    actor: User | None,
    actor_label: str = "",
    kind: str,
    authority: Authority,
    title: str,
    build: Builder,
    subject: models.Model | None = None,
    period: str = "",
    language: str | None = None,
    issued_on: dt.date | None = None,
    processes: int | None = None,
    on_progress: Progress | None = None,
) -> IssuedDocument:
    """Number, render, hash, store and audit one document; a new version of its subject.

    # 国发〔1999〕24号 第二十五条 (reports); 第十四条、第二十一条 (announcements)
    """
    if actor is None and not actor_label:
        raise ValidationError(_("印发文书须有操作人。"))
    if subject is None and not period:
        raise ValidationError(_("文书须注明所涉记录或期间。"))
    language = language or settings.LANGUAGE_CODE
    issued_on = issued_on or timezone.localdate()
    key = subject_key(subject, period)
    progress = on_progress or (lambda _stage, _percent: None)

    counter = _take_number(authority, issued_on.year)
    serial = counter.last + 1
    version = (
        IssuedDocument.objects.filter(kind=kind, authority=authority, subject_key=key, language=language).aggregate(
            v=Max("version")
        )["v"]
        or 0
    ) + 1
    code = new_code()
    url = verify_url(code)
    context = IssueContext(
        authority=authority,
        number=document_number(authority, issued_on.year, serial),
        code=code,
        verify_url=url,
        qr=qr_data_uri(url),
        issued_on=issued_on,
        version=version,
        language=language,
        title=title,
    )
    with translation.override(language):
        progress("building", 10)
        parts = list(build(context))
        progress("rendering", 20)
        rendered: RenderedPdf = render_document(
            parts,
            page_label=page_label,
            label_characters=page_label(0, 0),
            processes=processes or settings.DOCUMENT_RENDER_PROCESSES,
            metadata={"/Title": title, "/Author": authority.name, "/Subject": context.number},
            on_part=lambda done, total: progress("rendering", 20 + 70 * done // total),
        )
    progress("storing", 92)
    digest = hashlib.sha256(rendered.data).hexdigest()
    stem = f"documents/{issued_on.year}/{_file_stem(context.number, version)}-{code}"
    stored: list[str] = []
    try:
        stored.append(default_storage.save(f"{stem}.pdf", ContentFile(rendered.data)))
        source = gzip.compress("\n".join(parts).encode("utf-8"), mtime=0)
        stored.append(default_storage.save(f"{stem}.html.gz", ContentFile(source)))
        counter.last = serial
        counter.save(update_fields=["last"])
        document = IssuedDocument.objects.create(
            code=code,
            kind=kind,
            authority=authority,
            year=issued_on.year,
            serial=serial,
            number=context.number,
            title=title,
            issued_on=issued_on,
            generated_by=actor,
            generated_by_label=actor_label or (actor.get_username() if actor else ""),
            subject_type=ContentType.objects.get_for_model(type(subject)) if subject is not None else None,
            subject_id=str(subject.pk) if subject is not None else "",
            period=period,
            subject_key=key,
            version=version,
            language=language,
            file=stored[0],
            source=stored[1],
            sha256=digest,
            size=len(rendered.data),
            pages=rendered.pages,
        )
        audit_record(
            actor=actor,
            actor_label=actor_label,
            action=KIND_ACTIONS[kind],
            target=document,
            after={
                "number": document.number,
                "kind": kind,
                "subject": key,
                "version": version,
                "language": language,
                "sha256": digest,
                "pages": rendered.pages,
            },
            reason=title,
        )
    except BaseException:
        # the transaction rolls back (the number is given back); the files must go with it
        for name in stored:
            default_storage.delete(name)
        raise
    progress("done", 100)
    return document
