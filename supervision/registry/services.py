"""Writes to the registry: one function per act, each atomic, checked, validated and audited.

Every function takes the acting staff user (keyword-only `actor`), refuses a role that may not
act and a record outside the actor's region, runs `full_clean()` before saving (so the model's
invariants and the validators of USCC and ID numbers speak first, in Chinese, beside the field),
and writes one audit row per act with the record before and after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.access import user_can_see_region
from portal.audit import audit_record, record_snapshot
from portal.models import AuditAction, User
from portal.permissions import ADMINISTRATORS, ID_NUMBER_READERS, LICENCE_EDITORS, PRODUCT_EDITORS, REGISTRY_EDITORS
from supervision.registry.models import (
    Appointment,
    Enterprise,
    Institution,
    InstitutionEvent,
    InstitutionEventKind,
    Licence,
    LicenceEvent,
    LicenceEventKind,
    Person,
    Product,
    ProductCategory,
    Region,
    RegistrationStatus,
    Standard,
)

M = TypeVar("M", bound=models.Model)

# ---------------------------------------------------------------- checks shared by every act


def _require_role(actor: User, roles: tuple[str, ...]) -> None:
    if not actor.has_role(*roles):
        raise PermissionDenied(_("您的角色无权执行此操作。"))


def _require_region(actor: User, region: Region | None, field: str) -> None:
    """Staff change records only inside their region (and below it)."""
    if region is None:
        return
    if not user_can_see_region(actor, region.code):
        scope = actor.region.name if actor.region is not None else _("（未绑定行政区划）")
        raise ValidationError(
            {
                field: _("“%(region)s”不在您的管辖范围（%(scope)s）内，不能登记或修改该记录。")
                % {"region": region.name, "scope": scope}
            }
        )


def _apply(obj: models.Model, changes: dict[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"Fields not editable here: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(obj, name, value)


def _change_in_region(
    actor: User,
    locked: M,
    changes: dict[str, Any],
    allowed: Iterable[str],
    *,
    region_of: Callable[[M], Region | None],
    field: str,
) -> M:
    """Change a locked record: inside the actor's region before and after (no moving a record out of
    reach), validated, saved, and audited with its state before and after."""
    _require_region(actor, region_of(locked), field)
    before = record_snapshot(locked)
    _apply(locked, changes, allowed)
    _require_region(actor, region_of(locked), field)
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor, action=AuditAction.RECORD_CHANGED, target=locked, before=before, after=record_snapshot(locked)
    )
    return locked


# ---------------------------------------------------------------- enterprises

ENTERPRISE_FIELDS = ("uscc", "name", "address", "region", "registration_status", "contact", "phone")


@transaction.atomic
def enterprise_create(
    *,
    actor: User,
    uscc: str,
    name: str,
    region: Region,
    address: str = "",
    contact: str = "",
    phone: str = "",
    registration_status: str = RegistrationStatus.ACTIVE,
) -> Enterprise:
    _require_role(actor, REGISTRY_EDITORS)
    _require_region(actor, region, "region")
    enterprise = Enterprise(
        uscc=(uscc or "").strip().upper(),
        name=name,
        region=region,
        address=address,
        contact=contact,
        phone=phone,
        registration_status=registration_status,
    )
    enterprise.full_clean()
    enterprise.save()
    audit_record(
        actor=actor,
        action=AuditAction.RECORD_CREATED,
        target=enterprise,
        before=None,
        after=record_snapshot(enterprise),
    )
    return enterprise


@transaction.atomic
def enterprise_update(*, actor: User, enterprise: Enterprise, **changes: Any) -> Enterprise:
    _require_role(actor, REGISTRY_EDITORS)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    return _change_in_region(
        actor, enterprise, changes, ENTERPRISE_FIELDS, region_of=lambda e: e.region, field="region"
    )


# ---------------------------------------------------------------- persons and appointments


@transaction.atomic
def person_create(*, actor: User, name: str, id_number: str) -> Person:
    _require_role(actor, REGISTRY_EDITORS)
    person = Person(name=name, id_number=(id_number or "").strip().upper())
    person.full_clean()
    person.save()
    audit_record(
        actor=actor, action=AuditAction.RECORD_CREATED, target=person, before=None, after=record_snapshot(person)
    )
    return person


@transaction.atomic
def person_update(*, actor: User, person: Person, **changes: Any) -> Person:
    _require_role(actor, REGISTRY_EDITORS)
    person = Person.objects.select_for_update().get(pk=person.pk)
    new_number = (changes.get("id_number") or person.id_number).strip().upper()
    if new_number != person.id_number and not actor.has_role(*ID_NUMBER_READERS):
        # who may not read the full number may not rewrite it either
        raise PermissionDenied(_("只有管理员和执法人员可以更正居民身份证号码。"))
    if "id_number" in changes:
        changes["id_number"] = new_number
    before = record_snapshot(person)
    _apply(person, changes, ("name", "id_number"))
    person.full_clean()
    person.save()
    audit_record(
        actor=actor, action=AuditAction.RECORD_CHANGED, target=person, before=before, after=record_snapshot(person)
    )
    return person


@transaction.atomic
def appointment_create(
    *,
    actor: User,
    person: Person,
    enterprise: Enterprise,
    role: str,
    start: dt.date,
    end: dt.date | None = None,
) -> Appointment:
    """Record who holds a post (法定代表人, 主要负责人, 经理) and from when."""
    _require_role(actor, REGISTRY_EDITORS)
    _require_region(actor, enterprise.region, "enterprise")
    # Two clerks appointing two legal representatives of one enterprise at once would each pass
    # the overlap check of Appointment.clean; locking the enterprise row serialises them.
    Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    appointment = Appointment(person=person, enterprise=enterprise, role=role, start=start, end=end)
    appointment.full_clean()
    appointment.save()
    audit_record(
        actor=actor,
        action=AuditAction.APPOINTMENT_CREATED,
        target=appointment,
        before=None,
        after=record_snapshot(appointment),
    )
    return appointment


@transaction.atomic
def appointment_end(
    *, actor: User, appointment: Appointment, end: dt.date, removed: bool = False, reason: str = ""
) -> Appointment:
    """Close a post on its last day; `removed` records a removal by law (依法免职)."""
    # 国发〔1999〕24号 第十五条: the legal representative of a repeat failure is removed; the removal
    # day is recorded because it starts the three-year ban on new appointments (R7).
    _require_role(actor, REGISTRY_EDITORS)
    Enterprise.objects.select_for_update().get(pk=appointment.enterprise_id)
    appointment = Appointment.objects.select_related("enterprise__region", "person").get(pk=appointment.pk)
    _require_region(actor, appointment.enterprise.region, "enterprise")
    if appointment.end is not None:
        raise ValidationError({"end": _("该任职已于%(end)s离任，不能再次终止。") % {"end": appointment.end}})
    before = record_snapshot(appointment)
    appointment.end = end
    appointment.removed = removed
    appointment.full_clean()
    appointment.save(update_fields=["end", "removed"])
    audit_record(
        actor=actor,
        action=AuditAction.APPOINTMENT_ENDED,
        target=appointment,
        before=before,
        after=record_snapshot(appointment),
        clause="第十五条" if removed else "",
        reason=reason,
    )
    return appointment


# ---------------------------------------------------------------- products

PRODUCT_FIELDS = ("enterprise", "category", "name", "trademark", "model_spec", "is_main")


@transaction.atomic
def product_create(
    *,
    actor: User,
    enterprise: Enterprise,
    category: ProductCategory,
    name: str,
    trademark: str = "",
    model_spec: str = "",
    is_main: bool = False,
) -> Product:
    _require_role(actor, PRODUCT_EDITORS)
    _require_region(actor, enterprise.region, "enterprise")
    product = Product(
        enterprise=enterprise, category=category, name=name, trademark=trademark, model_spec=model_spec, is_main=is_main
    )
    product.full_clean()
    product.save()
    audit_record(
        actor=actor, action=AuditAction.RECORD_CREATED, target=product, before=None, after=record_snapshot(product)
    )
    return product


@transaction.atomic
def product_update(*, actor: User, product: Product, **changes: Any) -> Product:
    _require_role(actor, PRODUCT_EDITORS)
    product = Product.objects.select_for_update().select_related("enterprise__region").get(pk=product.pk)
    return _change_in_region(
        actor, product, changes, PRODUCT_FIELDS, region_of=lambda p: p.enterprise.region, field="enterprise"
    )


# ---------------------------------------------------------------- licences (第十一条, 第十五条)


def check_products_of_holder(holder: Enterprise, products: Iterable[Product]) -> None:
    """A licence covers only its holder's own products (第十一条); the admin form asks the same."""
    strangers = [p for p in products if p.enterprise_id != holder.pk]
    if strangers:
        raise ValidationError({"products": _("产品“%(name)s”不是持证企业的产品。") % {"name": strangers[0].name}})


