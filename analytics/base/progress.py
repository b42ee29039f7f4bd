"""Progress of long work: a bar on a terminal, plain lines in a log, nothing with ``--quiet``.

``jury check`` and ``jury report`` say what they are doing on standard error (standard output
keeps the summary): on a terminal, tqdm's bar redrawn in place, the step just finished after it
(``checks:  50%|█████     | 5/10 [00:03<00:03, 1.52step/s, agreement]``), left on screen when
the work is over; elsewhere (CI logs, a file), one plain line per finished step
(``checks 5/10: agreement (1.2 s)``), so a log shows how far a run got. :meth:`Progress.done`
reports the time taken (``checks: done in 6.1 s``).
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

from tqdm import tqdm


class _Bar(tqdm):
    """tqdm's bar, without its monitor thread: each step redraws the bar itself."""

    monitor_interval = 0


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

    def step(self, what: str) -> None:
        """One step finished: ``what`` it was."""
        now = time.perf_counter()
        self.count += 1
        took, self.last = now - self.last, now
        if self.quiet:
            return
        if self.terminal:
            if self._bar is None:
                # every step drawn (mininterval=0, miniters=1); the clock and the rate (smoothing=0: the
                # average) from the start of the work
                sized = _sized(self.stream)
                self._bar = _Bar(total=self.total or None, desc=self.label, file=self.stream, unit="step",
                                 leave=True, mininterval=0, miniters=1, smoothing=0, dynamic_ncols=sized,
                                 ncols=None if sized else COLUMNS - 1, nrows=None if sized else ROWS)
                self._bar.start_t -= now - self.started
            self._bar.set_postfix_str(what, refresh=False)
            self._bar.update(1)
            if self.count >= self.total:
                self._close()
        else:
            self.stream.write(f"{self.label} {self.count}/{self.total}: {what} ({took:.1f} s)\n")
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


class Reporter:
    """Makes a :class:`Progress` for each piece of work of a command, all quiet or all shown."""

    def __init__(self, *, quiet: bool = False, stream: TextIO | None = None):
        self.quiet, self.stream = quiet, stream

    def __call__(self, total: int, label: str) -> Progress:
        return Progress(total, label, quiet=self.quiet, stream=self.stream)
