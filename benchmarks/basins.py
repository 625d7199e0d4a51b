"""The basin never dominates: ``analyze`` with basins against ``analyze`` without (issue 15, must-hold 4).

For every built-in scenario (``regions.builtin_scenarios()``) and a 1,000-link synthetic
province (``regions.synthetic_province(regions=400, links=1000, seed=0)``): the time of
``solver.analyze(network)`` (basins, the default) and of ``analyze(network, basin=False)``,
medians of repeated runs measured alternately in this one run, and their ratio (goal ≤ 2). A
warm-up run of each first (numba's compiled integrator is loaded from its disk cache there).
The basin integrator shares its starts between the calling thread and one helper, so the
ratio depends on whether the second core is free: the load average is printed before and after.

Every basin is read (``to_dict`` of every row), so lazily built rows count; the result with
basins is checked against the one without (the same levels and equilibria on every row).

Run: ``.venv/bin/python benchmarks/basins.py [repeats]``.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

from regions import builtin_scenarios, load_scenario, synthetic_province
from solver import analyze


def _timed(network, basin: bool) -> tuple[float, object]:
    start = time.perf_counter()
    result = analyze(network, basin=basin)
    rows = [r.to_dict() for r in result.links]
    return time.perf_counter() - start, rows


def main(repeats: int = 5) -> list[tuple[str, float, float]]:
    networks = {name: load_scenario(name) for name in builtin_scenarios()}
    networks["synthetic 1,000 links"] = synthetic_province(regions=400, links=1000, seed=0)
    out = []
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"{'network':28s} {'links':>6s} {'without':>10s} {'with basins':>12s} {'ratio':>6s}")
    for name, network in networks.items():
        _, plain = _timed(network, False)
        _, full = _timed(network, True)
        for a, b in zip(plain, full):
            assert a["cooperation"]["level"] == b["cooperation"]["level"] and a["equilibria"] == b["equilibria"], name
        without, with_ = [], []
        for _ in range(repeats):
            without.append(_timed(network, False)[0])
            with_.append(_timed(network, True)[0])
        t0, t1 = statistics.median(without), statistics.median(with_)
        out.append((name, t0, t1))
        print(f"{name:28s} {len(network.links):6d} {t0 * 1e3:8.1f} ms {t1 * 1e3:9.1f} ms {t1 / t0:6.2f}")
    print(f"load average {os.getloadavg()[0]:.2f}")
    return out


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
