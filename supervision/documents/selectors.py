"""Reads of issued documents: what a staff member may see, a document by its code or its hash."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from portal.access import register_region_path, scoped
from supervision.documents.models import PUBLIC_KINDS, IssuedDocument

REGION_PATHS: dict[type[models.Model], str] = {IssuedDocument: "authority__region"}
PDF_MAGIC = b"%PDF-"


def register_access() -> None:
    for model, path in REGION_PATHS.items():
        register_region_path(model, path)


def documents_visible_to(user: Any) -> models.QuerySet[IssuedDocument]:
    """Documents of the user's region and the regions below it (a bureau's staff read its own and
    its subordinate bureaus' reports)."""
    return scoped(IssuedDocument, user).select_related("authority", "authority__region", "generated_by")


def document_by_code(code: str) -> IssuedDocument | None:
    return IssuedDocument.objects.select_related("authority", "generated_by").filter(code=code.strip().upper()).first()


def documents_with_hash(digest: str) -> list[IssuedDocument]:
    return list(IssuedDocument.objects.select_related("authority").filter(sha256=digest.lower()))


def sha256_of(chunks: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def latest_public_document(subject: models.Model) -> IssuedDocument | None:
    """The newest version of a public document about a record (an announcement's PDF)."""
    return (
        IssuedDocument.objects.filter(
            kind__in=PUBLIC_KINDS,
            subject_type=ContentType.objects.get_for_model(type(subject)),
            subject_id=str(subject.pk),
        )
        .order_by("-version", "-id")
        .first()
    )


def latest_public_documents(subjects: Iterable[models.Model]) -> dict[str, IssuedDocument]:
    """`latest_public_document` for a page of records at once, keyed by the record's pk."""
    subjects = list(subjects)
    if not subjects:
        return {}
    content_type = ContentType.objects.get_for_model(type(subjects[0]))
    found: dict[str, IssuedDocument] = {}
    for document in IssuedDocument.objects.filter(
        kind__in=PUBLIC_KINDS, subject_type=content_type, subject_id__in=[str(s.pk) for s in subjects]
    ).order_by("subject_id", "-version", "-id"):
        found.setdefault(document.subject_id, document)
    return found
