"""Staff REST API over the registry (/api/…). Querysets are region-scoped; writes need a role.

A record outside the user's region is not found (404); creating one there is refused beside the
field (400). Writes go through `supervision.registry.services` via the serializers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import django_filters
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import BaseFilterBackend, OrderingFilter, SearchFilter
from rest_framework.request import Request
from rest_framework.response import Response

from portal.permissions import (
    ADMINISTRATORS,
    LICENCE_EDITORS,
    PRODUCT_EDITORS,
    REGISTRY_EDITORS,
    HasRole,
    ReadOnlyStaff,
)
from portal.typing import request_user
from supervision.registry import serializers as s
from supervision.registry import services
from supervision.registry.models import (
    Appointment,
    Authority,
    Enterprise,
    Institution,
    Licence,
    Person,
    Product,
    ProductCategory,
    Region,
    Standard,
)
from supervision.registry.selectors import scoped

if TYPE_CHECKING:
    from rest_framework.generics import BaseFilterProtocol

M = TypeVar("M", bound=Model)

FILTERS: list[type[BaseFilterBackend | BaseFilterProtocol[Any]]] = [DjangoFilterBackend, SearchFilter, OrderingFilter]


class ScopedViewSetMixin:
    """`get_queryset` through the one region selector."""

    model: Any = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    filter_backends: Sequence[type[BaseFilterBackend | BaseFilterProtocol[Any]]] = FILTERS

    def get_queryset(self) -> QuerySet[Any]:
        qs = self.model._default_manager.all()
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return scoped(self.model, self.request.user, qs)  # type: ignore[attr-defined]


class ScopedEditableViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[M],
):
    """List, read, create and change (never delete: records are referenced by samples and audit rows)."""


class EnterpriseFilter(django_filters.FilterSet):
    within = django_filters.CharFilter(
        label=_("行政区划（含下级）"),
        method="filter_within",
        help_text=_("GB/T 2260区划代码，如440100（广州市及其所辖区县）"),
    )

    class Meta:
        model = Enterprise
        fields = ("region", "registration_status", "uscc")

    def filter_within(self, queryset: QuerySet[Enterprise], name: str, value: str) -> QuerySet[Enterprise]:
        region = Region.objects.filter(code=value).first()
        return queryset.filter(region__code__startswith=region.prefix) if region else queryset.none()


class RegionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet[Region]):
    """行政区划 visible to the user (theirs and below)."""

    model = Region
    serializer_class = s.RegionSerializer
    lookup_field = "code"
    permission_classes = [ReadOnlyStaff]
    filterset_fields = ("level", "parent")
    search_fields = ("code", "name")
    ordering_fields = ("code", "name")
    select_related = ("parent",)


class AuthorityViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet[Authority]):
    model = Authority
    serializer_class = s.AuthoritySerializer
    permission_classes = [ReadOnlyStaff]
    filterset_fields = ("region",)
    search_fields = ("name",)
    ordering_fields = ("region", "name")


class EnterpriseViewSet(ScopedEditableViewSet[Enterprise]):
    model = Enterprise
    serializer_class = s.EnterpriseSerializer
    permission_classes = [HasRole(*REGISTRY_EDITORS)]
    filterset_class = EnterpriseFilter
    search_fields = ("name", "uscc")
    ordering_fields = ("name", "uscc", "created_at")
    select_related = ("region",)


class PersonViewSet(ScopedEditableViewSet[Person]):
    model = Person
    serializer_class = s.PersonSerializer
    permission_classes = [HasRole(*REGISTRY_EDITORS)]
    filterset_fields = ("name",)
    search_fields = ("name",)
    ordering_fields = ("name",)


class AppointmentViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Appointment],
):
    """Posts held in enterprises; a post is ended, never edited or deleted."""

    model = Appointment
    serializer_class = s.AppointmentSerializer
    permission_classes = [HasRole(*REGISTRY_EDITORS)]
    filterset_fields = ("enterprise", "person", "role", "removed")
    ordering_fields = ("start", "end")
    select_related = ("enterprise", "person")

    @extend_schema(request=s.AppointmentEndSerializer, responses=s.AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None) -> Response:
        appointment = self.get_object()
        data = s.AppointmentEndSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appointment = services.appointment_end(
            actor=request_user(request), appointment=appointment, **data.validated_data
        )
        return Response(s.AppointmentSerializer(appointment, context={"request": request}).data)


class ProductCategoryViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet[ProductCategory]):
    """The spot-check catalogue with focus flags and test items (managed in the admin)."""

    model = ProductCategory
    serializer_class = s.ProductCategorySerializer
    permission_classes = [ReadOnlyStaff]
    filterset_fields = ("in_catalogue", "health_safety", "livelihood", "complaint_focus", "licence_required")
    search_fields = ("code", "name")
    ordering_fields = ("code", "name")
    prefetch_related = ("standards", "items__standard")


class StandardViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet[Standard]):
    model = Standard
    serializer_class = s.StandardSerializer
    permission_classes = [ReadOnlyStaff]
    filterset_fields = ("mandatory",)
    search_fields = ("code", "title")
    ordering_fields = ("code",)


class ProductViewSet(ScopedEditableViewSet[Product]):
    model = Product
    serializer_class = s.ProductSerializer
    permission_classes = [HasRole(*PRODUCT_EDITORS)]
    filterset_fields = ("enterprise", "category", "is_main")
    search_fields = ("name", "trademark", "model_spec")
    ordering_fields = ("name",)


class LicenceViewSet(ScopedEditableViewSet[Licence]):
    """Licences and certificates; status is the history of events, recorded at …/events/."""

    model = Licence
    serializer_class = s.LicenceSerializer
    permission_classes = [HasRole(*LICENCE_EDITORS)]
    filterset_fields = ("kind", "holder", "categories")
    search_fields = ("number", "holder__name")
    ordering_fields = ("number", "valid_from", "valid_to")
    select_related = ("holder",)
    prefetch_related = ("categories", "products", "events__actor")

    @extend_schema(request=s.LicenceEventInputSerializer, responses={201: s.LicenceEventSerializer})
    @action(detail=True, methods=["post"])
    def events(self, request: Request, pk: str | None = None) -> Response:
        licence = self.get_object()
        data = s.LicenceEventInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.licence_record_event(actor=request_user(request), licence=licence, **data.validated_data)
        return Response(s.LicenceEventSerializer(event).data, status=status.HTTP_201_CREATED)


class InstitutionViewSet(ScopedEditableViewSet[Institution]):
    """检验机构 with accreditation scope and validity (第十三条)."""

    model = Institution
    serializer_class = s.InstitutionSerializer
    permission_classes = [HasRole(*ADMINISTRATORS)]
    filterset_fields = ("region", "categories")
    search_fields = ("name", "accreditation_no")
    ordering_fields = ("name", "valid_to")
    select_related = ("region",)
    prefetch_related = ("categories", "standards", "events__actor")

    @extend_schema(request=s.InstitutionEventInputSerializer, responses={201: s.InstitutionEventSerializer})
    @action(detail=True, methods=["post"])
    def events(self, request: Request, pk: str | None = None) -> Response:
        """Suspend, reinstate or cancel the qualification (第十三条), with its reason."""
        institution = self.get_object()
        data = s.InstitutionEventInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.institution_record_event(
            actor=request_user(request), institution=institution, **data.validated_data
        )
        return Response(s.InstitutionEventSerializer(event).data, status=status.HTTP_201_CREATED)
