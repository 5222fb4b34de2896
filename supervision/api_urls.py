"""Staff REST API: the registry (registry_api) and the spot checks (spotcheck_api)."""

from django.urls import include, path

from supervision import registry_api, spotcheck_api

urlpatterns = [
    path("", include(registry_api.router.urls)),
    path("", include(spotcheck_api.router.urls)),
    path("", include(spotcheck_api.extra_urls)),
]
