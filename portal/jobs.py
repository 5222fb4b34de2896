"""Enqueue a Celery task by its registered name.

Services never import their app's `tasks` module (tasks call services, never the reverse), so an
act that hands work to the worker names the task instead. With `CELERY_TASK_ALWAYS_EAGER` the task
runs here, as `.delay()` would.
"""

from __future__ import annotations

from typing import Any

from celery.result import AsyncResult


def enqueue(task_name: str, *args: Any, task_id: str | None = None, **kwargs: Any) -> AsyncResult[Any]:
    from portal.celery import app

    if app.conf.task_always_eager:
        return app.tasks[task_name].apply(args=args, kwargs=kwargs, task_id=task_id)
    return app.send_task(task_name, args=args, kwargs=kwargs, task_id=task_id)
