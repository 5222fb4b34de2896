"""Reports to government and announcement texts, issued through the document base.

# 国发〔1999〕24号 第二十五条; 粤府〔2000〕16号 四、五: each bureau reports regularly on product
# quality work to the people's government at its level and to the superior bureau.
# 国发〔1999〕24号 第十四条、第二十一条: each announcement (and correction) as its formal notice.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from portal.access import user_can_see_region
from portal.models import User
from portal.permissions import REPORTERS
from portal.reports import exemptions as exemption_section  # noqa: F401  (registers its section)
from portal.reports.sections import sections_for
from portal.reports.selectors import (
    ReportScope,
    area_label,
    failure_rows,
    follow_up,
    statistics,
)
from supervision.documents.models import DocumentKind, IssuedDocument
from supervision.documents.rendering import ROWS_PER_PART
from supervision.documents.services import IssueContext, Progress, issue_document
from supervision.publication.charts import Chart, bar_chart, line_chart
from supervision.registry.models import Authority

PDF_FONT = "Noto Sans CJK SC"


def _pdf_chart(chart: Chart) -> str:
    """The page's SVG chart for WeasyPrint, whose SVG text does not inherit the page's font."""
    return str(chart.svg).replace("<text ", f'<text font-family="{PDF_FONT}" ')


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterable[list[dict[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


CHINESE_NUMERALS = "〇一二三四五六七八九十"


def heading_number(n: int) -> str:
    """一、二 … 十九 in Chinese; 1. 2. … in English."""
    if not (translation.get_language() or "").startswith("zh"):
        return f"{n}. "
    if n <= 10:
        numeral = CHINESE_NUMERALS[n]
    else:
        numeral = ("" if n < 20 else CHINESE_NUMERALS[n // 10]) + "十" + (CHINESE_NUMERALS[n % 10] if n % 10 else "")
    return numeral + "、"


def report_title(scope: ReportScope) -> str:
    return _("%(authority)s%(period)s产品质量监督抽查工作报告") % {
        "authority": scope.authority.name,
        "period": scope.label(),
    }


def report_context(scope: ReportScope) -> dict[str, Any]:
    """Everything the report says, read before the document number is taken (no lock held)."""
    stats = statistics(scope)
    charts = [
        (_("按产品类别"), bar_chart(chart_id="by-category", title=_("各产品类别合格率"), rows=stats.by_category)),
        (area_label(scope.region), bar_chart(chart_id="by-area", title=_("各地区合格率"), rows=stats.by_city)),
        (_("按抽查领域"), bar_chart(chart_id="by-field", title=_("生产、流通和电商领域合格率"), rows=stats.by_field)),
        (_("按抽查级别"), bar_chart(chart_id="by-level", title=_("各级监督抽查合格率"), rows=stats.by_level)),
    ]
    if scope.quarter is None:
        charts.append((_("按季度"), line_chart(chart_id="by-quarter", title=_("各季度合格率"), rows=stats.by_quarter)))
    first, last = scope.bounds
    superior = scope.authority.superior
    return {
        "scope": scope,
        "period_label": scope.label(),
        "first_day": first,
        "last_day": last,
        "stats": stats,
        "charts": [(heading, chart, _pdf_chart(chart)) for heading, chart in charts],
        "follow": follow_up(scope),
        "sections": [(heading_number(s.number), s) for s in sections_for(scope, first_number=4)],
        "headings": [heading_number(n) for n in range(4)],
        "recipients": [scope.authority.government, *([superior.name] if superior else [])],
    }


def _check_reporter(actor: User, authority: Authority) -> None:
    if not actor.has_role(*REPORTERS):
        raise PermissionDenied(_("只有领导或管理员可以生成工作报告。"))
    if not user_can_see_region(actor, authority.region_id):
        raise PermissionDenied(_("只能生成本辖区内机关的工作报告。"))


def report_parts(context: dict[str, Any], rows: Iterable[dict[str, Any]], doc: IssueContext) -> list[str]:
    """The front matter, then the table of failures in parts of ROWS_PER_PART rows."""
    parts: list[str] = [render_to_string("reports/pdf/report.html", {**context, "doc": doc})]
    counter = 0
    for chunk in _chunks(rows, ROWS_PER_PART):
        parts.append(
            render_to_string(
                "reports/pdf/failures.html",
                {**context, "doc": doc, "rows": chunk, "start": counter, "first_chunk": counter == 0},
            )
        )
        counter += len(chunk)
    return parts


def generate_report(
    *,
    actor: User | None,
    actor_label: str = "",
    authority: Authority,
    year: int,
    quarter: int | None,
    language: str | None = None,
    on_progress: Progress | None = None,
    processes: int | None = None,
) -> IssuedDocument:
    """Issue the quarterly (or, with no quarter, the yearly) report of an authority: a new version
    of its report for the period; a period with no published results gives a report that says so.

    # 国发〔1999〕24号 第二十五条; 粤府〔2000〕16号 四、五
    """
    if actor is not None:
        _check_reporter(actor, authority)
    if quarter is not None and not 1 <= quarter <= 4:
        raise ValidationError({"quarter": _("季度必须是 1 至 4。")})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("年度应为 2000 至 2100 之间的数字。")})
    language = language or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("不支持该语言。")})
    scope = ReportScope(authority=authority, year=year, quarter=quarter)
    with translation.override(language):
        context = report_context(scope)
        title = report_title(scope)
    rows = list(failure_rows(scope))
    return issue_document(
        actor=actor,
        actor_label=actor_label,
        kind=DocumentKind.QUARTERLY_REPORT if quarter else DocumentKind.YEARLY_REPORT,
        authority=authority,
        title=title,
        period=scope.period,
        language=language,
        build=lambda doc: report_parts(context, rows, doc),
        on_progress=on_progress,
        processes=processes,
    )
