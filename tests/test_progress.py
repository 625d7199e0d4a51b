"""Issue 16, defect 14: long work shows progress on a terminal, and Ctrl-C stops it cleanly.

The display is checked on a real pseudo-terminal (the command run under ``pty.fork``), and
Ctrl-C is a real SIGINT sent at several moments; the references are what a person would see:
the stage's description on the terminal, exit status 130, one line, and no file half-written.
"""

from __future__ import annotations

import io
import json
import os
import re
import select
import signal
import sys
import time
from pathlib import Path

import pytest

from solver.progress import reporting, stage
from solver.terminal import Silent, TerminalReporter, reporter_for

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="pseudo-terminals need fork (POSIX)")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_reporter_is_silent_off_a_terminal_or_when_quiet():
    assert isinstance(reporter_for(quiet=False, stream=io.StringIO()), Silent)
    assert isinstance(reporter_for(quiet=True, stream=_Terminal()), Silent)
    assert isinstance(reporter_for(quiet=False, stream=_Terminal()), TerminalReporter)


def test_a_stage_is_drawn_after_the_delay_and_erased_when_done():
    screen = _Terminal()
    reporter = TerminalReporter(screen, delay=0.05)
    with reporting(reporter), stage("basins of 12 links", total=12) as advance:
        for _ in range(12):
            advance()
            time.sleep(0.02)
    reporter.close()
    text = screen.getvalue()
    assert "basins of 12 links" in text and re.search(r"\b\d+/12\b", text)
    assert text.rstrip("\r").endswith("\x1b[2K\x1b[?25h")  # the line erased, the cursor back
    assert not reporter._shown


def test_short_work_draws_nothing():
    screen = _Terminal()
    reporter = TerminalReporter(screen, delay=5.0)
    with reporting(reporter), stage("quick", total=1) as advance:
        advance()
    reporter.close()
    assert screen.getvalue() == ""


def _in_a_terminal(args: list[str], cwd: Path, interrupt_after: float | None, limit: float = 120.0) -> tuple[int, str]:
    """Run ``python -m solver ARGS`` on a pseudo-terminal; SIGINT after ``interrupt_after`` s."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: the command line on the terminal
        os.chdir(cwd)
        os.execv(sys.executable, [sys.executable, "-m", "solver", *args])
    out, start, sent = b"", time.monotonic(), False
    while True:
        if interrupt_after is not None and not sent and time.monotonic() - start > interrupt_after:
            os.kill(pid, signal.SIGINT)
            sent = True
        if time.monotonic() - start > limit:
            os.kill(pid, signal.SIGKILL)
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                out += os.read(fd, 1 << 16)
            except OSError:  # the child closed the terminal
                break
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), out.decode("utf-8", "replace")


def test_progress_on_a_terminal_and_silence_with_quiet(tmp_path):
    # A report of henan-clusters works for several seconds: its stages are drawn (then erased).
    code, screen = _in_a_terminal(["report", "henan-clusters", "--out", "r", "--basin-samples", "64"], tmp_path, None)
    assert code == 0, screen
    assert "report: figures of 4 links" in screen
    code, screen = _in_a_terminal(["--quiet", "report", "henan-clusters", "--out", "q", "--basin-samples", "64"], tmp_path, None)
    assert code == 0 and "report:" not in screen and "robustness:" not in screen


def test_ctrl_c_stops_a_report_with_nothing_half_written(tmp_path):
    # Over an earlier report (seed 1): Ctrl-C at any moment — while the modules load (0.5 s),
    # during the analysis, during the figures — leaves it whole (or the new one, seed 2, if the
    # run had finished); one line, status 130; no temporary folder beside it.
    base = ["report", "henan-clusters", "--out", "r", "--basin-samples", "64"]
    code, screen = _in_a_terminal([*base, "--seed", "1"], tmp_path, None)
    assert code == 0, screen
    stopped = 0
    for after in (0.5, 2.5, 4.5):
        code, screen = _in_a_terminal([*base, "--seed", "2", "--force"], tmp_path, after)
        meta = json.loads((tmp_path / "r" / "metadata.json").read_text(encoding="utf-8"))
        if code == 130:
            stopped += 1
            lines = [line for line in screen.replace("\r", "\n").split("\n") if line.startswith("intergov:")]
            assert lines == ["intergov: interrupted; no file was left half-written"], screen
            assert meta["parameters"]["seed"] == 1 and "Traceback" not in screen
        else:  # the run finished before the signal
            assert code == 0 and meta["parameters"]["seed"] == 2, screen
        assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]
    assert stopped >= 2  # the report takes about 6 s: the first two signals come during the work


def test_ctrl_c_during_a_csv_export_leaves_the_old_tables_or_the_new(tmp_path):
    # Three files of one output are renamed together with the interrupt held back; an interrupt
    # at any moment leaves all old or all new tables.
    from regions import load_scenario
    from regions.io import csv_paths, write_csv

    paths = csv_paths(tmp_path / "g.csv")
    write_csv(load_scenario("yongkang-wuyi-jinyun"), tmp_path / "g.csv")
    old = [p.read_text(encoding="utf-8") for p in paths]
    for after in (0.3, 0.9, 1.6):
        code, screen = _in_a_terminal(["export", "henan-clusters", "--out", "g.csv", "--force"], tmp_path, after)
        new = [p.read_text(encoding="utf-8") for p in paths]
        assert code in (0, 130), screen
        assert new == old or all(a != b for a, b in zip(new, old)), "a mixture of old and new tables"
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
