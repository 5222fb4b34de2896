"""Admin of staff accounts (region, roles, 执法证号) and the read-only audit trail."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.admin_audit import AuditedAdminMixin
from portal.models import ACTS, AuditEvent, Role, User
from portal.permissions import ADMINISTRATORS, AUDIT_READERS

# Django stores a permission's name once, in the language of the migration that created it ("Can add
# 审计记录"); the selection widgets show it in the reader's language instead, from the model's name.
PERMISSION_ACTIONS = {
    "add": _("可新增%(model)s"),
    "change": _("可修改%(model)s"),
    "delete": _("可删除%(model)s"),
    "view": _("可查看%(model)s"),
}


class PermissionChoiceField(forms.ModelMultipleChoiceField[Permission]):
    def label_from_instance(self, obj: Permission) -> str:
        model = obj.content_type.model_class()
        action = obj.codename.split("_", 1)[0]
        if model is None or action not in PERMISSION_ACTIONS or obj.codename != f"{action}_{model._meta.model_name}":
            return str(obj)
        app = model._meta.app_config.verbose_name if model._meta.app_config else model._meta.app_label
        return gettext("%(app)s | %(permission)s") % {
            "app": app,
            "permission": PERMISSION_ACTIONS[action] % {"model": model._meta.verbose_name},
        }


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest | None = None, **kwargs: Any) -> Any:
        if db_field.name == "permissions":
            kwargs["form_class"] = PermissionChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(User)
class UserAdmin(AuditedAdminMixin[User], DjangoUserAdmin[User]):
    """Staff accounts of the administrator's region and below; roles as check boxes."""

    write_roles = ADMINISTRATORS
    view_roles = ADMINISTRATORS
    allow_delete = False  # accounts sign audit rows and samples: deactivate instead
    list_display = ("username", "full_name", "region", "roles_shown", "enforcement_id", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "region__level")
    search_fields = ("username", "full_name", "enforcement_id")
    list_select_related = ("region",)
    autocomplete_fields = ("region",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("工作人员信息"), {"fields": ("full_name", "region", "roles", "enforcement_id", "email")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        (_("工作人员信息"), {"fields": ("full_name", "region", "roles", "enforcement_id", "is_staff")}),
    )

    @admin.display(description=_("角色"))
    def roles_shown(self, obj: User) -> str:
        return "、".join(obj.role_labels())

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "roles":
            return forms.TypedMultipleChoiceField(
                label=db_field.verbose_name,
                choices=Role.choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user_permissions":
            kwargs["form_class"] = PermissionChoiceField
            kwargs["queryset"] = Permission.objects.select_related("content_type")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly: tuple[str, ...] = ("last_login", "date_joined")
        if not request.user.is_superuser:  # a regional administrator cannot mint superusers
            readonly += ("is_superuser", "groups", "user_permissions")
        return readonly


class ActionFilter(admin.SimpleListFilter):
    title = _("行为")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(str(int(k)), label) for k, (label, _clause) in ACTS.items()]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        value = self.value()
        return queryset.filter(action=int(value)) if value and value.isdigit() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(AuditedAdminMixin[AuditEvent], admin.ModelAdmin[AuditEvent]):
    """The audit trail can be read, filtered and searched, never written or deleted."""

    view_roles = AUDIT_READERS
    write_roles = ()
    allow_add = False
    allow_delete = False
    list_display = ("at", "actor_label", "action_shown", "target_type", "target_repr", "clause_shown", "region_code")
    list_filter = (ActionFilter, "target_type", "clause", "at")
    search_fields = ("target_repr", "actor_label", "reason", "target_id")
    date_hierarchy = "at"
    list_select_related = ("target_type",)
    fields = (
        "at",
        "actor",
        "actor_label",
        "action_shown",
        "clause_shown",
        "target_type",
        "target_id",
        "target_repr",
        "region_code",
        "before_shown",
        "after_shown",
        "reason",
    )
    readonly_fields = fields

    @admin.display(description=_("行为"))
    def action_shown(self, obj: AuditEvent) -> str:
        return obj.action_label

    @admin.display(description=_("依据条款"))
    def clause_shown(self, obj: AuditEvent) -> str:
        # stored in Chinese, as the act cited it; shown in the reader's language
        return gettext(obj.clause) if obj.clause else ""

    @admin.display(description=_("变更前"))
    def before_shown(self, obj: AuditEvent) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.before, ensure_ascii=False, indent=2))

    @admin.display(description=_("变更后"))
    def after_shown(self, obj: AuditEvent) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.after, ensure_ascii=False, indent=2))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # the "history" button of every audited record links here filtered by target
        # Django 5.2 still takes request=None (its deprecation path); the stubs require a request
        return lookup == "target_id" or super().lookup_allowed(lookup, value, request)  # type: ignore[arg-type]