@transaction.atomic
def licence_issue(
    *,
    actor: User,
    kind: str,
    number: str,
    holder: Enterprise,
    categories: Iterable[ProductCategory],
    products: Iterable[Product] = (),
    valid_from: dt.date,
    valid_to: dt.date,
) -> Licence:
    """Register a production licence or safety certificate with its ISSUED event."""
    # 国发〔1999〕24号 第十一条: licence-required products are made only under a valid licence or certificate.
    _require_role(actor, LICENCE_EDITORS)
    _require_region(actor, holder.region, "holder")
    categories, products = list(categories), list(products)
    if not categories:
        raise ValidationError({"categories": _("请至少选择一个覆盖的产品类别。")})
    check_products_of_holder(holder, products)
    licence = Licence(kind=kind, number=(number or "").strip(), holder=holder, valid_from=valid_from, valid_to=valid_to)
    licence.full_clean()
    licence.save()
    licence.categories.set(categories)
    licence.products.set(products)
    LicenceEvent.objects.create(licence=licence, kind=LicenceEventKind.ISSUED, on=valid_from, actor=actor)
    audit_record(
        actor=actor,
        action=AuditAction.LICENCE_EVENT,
        target=licence,
        before=None,
        after={**record_snapshot(licence), "event": LicenceEventKind.ISSUED.value, "on": valid_from.isoformat()},
    )
    return licence


