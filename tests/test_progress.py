"""Progress on long work: a bar on a terminal, plain lines in a log, nothing with --quiet."""

from __future__ import annotations

import io
import re
import subprocess
import sys

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


def test_a_terminal_gets_one_bar_redrawn_in_place():
    screen = Terminal()
    steps = Progress(4, "notebooks", stream=screen)
    steps.step("01-load-and-validate")
    steps.step("02-eligibility-and-participation")
    steps.done()
    text = screen.getvalue()
    assert text.count("\r") == 2 and "\n" not in text.split("\r")[1]  # redrawn, no line per step
    assert "notebooks [#####---------------] 1/4 01-load-and-validate" in text
    assert "notebooks [##########----------] 2/4 02-eligibility-and-participation" in text
    assert text.endswith(" s\n") and "notebooks: done in" in text


def test_quiet_says_nothing():
    log = io.StringIO()
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
