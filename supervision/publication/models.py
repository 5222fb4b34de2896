"""Publication (R5): announcements, published results, the search-term counts, and the user
satisfaction survey per category. Published rows are never edited in place."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from supervision.registry.models import Enterprise, Institution, ProductCategory, Region
from supervision.spotchecks.models import Field, PlanLevel, Sample, Verdict

# ---------------------------------------------------------------- publication (R5)


class AnnouncementKind(models.TextChoices):
    QUARTERLY = "quarterly", _("季度结果公告")
    CORRECTION = "correction", _("更正公告")


# The fixed sentences of an announcement. An announcement is issued in Chinese and stored as issued
# (the publication service words it under the default language); a page in another language shows
# the same sentence translated from its data, and says that the Chinese text is the one published.
QUARTERLY_TITLE = gettext_noop("%(region)s%(year)s年第%(quarter)s季度产品质量监督抽查结果公告")
QUARTERLY_BODY = gettext_noop(
    "依据国发〔1999〕24号第十四条、第二十一条，现将截至%(day)s抽样、结论已生效的监督抽查结果予以公告。"
)
CORRECTION_TITLE = gettext_noop("关于更正%(number)s公告有关内容的公告")


class Announcement(models.Model):
    """An immutable announcement; a correction is a new one that references what it corrects."""

    number = models.CharField(_("公告编号"), max_length=60, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    kind = models.CharField(_("类型"), max_length=12, choices=AnnouncementKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    region = models.ForeignKey(
        Region, verbose_name=_("发布区划"), on_delete=models.PROTECT, related_name="announcements"
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("更正的公告"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    body = models.TextField(_("说明"), blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("结果条数"), default=0)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("结果公告")
        verbose_name_plural = _("结果公告")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "quarter"],
                condition=Q(kind="quarterly"),
                name="one_quarterly_announcement_per_region_quarter",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def issued_in_page_language(self) -> bool:
        """Whether the page's language is the one the announcement was issued in (Chinese)."""
        return (get_language() or settings.LANGUAGE_CODE).lower() == settings.LANGUAGE_CODE.lower()

    @property
    def title_shown(self) -> str:
        """The title in the page's language: as issued in Chinese; otherwise its fixed sentence
        translated (region names stay as registered)."""
        if self.issued_in_page_language:
            return self.title
        if self.kind == AnnouncementKind.QUARTERLY:
            return gettext(QUARTERLY_TITLE) % {"region": self.region.name, "year": self.year, "quarter": self.quarter}
        if self.kind == AnnouncementKind.CORRECTION and self.corrects_id:
            return gettext(CORRECTION_TITLE) % {"number": self.corrects.number if self.corrects else ""}
        return self.title

    @property
    def body_shown(self) -> str:
        """The body in the page's language where it is a fixed sentence; a correction's reason stays as
        written (a stored legal text: the page says so)."""
        if self.issued_in_page_language or self.kind != AnnouncementKind.QUARTERLY:
            return self.body
        month = 3 * self.quarter
        last_day = f"{self.year}-{month:02d}-{31 if month in (3, 12) else 30}"
        return gettext(QUARTERLY_BODY) % {"day": last_day}