LICENCE_EDITABLE = ("kind", "number", "valid_from", "valid_to", "categories", "products")


@transaction.atomic
def licence_update(*, actor: User, licence: Licence, **changes: Any) -> Licence:
    """Correct a licence's particulars; its status changes only through `licence_record_event`."""
    _require_role(actor, LICENCE_EDITORS)
    licence = Licence.objects.select_for_update().select_related("holder__region").get(pk=licence.pk)
    _require_region(actor, licence.holder.region, "holder")
    before = record_snapshot(licence)
    m2m = {k: list(changes.pop(k)) for k in ("categories", "products") if k in changes}
    _apply(licence, changes, LICENCE_EDITABLE)
    if "categories" in m2m and not m2m["categories"]:
        raise ValidationError({"categories": _("请至少选择一个覆盖的产品类别。")})
    if "products" in m2m:
        check_products_of_holder(licence.holder, m2m["products"])
    licence.full_clean()
    licence.save()
    for name, values in m2m.items():
        getattr(licence, name).set(values)
    audit_record(
        actor=actor, action=AuditAction.RECORD_CHANGED, target=licence, before=before, after=record_snapshot(licence)
    )
    return licence


def licence_transition_error(licence: Licence, kind: str, on: dt.date, reason: str = "") -> ValidationError | None:
    """Why an event may not be recorded on a licence, or None: the transition rules in one place.

    Suspend only a valid licence; reinstate only a suspended one; nothing after a revocation;
    history is appended in date order, never rewritten (an event may not predate the last one).
    """
    if kind == LicenceEventKind.ISSUED:
        return ValidationError({"kind": _("“颁发”事件只在登记证书时产生。")})
    if kind not in LicenceEventKind.values:
        return ValidationError({"kind": _("未知的证书事件。")})
    last = licence.events.order_by("-on", "-id").first() if licence.pk else None
    if last is not None and last.kind == LicenceEventKind.REVOKED:
        return ValidationError({"kind": _("证书已于%(on)s吊销/撤销，不能再记录任何事件。") % {"on": last.on}})
    if last is not None and on < last.on:
        return ValidationError(
            {
                "on": _("日期不能早于最近一次事件（%(kind)s，%(on)s）。")
                % {"kind": last.get_kind_display(), "on": last.on}
            }
        )
    if on < licence.valid_from:
        return ValidationError({"on": _("日期不能早于证书有效期起（%(d)s）。") % {"d": licence.valid_from}})
    status = licence.status_on(on)
    if kind == LicenceEventKind.SUSPENDED and status != "valid":
        return ValidationError(
            {
                "kind": _("只有有效的证书才能暂停；该证书在%(on)s的状态为“%(s)s”。")
                % {"on": on, "s": status_label(status)}
            }
        )
    if kind == LicenceEventKind.REINSTATED and status != LicenceEventKind.SUSPENDED:
        return ValidationError(
            {
                "kind": _("只有已暂停的证书才能恢复；该证书在%(on)s的状态为“%(s)s”。")
                % {"on": on, "s": status_label(status)}
            }
        )
    if kind == LicenceEventKind.REVOKED and status not in ("valid", LicenceEventKind.SUSPENDED):
        return ValidationError(
            {"kind": _("该证书在%(on)s的状态为“%(s)s”，不能吊销/撤销。") % {"on": on, "s": status_label(status)}}
        )
    if kind in (LicenceEventKind.SUSPENDED, LicenceEventKind.REVOKED) and not (reason or "").strip():
        return ValidationError({"reason": _("暂停或吊销/撤销证书必须写明理由。")})
    return None


