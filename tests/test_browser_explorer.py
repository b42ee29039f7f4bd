"""The chair explorer (notebooks/10-chair-explorer.ipynb) in a real browser: JupyterLab and Voila.

Debian Chromium, driven by Playwright, with no network: the widgets must render, the linked
vega chart must draw, and leaving juror JR06 out must reorder the standings exactly as
:class:`analytics.apps.explorer.Explorer` says. Screenshots go to build/browser/ (look at them:
the chart and the Traditional Chinese names must be visible). Skipped without chromium.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from analytics import load_festival
from analytics.apps.explorer import Explorer
from analytics.rules.scoring import WEIGHTED_TOTAL

from .browser import (
    NOTEBOOKS,
    SCREENSHOTS,
    SKIP_NO_CHROMIUM,
    chromium,
    jupyter_lab,
    launch_chromium,
    repo_untouched,
    voila,
    wait_kernel_idle,
)
from .conftest import DEMO

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.skipif(chromium() is None, reason=SKIP_NO_CHROMIUM)]

NOTEBOOK = "10-chair-explorer.ipynb"
JUROR = "JR06"
FIRST_RENDER = 120_000  # ms: kernel start, the festival loaded, the app built, vega drawn
UPDATE = 60_000  # ms: one round trip to the kernel and a redraw
CHART_ORDER = r"""root => [...document.querySelectorAll(`${root} .vega-embed .role-axis-label text`)]
    .map(t => t.textContent).filter(t => /^[A-Z]+-\d+ · /.test(t)).map(t => t.split(' · ')[0])"""


# --- what the analytics layer says the screen must show --------------------------------------

@pytest.fixture(scope="module")
def expected() -> dict:
    festival = load_festival(DEMO)
    ex = Explorer(festival)
    lanes = festival.config.lanes
    out = {"lane": lanes[0], "jurors": ex.jurors(), "before": ex.standings()["entry_id"].tolist()}
    ex.exclude_juror(JUROR)
    out["after"] = ex.standings()["entry_id"].tolist()
    out["jurors_after"] = ex.jurors()
    ex.reset()
    other = lanes[1]
    ex.set_view(lane=other.id)
    out.update(other=other, other_jurors=ex.jurors(), other_total=ex.standings()["entry_id"].tolist())
    for criterion in festival.config.criteria:  # a criterion that reorders the other lane, so the change shows
        ex.set_view(scope=criterion.id)
        order = ex.standings()["entry_id"].tolist()
        if order != out["other_total"]:
            out.update(criterion=criterion, other_criterion=order)
            break
    ex.set_view(scope=WEIGHTED_TOTAL)
    assert "criterion" in out, "no criterion reorders the second lane: pick another view for the test"
    assert out["before"][0] != out["after"][0], "leaving JR06 out no longer changes the winner in data/demo"
    return out


# --- the browser and the servers -------------------------------------------------------------

@pytest.fixture(scope="module")
def browser() -> Browser:
    with sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser):
    context = browser.new_context(viewport={"width": 1500, "height": 2200})
    page = context.new_page()
    page.set_default_timeout(UPDATE)
    page.errors = []  # uncaught exceptions in the page
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> str:
    """JupyterLab serving notebooks/ with throwaway workspace, settings and runtime dirs."""
    with repo_untouched(), jupyter_lab(tmp_path_factory.mktemp("lab")) as base:
        yield base


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory) -> str:
    """The explorer under Voila, started from the repo root as ``make dashboard`` does."""
    with repo_untouched(), voila(NOTEBOOKS / NOTEBOOK, tmp_path_factory.mktemp("voila")) as base:
        yield base


# --- reading and driving the app -------------------------------------------------------------

class App:
    """The explorer's widgets inside ``root`` (a notebook panel, or Voila's page)."""

    def __init__(self, page: Page, root: str, idle: Callable[[], None]):
        self.page, self.root_selector, self.root, self.idle = page, root, page.locator(root), idle

    def dropdown(self, label: str) -> Locator:
        return self.root.locator(".widget-dropdown", has=self.page.locator("label", has_text=re.compile(f"^{label}$"))
                                 ).first.locator("select")

    @property
    def scope(self) -> Locator:  # "criterion" labels two dropdowns: the scope is the one offering the weighted total
        return self.root.locator(".widget-dropdown", has=self.page.locator("option", has_text="weighted total")
                                 ).locator("select")

    @property
    def standings(self) -> Locator:
        return self.root.locator(".jury-explorer table", has=self.page.locator("th", has_text=re.compile("^First in resampled juries$")))

    @property
    def entries(self) -> Locator:
        """The entry column of the standings, top first (rank, then entry: no DataFrame index)."""
        return self.standings.locator("tbody tr > td:nth-of-type(2)")

    @property
    def chart(self) -> Locator:
        return self.root.locator(".vega-embed")

    @property
    def juror_points(self) -> Locator:
        """The severity view's points: one per juror who counts."""
        return self.chart.locator(".mark-symbol path")

    def chart_order(self) -> list[str]:
        """The entries of the linked chart's standings bars, top first (y labels "GC-06 · title")."""
        return self.page.evaluate(CHART_ORDER, self.root_selector)

    def expect_chart_order(self, entries: list[str], timeout: float = UPDATE) -> None:
        try:
            self.page.wait_for_function(
                f"([root, want]) => JSON.stringify(({CHART_ORDER})(root)) === JSON.stringify(want)",
                arg=[self.root_selector, entries], timeout=timeout)
        except PlaywrightTimeout:
            raise AssertionError(f"the chart's standings show {self.chart_order()}, not {entries}") from None

    def show(self) -> None:
        """Scroll the app's controls to the top of the view (for screenshots)."""
        self.root.locator(".widget-dropdown").first.evaluate("e => e.scrollIntoView({block: 'start'})")

    def button(self, text: str) -> Locator:
        # by its text, not its accessible name: Font Awesome's icon glyph (Undo) is part of the name
        return self.root.locator("button.widget-button", has_text=re.compile(rf"^\s*{re.escape(text)}\s*$"))

    def wait_rendered(self, expected: dict) -> None:
        expect(self.root.locator(".widget-dropdown").first).to_be_visible(timeout=FIRST_RENDER)
        expect(self.chart.locator("svg.marks, canvas.marks").first).to_be_visible(timeout=FIRST_RENDER)
        expect(self.entries).to_have_text(expected["before"], timeout=FIRST_RENDER)
        expect(self.juror_points).to_have_count(len(expected["jurors"]), timeout=UPDATE)
        self.expect_chart_order(expected["before"], timeout=FIRST_RENDER)

    def errors_shown(self) -> list[str]:
        """Errors shown anywhere in the app's outputs (also inside Output widgets); warnings on
        stderr do not count."""
        shown = self.root.locator('[data-mime-type="application/vnd.jupyter.stderr"], '
                                  '.jp-OutputArea-output.jp-mod-error')
        return [t for t in shown.all_inner_texts() if re.search(r"Traceback|Error|Exception", t)]

    def leave_juror_out(self, juror: str) -> None:
        # the kernel must be idle (no redraw in flight) when the juror is chosen, and have taken
        # the choice before the click: otherwise the click can arrive first and do nothing
        self.idle()
        self.dropdown("juror").select_option(juror)
        expect(self.dropdown("juror")).to_have_value(juror, timeout=UPDATE)
        self.idle()
        self.button("Leave juror out").click()


