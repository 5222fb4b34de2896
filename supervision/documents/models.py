"""Issued documents: every PDF the portal issues (reports now; letters, orders, certificates and
receipts later) is one row here, with its number (文号), its file and the file's SHA-256.

A document is never overwritten or deleted: issuing the same subject again makes a new version.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import AuditAction
from supervision.registry.models import Authority


class DocumentKind(models.TextChoices):
    QUARTERLY_REPORT = "quarterly_report", _("季度产品质量监督抽查工作报告")
    YEARLY_REPORT = "yearly_report", _("年度产品质量监督抽查工作报告")
    ANNOUNCEMENT = "announcement", _("结果公告（PDF）")
    CORRECTION = "correction", _("更正公告（PDF）")
    EXEMPTION_CERTIFICATE = "exemption", _("免检产品证书")


# The act an issue of each kind is audited as (and so the clause it cites).
KIND_ACTIONS: dict[str, AuditAction] = {
    DocumentKind.QUARTERLY_REPORT: AuditAction.REPORT_ISSUED,
    DocumentKind.YEARLY_REPORT: AuditAction.REPORT_ISSUED,
    DocumentKind.ANNOUNCEMENT: AuditAction.ANNOUNCEMENT_DOCUMENT_ISSUED,
    DocumentKind.CORRECTION: AuditAction.ANNOUNCEMENT_DOCUMENT_ISSUED,
    DocumentKind.EXEMPTION_CERTIFICATE: AuditAction.EXEMPTION_CERTIFICATE_ISSUED,
}
# Kinds anyone may download; the others only staff of the issuing bureau's region and above.
PUBLIC_KINDS: frozenset[str] = frozenset(
    {DocumentKind.ANNOUNCEMENT, DocumentKind.CORRECTION, DocumentKind.EXEMPTION_CERTIFICATE}
)


class DocumentCounter(models.Model):
    """The last document number an authority used in a year. Its row is locked while a number is
    taken, so two issues at the same instant get consecutive numbers and a failed one gives its
    number back (the transaction rolls back)."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("文号计数")
        verbose_name_plural = _("文号计数")
        constraints = [models.UniqueConstraint(fields=["authority", "year"], name="document_counter_per_year")]

    def __str__(self) -> str:
        return f"{self.authority_id} {self.year}: {self.last}"


class IssuedDocument(models.Model):
    code = models.CharField(_("验证码"), max_length=16, unique=True)
    kind = models.CharField(_("文书类型"), max_length=20, choices=DocumentKind.choices)
    authority = models.ForeignKey(
        Authority, verbose_name=_("发文机关"), on_delete=models.PROTECT, related_name="documents"
    )
    year = models.PositiveSmallIntegerField(_("文号年份"))
    serial = models.PositiveIntegerField(_("文号序号"))
    number = models.CharField(_("文号"), max_length=60)
    title = models.CharField(_("标题"), max_length=200)
    issued_on = models.DateField(_("成文日期"))
    issued_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    generated_by_label = models.CharField(_("生成人（文字）"), max_length=80, blank=True)
    # What the document is about: a record (subject_type + subject_id) or a period ("2026Q3", "2026").
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    subject_id = models.CharField(max_length=64, blank=True)
    period = models.CharField(_("期间"), max_length=12, blank=True)
    subject_key = models.CharField(max_length=120)
    version = models.PositiveIntegerField(_("版本"))
    language = models.CharField(_("语言"), max_length=10)
    file = models.FileField(_("文件"), upload_to="documents/%Y/", max_length=200)
    source = models.FileField(_("HTML 源文件"), upload_to="documents/%Y/", max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("文件大小（字节）"))
    pages = models.PositiveIntegerField(_("页数"))

    class Meta:
        verbose_name = _("印发文书")
        verbose_name_plural = _("印发文书")
        ordering = ["-issued_at", "-id"]
        constraints = [
            # a number is used once: the counter hands it out, this proves it
            models.UniqueConstraint(fields=["authority", "year", "serial"], name="document_number_once"),
            models.UniqueConstraint(
                fields=["kind", "authority", "subject_key", "language", "version"], name="document_version_once"
            ),
        ]
        indexes = [models.Index(fields=["kind", "authority", "subject_key", "language", "-version"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_public(self) -> bool:
        return self.kind in PUBLIC_KINDS

    @property
    def generated_by_name(self) -> str:
        return str(self.generated_by) if self.generated_by else self.generated_by_label
