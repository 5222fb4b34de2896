"""Reads of what was published (R5)."""

from __future__ import annotations

from django.db import models

from portal.access import register_region_path
from supervision.publication.models import Announcement, PublishedResult

REGION_PATHS: dict[type[models.Model], str] = {Announcement: "region", PublishedResult: "region"}


def register_access() -> None:
    for model, path in REGION_PATHS.items():
        register_region_path(model, path)
