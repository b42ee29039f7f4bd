"""Progress on long work: a bar on a terminal, plain lines in a log, nothing with --quiet."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest

from analytics.base.progress import Progress, Reporter

from .conftest import MINI


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_log_gets_one_plain_line_per_step_and_the_time_taken():
    log = io.StringIO()
    steps = Progress(2, "checks", stream=log)
    steps.step("coverage")
    steps.step("agreement")
    seconds = steps.done()
    lines = log.getvalue().splitlines()
    assert re.fullmatch(r"checks 1/2: coverage \(\d+\.\d s\)", lines[0])
    assert re.fullmatch(r"checks 2/2: agreement \(\d+\.\d s\)", lines[1])
    assert lines[2] == f"checks: done in {seconds:.1f} s" and "\r" not in log.getvalue()


def test_a_terminal_gets_tqdms_bar_redrawn_in_place_and_left_on_screen():
    screen = Terminal()
    steps = Progress(4, "notebooks", stream=screen)
    steps.step("01-load")
    steps.step("02-eligibility")
    seconds = steps.done()
    text = screen.getvalue()
    bar, closing = text.rsplit("\n", 2)[:2]
    assert "\n" not in bar  # redrawn with \r, no line per step
    assert re.search(r"\rnotebooks:  25%\|[^|]+\| 1/4 \[[^]]*, 01-load\]", bar)
    assert re.search(r"\rnotebooks:  50%\|[^|]+\| 2/4 \[[^]]*, 02-eligibility\] *$", bar)
    assert closing == f"notebooks: done in {seconds:.1f} s"
    assert "notebooks 1/4:" not in text  # not the log's lines


def test_a_bar_is_closed_when_its_last_step_finishes_and_work_without_steps_draws_no_bar():
    screen = Terminal()
    loading = Progress(1, "load", stream=screen)
    loading.step("data/demo")  # never told done(): the bar is closed by its last step
    assert screen.getvalue().endswith("data/demo]\n") and "load: 100%" in screen.getvalue()
    screen = Terminal()
    whole = Progress(0, "jury check", stream=screen)
    failed = Progress(1, "load", stream=screen)  # the load fails: no step, nothing drawn
    del failed
    seconds = whole.done()
    assert screen.getvalue() == f"jury check: done in {seconds:.1f} s\n"


@pytest.mark.parametrize("where", [io.StringIO, Terminal])
def test_quiet_says_nothing(where):
    log = where()
    steps = Reporter(quiet=True, stream=log)(3, "checks")
    steps.step("coverage")
    steps.done()
    assert log.getvalue() == ""


def _check(*extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analytics", "check", str(MINI), *extra], capture_output=True,
                          text=True, timeout=600)


def test_jury_check_says_what_it_is_doing_on_standard_error_and_quiet_silences_it():
    loud, quiet = _check(), _check("--quiet")
    assert loud.returncode == quiet.returncode and loud.stdout == quiet.stdout  # the summary is the same
    assert quiet.stderr == ""
    lines = loud.stderr.splitlines()
    assert lines[0].startswith(f"load 1/1: {MINI} (")
    assert any(re.fullmatch(r"checks \d+/\d+: agreement \(\d+\.\d s\)", line) for line in lines)
    assert re.fullmatch(r"jury check: done in \d+\.\d s", lines[-1])


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_jury_check_on_a_terminal_draws_tqdms_bar():
    """Standard error on a pseudo-terminal (what a chair's shell gives ``jury check``): a bar per
    piece of work, redrawn in place, instead of the log's lines."""
    import os
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "analytics", "check", str(MINI)], stdout=subprocess.PIPE,
                               stderr=follower, text=True)
    os.close(follower)
    shown = b""
    while True:  # read as it is written, so that the pseudo-terminal's buffer never fills
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        shown += chunk
    process.communicate(timeout=600)
    os.close(leader)
    screen = shown.decode("utf-8")
    assert re.search(r"\rchecks: +\d+%\|[^|]+\| (\d+)/\1 \[", screen)  # the bar of the checks, to its end
    assert re.search(r"\rload: 100%\|[^|]+\| 1/1 ", screen)
    assert not re.search(r"checks \d+/\d+: ", screen)  # no log line
    assert re.search(r"jury check: done in \d+\.\d s\r?\n$", screen)


def test_a_long_step_moves_the_bar_within_it():
    """A check that says how far it got (``part``) moves the bar by that fraction of its step; the
    count beside the bar stays the steps finished."""
    screen = Terminal()
    steps = Progress(4, "checks", stream=screen)
    steps.step("coverage")
    steps.part(1, 4, "agreement, lane_a: ethics")
    first = screen.getvalue().rsplit("\r", 1)[-1]
    assert re.search(r"checks:  31%\|[^|]+\| 1/4 \[[^]]*, agreement, lane_a: ethics\]", first)  # (1 + 1/4) / 4
    steps.part(3, 4, "agreement, lane_b: total")
    later = screen.getvalue().rsplit("\r", 1)[-1]
    assert re.search(r"checks:  44%\|[^|]+\| 1/4 \[[^]]*, agreement, lane_b: total\]", later)  # (1 + 3/4) / 4
    steps.step("agreement")
    assert re.search(r"checks:  50%\|[^|]+\| 2/4 \[[^]]*, agreement\]", screen.getvalue().rsplit("\r", 1)[-1])


def test_a_log_gets_a_line_for_a_part_at_most_every_few_seconds(monkeypatch):
    import analytics.base.progress as progress_module

    log = io.StringIO()
    steps = Progress(2, "checks", stream=log)
    steps.step("coverage")
    steps.part(1, 28, "agreement, lane_a: ethics")  # within LOG_EVERY of the last line: no line
    assert log.getvalue().count("\n") == 1
    monkeypatch.setattr(progress_module, "LOG_EVERY", 0.0)
    steps.part(2, 28, "agreement, lane_a: risk")
    last = log.getvalue().splitlines()[-1]
    assert re.fullmatch(r"checks 2/2: agreement, lane_a: risk, 2/28 \(\d+\.\d s\)", last)


def test_the_checks_and_the_load_say_how_far_they_got_within_their_steps(monkeypatch):
    """The long checks (agreement per lane and criterion, the rankings and the score effects per
    lane) and the load (tables read, cells checked, ids across tables) tell the bar their parts."""
    import analytics.base.progress as progress_module
    from analytics.checks.registry import run_checks
    from analytics.load.festival import load_festival

    told = []
    festival = load_festival(MINI, progress=lambda done, parts, what: told.append((done, parts, what)))
    assert [(d, p) for d, p, _ in told] == [(0, 3), (1, 3), (2, 3)]
    monkeypatch.setattr(progress_module, "LOG_EVERY", 0.0)
    log = io.StringIO()
    run_checks(festival, progress=Reporter(stream=log))
    lines = log.getvalue().splitlines()
    for check, last in (("agreement", -1), ("rankings", 0)):
        parts = [line for line in lines if re.match(rf"checks \d+/\d+: {check}, .+, \d+/\d+ \(", line)]
        assert parts, f"{check} told no part"
        told = [tuple(map(int, re.search(r", (\d+)/(\d+) \(", line).groups())) for line in parts]
        assert [d for d, _ in told] == sorted(d for d, _ in told)  # the bar never goes back
        done, total = told[-1]
        assert done == total + last  # agreement: the last part under way; rankings: every resampled jury done
    assert lines[-1].startswith("checks: done in")
