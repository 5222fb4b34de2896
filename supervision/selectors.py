"""Reads that are more than a one-liner. Every staff queryset passes through `scope_to_region`."""

from __future__ import annotations

from typing import TypeVar

from django.db import models

from portal.models import User
from supervision.models import Region

M = TypeVar("M", bound=models.Model)


def region_prefix(user: User) -> str | None:
    """The region-code prefix a staff user may see; '' for all of it, None for nothing."""
    if user.is_superuser and user.region_id is None:
        return ""
    if not user.is_authenticated or user.region_id is None:
        return None
    return user.region.prefix


def scope_to_region(qs: models.QuerySet[M], user: User, path: str = "region") -> models.QuerySet[M]:
    """Limit a queryset to the user's region and the regions below it.

    `path` names the Region foreign key from the queryset's model ("region", "task__region").
    Region codes are GB/T 2260, so a subtree is a code prefix and the filter needs no join.
    """
    prefix = region_prefix(user)
    if prefix is None:
        return qs.none()
    if prefix == "":
        return qs
    return qs.filter(**{f"{path}__code__startswith": prefix})


def regions_visible_to(user: User) -> models.QuerySet[Region]:
    prefix = region_prefix(user)
    if prefix is None:
        return Region.objects.none()
    return Region.objects.filter(code__startswith=prefix)


def user_can_see_region(user: User, region_code: str) -> bool:
    prefix = region_prefix(user)
    return prefix is not None and region_code.startswith(prefix)
