"""Celery tasks of exemptions: they only call services and are safe to run twice."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from exemptions.services import exemptions_sweep

SWEEP_TASK = "exemptions.sweep_task"
BEAT_NAME = "免检期满与取消（国发〔1999〕24号 第十六条）"


def ensure_beat_schedule(crontab_model: Any = None, task_model: Any = None) -> None:
    """Idempotent: the daily sweep at 01:30 Asia/Shanghai (called by a migration with its models)."""
    if crontab_model is None or task_model is None:
        from django_celery_beat.models import CrontabSchedule, PeriodicTask

        crontab_model, task_model = CrontabSchedule, PeriodicTask
    crontab, _ = crontab_model.objects.get_or_create(
        minute="30", hour="1", day_of_month="*", month_of_year="*", day_of_week="*", timezone="Asia/Shanghai"
    )
    task_model.objects.update_or_create(
        name=BEAT_NAME,
        defaults={"task": SWEEP_TASK, "crontab": crontab, "interval": None, "enabled": True, "args": "[]"},
    )


@shared_task(name=SWEEP_TASK, acks_late=True)
def sweep_task() -> dict[str, int]:
    """Record expiries and revoke exemptions whose product failed (idempotent: one event of each kind)."""
    return exemptions_sweep()
