"""Render one part of a document in a process of its own: `python -m supervision.documents.chunk
IN.html OUT.pdf [BASE_URL]`; prints one JSON line (seconds, pages, peak memory). No Django here:
the child starts in well under a second and holds only WeasyPrint."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from supervision.documents.rendering import _peak_rss_mb, render_html


def main(argv: list[str]) -> int:
    html_path, pdf_path = Path(argv[1]), Path(argv[2])
    base_url = argv[3] if len(argv) > 3 else None
    started = time.monotonic()
    data, pages = render_html(html_path.read_text(encoding="utf-8"), base_url)
    pdf_path.write_bytes(data)
    stats = {"seconds": round(time.monotonic() - started, 3), "pages": pages, "peak_rss_mb": round(_peak_rss_mb(), 1)}
    sys.stdout.write(json.dumps(stats) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
