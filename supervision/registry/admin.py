"""Django admin of the registry, in Chinese, scoped to the staff user's region and audited.

Acts that carry a rule go through `supervision.registry.services`: appointing a person (the overlap check
under a row lock), issuing a licence and recording its status events (第十一条, 第十五条).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.admin_audit import AuditedAdminMixin, AuditedInlineMixin
from portal.permissions import ADMINISTRATORS, LICENCE_EDITORS, PRODUCT_EDITORS, REGISTRY_EDITORS, can_read_id_numbers
from portal.typing import request_user
from supervision.registry import services as registry_services
from supervision.registry.models import (
    Appointment,
    Authority,
    CatalogueItem,
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
    Standard,
)

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldGroups

# ---------------------------------------------------------------- regions and authorities


@admin.register(Region)
class RegionAdmin(AuditedAdminMixin[Region], admin.ModelAdmin[Region]):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    write_roles = ()  # GB/T 2260 codes ship with the code; only a superuser may touch them
    allow_add = False
    allow_delete = False


@admin.register(Authority)
class AuthorityAdmin(AuditedAdminMixin[Authority], admin.ModelAdmin[Authority]):
    list_display = ("name", "region", "government", "document_code")
    search_fields = ("name", "region__code")
    list_select_related = ("region",)
    readonly_fields = ("region",)
    write_roles = ADMINISTRATORS
    allow_add = False
    allow_delete = False


# ---------------------------------------------------------------- enterprises, persons, appointments


class AppointmentInline(AuditedInlineMixin, admin.TabularInline[Appointment, Enterprise]):
    model = Appointment
    fields = ("person", "role", "start", "end", "removed")
    readonly_fields = fields
    extra = 0
    allow_add = False
    allow_delete = False
    show_change_link = True

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ProductInline(AuditedInlineMixin, admin.TabularInline[Product, Enterprise]):
    model = Product
    fields = ("name", "category", "trademark", "model_spec", "is_main")
    extra = 0
    allow_delete = False


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedAdminMixin[Enterprise], admin.ModelAdmin[Enterprise]):
    list_display = ("name", "uscc", "region", "registration_status")
    list_filter = ("registration_status", "region__level")
    search_fields = ("name", "uscc")
    list_select_related = ("region",)
    autocomplete_fields = ("region",)
    inlines = (ProductInline, AppointmentInline)
    write_roles = REGISTRY_EDITORS
    allow_delete = False  # enterprises are referenced by samples and results: change their status instead

    def save_model(self, request: HttpRequest, obj: Enterprise, form: Any, change: bool) -> None:
        # registered and changed (its registration status included) through the registry's services,
        # which check the region and write the audit row; the product rows below are audited one by one
        data = form.cleaned_data
        actor = request_user(request)
        if not change:
            created = registry_services.enterprise_create(
                actor=actor, **{k: data[k] for k in registry_services.ENTERPRISE_FIELDS if k in data}
            )
            obj.pk = created.pk
            obj._state.adding = False
            return
        changes = {k: data[k] for k in form.changed_data if k in registry_services.ENTERPRISE_FIELDS}
        if changes:
            registry_services.enterprise_update(actor=actor, enterprise=obj, **changes)


@admin.register(Person)
class PersonAdmin(AuditedAdminMixin[Person], admin.ModelAdmin[Person]):
    """The full ID number is shown only to administrators and enforcement officers."""

    search_fields = ("name",)
    write_roles = REGISTRY_EDITORS
    allow_delete = False

    def get_list_display(self, request: HttpRequest) -> tuple[str, ...]:
        return ("name", "id_number") if can_read_id_numbers(request.user) else ("name", "masked_id")

    def get_search_fields(self, request: HttpRequest) -> tuple[str, ...]:
        return ("name", "id_number") if can_read_id_numbers(request.user) else ("name",)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> _FieldGroups:
        if obj is None or can_read_id_numbers(request.user):
            return ["name", "id_number"]
        return ["name", "masked_id"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is not None and not can_read_id_numbers(request.user):
            return ("masked_id",)
        return ()

    @admin.display(description=_("居民身份证号码（已遮蔽）"))
    def masked_id(self, obj: Person) -> str:
        return obj.masked_id


class AppointmentAdminForm(forms.ModelForm[Appointment]):
    class Meta:
        model = Appointment
        fields = ("person", "enterprise", "role", "start", "end", "removed")

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())  # a ModelForm's clean() returns cleaned_data
        # a removal by law (第十五条) is the way a post ends: it is recorded with its last day, by the service
        if self.instance.pk and "removed" in self.fields and data.get("removed") and not data.get("end"):
            self.add_error("end", gettext("依法免职须填写离任日期。"))
        return data


@admin.register(Appointment)
class AppointmentAdmin(AuditedAdminMixin[Appointment], admin.ModelAdmin[Appointment]):
    form = AppointmentAdminForm
    list_display = ("enterprise", "role", "person", "start", "end", "removed")
    list_filter = ("role", "removed")
    search_fields = ("enterprise__name", "enterprise__uscc", "person__name")
    list_select_related = ("enterprise", "person")
    autocomplete_fields = ("person", "enterprise")
    write_roles = REGISTRY_EDITORS
    allow_delete = False  # the history of who held a post is kept; end it instead

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # A post is appointed, then ended once (appointment_end, which records a removal by law);
        # an ended post is history and is not edited here, where no service would check or cite it.
        if obj is None:
            return ("removed",)
        if obj.end is not None:
            return ("person", "enterprise", "role", "start", "end", "removed")
        return ("person", "enterprise", "role", "start")

    def save_model(self, request: HttpRequest, obj: Appointment, form: Any, change: bool) -> None:
        if not change:
            created = registry_services.appointment_create(
                actor=request_user(request),
                person=obj.person,
                enterprise=obj.enterprise,
                role=obj.role,
                start=obj.start,
                end=obj.end,
            )
            obj.pk = created.pk
            obj._state.adding = False
            return
        original = Appointment.objects.get(pk=obj.pk)
        if original.end is None and obj.end is not None:
            registry_services.appointment_end(
                actor=request_user(request),
                appointment=original,
                end=obj.end,
                removed=obj.removed,
            )
            return
        super().save_model(request, obj, form, change)


# ---------------------------------------------------------------- catalogue


class CatalogueItemInline(AuditedInlineMixin, admin.TabularInline[CatalogueItem, ProductCategory]):
    model = CatalogueItem
    fields = ("seq", "name", "standard", "clause", "requirement", "unit")
    extra = 1
    write_roles = ADMINISTRATORS


@admin.register(ProductCategory)
class ProductCategoryAdmin(AuditedAdminMixin[ProductCategory], admin.ModelAdmin[ProductCategory]):
    """The spot-check catalogue (第十四条): categories, their focus flags and their test items."""

    list_display = (
        "code",
        "name",
        "health_safety",
        "livelihood",
        "complaint_focus",
        "licence_required",
        "in_catalogue",
    )
    list_filter = ("in_catalogue", "health_safety", "livelihood", "complaint_focus", "licence_required")
    search_fields = ("code", "name")
    filter_horizontal = ("standards",)
    inlines = (CatalogueItemInline,)
    write_roles = ADMINISTRATORS


@admin.register(Standard)
class StandardAdmin(AuditedAdminMixin[Standard], admin.ModelAdmin[Standard]):
    list_display = ("code", "title", "mandatory")
    list_filter = ("mandatory",)
    search_fields = ("code", "title")
    write_roles = ADMINISTRATORS


@admin.register(Product)
class ProductAdmin(AuditedAdminMixin[Product], admin.ModelAdmin[Product]):
    list_display = ("name", "model_spec", "trademark", "enterprise", "category", "is_main")
    list_filter = ("is_main", "category")
    search_fields = ("name", "model_spec", "trademark", "enterprise__name")
    list_select_related = ("enterprise", "category")
    autocomplete_fields = ("enterprise",)
    write_roles = PRODUCT_EDITORS
    allow_delete = False


# ---------------------------------------------------------------- status histories (licences, institutions)


class StatusEventForm(forms.ModelForm[Any]):
    """A record's particulars, plus a new status event; the service decides whether it may be recorded."""

    EVENT_CHOICES: list[tuple[str, Any]] = []
    event_kind = forms.ChoiceField(label=_("记录新事件"), required=False)
    event_on = forms.DateField(label=_("事件日期"), required=False, widget=AdminDateWidget)
    event_reason = forms.CharField(label=_("事件理由"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["event_kind"]).choices = [("", "---------"), *self.EVENT_CHOICES]


class EventHistoryInline(AuditedInlineMixin, admin.TabularInline[Any, Any]):
    """The status history: read-only; a new event is recorded with the form above, through the service."""

    fields = ("on", "kind", "reason", "recorded_by", "recorded_at")
    readonly_fields = fields
    extra = 0
    allow_add = False
    allow_delete = False
    verbose_name_plural = _("状态历史")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=_("登记人"))
    def recorded_by(self, obj: Any) -> str:
        return str(obj.actor) if obj.actor_id else gettext("（迁移自原记录）")

    @admin.display(description=_("登记时间"))
    def recorded_at(self, obj: Any) -> str:
        return f"{timezone.localtime(obj.created_at):%Y-%m-%d %H:%M}"


