"""HTML to PDF: WeasyPrint renders the parts of a document, pypdf joins them and stamps the page
numbers ("第 X 页 共 Y 页") across the whole.

Why parts: WeasyPrint lays a document out in one process and keeps all of it in memory. A report
with thousands of table rows therefore renders as a few large parts (the front matter, then the
table in chunks of `ROWS_PER_PART` rows), up to `processes` of them at once in child processes
(`python -m supervision.documents.chunk`: a Celery worker's own processes may not fork a
multiprocessing pool). Each part embeds its own subset of the CJK font, so parts are few and large.

Why stamped: a part cannot know the page it starts on nor the total, so its footer leaves the page
number out, and the numbers are written afterwards as a little text in the same font (taken from a
one-page "sheet" WeasyPrint renders with just those characters), far cheaper than laying out an
overlay page per page (measured: 22 ms a page).

Nothing here touches the database.
"""

from __future__ import annotations

import base64
import io
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import segno

SANS = "Noto Sans CJK SC"
SERIF = "Noto Serif CJK SC"
# Rows of a long table per part: about 250 MB in one WeasyPrint process (measured at 1,000 rows:
# 300 MB), so two parts at once stay within 300 MB each on a two-core machine.
ROWS_PER_PART = 800
MM = 72 / 25.4


@dataclass(frozen=True)
class PartStats:
    seconds: float
    pages: int
    peak_rss_mb: float
    in_process: bool


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int
    parts: list[PartStats] = field(default_factory=list)


def qr_data_uri(url: str) -> str:
    """A QR code of `url` as an SVG data URI (vector: sharp at any size, a few hundred bytes)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", border=0, xmldecl=False, svgns=True, dark="#000")
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def render_html(html: str, base_url: str | None = None) -> tuple[bytes, int]:
    """One HTML document to PDF bytes and its page count, in this process."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=base_url).render()
    return document.write_pdf(), len(document.pages)


def _render_in_child(html_path: Path, pdf_path: Path, base_url: str | None) -> PartStats:
    command = [sys.executable, "-m", "supervision.documents.chunk", str(html_path), str(pdf_path)]
    if base_url:
        command.append(base_url)
    done = subprocess.run(command, capture_output=True, check=False, timeout=900)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or "render failed")
    stats = json.loads(done.stdout.decode().strip().splitlines()[-1])
    return PartStats(stats["seconds"], stats["pages"], stats["peak_rss_mb"], in_process=False)


def render_parts(
    parts: Sequence[str],
    *,
    processes: int = 2,
    base_url: str | None = None,
    on_part: Callable[[int, int], None] | None = None,
) -> tuple[list[bytes], list[PartStats]]:
    """Render each HTML part to PDF, in order. One part renders here; several run in up to
    `processes` child processes at once. `on_part(done, total)` is called as parts finish."""
    if len(parts) == 1 or processes <= 1:
        pdfs, stats = [], []
        for i, html in enumerate(parts):
            started = time.monotonic()
            data, pages = render_html(html, base_url)
            pdfs.append(data)
            stats.append(PartStats(time.monotonic() - started, pages, _peak_rss_mb(), in_process=True))
            if on_part:
                on_part(i + 1, len(parts))
        return pdfs, stats
    with tempfile.TemporaryDirectory(prefix="portal-pdf-") as tmp:
        folder = Path(tmp)
        jobs = []
        for i, html in enumerate(parts):
            html_path, pdf_path = folder / f"part-{i:04d}.html", folder / f"part-{i:04d}.pdf"
            html_path.write_text(html, encoding="utf-8")
            jobs.append((html_path, pdf_path))
        finished = 0

        def run(job: tuple[Path, Path]) -> PartStats:
            nonlocal finished
            result = _render_in_child(job[0], job[1], base_url)
            finished += 1
            if on_part:
                on_part(finished, len(jobs))
            return result

        with ThreadPoolExecutor(max_workers=processes) as pool:
            stats = list(pool.map(run, jobs))
        return [pdf_path.read_bytes() for _html, pdf_path in jobs], stats


# ---------------------------------------------------------------- page numbers stamped across parts

_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
_BFRANGE = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")


@dataclass(frozen=True)
class _StampFont:
    font: Any  # the Type0 font dictionary, cloned into the writer
    glyphs: dict[str, tuple[str, int]]  # character -> (glyph code in hex, width in 1/1000 em)

    def encode(self, text: str) -> tuple[str, float]:
        codes, width = [], 0
        for ch in text:
            code, w = self.glyphs[ch]
            codes.append(code)
            width += w
        return "".join(codes), width / 1000


