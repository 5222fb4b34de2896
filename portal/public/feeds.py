"""Atom feed of announcements (R5)."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from supervision.publication.models import Announcement


class AnnouncementFeed(Feed[Announcement, None]):
    feed_type = Atom1Feed
    title = _("产品质量监督抽查结果公告")
    subtitle = _("依据国发〔1999〕24号第十四条、第二十一条发布的监督抽查结果公告及更正公告。")

    def link(self) -> str:
        return reverse("public-announcements")

    def items(self) -> QuerySet[Announcement]:
        return Announcement.objects.exclude(published_at=None).order_by("-published_at", "-id")[:50]

    def item_title(self, item: Announcement) -> str:
        return item.title

    def item_description(self, item: Announcement) -> str:
        return f"{item.body} ({item.row_count})"

    def item_link(self, item: Announcement) -> str:
        return reverse("public-announcement", args=[item.number])

    def item_pubdate(self, item: Announcement) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Announcement) -> dt.datetime | None:
        return item.published_at
