"""Helpers for the real-browser tests: Debian Chromium driven by Python Playwright, and
JupyterLab or Voila servers started on a free localhost port and stopped by their process id.

Nothing here downloads a browser (never ``playwright install``): the system ``chromium``
is launched through ``executable_path``. Without it the browser tests are skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
SCREENSHOTS = REPO / "build" / "browser"
BIN = Path(sys.executable).parent

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SKIP_NO_CHROMIUM = ("Debian chromium is not installed, so the browser tests are skipped; enable them with "
                    "`sudo apt-get install chromium` (or run `make test` as root on Debian, which installs it "
                    "through scripts/system-deps.sh)")


def chromium() -> str | None:
    """The system Chromium to drive (never a browser downloaded by playwright)."""
    return shutil.which("chromium")


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=chromium(), headless=True, args=CHROMIUM_ARGS)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ready(url: str, any_answer: bool) -> bool:
    """``url`` answers 200 (or, with ``any_answer``, answers at all: the server is listening)."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except urllib.error.HTTPError:
        return any_answer
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


@contextmanager
def server(command: list[str], *, ready_url: str, log: Path, env: dict | None = None, cwd: Path = REPO,
           timeout: float = 60, any_answer: bool = False) -> Iterator[subprocess.Popen]:
    """Run ``command`` (its output to ``log``) until ``ready_url`` answers 200; stop it by its
    process id afterwards: SIGTERM, wait, then SIGKILL to the process group it leads (the
    kernels it started) if it does not stop."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **(env or {})}, stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + timeout
            while not _ready(ready_url, any_answer):
                if process.poll() is not None:
                    raise RuntimeError(f"{command[:3]} exited with {process.returncode}:\n"
                                       f"{log.read_text(errors='replace')}")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{ready_url} did not answer within {timeout:g} s:\n"
                                       f"{log.read_text(errors='replace')}")
                time.sleep(0.25)
            yield process
        finally:
            stop(process)


def stop(process: subprocess.Popen, grace: float = 15) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(grace)
    try:  # kernels left behind by a server that had to be killed: same process group, led by our pid
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def wait_kernel_idle(base: str, kernel_id: str | None = None, *, steady: float = 0.5, timeout: float = 60) -> None:
    """Wait until the server reports its kernels (or one) idle for ``steady`` seconds in a row.

    Widget messages sent while the kernel is busy can reach it out of order (ipywidgets buffers
    a model's state changes while an earlier message of that model awaits its reply, but sends
    a button's click at once): wait for idle before choosing a juror and clicking."""
    url = f"{base}/api/kernels" + (f"/{kernel_id}" if kernel_id else "")
    deadline, since = time.monotonic() + timeout, None
    while True:
        with urllib.request.urlopen(url, timeout=5) as response:
            found = json.loads(response.read())
        states = [k["execution_state"] for k in (found if isinstance(found, list) else [found])]
        now = time.monotonic()
        if states and all(state == "idle" for state in states):
            since = since or now
            if now - since >= steady:
                return
        else:
            since = None
        if now > deadline:
            raise TimeoutError(f"kernel not idle after {timeout:g} s: {states}")
        time.sleep(0.1)


def lab_settings(settings_dir: Path) -> None:
    """User settings for a throwaway JupyterLab: never autosave (the notebook in the repo must
    not change), no news or update checks (no network here)."""
    settings = {
        "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                            "checkForUpdates": False},
    }
    for name, value in settings.items():
        path = settings_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")


@contextmanager
def jupyter_lab(tmp: Path, root_dir: Path = NOTEBOOKS) -> Iterator[str]:
    """JupyterLab on a free port with throwaway workspaces, settings and runtime dirs; yields its base URL."""
    port = free_port()
    workspaces, settings, runtime = tmp / "workspaces", tmp / "settings", tmp / "runtime"
    for d in (workspaces, settings, runtime):
        d.mkdir(parents=True, exist_ok=True)
    lab_settings(settings)
    command = [str(BIN / "jupyter-lab"), "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               f"--ServerApp.root_dir={root_dir}", "--ServerApp.token=", "--ServerApp.password=",
               "--ServerApp.disable_check_xsrf=True", "--ServerApp.port_retries=0",
               f"--LabApp.workspaces_dir={workspaces}", f"--LabApp.user_settings_dir={settings}",
               "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               "--NotebookNotary.db_file=:memory:"]
    if os.getuid() == 0:
        command.append("--allow-root")
    base = f"http://127.0.0.1:{port}"
    with server(command, ready_url=f"{base}/api/status", log=tmp / "lab.log",
                env={"JUPYTER_RUNTIME_DIR": str(runtime)}):
        yield base


@contextmanager
def voila(notebook: Path, tmp: Path) -> Iterator[str]:
    """``voila <notebook>`` (run from the repo root, as ``make dashboard`` does) on a free port; yields its URL."""
    port = free_port()
    runtime = tmp / "runtime"
    runtime.mkdir(parents=True, exist_ok=True)
    command = [str(BIN / "voila"), str(notebook.relative_to(REPO)), f"--port={port}", "--no-browser",
               "--Voila.ip=127.0.0.1", "--VoilaConfiguration.show_tracebacks=True"]
    base = f"http://127.0.0.1:{port}"
    # Voila has no /api/status, and GET / runs the notebook: wait until it answers anything else
    with server(command, ready_url=f"{base}/voila/static/", log=tmp / "voila.log", any_answer=True,
                env={"JUPYTER_RUNTIME_DIR": str(runtime)}):
        yield base


def _executed(content: bytes) -> bool:
    """The notebook carries outputs or execution counts: saved from a running session."""
    try:
        cells = json.loads(content)["cells"]
    except (ValueError, KeyError):
        return False
    return any(c.get("outputs") or c.get("execution_count") is not None for c in cells if c.get("cell_type") == "code")


@contextmanager
def repo_untouched(folder: Path = NOTEBOOKS) -> Iterator[None]:
    """Leave ``folder`` as it was: no notebook saved by the browser session (one that now carries
    outputs is restored from the copy taken before, and the test fails) and no
    ``.ipynb_checkpoints`` folder that was not there before. A notebook changed without outputs
    is left alone (someone may be editing it) but still reported."""
    checkpoints = folder / ".ipynb_checkpoints"
    had_checkpoints = checkpoints.exists()
    before = {p: p.read_bytes() for p in folder.glob("*.ipynb")}
    changed: list[str] = []
    try:
        yield
    finally:
        for path, content in before.items():
            now = path.read_bytes() if path.exists() else content
            if now != content:
                changed.append(path.name)
                if _executed(now) and not _executed(content):
                    path.write_bytes(content)
        if not had_checkpoints and checkpoints.exists():
            shutil.rmtree(checkpoints)
    assert not changed, f"notebooks changed during the browser session: {changed} (ones saved with outputs restored)"
