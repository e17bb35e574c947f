"""Long work says what it is doing, and can be stopped.

Ingest, communities, key players, resolution and exports take a :class:`Progress` and
call :meth:`Progress.report` between steps. The command line shows it on stderr
(:class:`ConsoleProgress`); the app draws a progress bar. Cancelling makes the next
report raise :class:`Cancelled`, so work stops only between steps, where it has written
nothing half-way: callers keep their writes after their last report.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

__all__ = ["Cancelled", "ConsoleProgress", "Progress", "SILENT", "step_text"]

T = TypeVar("T")
P = TypeVar("P", bound="Progress")


class Cancelled(Exception):
    """The user stopped the work before it wrote anything more."""


class Progress:
    """Where long work reports; this base shows nothing but still honours cancel()."""

    def __init__(self) -> None:
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the work to stop at its next report (safe from any thread)."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def report(self, what: str, done: float | None = None, total: float | None = None) -> None:
        """Say what the work is doing (``done`` of ``total`` when it knows); raises
        :class:`Cancelled` if cancel() was called."""
        if self._cancel.is_set():
            raise Cancelled(f"stopped while {what}")
        self.show(what, done, total)

    def show(self, what: str, done: float | None, total: float | None) -> None:
        """Draw one report; subclasses override."""

    def say(self, text: str) -> None:
        """A line of its own for the user (a note, a result) among the reports; subclasses
        that show anything override."""

    def close(self) -> None:
        """Finish what the reports left on screen; leaving a ``with`` block calls it."""

    def __enter__(self: P) -> P:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def track(self, items: Iterable[T], what: str, total: int | None = None, every: int = 1000) -> Iterator[T]:
        """Yield ``items``, reporting every ``every`` of them."""
        count = 0
        self.report(what, 0, total)
        for item in items:
            yield item
            count += 1
            if count % every == 0:
                self.report(what, count, total)
        self.report(what, count, total if total is not None else count)


SILENT = Progress()  # for callers that want no reports; never cancel() it


class ConsoleProgress(Progress):
    """Reports on a terminal: one line redrawn in place on a tty, else a line per step
    change and at most one every ``interval`` seconds (logs stay short).

    Use it as a context manager: on a tty the last line is left open for the next redraw,
    and leaving the ``with`` ends it, so the command's own output starts on a line of its own;
    :meth:`say` prints a note among the reports.
    """

    def __init__(self, stream: TextIO | None = None, *, interval: float = 1.0) -> None:
        super().__init__()
        self.stream = stream if stream is not None else sys.stderr
        self.interval = interval
        self._last_what = ""
        self._last_line = ""
        self._last_time = 0.0
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._open = False

    def close(self) -> None:
        """End a line left open on a tty (nothing to do elsewhere)."""
        if self._open:
            self.stream.write("\n")
            self.stream.flush()
            self._open = False

    def say(self, text: str) -> None:
        self.close()
        self.stream.write(text + "\n")
        self.stream.flush()

    def show(self, what: str, done: float | None, total: float | None) -> None:
        now = time.monotonic()
        finished = total is not None and done is not None and done >= total
        if what == self._last_what and not finished and now - self._last_time < self.interval:
            return
        line = step_text(what, done, total)
        if line == self._last_line:
            return
        self._last_what, self._last_line, self._last_time = what, line, now
        if self._tty:
            self.stream.write("\r\x1b[2K" + line + ("\n" if finished else ""))
            self._open = not finished
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def step_text(what: str, done: float | None, total: float | None) -> str:
    """One report as a line: the step, and how far it got when known."""
    if done is None:
        return what
    if total:
        return f"{what}: {done:,.0f} of {total:,.0f} ({100 * done / total:.0f}%)"
    return f"{what}: {done:,.0f}"
