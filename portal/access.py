"""One access layer for staff: which region a user may see, scoped querysets, look-ups that 404.

Every staff user is bound to a region (GB/T 2260) and sees that region and the regions below it.
Region codes share a prefix with their subtree, so scoping is a prefix filter with no join.
A record outside the user's region answers 404 (it is not revealed to exist), on the pages and in
the API alike (zulip's `access_*` helpers).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

M = TypeVar("M", bound=models.Model)


def region_prefix(user: Any) -> str | None:
    """The region-code prefix a staff user may see; '' for all of it, None for nothing."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser and user.region_id is None:
        return ""
    if user.region_id is None:
        return None
    prefix: str = user.region.prefix
    return prefix


def scope_to_region(qs: models.QuerySet[M], user: Any, path: str = "region") -> models.QuerySet[M]:
    """Limit a queryset to the user's region and the regions below it.

    `path` names the Region foreign key from the queryset's model ("region", "task__region");
    "" when the queryset holds regions themselves.
    """
    prefix = region_prefix(user)
    if prefix is None:
        return qs.none()
    if prefix == "":
        return qs
    lookup = f"{path}__code__startswith" if path else "code__startswith"
    return qs.filter(**{lookup: prefix})


def user_can_see_region(user: Any, region_code: str) -> bool:
    prefix = region_prefix(user)
    return prefix is not None and region_code.startswith(prefix)


def access_object(qs: models.QuerySet[M], user: Any, path: str = "region", **lookup: Any) -> M:
    """The one record of `qs` matching `lookup` inside the user's region, else 404.

    A record of another region and a record that does not exist answer the same.
    """
    try:
        return scope_to_region(qs, user, path).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:  # .get() raises qs.model.DoesNotExist
        raise Http404(_("未找到该记录，或该记录不在您所属的行政区划内。")) from exc


# ---------------------------------------------------------------- where each record's region is

# model -> the path from it to the Region that scopes it ("" for Region itself), registered by each
# app at start-up (its AppConfig.ready), so this layer knows no model above it.
_REGION_PATHS: dict[type[models.Model], str] = {}
# model -> a function (user, queryset) -> the visible part, for records whose scope is not a path
_SCOPERS: dict[type[models.Model], Callable[[Any, models.QuerySet[Any]], models.QuerySet[Any]]] = {}


def register_region_path(model: type[models.Model], path: str) -> None:
    _REGION_PATHS[model] = path


def register_scoper(
    model: type[models.Model], scoper: Callable[[Any, models.QuerySet[Any]], models.QuerySet[Any]]
) -> None:
    _SCOPERS[model] = scoper


def scoped(model: type[M], user: Any, qs: models.QuerySet[M] | None = None) -> models.QuerySet[M]:
    """The records of `model` that `user` may see; region-less records (the catalogue) are global."""
    qs = model._default_manager.all() if qs is None else qs
    scoper = _SCOPERS.get(model)
    if scoper is not None:
        return scoper(user, qs)
    path = _REGION_PATHS.get(model)
    if path is None:
        return qs if region_prefix(user) is not None else qs.none()
    return scope_to_region(qs, user, path)


def region_code_of(obj: models.Model) -> str:
    """The code of the region a record belongs to ('' for a region-less record)."""
    path = _REGION_PATHS.get(type(obj))
    if path is None:
        return ""
    if path == "":
        return str(obj.pk)
    *hops, last = path.split("__")
    value: Any = obj
    for hop in hops:
        value = getattr(value, hop, None)
        if value is None:
            return ""
    code = getattr(value, f"{last}_id", None)
    return code if isinstance(code, str) else ""
