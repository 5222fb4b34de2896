"""The public site (no login): search and records, statistics and pages, feeds, sitemaps, open-data API."""

from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap
from django.urls import path

from portal.public import api, exemptions, pages, verification, views
from portal.public.feeds import AnnouncementFeed
from portal.public.sitemaps import SITEMAPS

api_urlpatterns = [
    path("results/", api.results, name="public-api-results"),
    path("results.csv", api.results_csv, name="public-api-results-csv"),
    path("results/<int:pk>/", api.result_detail, name="public-api-result"),
    path("announcements/", api.announcements, name="public-api-announcements"),
]

urlpatterns = [
    path("", views.home, name="public-home"),
    path("search/", views.search, name="public-search"),
    path("results/<int:pk>/", views.result_detail, name="public-result"),
    path("enterprises/<str:uscc>/", views.enterprise_detail, name="public-enterprise"),
    path("announcements/", views.announcement_list, name="public-announcements"),
    path("announcements/feed.atom", AnnouncementFeed(), name="public-feed"),
    path("announcements/<str:key>.csv", views.announcement_csv, name="public-announcement-csv"),
    path("announcements/<str:key>.xlsx", views.announcement_xlsx, name="public-announcement-xlsx"),
    path("announcements/<str:key>.json", views.announcement_json, name="public-announcement-json"),
    path("announcements/<str:key>.pdf", verification.announcement_pdf, name="public-announcement-pdf"),
    path("announcements/<str:key>/", views.announcement_detail, name="public-announcement"),
    path("d/<str:code>/", verification.document_detail, name="public-document"),
    path("d/<str:code>/pdf", verification.document_download, name="public-document-pdf"),
    path("verify/", verification.verify, name="public-verify"),
    path("catalogue/", pages.catalogue, name="public-catalogue"),
    path("catalogue/<str:code>/", pages.category_detail, name="public-category"),
    path("statistics/", pages.statistics, name="public-stats"),
    path("exposure/", pages.exposure, name="public-exposure"),
    path("exemptions/", exemptions.catalogue, name="public-exemptions"),
    path("exemptions.csv", exemptions.catalogue_csv, name="public-exemptions-csv"),
    path("exemptions.json", exemptions.catalogue_json, name="public-exemptions-json"),
    path("exemptions/feed.atom", exemptions.ExemptionFeed(), name="public-exemptions-feed"),
    path("sitemap.xml", sitemap_index, {"sitemaps": SITEMAPS}, name="public-sitemap"),
    path("sitemap-<section>.xml", sitemap, {"sitemaps": SITEMAPS}, name="django.contrib.sitemaps.views.sitemap"),
]
