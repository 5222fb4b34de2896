"""Region-scoped reads of the registry: where each registry record's region is, and who sees whom.

Each model's path to its Region is registered with the access layer (`portal.access`) at start-up
(`register_access`, called from the app's ready()); `portal.access.scoped` then scopes any of them.
Region-less records (categories, standards, catalogue items) are global. A person has no region of
their own: staff see the people appointed in enterprises of their region, and people not yet
appointed anywhere (a new record about to be appointed).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef

from portal.access import region_prefix, register_region_path, register_scoper, scope_to_region, scoped
from supervision.registry.models import (
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

__all__ = ["persons_visible_to", "register_access", "regions_visible_to", "scoped"]

# The path from each registry model to the Region that scopes it.
REGION_PATHS: dict[type[models.Model], str] = {
    Region: "",
    Authority: "region",
    Enterprise: "region",
    Appointment: "enterprise__region",
    Product: "enterprise__region",
    Licence: "holder__region",
    LicenceEvent: "licence__holder__region",
    Institution: "region",
}


def register_access() -> None:
    for model, path in REGION_PATHS.items():
        register_region_path(model, path)
    register_scoper(Person, persons_visible_to)


def regions_visible_to(user: Any) -> models.QuerySet[Region]:
    return scope_to_region(Region.objects.all(), user, "")


def persons_visible_to(user: Any, qs: models.QuerySet[Person] | None = None) -> models.QuerySet[Person]:
    qs = Person.objects.all() if qs is None else qs
    prefix = region_prefix(user)
    if prefix is None:
        return qs.none()
    if prefix == "":
        return qs
    in_scope = Appointment.objects.filter(person=OuterRef("pk"), enterprise__region__code__startswith=prefix)
    anywhere = Appointment.objects.filter(person=OuterRef("pk"))
    return qs.filter(Exists(in_scope) | ~Exists(anywhere))
