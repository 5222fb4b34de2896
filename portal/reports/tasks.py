"""Celery tasks of reports: they take ids, call a service, and report their progress in the cache.

`portal.reports.after_publication` is what a publication enqueues by name after its commit: the
announcement's PDF at once, then one task per report (the publishing bureau's, and for the province
every city's), so a worker that stops loses one report at most and each can be retried alone.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from portal.jobs import enqueue
from portal.models import User
from portal.reports.selectors import authorities_for_reports
from portal.reports.services import generate_report
from supervision.documents.models import IssuedDocument
from supervision.documents.selectors import latest_public_document
from supervision.publication.documents import issue_announcement_document
from supervision.publication.models import Announcement, AnnouncementKind
from supervision.registry.models import Authority

logger = logging.getLogger(__name__)
PROGRESS_TTL = 24 * 3600
SYSTEM_ACTOR = "system:celery"
AFTER_PUBLICATION_TASK = "portal.reports.after_publication"
GENERATE_REPORT_TASK = "portal.reports.generate_report"


def progress_key(task_id: str) -> str:
    return f"reports:progress:{task_id}"


def set_progress(task_id: str | None, **state: Any) -> None:
    if task_id:
        cache.set(progress_key(task_id), state, PROGRESS_TTL)


def get_progress(task_id: str) -> dict[str, Any] | None:
    progress: dict[str, Any] | None = cache.get(progress_key(task_id))
    return progress


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)[:300]
    if isinstance(exc, PermissionDenied):
        return str(exc)[:300]
    return f"{type(exc).__name__}: {exc}"[:300]


@shared_task(bind=True, name=GENERATE_REPORT_TASK, acks_late=True)
def generate_report_task(
    self: Task[Any, Any],
    authority_id: int,
    year: int,
    quarter: int | None = None,
    language: str | None = None,
    actor_id: int | None = None,
    after_announcement: int | None = None,
) -> dict[str, Any]:
    """Issue one report. Run twice (a redelivery), it issues a second version: harmless, and an
    official may want exactly that; a run that follows a publication skips a report already
    issued since that publication."""
    task_id = self.request.id
    base = {"authority": authority_id, "year": year, "quarter": quarter}
    set_progress(task_id, state="running", percent=5, **base)
    authority = Authority.objects.select_related("region").get(pk=authority_id)
    if after_announcement is not None:
        announcement = Announcement.objects.filter(pk=after_announcement).first()
        period = f"{year}Q{quarter}" if quarter else str(year)
        if (
            announcement is None
            or IssuedDocument.objects.filter(
                authority=authority, period=period, issued_at__gte=announcement.published_at
            ).exists()
        ):
            set_progress(task_id, state="skipped", percent=100, **base)
            return {"state": "skipped", **base}
    actor = User.objects.get(pk=actor_id) if actor_id is not None else None

    def progress(stage: str, percent: int) -> None:
        set_progress(task_id, state="running", stage=stage, percent=percent, **base)

    try:
        document = generate_report(
            actor=actor,
            actor_label="" if actor else SYSTEM_ACTOR,
            authority=authority,
            year=year,
            quarter=quarter,
            language=language,
            on_progress=progress,
        )
    except Exception as exc:
        # the previous versions stay as they were; the official reads why on the page
        logger.exception("Report of %s %s Q%s failed", authority_id, year, quarter)
        set_progress(task_id, state="failed", percent=100, error=_error_text(exc), **base)
        raise
    result = {
        "state": "done",
        "percent": 100,
        "document": document.pk,
        "number": document.number,
        "version": document.version,
        "pages": document.pages,
        **base,
    }
    set_progress(task_id, **result)
    return result


@shared_task(name=AFTER_PUBLICATION_TASK, acks_late=True)
def after_publication_task(announcement_id: int) -> dict[str, Any]:
    """After a quarterly announcement or a correction commits: its PDF, then the reports.

    Idempotent: an announcement that already has its PDF is not issued again.
    """
    announcement = Announcement.objects.select_related("region").filter(pk=announcement_id).first()
    if announcement is None or announcement.published_at is None:
        return {"state": "skipped"}
    if latest_public_document(announcement) is None:
        issue_announcement_document(actor=None, actor_label=SYSTEM_ACTOR, announcement=announcement)
    queued = 0
    if announcement.kind == AnnouncementKind.QUARTERLY:
        for authority in authorities_for_reports(announcement.region):
            enqueue(
                GENERATE_REPORT_TASK,
                authority_id=authority.pk,
                year=announcement.year,
                quarter=announcement.quarter,
                after_announcement=announcement.pk,
            )
            queued += 1
    return {"state": "done", "reports": queued, "at": timezone.now().isoformat()}
