"""Region-scoped reads of the registry: one home for "which records may this staff user see".

Every function passes through `supervision.selectors.scope_to_region`, naming the path from the
model to its Region. Region-less records (categories, standards, catalogue items) are global.
A person has no region of their own: staff see the people appointed in enterprises of their
region, and people not yet appointed anywhere (a new record about to be appointed).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q

from portal.models import AuditEvent, User
from supervision.models import (
    Appointment,
    Authority,
    Enterprise,
    Institution,
    Licence,
    LicenceEvent,
    Person,
    Product,
    Region,
)
from supervision.selectors import region_prefix, regions_visible_to, scope_to_region

# The path from each registry model to the Region that scopes it.
REGION_PATHS: dict[type[models.Model], str] = {
    Region: "",
    User: "region",
    Authority: "region",
    Enterprise: "region",
    Appointment: "enterprise__region",
    Product: "enterprise__region",
    Licence: "holder__region",
    LicenceEvent: "licence__holder__region",
    Institution: "region",
}


def scoped(model: type[models.Model], user: User, qs: models.QuerySet | None = None) -> models.QuerySet:
    """The records of `model` that `user` may see (all of them for region-less models)."""
    qs = model._default_manager.all() if qs is None else qs
    if model is Region:
        return qs.filter(code__in=regions_visible_to(user).values("code"))
    if model is Person:
        return persons_visible_to(user, qs)
    if model is AuditEvent:
        return audit_events_visible_to(user, qs)
    path = REGION_PATHS.get(model)
    if path is None:
        return qs if region_prefix(user) is not None else qs.none()
    return scope_to_region(qs, user, path)


def persons_visible_to(user: User, qs: models.QuerySet[Person] | None = None) -> models.QuerySet[Person]:
    qs = Person.objects.all() if qs is None else qs
    prefix = region_prefix(user)
    if prefix is None:
        return qs.none()
    if prefix == "":
        return qs
    in_scope = Appointment.objects.filter(person=OuterRef("pk"), enterprise__region__code__startswith=prefix)
    anywhere = Appointment.objects.filter(person=OuterRef("pk"))
    return qs.filter(Exists(in_scope) | ~Exists(anywhere))


def audit_events_visible_to(user: User, qs: models.QuerySet[AuditEvent] | None = None) -> models.QuerySet[AuditEvent]:
    """Audit rows of the user's region; rows of region-less records only for administrators."""
    qs = AuditEvent.objects.all() if qs is None else qs
    prefix = region_prefix(user)
    if prefix is None:
        return qs.none()
    if prefix == "":
        return qs
    condition = Q(region_code__startswith=prefix)
    if user.has_role("administrator"):
        condition |= Q(region_code="")
    return qs.filter(condition)
