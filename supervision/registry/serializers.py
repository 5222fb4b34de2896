"""Serializers of the registry API. They parse and present; every write calls a registry service.

Related records are looked up among those the requesting user may see, so a primary key from
another region is "not found" (400 beside the field), never silently accepted.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.models import User
from portal.permissions import can_read_id_numbers
from portal.typing import request_user
from supervision.registry import services
from supervision.registry.models import (
    Appointment,
    AppointmentRole,
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
from supervision.registry.selectors import scoped

M = TypeVar("M", bound=Model)


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField[M]):
    """A primary key looked up among the records the requesting user may see."""

    def get_queryset(self) -> QuerySet[M]:
        qs = cast("QuerySet[M]", super().get_queryset())  # every such field is given a queryset
        request = self.context.get("request")
        if request is None:
            return qs.none()
        return scoped(qs.model, request.user, qs)


class RegionCodeField(serializers.SlugRelatedField[Region]):
    """A region by its GB/T 2260 code; an unknown code is refused beside the field in Chinese."""

    default_error_messages = {
        "does_not_exist": _("行政区划代码“{value}”不存在，请填写GB/T 2260的6位区划代码。"),
        "invalid": _("行政区划代码无效。"),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Region.objects.all())
        super().__init__(**kwargs)


def _actor(serializer: serializers.BaseSerializer[Any]) -> User:
    return request_user(serializer.context["request"])


# ---------------------------------------------------------------- regions and authorities


class RegionSerializer(serializers.ModelSerializer[Region]):
    # the metaclass takes declared fields off the class, so this does not shadow Field.parent
    parent = serializers.CharField(source="parent_id", read_only=True, allow_null=True)  # type: ignore[assignment]

    class Meta:
        model = Region
        fields = ("code", "name", "level", "parent", "full_name")


class AuthoritySerializer(serializers.ModelSerializer[Authority]):
    region = serializers.CharField(source="region_id", read_only=True)

    class Meta:
        model = Authority
        fields = ("id", "name", "region", "government")


# ---------------------------------------------------------------- enterprises, persons, appointments


class EnterpriseSerializer(serializers.ModelSerializer[Enterprise]):
    region = RegionCodeField()

    class Meta:
        model = Enterprise
        fields = ("id", "uscc", "name", "address", "region", "registration_status", "contact", "phone", "created_at")
        read_only_fields = ("created_at",)

    def create(self, validated_data: dict[str, Any]) -> Enterprise:
        return services.enterprise_create(actor=_actor(self), **validated_data)

    def update(self, instance: Enterprise, validated_data: dict[str, Any]) -> Enterprise:
        return services.enterprise_update(actor=_actor(self), enterprise=instance, **validated_data)


class PersonSerializer(serializers.ModelSerializer[Person]):
    """The ID number is written in full and read in full only by the authorised roles."""

    masked_id = serializers.CharField(read_only=True)

    class Meta:
        model = Person
        fields = ("id", "name", "id_number", "masked_id")

    def to_representation(self, instance: Person) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not can_read_id_numbers(request.user):
            data["id_number"] = instance.masked_id
        return data

    def create(self, validated_data: dict[str, Any]) -> Person:
        return services.person_create(actor=_actor(self), **validated_data)

    def update(self, instance: Person, validated_data: dict[str, Any]) -> Person:
        return services.person_update(actor=_actor(self), person=instance, **validated_data)


class AppointmentSerializer(serializers.ModelSerializer[Appointment]):
    person = ScopedPrimaryKeyRelatedField(queryset=Person.objects.all())
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    role = serializers.ChoiceField(choices=AppointmentRole.choices)

    class Meta:
        model = Appointment
        fields = ("id", "person", "enterprise", "role", "start", "end", "removed")
        read_only_fields = ("removed",)

    def create(self, validated_data: dict[str, Any]) -> Appointment:
        return services.appointment_create(actor=_actor(self), **validated_data)


class AppointmentEndSerializer(serializers.Serializer[Any]):
    end = serializers.DateField(label=_("离任日期"))
    removed = serializers.BooleanField(label=_("依法免职"), default=False)
    reason = serializers.CharField(label=_("理由"), required=False, allow_blank=True, default="")


# ---------------------------------------------------------------- catalogue


class StandardSerializer(serializers.ModelSerializer[Standard]):
    class Meta:
        model = Standard
        fields = ("id", "code", "title", "mandatory")


class CatalogueItemSerializer(serializers.ModelSerializer[CatalogueItem]):
    standard: serializers.SlugRelatedField[Standard] = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = CatalogueItem
        fields = ("id", "seq", "name", "standard", "clause", "requirement", "unit")


class ProductCategorySerializer(serializers.ModelSerializer[ProductCategory]):
    standards: serializers.SlugRelatedField[Standard] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    items = CatalogueItemSerializer(many=True, read_only=True)

    class Meta:
        model = ProductCategory
        fields = (
            "id",
            "code",
            "name",
            "parent",
            "health_safety",
            "livelihood",
            "complaint_focus",
            "is_focus",
            "licence_required",
            "in_catalogue",
            "sample_quantity",
            "standards",
            "items",
        )


class ProductSerializer(serializers.ModelSerializer[Product]):
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all())

    class Meta:
        model = Product
        fields = ("id", "enterprise", "category", "name", "trademark", "model_spec", "is_main")

    def create(self, validated_data: dict[str, Any]) -> Product:
        return services.product_create(actor=_actor(self), **validated_data)

    def update(self, instance: Product, validated_data: dict[str, Any]) -> Product:
        return services.product_update(actor=_actor(self), product=instance, **validated_data)


# ---------------------------------------------------------------- licences


class LicenceEventSerializer(serializers.ModelSerializer[LicenceEvent]):
    actor = serializers.CharField(source="actor.get_username", read_only=True)

    class Meta:
        model = LicenceEvent
        fields = ("id", "kind", "on", "reason", "actor", "created_at")
        read_only_fields = ("created_at",)


class LicenceEventInputSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(
        label=_("事件"),
        choices=[
            (k.value, k.label)
            for k in (LicenceEventKind.SUSPENDED, LicenceEventKind.REINSTATED, LicenceEventKind.REVOKED)
        ],
    )
    on = serializers.DateField(label=_("日期"))
    reason = serializers.CharField(label=_("理由"), required=False, allow_blank=True, default="")


class LicenceSerializer(serializers.ModelSerializer[Licence]):
    holder = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    products = ScopedPrimaryKeyRelatedField(queryset=Product.objects.all(), many=True, required=False)
    status = serializers.SerializerMethodField(label=_("当前状态"))
    events = LicenceEventSerializer(many=True, read_only=True)

    class Meta:
        model = Licence
        fields = (
            "id",
            "kind",
            "number",
            "holder",
            "categories",
            "products",
            "valid_from",
            "valid_to",
            "status",
            "events",
        )

    @extend_schema_field(OpenApiTypes.STR)
    def get_status(self, obj: Licence) -> str:
        return obj.status_on(timezone.localdate())

    def create(self, validated_data: dict[str, Any]) -> Licence:
        return services.licence_issue(actor=_actor(self), **validated_data)

    def update(self, instance: Licence, validated_data: dict[str, Any]) -> Licence:
        validated_data.pop("holder", None)  # a licence does not change hands
        return services.licence_update(actor=_actor(self), licence=instance, **validated_data)


# ---------------------------------------------------------------- institutions


class InstitutionEventSerializer(serializers.ModelSerializer[InstitutionEvent]):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = InstitutionEvent
        fields = ("id", "kind", "on", "reason", "actor", "created_at")
        read_only_fields = ("created_at",)

    @extend_schema_field(OpenApiTypes.STR)
    def get_actor(self, obj: InstitutionEvent) -> str:
        return obj.actor.get_username() if obj.actor is not None else ""


class InstitutionEventInputSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(label=_("事件"), choices=InstitutionEventKind.choices)
    on = serializers.DateField(label=_("日期"))
    reason = serializers.CharField(label=_("理由"), required=False, allow_blank=True, default="")


class InstitutionSerializer(serializers.ModelSerializer[Institution]):
    region = RegionCodeField()
    status = serializers.SerializerMethodField(label=_("当前资质状态"))
    events = InstitutionEventSerializer(many=True, read_only=True)

    class Meta:
        model = Institution
        fields = (
            "id",
            "name",
            "accreditation_no",
            "region",
            "categories",
            "standards",
            "valid_from",
            "valid_to",
            "status",
            "events",
        )
        extra_kwargs = {"standards": {"required": False}}

    @extend_schema_field(OpenApiTypes.STR)
    def get_status(self, obj: Institution) -> str:
        """cancelled / suspended / expired / valid, today; changed only by …/events/ (第十三条)."""
        return obj.status_on(timezone.localdate())

    def create(self, validated_data: dict[str, Any]) -> Institution:
        return services.institution_create(actor=_actor(self), **validated_data)

    def update(self, instance: Institution, validated_data: dict[str, Any]) -> Institution:
        return services.institution_update(actor=_actor(self), institution=instance, **validated_data)
