"""Staff API of exemptions (/api/exemptions/…): eligibility explained, applications, designation,
revocation — through the same services as the pages. A record of another region answers 404."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from exemptions import selectors, services
from exemptions import serializers as s
from exemptions.models import Exemption, ExemptionApplication
from portal.access import access_object, scope_to_region, scoped
from portal.permissions import EXEMPTION_CLERKS, EXEMPTION_DESIGNATORS, EXEMPTION_REVOKERS, REVIEWERS, HasRole
from portal.typing import request_user
from supervision.registry.models import Product

ERRORS = {
    400: OpenApiResponse(description="字段错误或不符合免检条件"),
    403: OpenApiResponse(description="角色无权操作"),
    404: OpenApiResponse(description="记录不存在或不在您的辖区内"),
}


def _valid(serializer_class: Any, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class EligibilityViewSet(viewsets.GenericViewSet[Product]):
    """Whether a product may be designated today (第十六条), each condition met or not and why."""

    permission_classes = [HasRole()]
    serializer_class = s.EligibilitySerializer

    def get_queryset(self) -> QuerySet[Product]:
        return scoped(Product, self.request.user)

    @extend_schema(responses={200: s.EligibilitySerializer, 404: ERRORS[404]})
    def retrieve(self, request: Request, pk: str) -> Response:
        product = get_object_or_404(self.get_queryset(), pk=pk)
        result = selectors.eligibility(product, as_of=timezone.localdate())
        data = {
            "product": product,
            "as_of": result.as_of,
            "eligible": result.eligible,
            "conditions": [
                {**dataclasses.asdict(c), "results": [dataclasses.asdict(r) for r in c.results]}
                for c in result.conditions
            ],
        }
        return Response(s.EligibilitySerializer(data).data)


class ApplicationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ExemptionApplication]
):
    serializer_class = s.ApplicationSerializer
    permission_classes = [HasRole(*EXEMPTION_CLERKS, *REVIEWERS, *EXEMPTION_DESIGNATORS)]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[ExemptionApplication]:
        return selectors.applications_for(self.request.user).prefetch_related("evidence")

    def get_object(self) -> ExemptionApplication:
        return access_object(self.get_queryset(), self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=s.ApplicationInputSerializer, responses={201: s.ApplicationSerializer, **ERRORS})
    def create(self, request: Request) -> Response:
        data = _valid(s.ApplicationInputSerializer, request)
        product = access_object(
            Product.objects.select_related("enterprise"), request.user, "enterprise__region", pk=data["product"]
        )
        application = services.application_record(
            actor=request_user(request),
            product=product,
            applied_on=data["applied_on"],
            market_share=data["market_share"],
            enterprise_standard=data["enterprise_standard"],
            standard_comparison=data["standard_comparison"],
            evidence=[(f, data["evidence_description"]) for f in data["evidence"]],
        )
        return Response(s.ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.ApplicationSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="confirm-standard")
    def confirm_standard(self, request: Request, pk: str) -> Response:
        application = services.application_confirm_standard(actor=request_user(request), application=self.get_object())
        return Response(s.ApplicationSerializer(application).data)

    @extend_schema(request=s.DesignateSerializer, responses={201: s.ExemptionSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def designate(self, request: Request, pk: str) -> Response:
        data = _valid(s.DesignateSerializer, request)
        exemption = services.exemption_designate(
            actor=request_user(request), application=self.get_object(), valid_from=data["valid_from"]
        )
        return Response(s.ExemptionSerializer(exemption).data, status=status.HTTP_201_CREATED)


class DesignationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Exemption]):
    serializer_class = s.ExemptionSerializer
    permission_classes = [HasRole(*EXEMPTION_REVOKERS)]

    def get_queryset(self) -> QuerySet[Exemption]:
        return scope_to_region(
            Exemption.objects.select_related("certificate").prefetch_related("events"), self.request.user
        ).order_by("-valid_from", "-id")

    def get_object(self) -> Exemption:
        return access_object(self.get_queryset(), self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=s.RevokeSerializer, responses={200: s.ExemptionSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str) -> Response:
        data = _valid(s.RevokeSerializer, request)
        exemption = self.get_object()
        services.exemption_revoke(
            actor=request_user(request), exemption=exemption, ground=data["ground"], reason=data["reason"]
        )
        return Response(s.ExemptionSerializer(self.get_object()).data)
