"""Progress of long work: a bar on a terminal, plain lines in a log, nothing with ``--quiet``.

``jury check`` and ``jury report`` say what they are doing on standard error (standard output
keeps the summary): on a terminal, one line redrawn in place (``checks [#####-----] 5/10
agreement 3.1 s``); elsewhere (CI logs, a file), one plain line per finished step
(``checks 5/10: agreement (1.2 s)``), so a log shows how far a run got. :meth:`Progress.done`
reports the time taken.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

BAR = 20  # characters of the bar


class Progress:
    """``total`` steps of work called ``label``; :meth:`step` after each, :meth:`done` at the end."""

    def __init__(self, total: int, label: str, *, quiet: bool = False, stream: TextIO | None = None):
        self.total, self.label, self.quiet = max(total, 0), label, quiet
        self.stream = stream if stream is not None else sys.stderr
        self.count = 0
        self.started = self.last = time.perf_counter()
        self.terminal = bool(getattr(self.stream, "isatty", lambda: False)())

    def step(self, what: str) -> None:
        """One step finished: ``what`` it was."""
        now = time.perf_counter()
        self.count += 1
        took, self.last = now - self.last, now
        if self.quiet:
            return
        if self.terminal:
            filled = round(BAR * self.count / self.total) if self.total else BAR
            line = (f"\r{self.label} [{'#' * filled}{'-' * (BAR - filled)}] {self.count}/{self.total} "
                    f"{what} {now - self.started:.1f} s")
            self.stream.write(f"{line:<79}")
        else:
            self.stream.write(f"{self.label} {self.count}/{self.total}: {what} ({took:.1f} s)\n")
        self.stream.flush()

    def done(self, what: str = "") -> float:
        """The work is over: say how long it took (unless quiet); the seconds."""
        elapsed = time.perf_counter() - self.started
        if not self.quiet:
            end = "\n" if self.terminal and self.count else ""
            self.stream.write(f"{end}{self.label}: {what + ' ' if what else ''}done in {elapsed:.1f} s\n")
            self.stream.flush()
        return elapsed


class Reporter:
    """Makes a :class:`Progress` for each piece of work of a command, all quiet or all shown."""

    def __init__(self, *, quiet: bool = False, stream: TextIO | None = None):
        self.quiet, self.stream = quiet, stream

    def __call__(self, total: int, label: str) -> Progress:
        return Progress(total, label, quiet=self.quiet, stream=self.stream)
