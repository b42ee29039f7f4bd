"""Progress of long work: a bar on a terminal, plain lines in a log, nothing with ``--quiet``.

``jury check`` and ``jury report`` say what they are doing on standard error (standard output
keeps the summary): on a terminal, tqdm's bar redrawn in place, the step just finished after it
(``checks:  50%|█████     | 5/10 [00:03<00:03, 1.52step/s, agreement]``), left on screen when
the work is over; elsewhere (CI logs, a file), one plain line per finished step
(``checks 5/10: agreement (1.2 s)``), so a log shows how far a run got. :meth:`Progress.done`
reports the time taken (``checks: done in 6.1 s``).

A long step tells how far it got with :meth:`Progress.part` (a check does so through
:meth:`analytics.checks.shared.Shared.part`, per lane and criterion): the bar moves by the fraction
of the step done, with the part just finished after it; a log gets a line for a part at most every
:data:`LOG_EVERY` seconds (``checks 4/12: agreement, 9/28 digital_being ethics (10.3 s)``), so a
long step shows it is moving without filling the log.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

from tqdm import tqdm


class _Bar(tqdm):
    """tqdm's bar, without its monitor thread: each step redraws the bar itself. Its count may
    stand between two steps (:meth:`Progress.part`); the bar shows the steps finished."""

    monitor_interval = 0

    @property
    def format_dict(self):
        return {**super().format_dict, "steps": int(self.n)}


#: tqdm's own layout, with the steps finished in place of its count (which moves within a step)
STEPS_FORMAT = "{l_bar}{bar}| {steps}/{total_fmt} [{elapsed}<{remaining}, {rate_fmt}{postfix}]"

#: in a log (not a terminal), a line for a part of a step at most this often (seconds)
LOG_EVERY = 5.0

#: the size assumed when the terminal reports none (a pseudo-terminal given no size reports 0 × 0, and
#: tqdm would then draw nothing)
COLUMNS, ROWS = 80, 24


def _sized(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal that reports its size (tqdm then follows it as it changes)."""
    try:
        size = os.get_terminal_size(stream.fileno())
        return size.columns > 0 and size.lines > 0
    except (AttributeError, OSError, ValueError):
        return False


class Progress:
    """``total`` steps of work called ``label``; :meth:`step` after each, :meth:`done` at the end."""

    def __init__(self, total: int, label: str, *, quiet: bool = False, stream: TextIO | None = None):
        self.total, self.label, self.quiet = max(total, 0), label, quiet
        self.stream = stream if stream is not None else sys.stderr
        self.count = 0
        self.started = self.last = time.perf_counter()
        self.terminal = bool(getattr(self.stream, "isatty", lambda: False)())
        self._bar: tqdm | None = None  # drawn at the first step: nothing is shown of work that fails before it
        self.logged = self.started  # when a log last got a line

    def _drawn(self, now: float) -> tqdm:
        if self._bar is None:
            # every update drawn (mininterval=0, miniters=1); the clock and the rate (smoothing=0: the
            # average) from the start of the work
            sized = _sized(self.stream)
            self._bar = _Bar(total=self.total or None, desc=self.label, file=self.stream, unit="step",
                             leave=True, mininterval=0, miniters=1, smoothing=0, dynamic_ncols=sized,
                             ncols=None if sized else COLUMNS - 1, nrows=None if sized else ROWS,
                             bar_format=STEPS_FORMAT if self.total else None)
            self._bar.start_t -= now - self.started
        return self._bar

    def step(self, what: str) -> None:
        """One step finished: ``what`` it was."""
        now = time.perf_counter()
        self.count += 1
        took, self.last = now - self.last, now
        if self.quiet:
            return
        if self.terminal:
            bar = self._drawn(now)
            bar.set_postfix_str(what, refresh=False)
            bar.n = self.count
            bar.refresh()
            if self.count >= self.total:
                self._close()
        else:
            self.logged = now
            self.stream.write(f"{self.label} {self.count}/{self.total}: {what} ({took:.1f} s)\n")
            self.stream.flush()

    def part(self, done: int, parts: int, what: str) -> None:
        """Within the step under way (the next one :meth:`step` will count): ``done`` of its ``parts``
        parts are finished, and ``what`` is the part now worked on. The bar moves to that fraction of
        the step; a log gets a line when :data:`LOG_EVERY` seconds have passed since its last."""
        if self.quiet or parts <= 0:
            return
        now = time.perf_counter()
        if self.terminal:
            bar = self._drawn(now)
            bar.set_postfix_str(what, refresh=False)
            bar.n = self.count + min(max(done / parts, 0.0), 1.0)
            bar.refresh()
        elif now - self.logged >= LOG_EVERY:
            self.logged = now
            self.stream.write(f"{self.label} {self.count + 1}/{self.total}: {what}, {done}/{parts} "
                              f"({now - self.last:.1f} s)\n")
            self.stream.flush()

    def _close(self) -> None:
        """Leave the bar on screen as it stands, on a line of its own."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def done(self, what: str = "") -> float:
        """The work is over: say how long it took (unless quiet); the seconds."""
        elapsed = time.perf_counter() - self.started
        self._close()
        if not self.quiet:
            self.stream.write(f"{self.label}: {what + ' ' if what else ''}done in {elapsed:.1f} s\n")
            self.stream.flush()
        return elapsed


def silent(done: int, parts: int, what: str) -> None:
    """What is told of parts where no bar listens (:meth:`Progress.part`'s signature): nothing."""


class Reporter:
    """Makes a :class:`Progress` for each piece of work of a command, all quiet or all shown."""

    def __init__(self, *, quiet: bool = False, stream: TextIO | None = None):
        self.quiet, self.stream = quiet, stream

    def __call__(self, total: int, label: str) -> Progress:
        return Progress(total, label, quiet=self.quiet, stream=self.stream)
