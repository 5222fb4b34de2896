"""Celery tasks of publication (R5): they only call services, and are safe to run twice."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from supervision.publication.services import (
    MERGE_SEARCH_INDEX_TASK,
    NOTHING_TO_PUBLISH,
    PROVINCE_CODE,
    SYSTEM_ACTOR,
    merge_search_index,
    previous_quarter,
    publish_quarter,
)
from supervision.registry.models import Region

logger = logging.getLogger(__name__)
PROGRESS_TTL = 24 * 3600
BEAT_TASK = "supervision.publish_quarter_task"
BEAT_NAME = "季度结果公告（国发〔1999〕24号 第十四条、第二十一条）"


def ensure_beat_schedule(crontab_model: Any = None, task_model: Any = None) -> None:
    """Idempotent: the beat entry that publishes the quarter that just closed, at 02:00
    Asia/Shanghai on 1 January, April, July and October. Called by migration 0003 with its
    historical models (and safe to call again, e.g. after a test flush)."""
    if crontab_model is None or task_model is None:
        from django_celery_beat.models import CrontabSchedule, PeriodicTask

        crontab_model, task_model = CrontabSchedule, PeriodicTask
    crontab, _ = crontab_model.objects.get_or_create(
        minute="0", hour="2", day_of_month="1", month_of_year="1,4,7,10", day_of_week="*", timezone="Asia/Shanghai"
    )
    task_model.objects.update_or_create(
        name=BEAT_NAME,
        defaults={"task": BEAT_TASK, "crontab": crontab, "interval": None, "enabled": True, "args": "[]"},
    )


def progress_key(task_id: str) -> str:
    return f"publication:progress:{task_id}"


def set_progress(task_id: str | None, **state: Any) -> None:
    if task_id:
        cache.set(progress_key(task_id), state, PROGRESS_TTL)


def get_progress(task_id: str) -> dict[str, Any] | None:
    progress: dict[str, Any] | None = cache.get(progress_key(task_id))
    return progress


@shared_task(bind=True, name="supervision.publish_quarter_task", acks_late=True)
def publish_quarter_task(
    self: Task[Any, Any],
    year: int | None = None,
    quarter: int | None = None,
    region_code: str = PROVINCE_CODE,
    actor_id: int | None = None,
) -> dict[str, Any]:
    """Publish a quarter; with no year/quarter (the beat entry), the quarter that just closed.

    Idempotent: publish_quarter claims the quarter under a unique constraint.
    """
    if year is None or quarter is None:
        year, quarter = previous_quarter(timezone.localdate())
    task_id = self.request.id
    set_progress(task_id, state="running", year=year, quarter=quarter)
    actor: Any = SYSTEM_ACTOR
    if actor_id is not None:
        from portal.models import User

        actor = User.objects.get(pk=actor_id)
    try:
        announcement = publish_quarter(
            actor_or_label=actor, year=year, quarter=quarter, region=Region.objects.get(code=region_code)
        )
    except ValidationError as exc:
        if any(e.code == NOTHING_TO_PUBLISH for e in exc.error_dict.get("__all__", [])):
            # the scheduled job finds nothing final to publish: no empty announcement, and it says why
            reason = exc.error_dict["__all__"][0].messages[0]
            logger.warning("Quarter %s Q%s of %s not published: %s", year, quarter, region_code, reason)
            set_progress(task_id, state="skipped", year=year, quarter=quarter, error=reason)
            return {"state": "skipped", "year": year, "quarter": quarter, "reason": reason}
        set_progress(task_id, state="failed", year=year, quarter=quarter, error="; ".join(exc.messages)[:200])
        raise
    except Exception as exc:
        set_progress(task_id, state="failed", year=year, quarter=quarter, error=str(exc)[:200])
        raise
    result = {
        "state": "done",
        "year": year,
        "quarter": quarter,
        "announcement": announcement.pk,
        "number": announcement.number,
        "rows": announcement.row_count,
    }
    set_progress(task_id, **result)
    return result


@shared_task(name=MERGE_SEARCH_INDEX_TASK, acks_late=True)
def merge_search_index_task() -> int:
    """After a publication: fold the GIN pending list into the search index (safe to run twice)."""
    return merge_search_index()
