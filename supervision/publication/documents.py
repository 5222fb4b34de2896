"""The PDF of an announcement or a correction: the formal notice with its table, issued through
the document base (numbered, hashed, verifiable).

# 国发〔1999〕24号 第十四条、第二十一条
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from portal.models import User
from supervision.documents.models import DocumentKind, IssuedDocument
from supervision.documents.rendering import ROWS_PER_PART
from supervision.documents.services import IssueContext, Progress, issue_document
from supervision.publication.models import Announcement, AnnouncementKind
from supervision.registry.models import Authority
from supervision.spotchecks.models import Verdict

VERDICT_LABELS = dict(Verdict.choices)


def announcement_rows(announcement: Announcement) -> list[dict[str, Any]]:
    """The rows of an announcement as its formal notice lists them (published order)."""
    rows = cast(
        "list[dict[str, Any]]",
        list(
            announcement.results.order_by("id").values(
                "id",
                "enterprise_name",
                "producer_name",
                "product_name",
                "trademark",
                "model_spec",
                "batch",
                "verdict",
                "failed_items",
                "institution_name",
                "corrects_id",
                "region__name",
            )
        ),
    )
    for row in rows:
        row["verdict_label"] = VERDICT_LABELS.get(row["verdict"], row["verdict"])
    return rows


def announcement_parts(announcement: Announcement, rows: Sequence[dict[str, Any]], doc: IssueContext) -> list[str]:
    context = {"announcement": announcement, "doc": doc}
    parts: list[str] = [
        render_to_string("publication/pdf/announcement.html", {**context, "rows": rows[:ROWS_PER_PART], "start": 0})
    ]
    for start in range(ROWS_PER_PART, len(rows), ROWS_PER_PART):
        parts.append(
            render_to_string(
                "publication/pdf/announcement_rows.html",
                {**context, "rows": rows[start : start + ROWS_PER_PART], "start": start},
            )
        )
    return parts


def issue_announcement_document(
    *, actor: User | None, actor_label: str = "", announcement: Announcement, on_progress: Progress | None = None
) -> IssuedDocument:
    """The PDF of a published announcement or correction: the formal notice with its table,
    issued in Chinese like the announcement itself (rules.md, house rule 7).

    # 国发〔1999〕24号 第十四条、第二十一条
    """
    if announcement.published_at is None:
        raise ValidationError(_("公告尚未发布。"))
    authority = Authority.objects.select_related("region").get(region_id=announcement.region_id)
    rows = announcement_rows(announcement)
    kind = DocumentKind.CORRECTION if announcement.kind == AnnouncementKind.CORRECTION else DocumentKind.ANNOUNCEMENT
    return issue_document(
        actor=actor,
        actor_label=actor_label,
        kind=kind,
        authority=authority,
        title=announcement.title,
        subject=announcement,
        language=settings.LANGUAGE_CODE,
        build=lambda doc: announcement_parts(announcement, rows, doc),
        on_progress=on_progress,
    )
