"""Staff API serializers of exemptions: they parse and present; rules are in exemptions/services.py."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from exemptions.models import Exemption, ExemptionApplication, ExemptionEvent, RevocationGround


class ConditionSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # DRF removes declared fields from the class
    met = serializers.BooleanField()
    why = serializers.CharField()
    results = serializers.ListField(child=serializers.DictField(), help_text=_("所依据的抽查结果"))


class EligibilitySerializer(serializers.Serializer[Any]):
    product = serializers.IntegerField(source="product.pk")
    as_of = serializers.DateField()
    eligible = serializers.BooleanField()
    conditions = ConditionSerializer(many=True)


class EventSerializer(serializers.ModelSerializer[ExemptionEvent]):
    class Meta:
        model = ExemptionEvent
        fields = ("kind", "on", "ground", "reason", "actor_label", "created_at")


class ExemptionSerializer(serializers.ModelSerializer[Exemption]):
    status = serializers.SerializerMethodField()
    events = EventSerializer(many=True, read_only=True)
    certificate_url = serializers.SerializerMethodField()

    class Meta:
        model = Exemption
        fields = (
            "id",
            "certificate_no",
            "product",
            "application",
            "authority",
            "valid_from",
            "valid_to",
            "status",
            "certificate_url",
            "events",
        )

    @extend_schema_field(OpenApiTypes.STR)
    def get_status(self, obj: Exemption) -> str:
        """valid / revoked / expired / pending, today."""
        return obj.status_on(timezone.localdate())

    @extend_schema_field(OpenApiTypes.STR)
    def get_certificate_url(self, obj: Exemption) -> str:
        from django.urls import reverse

        return reverse("public-document", args=[obj.certificate.code]) if obj.certificate else ""


class ApplicationSerializer(serializers.ModelSerializer[ExemptionApplication]):
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = ExemptionApplication
        fields = (
            "id",
            "product",
            "applied_on",
            "market_share",
            "enterprise_standard",
            "standard_comparison",
            "standard_confirmed_by",
            "standard_confirmed_at",
            "evidence",
        )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_evidence(self, obj: ExemptionApplication) -> list[str]:
        return [e.description for e in obj.evidence.all()]


class ApplicationInputSerializer(serializers.Serializer[Any]):
    product = serializers.IntegerField()
    applied_on = serializers.DateField()
    market_share = serializers.DecimalField(max_digits=5, decimal_places=2)
    enterprise_standard = serializers.CharField(allow_blank=True)
    standard_comparison = serializers.CharField(allow_blank=True)
    evidence = serializers.ListField(child=serializers.FileField(), allow_empty=True, required=False, default=list)
    evidence_description = serializers.CharField(required=False, allow_blank=True, default="")


class DesignateSerializer(serializers.Serializer[Any]):
    valid_from = serializers.DateField(required=False, allow_null=True, default=None)


class RevokeSerializer(serializers.Serializer[Any]):
    ground = serializers.ChoiceField(choices=RevocationGround.choices)
    reason = serializers.CharField(allow_blank=True)
