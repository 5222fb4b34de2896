"""Sitemap of the public site: pages, announcements and published results (paged by Django)."""

from __future__ import annotations

import datetime as dt

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from supervision.publication.models import Announcement, PublishedResult


class PageSitemap(Sitemap[str]):
    changefreq = "daily"

    def items(self) -> list[str]:
        return ["public-home", "public-search", "public-announcements"]

    def location(self, item: str) -> str:
        return reverse(item)


class AnnouncementSitemap(Sitemap[Announcement]):
    changefreq = "never"

    def items(self) -> QuerySet[Announcement]:
        return Announcement.objects.exclude(published_at=None).order_by("id").only("id", "number", "published_at")

    def location(self, item: Announcement) -> str:
        return reverse("public-announcement", args=[item.number])

    def lastmod(self, item: Announcement) -> dt.datetime | None:
        return item.published_at


class ResultSitemap(Sitemap[PublishedResult]):
    changefreq = "never"
    limit = 50_000

    def items(self) -> QuerySet[PublishedResult]:
        return PublishedResult.objects.order_by("id").only("id", "published_on")

    def location(self, item: PublishedResult) -> str:
        return reverse("public-result", args=[item.pk])

    def lastmod(self, item: PublishedResult) -> dt.date:
        return item.published_on


SITEMAPS = {"pages": PageSitemap, "announcements": AnnouncementSitemap, "results": ResultSitemap}
