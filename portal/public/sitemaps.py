"""Sitemap of the public site: pages, announcements and published results (paged by Django)."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from supervision.publication.models import Announcement, PublishedResult


class PageSitemap(Sitemap):
    changefreq = "daily"

    def items(self) -> list[str]:
        return ["public-home", "public-search", "public-announcements"]

    def location(self, item: str) -> str:
        return reverse(item)


class AnnouncementSitemap(Sitemap):
    changefreq = "never"

    def items(self):
        return Announcement.objects.exclude(published_at=None).order_by("id").only("id", "number", "published_at")

    def location(self, item: Announcement) -> str:
        return reverse("public-announcement", args=[item.number])

    def lastmod(self, item: Announcement):
        return item.published_at


class ResultSitemap(Sitemap):
    changefreq = "never"
    limit = 50_000

    def items(self):
        return PublishedResult.objects.order_by("id").only("id", "published_on")

    def location(self, item: PublishedResult) -> str:
        return reverse("public-result", args=[item.pk])

    def lastmod(self, item: PublishedResult):
        return item.published_on


SITEMAPS = {"pages": PageSitemap, "announcements": AnnouncementSitemap, "results": ResultSitemap}
