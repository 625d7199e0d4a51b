"""Every row of issue 15's table against the peers installed, in one run; writes RESULTS.md.

Rows (each the script named beside it, called here so that all are measured in one run):

1. 2×2, 3×3, 6×6, 8×8, 10×10 one game at a time, all equilibria (``nxn.py``): the public
   ``solver.equilibria(game)`` against QuantEcon's ``support_enumeration`` (numba), Gambit
   (``enummixed`` in floats, ``lcp`` above 6×6) and nashpy's ``support_enumeration``; every game
   is asserted identical to the exact reference first.
2. 2×2 with the stability report, without and with the basin (here).
3. The 2×2 batch with every report field (``twobytwo.py``) against one numpy pass over the
   payoffs and a plain copy of them (memory speed).
4. ``analyze`` with basins against ``analyze`` without (``basins.py``).
5. 30k regions / 150k links analyze + the 5-mechanism design, time and peak RSS
   (``run.py g``: each run in a fresh process, so that its peak RSS is its own).
6. Imitation dynamics against plain numpy loops of the same rules, and egttools
   (``imitation.py``).
7. Repeated play batched over discount × noise (``repeated.py``).

Peers are optional extras (``pip install -e '.[bench]'``); a missing one shows as "–". Timings
are medians of repeated passes, interleaved so that every repeat sees the same load. The table,
the machine and the versions replace the block between the markers in benchmarks/RESULTS.md.

Run: ``.venv/bin/python benchmarks/peers.py [--no-write]``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import basins  # noqa: E402
import imitation  # noqa: E402
import nxn  # noqa: E402
import repeated  # noqa: E402
import run  # noqa: E402
import twobytwo  # noqa: E402
from run import machine  # noqa: E402

BEGIN, END = "<!-- peers:begin -->", "<!-- peers:end -->"


def _version(module: str) -> str:
    try:
        return str(getattr(importlib.import_module(module), "__version__", "installed")).strip('"')
    except ImportError:
        return "not installed"


def _rate(value: float | None) -> str:
    if value is None:
        return "–"
    if value >= 1e5:
        mantissa, exponent = f"{value:.2e}".split("e")
        return f"{mantissa} × 10^{int(exponent)}/s"
    return f"{value:,.0f}/s" if value >= 100 else f"{value:.1f}/s"


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def per_game(rows: list) -> None:
    for n in (2, 3, 6, 8, 10):
        r = nxn.bench_shape(n)
        qe, gambit, nash = r.get("quantecon"), r.get("gambit"), r.get("nashpy")
        peers = [f"QuantEcon {_rate(qe)} ({r.get('quantecon_wrong', '–')} of {r['games']} wrong)" if qe else "QuantEcon –"]
        peers.append(f"Gambit {r.get('gambit_method', '')} {_rate(gambit)} (differs on {r.get('gambit_wrong', '–')})" if gambit else "Gambit –")
        if nash:
            peers.append(f"nashpy {_rate(nash)}")
        ratios = []
        if qe:
            ratios.append(f"{r['ours'] / qe:.2f} × QuantEcon")
        if nash:
            ratios.append(f"{r['ours'] / nash:.0f} × nashpy")
        if n == 2:
            goal, ok = "≥ 1 × QuantEcon, ≥ 30 × nashpy", bool(qe and nash) and r["ours"] >= qe and r["ours"] >= 30 * nash
        elif n in (3, 6):
            goal, ok = "≥ 1 × QuantEcon", bool(qe) and r["ours"] >= qe
        elif n == 8:
            goal, ok = "≥ 20 games/s", r["ours"] >= 20
        else:
            goal, ok = "< 2 s a game", 1 / r["ours"] < 2
        ours = _rate(r["ours"]) if n < 10 else f"{1 / r['ours']:.2f} s a game"
        work = f"{n}×{n}, one game at a time, all equilibria ({r['games']} games, {r['degenerate']} degenerate; identical to the exact reference)"
        rows.append((work, ours, "; ".join(peers), ", ".join(ratios) or "–", f"{goal}: {_verdict(ok)}"))


def with_report(rows: list) -> None:
    from games import Game
    from solver import stability

    rng = np.random.default_rng(1502)
    games = [Game(rng.integers(0, 1000, (2, 2)), rng.integers(0, 1000, (2, 2))) for _ in range(2000)]
    stability(games[0])
    plain, full = [], []
    for _ in range(3):
        start = time.perf_counter()
        for g in games:
            stability(g, basin=False)
        plain.append(len(games) / (time.perf_counter() - start))
        start = time.perf_counter()
        for g in games:
            stability(g)
        full.append(len(games) / (time.perf_counter() - start))
    rows.append(("2×2 with the stability report; with the basin", f"{_rate(statistics.median(plain))}; {_rate(statistics.median(full))}", "–", "–", "–"))


def batch(rows: list) -> None:
    r = twobytwo.batch()
    rows.append(
        (
            f"2×2 batch, all equilibria + report fields ({r['games']:,} games; identical to the exact closed forms)",
            _rate(r["ours"]),
            f"one numpy pass over the payoffs {_rate(r['one pass'])}; copying them (memory) {_rate(r['memory'])}",
            f"{r['ours'] / r['memory']:.2f} × memory speed",
            f"≥ 5 × 10^6/s: {_verdict(r['ours'] >= 5e6)}",
        )
    )


def basin_ratio(rows: list) -> None:
    results = basins.main(repeats=3)
    worst = max(t1 / t0 for _, t0, t1 in results)
    detail = "; ".join(f"{name} {t1 / t0:.2f}" for name, t0, t1 in results)
    work = "analyze with basins / without (built-in scenarios, 1,000-link synthetic)"
    rows.append((work, f"worst {worst:.2f} ×", "–", detail, f"≤ 2 ×: {_verdict(worst <= 2)}"))


def province(rows: list) -> None:
    r = run.bench_province()  # each run in a fresh process, so that its peak RSS is its own
    work, ours = "network analyze + 5-mechanism design, 30k regions / 150k links", f"{r['total']:.1f} s, peak RSS {r['peak']:,.0f} MB"
    detail = f"analyze {r['analyze']:.2f} s + design {r['design']:.2f} s ({r['rows']:,} rows; {r['built']:,.0f} MB after building the network)"
    rows.append((work, ours, "–", detail, f"< 15 s, < 1 GB: {_verdict(r['total'] < 15 and r['peak'] < 1024)}"))


def imitation_rows(rows: list) -> None:
    r = imitation.main()
    peer = r.pop("egttools")
    for rule, (ours, plain) in r.items():
        others = f"plain numpy {plain:.2f} s" + (f"; egttools NetworkSync (Fermi, its own schedule) {peer:.2f} s" if peer and rule == "fermi" else "")
        work = f"imitation dynamics ({rule}), 10⁴-node scale-free graph, 10³ steps"
        rows.append((work, f"{ours:.2f} s", others, f"{ours / plain:.2f} × plain numpy", f"≤ 1.5 ×: {_verdict(ours / plain <= 1.5)}"))


def repeated_rows(rows: list) -> None:
    r = repeated.run(50, 40, 0.01)
    rows.append(
        (
            f"repeated play (5 strategies), sweep over 50 δ × 40 ε ({r['decided']:.1%} decided on arrays, the rest exact)",
            _rate(r["batched"]),
            f"the per-point exact path {_rate(r['per point'])}",
            f"{r['ratio']:.0f} × per point",
            f"thousands of points/s: {_verdict(r['batched'] >= 1000)}",
        )
    )


ROWS = [per_game, with_report, batch, basin_ratio, province, imitation_rows, repeated_rows]


def table(rows: list) -> str:
    lines = ["| work | intergov | peers, same run | ratio | goal |", "| --- | --- | --- | --- | --- |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def main(write: bool = True) -> str:
    rows: list = []
    for measure in ROWS:
        before = len(rows)
        measure(rows)
        print("\n".join(table(rows[before:]).splitlines()[2:]), flush=True)
    versions = ", ".join(f"{m} {_version(m)}" for m in ("numpy", "numba", "nashpy", "quantecon", "pygambit", "egttools"))
    block = "\n".join(
        [
            BEGIN,
            f"### Issue 15 table, measured {dt.date.today().isoformat()} by `benchmarks/peers.py`",
            "",
            f"Machine: {machine()}. Python {sys.version.split()[0]}; {versions}.",
            "Medians of repeated passes, peers in the same run; every equilibrium set asserted identical to the exact reference before timing.",
            "",
            table(rows),
            END,
        ]
    )
    if write:
        path = HERE / "RESULTS.md"
        text = path.read_text(encoding="utf-8")
        if BEGIN in text and END in text:
            text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END) :]
        else:
            text = text.rstrip("\n") + "\n\n" + block + "\n"
        path.write_text(text, encoding="utf-8")
    return block


if __name__ == "__main__":
    print(main(write="--no-write" not in sys.argv[1:]))