EVENT_FIELDS = {"kind": "event_kind", "on": "event_on", "reason": "event_reason"}


# ---------------------------------------------------------------- licences (第十一条, 第十五条)


class LicenceForm(StatusEventForm):
    EVENT_CHOICES = [
        (k.value, k.label) for k in (LicenceEventKind.SUSPENDED, LicenceEventKind.REINSTATED, LicenceEventKind.REVOKED)
    ]

    class Meta:
        model = Licence
        fields = ("kind", "number", "holder", "categories", "products", "valid_from", "valid_to")


class LicenceEventInline(EventHistoryInline):
    model = LicenceEvent


@admin.register(Licence)
class LicenceAdmin(AuditedAdminMixin[Licence], admin.ModelAdmin[Licence]):
    """Every save goes through the registry's services: issue, correct, record an event (第十一条, 第十五条)."""

    form = LicenceForm
    list_display = ("number", "kind", "holder", "valid_from", "valid_to", "status_today")
    list_filter = ("kind",)
    search_fields = ("number", "holder__name", "holder__uscc")
    list_select_related = ("holder",)
    autocomplete_fields = ("holder", "products")
    filter_horizontal = ("categories",)
    inlines = (LicenceEventInline,)
    write_roles = LICENCE_EDITORS
    allow_delete = False
    service_error_fields = {**EVENT_FIELDS, "licence": "event_kind"}

    def get_queryset(self, request: HttpRequest) -> Any:
        # status_today reads each licence's history: one prefetch for the page, not a query per row
        return super().get_queryset(request).prefetch_related("events")

    @admin.display(description=_("当前状态"))
    def status_today(self, obj: Licence) -> str:
        return registry_services.status_label(obj.status_on(timezone.localdate()))

    def status_history(self, obj: Licence) -> tuple[str, list[Any]]:
        return self.status_today(obj), list(obj.events.select_related("actor").order_by("on", "id"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        return ("holder", "status_today")  # a licence does not change hands (as in the API)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        main = (None, {"fields": ("kind", "number", "holder", "categories", "products", "valid_from", "valid_to")})
        if obj is None:
            return (main,)
        return (
            (None, {"fields": ("status_today",)}),
            main,
            (_("记录状态事件（暂停、恢复、吊销/撤销）"), {"fields": ("event_kind", "event_on", "event_reason")}),
        )

    def save_model(self, request: HttpRequest, obj: Licence, form: Any, change: bool) -> None:
        data = form.cleaned_data
        actor = request_user(request)
        if not change:
            licence = registry_services.licence_issue(
                actor=actor,
                kind=data["kind"],
                number=data["number"],
                holder=data["holder"],
                categories=data["categories"],
                products=data.get("products") or [],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
            )
            obj.pk = licence.pk
            obj._state.adding = False
            return
        changes = {name: data[name] for name in form.changed_data if name in registry_services.LICENCE_EDITABLE}
        if changes:
            registry_services.licence_update(actor=actor, licence=obj, **changes)
        if data.get("event_kind"):
            registry_services.licence_record_event(
                actor=actor,
                licence=obj,
                kind=data["event_kind"],
                on=data.get("event_on") or timezone.localdate(),
                reason=data.get("event_reason", ""),
            )
            messages.success(request, gettext("已记录证书状态事件。"))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # the services set the many-to-many fields and wrote the audit rows; the history inline is
        # read-only, so saving it only settles the admin's change-message bookkeeping
        for formset in formsets:
            formset.save()


# ---------------------------------------------------------------- testing institutions (第十三条)


class InstitutionForm(StatusEventForm):
    EVENT_CHOICES = [(k.value, k.label) for k in InstitutionEventKind]

    class Meta:
        model = Institution
        fields = ("name", "accreditation_no", "region", "categories", "standards", "valid_from", "valid_to")


class InstitutionEventInline(EventHistoryInline):
    model = InstitutionEvent


@admin.register(Institution)
class InstitutionAdmin(AuditedAdminMixin[Institution], admin.ModelAdmin[Institution]):
    """Scope and validity corrected, and the qualification suspended, reinstated or cancelled (第十三条),
    only through the registry's services, each with its reason, audited and kept as history."""

    form = InstitutionForm
    list_display = ("name", "accreditation_no", "region", "valid_from", "valid_to", "status_today")
    search_fields = ("name", "accreditation_no")
    list_select_related = ("region",)
    autocomplete_fields = ("region",)
    filter_horizontal = ("categories", "standards")
    inlines = (InstitutionEventInline,)
    write_roles = ADMINISTRATORS
    allow_delete = False
    service_error_fields = {**EVENT_FIELDS, "institution": "event_kind"}

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).prefetch_related("events")

    @admin.display(description=_("当前资质状态"))
    def status_today(self, obj: Institution) -> str:
        return registry_services.institution_status_label(obj.status_on(timezone.localdate()))

    def status_history(self, obj: Institution) -> tuple[str, list[Any]]:
        return self.status_today(obj), list(obj.events.select_related("actor").order_by("on", "id"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("status_today",) if obj is not None else ()

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        main = (
            None,
            {"fields": ("name", "accreditation_no", "region", "categories", "standards", "valid_from", "valid_to")},
        )
        if obj is None:
            return (main,)
        return (
            (None, {"fields": ("status_today",)}),
            main,
            (_("记录资质事件（暂停、恢复、撤销）"), {"fields": ("event_kind", "event_on", "event_reason")}),
        )

    def save_model(self, request: HttpRequest, obj: Institution, form: Any, change: bool) -> None:
        data = form.cleaned_data
        actor = request_user(request)
        if not change:
            institution = registry_services.institution_create(
                actor=actor,
                name=data["name"],
                accreditation_no=data["accreditation_no"],
                region=data["region"],
                categories=data["categories"],
                standards=data.get("standards") or [],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
            )
            obj.pk = institution.pk
            obj._state.adding = False
            return
        editable = (*registry_services.INSTITUTION_FIELDS, "categories", "standards")
        changes = {name: data[name] for name in form.changed_data if name in editable}
        if changes:
            registry_services.institution_update(actor=actor, institution=obj, **changes)
        if data.get("event_kind"):
            registry_services.institution_record_event(
                actor=actor,
                institution=obj,
                kind=data["event_kind"],
                on=data.get("event_on") or timezone.localdate(),
                reason=data.get("event_reason", ""),
            )
            messages.success(request, gettext("已记录检验机构资质事件。"))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        for formset in formsets:
            formset.save()
