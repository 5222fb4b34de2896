"""Reading issued PDFs in tests with poppler-utils (pdftotext, pdffonts), as a reader would."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path


def pdf_text(path: str | Path, *, first: int | None = None, last: int | None = None) -> str:
    command = ["pdftotext", "-enc", "UTF-8"]
    if first:
        command += ["-f", str(first)]
    if last:
        command += ["-l", str(last)]
    out = subprocess.run([*command, str(path), "-"], capture_output=True, check=True).stdout.decode()
    return re.sub(r"[ \t]+", " ", out)


def pdf_pages(path: str | Path) -> list[str]:
    """The text of each page (pdftotext separates pages by form feeds)."""
    return pdf_text(path).split("\f")[:-1]


def pdf_fonts(path: str | Path) -> list[dict[str, str]]:
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True).stdout.decode().splitlines()[2:]
    fonts = []
    for line in lines:
        parts = line.split()
        # name type... encoding emb sub uni object-id generation
        fonts.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return fonts