# --- the tests -------------------------------------------------------------------------------

def test_explorer_in_jupyterlab(lab: str, page: Page, expected: dict):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{lab}/lab/workspaces/t{uuid.uuid4().hex[:12]}/tree/{NOTEBOOK}?reset")
    page.wait_for_function("() => window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel",
                           timeout=FIRST_RENDER)
    # every error the kernel reports, also from widget callbacks (which JupyterLab shows in no cell)
    panel_id = page.evaluate("""async () => {
        const panel = window.jupyterapp.shell.currentWidget;
        await panel.sessionContext.ready;
        window.kernelErrors = [];
        window.kernelStderr = [];
        panel.sessionContext.session.kernel.iopubMessage.connect((_, msg) => {
            const c = msg.content;
            if (msg.header.msg_type === 'error') window.kernelErrors.push(`${c.ename}: ${c.evalue}`);
            if (msg.header.msg_type === 'stream' && c.name === 'stderr') window.kernelStderr.push(c.text);
        });
        await window.jupyterapp.commands.execute('notebook:run-all-cells');
        return panel.id; }""")

    def kernel_errors() -> list[str]:
        return page.evaluate("window.kernelErrors")

    app = App(page, f'[id="{panel_id}"]', idle=lambda: wait_kernel_idle(lab))
    app.wait_rendered(expected)

    errors = page.evaluate("""() => {
        const out = [];
        for (const cell of window.jupyterapp.shell.currentWidget.content.model.cells) {
            if (cell.type !== 'code') continue;
            for (const o of cell.outputs.toJSON())
                if (o.output_type === 'error') out.push(`${o.ename}: ${o.evalue}`);
        }
        return out; }""")
    assert errors == [], errors
    assert app.errors_shown() == []
    assert kernel_errors() == []
    expect(app.standings).to_contain_text("潛在空間的九龍", timeout=UPDATE)  # CJK text (glyphs: see the screenshot)
    expect(app.root.locator(".jury-explorer table", has_text="周曉彤").first).to_be_visible(timeout=UPDATE)
    # the chair's tables, not a programmer's: no DataFrame, percentages, rank intervals, blockers marked
    expect(app.root.locator("table.dataframe")).to_have_count(0)
    expect(app.standings.locator("tbody tr").first).to_contain_text("%")
    expect(app.root.locator(".jury-explorer tr.blocker").first).to_contain_text("BLOCKER")
    app.show()
    page.screenshot(path=SCREENSHOTS / "explorer-initial.png")

    # another lane, then a criterion of it: the standings follow, and the chart (its juror points)
    app.dropdown("lane").select_option(expected["other"].name)
    expect(app.entries).to_have_text(expected["other_total"], timeout=UPDATE)
    expect(app.juror_points).to_have_count(len(expected["other_jurors"]), timeout=UPDATE)
    app.expect_chart_order(expected["other_total"])
    app.scope.select_option(expected["criterion"].label)
    expect(app.entries).to_have_text(expected["other_criterion"], timeout=UPDATE)
    app.expect_chart_order(expected["other_criterion"])
    app.show()
    page.screenshot(path=SCREENSHOTS / "explorer-other-lane.png")

    # back to the first lane's weighted total
    app.dropdown("lane").select_option(expected["lane"].name)
    app.scope.select_option("weighted total")
    expect(app.entries).to_have_text(expected["before"], timeout=UPDATE)
    expect(app.juror_points).to_have_count(len(expected["jurors"]), timeout=UPDATE)

    # leave JR06 out: the order the analytics layer computes (GC-19 first instead of GC-06)
    app.leave_juror_out(JUROR)
    expect(app.entries.first).to_have_text(expected["after"][0], timeout=UPDATE)
    expect(app.entries).to_have_text(expected["after"], timeout=UPDATE)
    expect(app.juror_points).to_have_count(len(expected["jurors_after"]), timeout=UPDATE)
    status = app.root.locator(".widget-html", has_text="open blockers in this lane")
    expect(status).to_contain_text(f"juror {JUROR} left out", timeout=UPDATE)
    app.expect_chart_order(expected["after"])
    app.show()
    page.screenshot(path=SCREENSHOTS / "explorer-after-exclusion.png")

    app.button("Undo").click()
    expect(app.entries.first).to_have_text(expected["before"][0], timeout=UPDATE)
    expect(app.entries).to_have_text(expected["before"], timeout=UPDATE)
    expect(app.juror_points).to_have_count(len(expected["jurors"]), timeout=UPDATE)
    app.expect_chart_order(expected["before"])
    assert app.errors_shown() == []
    assert kernel_errors() == []
    assert page.errors == []
    stderr = page.evaluate("window.kernelStderr")
    if stderr:
        print("kernel stderr (not failing the test):", *stderr, sep="\n")

    # close without saving: stop the kernel, mark the notebook clean, close the tab
    page.evaluate("""async () => {
        const panel = window.jupyterapp.shell.currentWidget;
        await panel.sessionContext.shutdown();
        panel.context.model.dirty = false;
        panel.close(); }""")


def test_explorer_in_voila(dashboard: str, page: Page, expected: dict):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(dashboard)
    kernel_id = page.evaluate("() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    app = App(page, "body", idle=lambda: wait_kernel_idle(dashboard, kernel_id))
    app.wait_rendered(expected)  # the parameters cell's ../data/demo resolves: the kernel runs in notebooks/
    assert app.errors_shown() == []
    expect(page.locator("body")).not_to_contain_text("There was an error when executing cell")

    app.leave_juror_out(JUROR)
    expect(app.entries.first).to_have_text(expected["after"][0], timeout=UPDATE)
    expect(app.entries).to_have_text(expected["after"], timeout=UPDATE)
    expect(app.juror_points).to_have_count(len(expected["jurors_after"]), timeout=UPDATE)
    expect(app.standings).to_contain_text("潛在空間的九龍", timeout=UPDATE)
    app.expect_chart_order(expected["after"])
    page.screenshot(path=SCREENSHOTS / "dashboard.png")
    assert app.errors_shown() == []
    assert page.errors == []
