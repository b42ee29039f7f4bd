"""Printing the public report to PDF with headless Chromium (the browser the tests use).

Chromium honours the page's print rules: A4, the DRAFT mark in the running header of every
page, page numbers. It is found as ``$JURY_CHROMIUM`` or as ``chromium``,
``chromium-browser``, ``google-chrome`` on the PATH (Debian: ``apt-get install chromium``).
The page is opened from a file with networking switched off; it needs none. Its charts are
drawn by its own script (vega-embed, inline) before the page is printed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT_S = 180


class PdfUnavailable(RuntimeError):
    """No browser to print with, or the browser failed."""


def find_chromium() -> str | None:
    """The Chromium to print with, or ``None``."""
    explicit = os.environ.get("JURY_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def print_pdf(html_file: str | Path, pdf_file: str | Path) -> Path:
    """Print ``html_file`` to ``pdf_file``; raise :class:`PdfUnavailable` saying why when it cannot."""
    browser = find_chromium()
    if browser is None:
        raise PdfUnavailable("no Chromium found to print the PDF with: install it (Debian: apt-get install chromium) "
                             "or set JURY_CHROMIUM to its path")
    html_file, pdf_file = Path(html_file).resolve(), Path(pdf_file).resolve()
    with tempfile.TemporaryDirectory(prefix="jury-chromium-") as profile:
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
                   "--disable-background-networking", "--disable-component-update", "--disable-extensions",
                   "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",  # no network, even if asked
                   f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={pdf_file}",
                   # the page draws its charts with its script once loaded: wait (in virtual time, which
                   # runs ahead as soon as the page is idle) until it has, before printing
                   "--virtual-time-budget=30000",
                   html_file.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise PdfUnavailable(f"{browser} could not print the PDF: {error}") from error
    if done.returncode != 0 or not pdf_file.is_file() or pdf_file.stat().st_size == 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise PdfUnavailable(f"{browser} could not print the PDF (exit {done.returncode}): {tail}")
    return pdf_file
