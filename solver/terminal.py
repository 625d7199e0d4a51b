"""The command line's progress display: a transient rich bar on stderr, for a person at a terminal.

Work announced with :func:`solver.progress.stage` appears only when it lasts longer than
:data:`DELAY` seconds, on stderr, and only when stderr is a terminal and ``--quiet`` is not
given; it is erased when the work is done, so that what the command prints (on stdout) is
never mixed with it, and stdout is never redirected (``> out.json`` gets the output alone).

Examples
--------
>>> reporter = reporter_for(quiet=False, stream=io.StringIO())  # not a terminal: silent
>>> type(reporter).__name__
'Silent'
"""

from __future__ import annotations

import io
import sys
import threading
from typing import Any, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

__all__ = ["DELAY", "Silent", "TerminalReporter", "reporter_for"]

#: Seconds of work before the display appears (short commands show nothing).
DELAY = 1.5


class Silent:
    """A reporter that shows nothing (``--quiet``, or stderr not a terminal)."""

    def start(self, description: str, total: int | None) -> None:
        return None

    def advance(self, handle: Any, n: int) -> None:
        return None

    def finish(self, handle: Any) -> None:
        return None

    def close(self) -> None:
        return None


class TerminalReporter:
    """Stages as rows of a rich progress display on ``stream``: description, bar (or spinner when
    the total is unknown), done/total and the elapsed time; shown after :data:`DELAY` seconds,
    erased when the last stage finishes."""

    def __init__(self, stream: TextIO, delay: float = DELAY) -> None:
        self._console = Console(file=stream, stderr=True)
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self._console,
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._delay = delay
        self._lock = threading.Lock()
        self._open = 0
        self._timer: threading.Timer | None = None
        self._shown = False

    def _show(self) -> None:
        with self._lock:
            if self._open and not self._shown:
                self._progress.start()
                self._shown = True

    def start(self, description: str, total: int | None) -> Any:
        with self._lock:
            self._open += 1
            if not self._shown and self._timer is None:
                self._timer = threading.Timer(self._delay, self._show)
                self._timer.daemon = True
                self._timer.start()
        return self._progress.add_task(description, total=total)

    def advance(self, handle: Any, n: int) -> None:
        self._progress.advance(handle, n)

    def finish(self, handle: Any) -> None:
        self._progress.remove_task(handle)
        with self._lock:
            self._open -= 1
            if self._open == 0:
                self._hide()

    def _hide(self) -> None:  # with the lock held
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._shown:
            self._progress.stop()
            self._shown = False

    def close(self) -> None:
        """Erase the display, whatever is still open (the command ended or was interrupted)."""
        with self._lock:
            self._open = 0
            self._hide()


def reporter_for(quiet: bool, stream: TextIO | None = None) -> Silent | TerminalReporter:
    """The reporter for a command: on a terminal's stderr unless ``quiet``, else silent."""
    stream = sys.stderr if stream is None else stream
    if quiet or not _is_terminal(stream):
        return Silent()
    return TerminalReporter(stream)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, io.UnsupportedOperation):  # a closed or odd stream
        return False
