"""Public site (no login): search and records (public_views), statistics and pages (public_pages)."""

from django.urls import include, path

from portal import public_pages, public_views

urlpatterns = [
    path("", include(public_views.urlpatterns)),
    path("", include(public_pages.urlpatterns)),
]
