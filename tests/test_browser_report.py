"""The reports in a real browser, offline, and the PDF as a picture.

Debian Chromium opens report.html from disk with every network request refused (and
recorded); a full-page screenshot is kept under build/browser/. The PDF's pages are turned
into PNG with pypdfium2 (PDFium, Chromium's own PDF engine) and looked at.
"""

from __future__ import annotations

import numpy as np
import pytest

from analytics.present.html import CONFIDENTIAL_MARK, DRAFT_MARK

from .browser import SCREENSHOTS, SKIP_NO_CHROMIUM, chromium, launch_chromium
from .conftest import IMG_TITLE, SCRIPT_TITLE

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.skipif(chromium() is None, reason=SKIP_NO_CHROMIUM)]

CJK_TITLE = "潛在空間的九龍"  # GC-19, second in Generative Cinema


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


def open_offline(browser, path):
    """A page showing ``path`` with every request that is not the file itself (or data:) refused."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    refused, dialogs = [], []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(("file://", "data:")):
            request_route.continue_()
        else:
            refused.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(path.as_uri(), wait_until="load")
    return page, refused, dialogs


def test_report_renders_offline_with_every_chart(browser, draft_report):
    page, refused, dialogs = open_offline(browser, draft_report / "report.html")
    # the page draws each chart from its spec (vega-embed, inline): every one drawn, as an SVG of some size
    page.wait_for_function("() => document.querySelectorAll('figure.chart:not([data-drawn])').length === 0")
    sizes = page.evaluate("""() => Array.from(document.querySelectorAll('figure.chart')).map(f => {
        const svg = f.querySelector('.draw svg'); const box = svg ? svg.getBoundingClientRect() : null;
        return [f.getAttribute('data-drawn'), box ? box.width : 0, box ? box.height : 0]; })""")
    assert len(sizes) >= 12 and all(drawn == "yes" and width > 100 and height > 50 for drawn, width, height in sizes), sizes
    # the standings chart names the films, Traditional Chinese included, in its own text
    assert page.locator("figure.chart svg text", has_text=CJK_TITLE).count() >= 1
    assert refused == [] and dialogs == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "report.png"), full_page=True)
    # the DRAFT banner stays across the top while the reader scrolls
    page.mouse.wheel(0, 20000)
    page.wait_for_timeout(200)
    banner = page.locator(".mark").first
    assert banner.inner_text() == DRAFT_MARK and abs(banner.bounding_box()["y"]) < 1
    page.screenshot(path=str(SCREENSHOTS / "report-scrolled.png"))
    page.close()


def test_traditional_chinese_titles_render_as_glyphs(browser, draft_report):
    """The cell with a Traditional Chinese title is drawn with a CJK font (Chromium's own account
    of the fonts it used, over the DevTools protocol), so it shows glyphs, not boxes."""
    page, _, _ = open_offline(browser, draft_report / "report.html")
    cell = page.locator("td", has_text=CJK_TITLE).first
    cell.scroll_into_view_if_needed()
    cell.screenshot(path=str(SCREENSHOTS / "report-cjk-title.png"))
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    cells = session.send("DOM.querySelectorAll", {"nodeId": root, "selector": "td"})["nodeIds"]
    fonts = None
    for node in cells:
        text = session.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"]
        if CJK_TITLE in text:
            fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            break
    assert fonts, "no cell with the title"
    assert any("CJK" in f["familyName"] and f["glyphCount"] >= len(CJK_TITLE) for f in fonts), fonts
    page.close()


def test_hostile_titles_do_not_run_in_the_browser(browser, hostile_report):
    for name in ("report.html", "chair.html"):
        page, refused, dialogs = open_offline(browser, hostile_report / name)
        assert dialogs == [] and refused == []  # no alert(); the <img src=x> never loads
        assert page.get_by_text(SCRIPT_TITLE).count() >= 1 and page.get_by_text(IMG_TITLE).count() >= 1
        assert page.locator("td script, td img, p script, p img").count() == 0
        page.close()


def page_pixels(pdf, index: int, path) -> np.ndarray:
    bitmap = pdf[index].render(scale=1.5)
    image = bitmap.to_pil().convert("RGB")
    image.save(path)
    return np.asarray(image)


def test_pdf_every_page_marked_draft_and_not_blank(draft_report):
    import pypdfium2

    pdf = pypdfium2.PdfDocument(draft_report / "report.pdf")
    assert len(pdf) >= 5
    for page in pdf:
        assert page.get_textpage().get_text_range().startswith(DRAFT_MARK)
    pixels = page_pixels(pdf, 0, SCREENSHOTS / "report-pdf-page1.png")
    ink = (pixels < 200).any(axis=2).mean()
    assert 0.01 < ink < 0.6  # text and tables, neither blank nor a solid block
    top = pixels[: pixels.shape[0] // 12]
    red = (top[..., 0] > 150) & (top[..., 1] < 80) & (top[..., 2] < 80)
    assert red.sum() > 200  # the red DRAFT mark in the running header


def test_pdf_of_a_publishable_report_has_no_draft_mark(final_report):
    import pypdfium2

    pdf = pypdfium2.PdfDocument(final_report / "report.pdf")
    text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
    assert "DRAFT" not in text and CONFIDENTIAL_MARK not in text
    compact = "".join(text.split())  # table cells wrap lines inside a title
    assert "Publishable:" in compact and CJK_TITLE in compact  # the PDF carries the text, CJK included
    # and the charts, drawn by the page before it was printed: each lane's standings chart has this axis title
    assert compact.count("resampledjuries:first(dark),topthree(light)") == 4
    pixels = page_pixels(pdf, len(pdf) // 2, SCREENSHOTS / "report-pdf-middle.png")
    assert (pixels < 200).any(axis=2).mean() > 0.01
