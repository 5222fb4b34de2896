"""Server-rendered SVG charts: no JavaScript library, no CDN, nothing the CSP would have to allow.

Each chart is an <svg role="img"> named by its <title> and <desc>, with a <title> on every bar or
point; the template puts the same numbers in a data table beside it (templates/public/_chart.html),
so the chart is never the only way to read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from supervision.publication.stats import RateRow

BAR = "#0b5cad"
INK = "#1b1f24"
GRID = "#c4ccd4"
LABEL_CHARS = 8


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    svg: SafeString
    rows: Sequence[RateRow]


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _point_title(row: RateRow) -> str:
    if row.rate is None:
        return _("%(label)s：无抽查批次") % {"label": row.label}
    return _("%(label)s：合格率 %(rate)s%%，抽查 %(batches)s 批次，不合格 %(failures)s 批次") % {
        "label": row.label,
        "rate": row.rate,
        "batches": row.batches,
        "failures": row.failures,
    }


def _svg_open(chart_id: str, title: str, description: str, width: int, height: int) -> SafeString:
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMinYMin meet" role="img" '
        'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>',
        w=width,
        h=height,
        id=chart_id,
        title=title,
        desc=description,
    )


def bar_chart(*, chart_id: str, title: str, rows: Sequence[RateRow]) -> Chart:
    """Horizontal bars of pass rates (0–100 %), in the order given (by code, never by rate)."""
    label_w, bar_w, value_w, row_h, top = 120, 250, 60, 26, 24
    width = label_w + bar_w + value_w
    height = top + row_h * max(len(rows), 1) + 8
    description = _("各组合格率条形图，0 至 100%%；数字见旁边的表格。共 %(n)s 组。") % {"n": len(rows)}
    parts = [_svg_open(chart_id, title, description, width, height)]
    for tick in (0, 50, 100):
        x = label_w + bar_w * tick / 100
        parts.append(
            format_html(
                '<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{c}" stroke-width="1"/>'
                '<text x="{x}" y="14" font-size="11" text-anchor="middle" fill="{ink}">{t}%</text>',
                x=f"{x:.1f}",
                y1=top - 4,
                y2=height - 4,
                c=GRID,
                ink=INK,
                t=tick,
            )
        )
    for i, row in enumerate(rows):
        y = top + i * row_h
        length = bar_w * float(row.rate) / 100 if row.rate is not None else 0
        value = f"{row.rate}%" if row.rate is not None else "—"
        parts.append(
            format_html(
                "<g><title>{tip}</title>"
                '<text x="{lx}" y="{ty}" font-size="13" text-anchor="end" fill="{ink}">{label}</text>'
                '<rect x="{bx}" y="{by}" width="{bw}" height="{bh}" fill="{fill}"/>'
                '<text x="{vx}" y="{ty}" font-size="12" fill="{ink}">{value}</text></g>',
                tip=_point_title(row),
                lx=label_w - 8,
                ty=y + row_h / 2 + 4,
                ink=INK,
                label=_short(row.label),
                bx=label_w,
                by=y + 4,
                bw=f"{length:.1f}",
                bh=row_h - 8,
                fill=BAR,
                vx=label_w + bar_w + 6,
                value=value,
            )
        )
    parts.append(mark_safe("</svg>"))  # noqa: S308 - a constant closing tag
    return Chart(chart_id, title, description, SafeString("".join(parts)), rows)


def line_chart(*, chart_id: str, title: str, rows: Sequence[RateRow]) -> Chart:
    """Pass rate by period, oldest first; a period with no batches leaves a gap in the line."""
    left, right, top, bottom, plot_w, plot_h = 44, 32, 16, 40, 380, 180
    width, height = left + plot_w + right, top + plot_h + bottom
    n = len(rows)
    description = _("合格率折线图，按季度从早到晚；数字见旁边的表格。共 %(n)s 个季度。") % {"n": n}
    parts = [_svg_open(chart_id, title, description, width, height)]
    for tick in (0, 25, 50, 75, 100):
        y = top + plot_h * (100 - tick) / 100
        parts.append(
            format_html(
                '<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{c}" stroke-width="1"/>'
                '<text x="{tx}" y="{ty}" font-size="11" text-anchor="end" fill="{ink}">{t}%</text>',
                x1=left,
                x2=left + plot_w,
                y=f"{y:.1f}",
                c=GRID,
                tx=left - 6,
                ty=f"{y + 4:.1f}",
                ink=INK,
                t=tick,
            )
        )

    def x_of(i: int) -> float:
        return left + (plot_w / 2 if n == 1 else plot_w * i / (n - 1))

    def y_of(rate: Decimal) -> float:
        return top + plot_h * (100 - float(rate)) / 100

    segments: list[list[str]] = [[]]
    for i, row in enumerate(rows):
        if row.rate is None:
            segments.append([])
        else:
            segments[-1].append(f"{x_of(i):.1f},{y_of(row.rate):.1f}")
    for seg in segments:
        if len(seg) > 1:
            parts.append(
                format_html(
                    '<polyline points="{p}" fill="none" stroke="{c}" stroke-width="2"/>', p=" ".join(seg), c=BAR
                )
            )
    step = max(1, n // 8)  # keep the period labels legible on many quarters
    for i, row in enumerate(rows):
        if row.rate is not None:
            parts.append(
                format_html(
                    '<g><title>{tip}</title><circle cx="{x}" cy="{y}" r="4" fill="{c}"/></g>',
                    tip=_point_title(row),
                    x=f"{x_of(i):.1f}",
                    y=f"{y_of(row.rate):.1f}",
                    c=BAR,
                )
            )
        if i % step == 0 or i == n - 1:
            parts.append(
                format_html(
                    '<text x="{x}" y="{y}" font-size="11" text-anchor="middle" fill="{ink}">{label}</text>',
                    x=f"{x_of(i):.1f}",
                    y=top + plot_h + 18,
                    ink=INK,
                    label=row.key,
                )
            )
    parts.append(mark_safe("</svg>"))  # noqa: S308 - a constant closing tag
    return Chart(chart_id, title, description, SafeString("".join(parts)), rows)
