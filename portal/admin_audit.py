"""What every ModelAdmin of the portal shares: region scoping, role checks, an audit row per change.

Non-superuser staff carry no Django model permissions; what they may do in the admin follows
their roles (`view_roles`, `write_roles`) and what they may see follows their region
(`portal.access.scoped`). Every add, change and delete made through the admin,
inline rows included, writes an AuditEvent with the record before and after, in the same
transaction as the change (the admin's change and delete views are atomic).
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from portal.access import scoped
from portal.audit import audit_events_visible_to, audit_record, history_of, record_snapshot
from portal.forms import attach_service_errors
from portal.models import AuditAction, AuditEvent
from portal.permissions import REGISTRY_EDITORS, is_staff_member
from portal.typing import request_user

M = TypeVar("M", bound=models.Model)


def _audit(request: HttpRequest, action: AuditAction, obj: models.Model, before: Any, after: Any) -> None:
    audit_record(actor=request_user(request), action=action, target=obj, before=before, after=after)


def changed_fields(model: type[models.Model], before: Any, after: Any) -> list[tuple[str, Any, Any]]:
    """(label, before, after) of each value an audit row changed, labelled by the model's field names."""
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    out = []
    for key in sorted(set(before) | set(after)):
        if key == "id" or before.get(key) == after.get(key):
            continue
        try:
            label = str(getattr(model._meta.get_field(key), "verbose_name", key))
        except FieldDoesNotExist:
            label = key
        out.append((label, before.get(key, ""), after.get(key, "")))
    return out


class RolePermissionMixin:
    """Admin permissions from the user's roles; `view_roles=None` lets any staff member read."""

    view_roles: tuple[str, ...] | None = None
    write_roles: tuple[str, ...] = REGISTRY_EDITORS
    allow_add: bool = True
    allow_delete: bool = True

    def _may_view(self, request: HttpRequest) -> bool:
        user = request_user(request)
        return is_staff_member(user) and (self.view_roles is None or user.has_role(*self.view_roles))

    def _may_write(self, request: HttpRequest) -> bool:
        return is_staff_member(request.user) and request_user(request).has_role(*self.write_roles)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may_view(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_view(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.allow_add and self._may_write(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_write(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.allow_delete and self._may_write(request)


class RegionScopedFieldsMixin:
    """Choices of related records limited to what the user may see (an outsider's pk is "not a valid choice")."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "queryset" not in kwargs:
            kwargs["queryset"] = scoped(
                db_field.related_model, request.user, db_field.related_model._default_manager.all()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "queryset" not in kwargs:
            kwargs["queryset"] = scoped(
                db_field.related_model, request.user, db_field.related_model._default_manager.all()
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


class AuditedInlineMixin(RolePermissionMixin, RegionScopedFieldsMixin):
    """Inline rows follow the parent's roles; their changes are audited by the parent's save_formset."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_view(request)


class AuditedAdminMixin(RolePermissionMixin, RegionScopedFieldsMixin, Generic[M]):
    """Scope, role checks and the audit trail for a ModelAdmin. Put it before `admin.ModelAdmin`:
    `class EnterpriseAdmin(AuditedAdminMixin[Enterprise], admin.ModelAdmin[Enterprise])`."""

    model: type[M]  # set by the ModelAdmin it is mixed into
    # A service's error keys that name a differently named form field ({"kind": "event_kind"}).
    service_error_fields: dict[str, str] = {}

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[M]:
        return scoped(self.model, request.user, super().get_queryset(request))  # type: ignore[misc]

    # -- saves go through the services; a service's refusal comes back beside the fields

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc,no-any-return]
        except ValidationError as exc:
            # The admin's change view is atomic: the refused act left nothing behind. Show the same
            # form again, bound to what was typed, with the service's reasons beside its fields.
            request._service_errors = exc  # type: ignore[attr-defined]
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc,no-any-return]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]
        refused: ValidationError | None = getattr(request, "_service_errors", None)
        if refused is None:
            return form_class
        renames = self.service_error_fields
        if hasattr(refused, "error_dict"):
            refused = ValidationError({renames.get(k, k): v for k, v in refused.error_dict.items()})
        reasons: ValidationError = refused

        class RefusedByService(form_class):  # type: ignore[misc,valid-type]
            def clean(self) -> Any:
                data = super().clean()
                attach_service_errors(self, reasons)
                return data

        return RefusedByService

    def status_history(self, obj: M) -> tuple[str, list[Any]] | None:
        """A record with a status history (licences, institutions): its status today and its events."""
        return None

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        """ "History": the record's status for today and its status events, where it has them, and
        its audit trail (before and after of every change) for those who may read the trail."""
        obj = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        if obj is None:
            raise Http404(_("未找到该记录。"))
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        audit_admin = self.admin_site._registry.get(AuditEvent)  # type: ignore[attr-defined]
        may_read_trail = audit_admin is not None and audit_admin.has_view_permission(request)
        rows = None
        if may_read_trail:
            events = audit_events_visible_to(request.user, history_of(obj)).select_related("actor")
            rows = [
                {"event": event, "changes": changed_fields(type(obj), event.before, event.after)}
                for event in events.order_by("-at", "-id")[:200]
            ]
        content_type = ContentType.objects.get_for_model(self.model)
        trail_url = "{}?{}".format(
            reverse("admin:portal_auditevent_changelist"),
            urlencode({"target_type__id__exact": content_type.pk, "target_id": obj.pk}),
        )
        status = self.status_history(obj)
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "title": _("历史：%(record)s") % {"record": obj},
            "subtitle": None,
            "object": obj,
            "opts": opts,
            "module_name": str(opts.verbose_name_plural),
            "status": status[0] if status else None,
            "status_events": status[1] if status else None,
            "today": timezone.localdate(),
            "audit_rows": rows,
            "trail_url": trail_url if may_read_trail else "",
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/record_history.html", context)

    # -- the audit trail

    def save_model(self, request: HttpRequest, obj: M, form: Any, change: bool) -> None:
        before = record_snapshot(type(obj)._default_manager.get(pk=obj.pk)) if change and obj.pk else None
        request._audit_pending = (obj, before, change)  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)  # type: ignore[misc]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # ModelAdmin.save_related, with the record's own audit row written between its
        # many-to-many fields (part of its "after") and its inline rows (audited one by one)
        form.save_m2m()
        pending = getattr(request, "_audit_pending", None)
        if pending is not None:
            obj, before, was_change = pending
            del request._audit_pending  # type: ignore[attr-defined]
            after = record_snapshot(obj)
            if not (was_change and before == after):
                action = AuditAction.RECORD_CHANGED if was_change else AuditAction.RECORD_CREATED
                _audit(request, action, obj, before, after)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        befores = {}
        for f in formset.initial_forms:
            if f.instance.pk and f.has_changed():
                befores[f.instance.pk] = record_snapshot(type(f.instance)._default_manager.get(pk=f.instance.pk))
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            _audit(request, AuditAction.RECORD_DELETED, obj, record_snapshot(obj), None)
            obj.delete()
        for obj in instances:
            is_new = obj.pk is None or obj.pk not in befores
            obj.save()
            action = AuditAction.RECORD_CREATED if is_new else AuditAction.RECORD_CHANGED
            _audit(request, action, obj, None if is_new else befores[obj.pk], record_snapshot(obj))
        formset.save_m2m()

    def delete_model(self, request: HttpRequest, obj: M) -> None:
        _audit(request, AuditAction.RECORD_DELETED, obj, record_snapshot(obj), None)
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[M]) -> None:
        # the bulk "delete selected" action is not atomic by itself: all rows and their audit, or none
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)