def _cmap(data: bytes) -> dict[int, str]:
    """Glyph code -> character, from a ToUnicode CMap (bfchar and bfrange entries)."""
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, start in _BFRANGE.findall(block):
            first = int(start, 16)
            for n, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[code] = chr(first + n)
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, uni in _BFCHAR.findall(block):
            mapping[int(code, 16)] = bytes.fromhex(uni.decode()).decode("utf-16-be")
    return mapping


def _widths(descendant: Any) -> dict[int, int]:
    widths: dict[int, int] = {}
    w = list(descendant.get("/W", []))
    i = 0
    while i < len(w):
        first = int(w[i])
        if isinstance(w[i + 1], list):
            for n, value in enumerate(w[i + 1]):
                widths[first + n] = int(value)
            i += 2
        else:
            for code in range(first, int(w[i + 1]) + 1):
                widths[code] = int(w[i + 2])
            i += 3
    return widths


def _stamp_font(writer: Any, characters: str, family: str) -> _StampFont:
    from pypdf import PdfReader

    chars = "".join(sorted(set(characters + "0123456789 ")))
    # characters between spaces, so the space itself is set (and mapped) too
    sheet, _pages = render_html(
        f"<html><body style=\"font-family: '{family}'; margin: 0\"><p>{' '.join(chars.strip())}</p></body></html>"
    )
    page: Any = PdfReader(io.BytesIO(sheet)).pages[0]
    font = next(iter(page["/Resources"]["/Font"].values())).get_object()
    mapping = _cmap(font["/ToUnicode"].get_object().get_data())
    descendant = font["/DescendantFonts"][0].get_object()
    widths = _widths(descendant)
    default = int(descendant.get("/DW", 1000))
    glyphs = {ch: (f"{code:04x}", widths.get(code, default)) for code, ch in mapping.items()}
    missing = set(chars) - set(glyphs)
    if missing:
        raise RuntimeError(f"page-number font lacks {''.join(sorted(missing))!r}")
    return _StampFont(font=font.clone(writer), glyphs=glyphs)


def join_and_number(
    pdfs: Sequence[bytes],
    *,
    page_label: Callable[[int, int], str],
    label_characters: str,
    metadata: dict[str, str] | None = None,
    family: str = SANS,
    bottom_mm: float = 12,
    right_mm: float = 18,
    font_size: float = 9,
) -> tuple[bytes, int]:
    """Concatenate PDFs and write `page_label(page, total)` at the bottom right of every page."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    for data in pdfs:
        writer.append(PdfReader(io.BytesIO(data)))
    total = len(writer.pages)
    font = _stamp_font(writer, label_characters, family)
    font_ref = font.font.indirect_reference

    def stream(data: bytes) -> Any:
        obj = DecodedStreamObject()
        obj.set_data(data)
        return writer._add_object(obj)

    # a part's content may leave its transformation in force (WeasyPrint flips the y axis), so it
    # is wrapped in q … Q before the number is drawn in default user space
    save, restore = stream(b"q\n"), stream(b"\nQ\n")
    for number, page in enumerate(writer.pages, start=1):
        box = page.mediabox
        codes, width = font.encode(page_label(number, total))
        x = float(box.right) - right_mm * MM - width * font_size
        y = float(box.bottom) + bottom_mm * MM
        text = f"q 0 g BT /PgNo {font_size} Tf 1 0 0 1 {x:.2f} {y:.2f} Tm <{codes}> Tj ET Q\n".encode()
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else DictionaryObject()
        fonts = resources.get("/Font")
        fonts = fonts.get_object() if fonts is not None else DictionaryObject()
        fonts[NameObject("/PgNo")] = font_ref
        resources[NameObject("/Font")] = fonts
        page[NameObject("/Resources")] = resources
        contents: Any = page.get("/Contents")
        existing = list(contents.get_object()) if isinstance(contents.get_object(), list) else [contents]
        page[NameObject("/Contents")] = ArrayObject([save, *existing, restore, stream(text)])
    if metadata:
        writer.add_metadata(metadata)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), total


def render_document(
    parts: Sequence[str],
    *,
    page_label: Callable[[int, int], str],
    label_characters: str,
    processes: int = 2,
    metadata: dict[str, str] | None = None,
    base_url: str | None = None,
    on_part: Callable[[int, int], None] | None = None,
) -> RenderedPdf:
    pdfs, stats = render_parts(parts, processes=processes, base_url=base_url, on_part=on_part)
    data, pages = join_and_number(pdfs, page_label=page_label, label_characters=label_characters, metadata=metadata)
    return RenderedPdf(data=data, pages=pages, parts=stats)
