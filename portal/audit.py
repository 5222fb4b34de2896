"""The audit trail: who, when, what before and after, why, and the clause — for every change to a record."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.forms.models import model_to_dict

from portal.access import region_code_of, region_prefix
from portal.models import AuditAction, AuditEvent, Role, User


def snapshot(obj: models.Model, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """A JSON-safe picture of a record's own fields, for the before/after of an audit row."""
    data = model_to_dict(obj, exclude=list(exclude))
    data["id"] = obj.pk
    result: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder, default=str))
    return result


def record_snapshot(obj: models.Model) -> dict[str, Any]:
    """`snapshot` with many-to-many fields as sorted ids, no password, and what the record masks.

    The audit trail is readable by more people than some fields are (a resident ID number), so a
    model may name the values to keep in their masked form (`audit_masked_values()`).
    """
    m2m = tuple(f.name for f in obj._meta.many_to_many)
    data = snapshot(obj, exclude=(*m2m, "password"))
    if obj.pk is not None:
        for name in m2m:
            data[name] = sorted(getattr(obj, name).values_list("pk", flat=True))
    masked = getattr(obj, "audit_masked_values", None)
    if callable(masked):
        data.update(masked())
    return data


def audit_record(
    *,
    actor: User | None,
    action: AuditAction,
    target: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    clause: str | None = None,
    region_code: str | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Write one audit row. The clause defaults to the act's own (`AuditAction.clause`); the region
    to the target's (`portal.access.region_code_of`), so regional staff read their own trail."""
    if actor is None and not actor_label:
        raise ValueError("An audited act needs an acting user or a named system actor.")
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=actor_label or (actor.get_username() if actor else ""),
        action=int(action),
        clause=action.clause if clause is None else clause,
        target_type=ContentType.objects.get_for_model(type(target)),
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        region_code=region_code_of(target) if region_code is None else region_code,
        before=before,
        after=after,
        reason=reason,
    )


def history_of(target: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(type(target)), target_id=str(target.pk)
    ).order_by("at", "id")


def audit_events_visible_to(user: Any, qs: models.QuerySet[AuditEvent] | None = None) -> models.QuerySet[AuditEvent]:
    """Audit rows of the user's region; rows of region-less records only for administrators."""
    qs = AuditEvent.objects.all() if qs is None else qs
    prefix = region_prefix(user)
    if prefix is None:
        return qs.none()
    if prefix == "":
        return qs
    condition = Q(region_code__startswith=prefix)
    if user.has_role(Role.ADMINISTRATOR):
        condition |= Q(region_code="")
    return qs.filter(condition)
