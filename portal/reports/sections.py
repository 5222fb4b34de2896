"""The sections of a report to government, in order: a registry each later app adds its own to.

Until an app registers a provider for its section, the section is printed with a plain statement
that no such records exist yet. A later issue fills one with
`register_section(Section("tips", _("举报"), 80, "第十九条", provider=tips_section))`, where the
provider returns the context of its template (or None for "no records in this period").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from portal.reports.selectors import ReportScope


@dataclass(frozen=True)
class SectionContent:
    template: str
    context: dict[str, Any]


@dataclass(frozen=True)
class Section:
    key: str
    title: Any  # a lazy translation
    order: int
    clause: str
    provider: Callable[[ReportScope], SectionContent | None] | None = None


_SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> None:
    """Add or replace a section (by key): a later app's provider replaces the placeholder."""
    _SECTIONS[section.key] = section


def report_sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: s.order)


@dataclass(frozen=True)
class RenderedSection:
    number: int
    key: str
    title: str
    clause: str
    content: SectionContent | None
    built: bool  # False: the portal does not record this work yet


def sections_for(scope: ReportScope, *, first_number: int) -> list[RenderedSection]:
    rendered = []
    for number, section in enumerate(report_sections(), start=first_number):
        content = section.provider(scope) if section.provider else None
        built = section.provider is not None
        rendered.append(RenderedSection(number, section.key, str(section.title), section.clause, content, built))
    return rendered


# The work of later issues, in the report from the start (国发〔1999〕24号 第二十五条: the report covers
# product quality and anti-counterfeiting work). Each says plainly that no records exist yet.
for _section in (
    Section("enforcement", _("不合格产品的整改、复查与处理"), 30, "第十五条"),
    Section("escalations", _("连续不合格的升级处理"), 40, "第十五条"),
    Section("bans", _("禁止生产与吊销证照"), 50, "第十五条、第十八条"),
    Section("counterfeit", _("打假案件"), 60, "第十七条、第十八条"),
    Section("seizures", _("查封、扣押"), 70, "第十八条"),
    Section("tips", _("举报"), 80, "第十九条"),
    Section("rewards", _("举报奖励"), 90, "第十九条"),
    Section("exemptions", _("免检"), 100, "第十六条"),
):
    register_section(_section)
