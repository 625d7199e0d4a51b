"""Progress of long work, announced by the engine and shown (or not) by whoever runs it.

The engine never prints: a long loop announces itself with :func:`stage` and calls the
returned ``advance`` as it goes. Nothing is shown unless a caller has installed a reporter with
:func:`reporting` — the command line installs one that draws a transient bar on a terminal's
stderr (``solver.cli``); the Python API stays silent. Without a reporter a stage costs one
context-variable lookup.

Ctrl-C needs nothing from a stage: it raises KeyboardInterrupt in the loop, the stage's
``finally`` tells the reporter, and the command line stops with nothing half-written (every
file it writes is written beside its destination and renamed into place). Compiled loops see
Ctrl-C only when they return; each is short (at most a 10×10 game's bases, or one chunk of
basin starts), so the wait stays under about a second.

Examples
--------
>>> seen = []
>>> class Recorder:
...     def start(self, description, total): seen.append((description, total)); return len(seen)
...     def advance(self, handle, n): seen.append(("advance", n))
...     def finish(self, handle): seen.append("done")
>>> with reporting(Recorder()):
...     with stage("basins", total=2) as advance:
...         advance()
...         advance()
>>> seen
[('basins', 2), ('advance', 1), ('advance', 1), 'done']
>>> with stage("silent", total=3) as advance:  # no reporter: nothing happens
...     advance()
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol

__all__ = ["Reporter", "reporting", "stage"]


class Reporter(Protocol):
    """What :func:`stage` tells: a stage starts (with its total, or None when unknown), advances
    by ``n`` units, finishes. ``start`` returns a handle passed back to the other two."""

    def start(self, description: str, total: int | None) -> Any: ...

    def advance(self, handle: Any, n: int) -> None: ...

    def finish(self, handle: Any) -> None: ...


_REPORTER: ContextVar[Reporter | None] = ContextVar("intergov_progress", default=None)


def _nothing(n: int = 1) -> None:
    return None


@contextmanager
def reporting(reporter: Reporter | None) -> Iterator[None]:
    """Install ``reporter`` for the stages announced inside the block (None: silence)."""
    token = _REPORTER.set(reporter)
    try:
        yield
    finally:
        _REPORTER.reset(token)


@contextmanager
def stage(description: str, total: int | None = None) -> Iterator[Callable[..., None]]:
    """Announce a long piece of work; yields ``advance(n=1)``.

    Parameters
    ----------
    description : str
        What is being done, for a person ("basins of 1,200 links").
    total : int, optional
        The number of units ``advance`` will count, or None for work of unknown length (shown
        as a spinner with the elapsed time).
    """
    reporter = _REPORTER.get()
    if reporter is None:
        yield _nothing
        return
    handle = reporter.start(description, total)

    def advance(n: int = 1) -> None:
        reporter.advance(handle, n)

    try:
        yield advance
    finally:
        reporter.finish(handle)
