"""The OpenAPI document describes the registry API, validates, and Swagger UI renders."""

from __future__ import annotations

import pytest
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from supervision.registry import urls as registry_urls

pytestmark = pytest.mark.django_db

REGISTRY_PATHS = [
    "/api/regions/",
    "/api/regions/{code}/",
    "/api/authorities/",
    "/api/enterprises/",
    "/api/enterprises/{id}/",
    "/api/persons/",
    "/api/appointments/",
    "/api/appointments/{id}/end/",
    "/api/categories/",
    "/api/standards/",
    "/api/products/",
    "/api/licences/",
    "/api/licences/{id}/events/",
    "/api/institutions/",
    "/api/institutions/{id}/events/",
]


def test_it_serves_a_valid_openapi_document_with_the_registry_endpoints(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    for p in REGISTRY_PATHS:
        assert p in schema["paths"], p
    assert "post" in schema["paths"]["/api/licences/{id}/events/"]


def test_it_generates_the_registry_schema_without_warnings_or_errors():
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/", include(registry_urls.api_urlpatterns))])
    schema = generator.get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS, (dict(GENERATOR_STATS._warn_cache), dict(GENERATOR_STATS._error_cache))


def test_it_renders_swagger_ui_from_our_own_origin_under_the_csp(client):
    import re

    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert not re.search(r"<script>", html), "an inline script would be blocked by the CSP"
    sources = re.findall(r'<script src="([^"]+)"', html)
    assert sources and all(src.startswith("/") and not src.startswith("//") for src in sources)
    init = next(src for src in sources if "script" in src and "static" not in src)
    assert client.get(init.replace("&amp;", "&")).status_code == 200