class PublishedResult(models.Model):
    """One published row; denormalised so the public site reads one table."""

    announcement = models.ForeignKey(Announcement, on_delete=models.PROTECT, related_name="results")
    sample = models.ForeignKey(Sample, on_delete=models.PROTECT, null=True, blank=True, related_name="published")
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections")
    published_on = models.DateField(_("发布日期"))
    sampled_on = models.DateField(_("抽样日期"))
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    # enterprise, category and region are indexed by the (…, published_on) indexes below; a second,
    # single-column index on each would only slow the quarterly publication's COPY.
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    enterprise_name = models.CharField(_("受检单位"), max_length=120)
    producer_name = models.CharField(_("标称生产企业"), max_length=120, blank=True)
    product_name = models.CharField(_("产品名称"), max_length=100)
    category = models.ForeignKey(ProductCategory, on_delete=models.PROTECT, related_name="+", db_index=False)
    category_name = models.CharField(_("产品类别"), max_length=60)
    focus = models.BooleanField(_("重点产品"), default=False)
    trademark = models.CharField(_("商标"), max_length=60, blank=True)
    model_spec = models.CharField(_("规格型号"), max_length=80, blank=True)
    batch = models.CharField(_("批号/生产日期"), max_length=60, blank=True)
    sampling_place = models.CharField(_("抽样地点"), max_length=200, blank=True)
    field = models.CharField(_("抽查领域"), max_length=12, choices=Field.choices)
    level = models.CharField(_("抽查级别"), max_length=12, choices=PlanLevel.choices)
    verdict = models.CharField(_("结论"), max_length=14, choices=Verdict.choices)
    failed_items = models.TextField(_("不合格项目"), blank=True)
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    institution_name = models.CharField(_("检验机构"), max_length=120)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", db_index=False)
    city_code = models.CharField(max_length=6)
    # 第二十一条: the persons in post on the sampling day (name and post, never an ID number), fixed at
    # publication so the exposure of a published failure never changes afterwards
    responsible_persons = models.JSONField(_("责任人（抽样日在任）"), default=list, blank=True)
    search = SearchVectorField(null=True)

    class Meta:
        verbose_name = _("公告结果")
        verbose_name_plural = _("公告结果")
        ordering = ["-published_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["sample"], condition=Q(corrects__isnull=True), name="sample_published_once")
        ]
        indexes = [
            GinIndex(fields=["search"], name="published_search_gin"),
            models.Index(fields=["-published_on", "-id"], name="published_date_id"),
            models.Index(fields=["verdict", "-published_on", "-id"], name="published_verdict_date_id"),
            # The default public search shows failures only (about one row in eight): its newest-first
            # walk reads this index instead of every row.
            models.Index(
                fields=["-published_on", "-id"], condition=~Q(verdict="pass"), name="published_failing_date_id"
            ),
            models.Index(fields=["region", "-published_on"], name="published_region_date"),
            models.Index(fields=["city_code", "-published_on"], name="published_city_date"),
            models.Index(fields=["category", "-published_on"], name="published_category_date"),
            models.Index(fields=["enterprise", "-published_on"], name="published_enterprise_date"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_name} {self.product_name}"


# The public columns of a published row, in order, with their labels: the one list the search
# results, the exports (CSV, XLSX, JSON) and the open-data API read.
PUBLISHED_COLUMNS: list[tuple[str, Any]] = [
    ("id", _("编号")),
    ("published_on", _("发布日期")),
    ("enterprise_name", _("受检单位")),
    ("producer_name", _("标称生产企业")),
    ("product_name", _("产品名称")),
    ("category_name", _("产品类别")),
    ("trademark", _("商标")),
    ("model_spec", _("规格型号")),
    ("batch", _("批号/生产日期")),
    ("sampling_place", _("抽样地点")),
    ("field", _("抽查领域")),
    ("level", _("抽查级别")),
    ("verdict", _("结论")),
    ("failed_items", _("不合格项目")),
    ("institution_name", _("检验机构")),
    ("region_id", _("行政区划代码")),
    ("sampled_on", _("抽样日期")),
    ("corrects_id", _("更正的结果编号")),
]


class SearchTerm(models.Model):
    """How many published rows hold each indexed term: lets search skip the impossible and pick a plan."""

    term = models.CharField(max_length=64, primary_key=True)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("检索词频")
        verbose_name_plural = _("检索词频")

    def __str__(self) -> str:
        return f"{self.term}: {self.rows}"


class SatisfactionResponse(models.Model):
    """用户满意度 (第十二条): per product category only, never per enterprise."""

    category = models.ForeignKey(ProductCategory, on_delete=models.PROTECT, related_name="satisfaction")
    quality = models.PositiveSmallIntegerField(_("质量满意度"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    safety = models.PositiveSmallIntegerField(_("安全满意度"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    labelling = models.PositiveSmallIntegerField(
        _("标识满意度"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    fingerprint = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("用户满意度调查")
        verbose_name_plural = _("用户满意度调查")

    def __str__(self) -> str:
        return f"{self.category_id}: {self.quality}/{self.safety}/{self.labelling}"