def status_label(status: str) -> str:
    labels = {
        "none": _("未颁发"),
        "valid": _("有效"),
        "expired": _("已过期"),
        LicenceEventKind.SUSPENDED.value: _("暂停"),
        LicenceEventKind.REVOKED.value: _("已吊销/撤销"),
    }
    return str(labels.get(status, status))


@transaction.atomic
def licence_record_event(*, actor: User, licence: Licence, kind: str, on: dt.date, reason: str = "") -> LicenceEvent:
    """Suspend, reinstate or revoke a licence by appending to its status history."""
    # 国发〔1999〕24号 第十五条: a product failing a spot check has its licence or certificate
    # suspended until rectified, and revoked when the follow-up check fails again.
    _require_role(actor, LICENCE_EDITORS)
    # Lock the licence: two officers recording events at once could both see it "valid".
    licence = Licence.objects.select_for_update().select_related("holder__region").get(pk=licence.pk)
    _require_region(actor, licence.holder.region, "licence")
    error = licence_transition_error(licence, kind, on, reason)
    if error is not None:
        raise error
    before_status = licence.status_on(on)
    event = LicenceEvent(licence=licence, kind=kind, on=on, reason=(reason or "").strip(), actor=actor)
    event.full_clean()
    event.save()
    audit_record(
        actor=actor,
        action=AuditAction.LICENCE_EVENT,
        target=licence,
        before={"status": before_status},
        after={"status": licence.status_on(on), "event": kind, "on": on.isoformat()},
        clause="第十五条",
        reason=event.reason,
    )
    return event


# ---------------------------------------------------------------- testing institutions (第十三条)

INSTITUTION_FIELDS = ("name", "accreditation_no", "region", "valid_from", "valid_to")


