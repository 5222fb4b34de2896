"""Celery tasks of the spot checks: they take ids, call services, and are safe to run twice."""

from __future__ import annotations

from celery import shared_task

from supervision.spotchecks import imports


@shared_task(name=imports.IMPORT_RESULTS_TASK, acks_late=True)
def import_results_task(batch_id: int) -> str:
    """Validate and commit an uploaded results file; a batch already claimed is left alone."""
    return imports.import_results_run(batch_id)