@transaction.atomic
def institution_create(
    *,
    actor: User,
    name: str,
    accreditation_no: str,
    region: Region,
    categories: Iterable[ProductCategory],
    standards: Iterable[Standard] = (),
    valid_from: dt.date,
    valid_to: dt.date,
) -> Institution:
    # 国发〔1999〕24号 第十三条: a testing institution works within its accreditation scope and validity.
    _require_role(actor, ADMINISTRATORS)
    _require_region(actor, region, "region")
    categories = list(categories)
    if not categories:
        raise ValidationError({"categories": _("请至少选择一个资质范围内的产品类别。")})
    institution = Institution(
        name=name,
        accreditation_no=(accreditation_no or "").strip(),
        region=region,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    institution.full_clean()
    institution.save()
    institution.categories.set(categories)
    institution.standards.set(list(standards))
    audit_record(
        actor=actor,
        action=AuditAction.RECORD_CREATED,
        target=institution,
        before=None,
        after=record_snapshot(institution),
        clause="第十三条",
    )
    return institution


@transaction.atomic
def institution_update(*, actor: User, institution: Institution, **changes: Any) -> Institution:
    # 国发〔1999〕24号 第十三条: scope and validity of a testing institution's qualification (its
    # suspension or cancellation is an event: institution_record_event).
    _require_role(actor, ADMINISTRATORS)
    institution = Institution.objects.select_for_update().select_related("region").get(pk=institution.pk)
    _require_region(actor, institution.region, "region")
    before = record_snapshot(institution)
    m2m = {k: list(changes.pop(k)) for k in ("categories", "standards") if k in changes}
    _apply(institution, changes, INSTITUTION_FIELDS)
    _require_region(actor, institution.region, "region")
    if "categories" in m2m and not m2m["categories"]:
        raise ValidationError({"categories": _("请至少选择一个资质范围内的产品类别。")})
    institution.full_clean()
    institution.save()
    for name, values in m2m.items():
        getattr(institution, name).set(values)
    audit_record(
        actor=actor,
        action=AuditAction.RECORD_CHANGED,
        target=institution,
        before=before,
        after=record_snapshot(institution),
        clause="第十三条",
    )
    return institution


# lazy: read at display time, in the reader's language
INSTITUTION_STATUS_LABELS = {
    "valid": gettext_lazy("有效"),
    "expired": gettext_lazy("已过期"),
    InstitutionEventKind.SUSPENDED.value: gettext_lazy("资质暂停"),
    InstitutionEventKind.CANCELLED.value: gettext_lazy("资质已撤销"),
}


def institution_status_label(status: str) -> str:
    return str(INSTITUTION_STATUS_LABELS.get(status, status))


def institution_transition_error(
    institution: Institution, kind: str, on: dt.date, reason: str = ""
) -> ValidationError | None:
    """Why an event may not be recorded on an institution, or None (第十三条).

    Suspend a qualification in force; reinstate only a suspended one; nothing after a cancellation
    (撤销其资格 is final); history is appended in date order; every event gives its reason.
    """
    if kind not in InstitutionEventKind.values:
        return ValidationError({"kind": _("未知的资质事件。")})
    last = institution.events.order_by("-on", "-id").first() if institution.pk else None
    if last is not None and last.kind == InstitutionEventKind.CANCELLED:
        return ValidationError({"kind": _("该机构的资质已于%(on)s撤销，不能再记录任何事件。") % {"on": last.on}})
    if last is not None and on < last.on:
        return ValidationError(
            {
                "on": _("日期不能早于最近一次事件（%(kind)s，%(on)s）。")
                % {"kind": last.get_kind_display(), "on": last.on}
            }
        )
    status = institution.status_on(on)
    if kind == InstitutionEventKind.SUSPENDED and status == InstitutionEventKind.SUSPENDED:
        return ValidationError({"kind": _("该机构的资质在%(on)s已处于暂停状态。") % {"on": on}})
    if kind == InstitutionEventKind.REINSTATED and status != InstitutionEventKind.SUSPENDED:
        return ValidationError(
            {
                "kind": _("只有暂停的资质才能恢复；该机构在%(on)s的资质状态为“%(s)s”。")
                % {"on": on, "s": institution_status_label(status)}
            }
        )
    if not (reason or "").strip():
        return ValidationError({"reason": _("请写明理由（如弄虚作假的事实和处理依据）。")})
    return None


@transaction.atomic
def institution_record_event(
    *, actor: User, institution: Institution, kind: str, on: dt.date, reason: str
) -> InstitutionEvent:
    """Suspend, reinstate or cancel a testing institution's qualification by appending to its history."""
    # 国发〔1999〕24号 第十三条: an intermediary that falsifies is dealt with severely; in serious
    # cases its qualification is cancelled (撤销其资格).
    _require_role(actor, ADMINISTRATORS)
    # Lock the institution: two administrators recording at once could both see it in force.
    institution = Institution.objects.select_for_update().select_related("region").get(pk=institution.pk)
    _require_region(actor, institution.region, "institution")
    error = institution_transition_error(institution, kind, on, reason)
    if error is not None:
        raise error
    before_status = institution.status_on(on)
    event = InstitutionEvent(institution=institution, kind=kind, on=on, reason=reason.strip(), actor=actor)
    event.full_clean()
    event.save()
    audit_record(
        actor=actor,
        action=AuditAction.INSTITUTION_EVENT,
        target=institution,
        before={"status": before_status},
        after={"status": institution.status_on(on), "event": kind, "on": on.isoformat()},
        reason=event.reason,
    )
    return event
