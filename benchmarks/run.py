"""The benchmarks of the scale issue; ``make bench`` runs them all and prints each figure with,
where a peer exists, the ratio against it measured in the same run.

(a) 2×2 sweep throughput against calling nashpy per game        goal: ≥ 1,000 ×
(b) analyze + design with five mechanisms, 3,000 regions        goal: < 10 s
(c) 1,000 steps of imitation dynamics on 10,000 nodes           goal: < 10 s
(d) a 20 × 20 phase diagram, end to end (solve, draw, save)     goal: < 5 s
(f) robustness, 10⁶ sampled worlds of a 3-link 2×2 scenario     goal: < 10 s
(g) analyze + design, 30,000 regions / 150,000 links            goal: < 15 s, < 1 GB peak RSS

``benchmarks/run.py f`` (or ``a c``…) runs only the rows named.

Timings live here, never in tests. Record the results and the machine in RESULTS.md.
"""

from __future__ import annotations

import os
import platform
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np


def machine() -> str:
    blas = os.environ.get("OPENBLAS_CORETYPE")
    note = f", OPENBLAS_CORETYPE={blas}" if blas else ""
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}{note}"


def bench_sweep() -> None:
    import nashpy

    from solver.sweep import parse_sweep, run_sweep

    doc = {
        "sweep": {"name": "benchmark"},
        "game": {"payoffs": {"R": 3, "S": -1, "T": 4, "P": 0}},
        "mechanisms": [{"kind": "higher_level_guidance", "penalty": 2}],
        "parameters": {
            "higher_level_guidance.subsidy": {"from": 0, "to": 3, "points": 200},
            "higher_level_guidance.detection": {"from": 0, "to": 1, "points": 200},
            "game.T": {"from": 3.5, "to": 6, "points": 10},
        },
    }
    spec = parse_sweep(doc)
    start = time.perf_counter()
    frame = run_sweep(spec, executor="serial", chunk_size=20_000)
    ours = (time.perf_counter() - start) / len(frame)
    start = time.perf_counter()
    run_sweep(spec, executor="processes", chunk_size=20_000)
    default = (time.perf_counter() - start) / len(frame)
    rng = np.random.default_rng(0)
    games = [(rng.integers(0, 1000, (2, 2)), rng.integers(0, 1000, (2, 2))) for _ in range(500)]
    warnings.simplefilter("ignore")
    start = time.perf_counter()
    for a, b in games:
        list(nashpy.Game(a, b).support_enumeration())
    theirs = (time.perf_counter() - start) / len(games)
    ratio, per_core = theirs / default, theirs / ours
    print(
        f"(a) 2×2 sweep of {len(frame):,} points: {1 / default:,.0f} points/s with the default executor ({os.cpu_count()} processes), "
        f"{1 / ours:,.0f} points/s on one core; nashpy support enumeration, one game at a time: {1 / theirs:,.0f} games/s; "
        f"ratio {ratio:,.0f} × ({per_core:,.0f} × on one core) — goal ≥ 1,000 × {'ok' if ratio >= 1000 else 'MISSED'}"
    )


def _five_candidates() -> list:
    from games import BindingContract, HigherLevelGuidance, SidePayment, ThirdPartyOrganization
    from solver.design import Candidate

    return [
        Candidate("guidance: subsidy", HigherLevelGuidance(inspection_cost=0.1), "subsidy"),
        Candidate("guidance: penalty", HigherLevelGuidance(detection=0.5, inspection_cost=0.1), "penalty"),
        Candidate("binding contract", BindingContract(enforcement=0.8, signing_cost=0.05), "breach_penalty"),
        Candidate("third party", ThirdPartyOrganization(fee=0.05), "detection", (HigherLevelGuidance(penalty=3, detection=0.1),)),
        Candidate("side payment", SidePayment(payer=0), "transfer", (HigherLevelGuidance(subsidy=1.0),)),
    ]


def bench_network() -> None:
    """Analyze + design (five mechanisms) on 3,000 regions / 15,000 links, median of 3 runs."""
    from regions import synthetic_province
    from solver import analyze
    from solver.design import compare

    network = synthetic_province(regions=3000, links=15000, seed=0)
    candidates = _five_candidates()
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        analysis = analyze(network, basin=False)
        middle = time.perf_counter()
        comparison = compare(network, candidates, target="strict")
        end = time.perf_counter()
        runs.append((middle - start, end - middle, end - start))
    analyze_s, design_s, total = (float(np.median([r[i] for r in runs])) for i in range(3))
    print(
        f"(b) analyze + design, {len(network.regions):,} regions, {len(network.links):,} links, five mechanisms (median of 3 runs): "
        f"analyze {analyze_s:.2f} s, design {design_s:.2f} s ({len(comparison.rows):,} rows), total {total:.2f} s "
        f"(runs {', '.join(f'{r[2]:.2f}' for r in runs)}) — goal < 10 s {'ok' if total < 10 else 'MISSED'}"
        f"; stable share {analysis.summary['stable_share']:.1%}"
    )


def _province_run(regions: int, links: int) -> None:
    """Child process of row (g): one analyze + design, its times and peak RSS on stdout."""
    import resource

    from regions import synthetic_province
    from solver import analyze
    from solver.design import compare

    def peak_mb() -> float:
        # VmHWM is this process image's own high-water mark; ru_maxrss also counts the parent's
        # pages at the fork before exec (a child of a large benchmark process would report them).
        try:
            with open("/proc/self/status", encoding="ascii") as status:
                return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
        except (OSError, StopIteration):
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    network = synthetic_province(regions=regions, links=links, seed=0)
    before = peak_mb()
    start = time.perf_counter()
    analysis = analyze(network, basin=False)
    middle = time.perf_counter()
    comparison = compare(network, _five_candidates(), target="strict")
    end = time.perf_counter()
    print(f"{middle - start} {end - middle} {len(comparison.rows)} {analysis.summary['stable_share']} {before} {peak_mb()}")


def bench_province() -> dict:
    """Issue 15: analyze + design (five mechanisms) on 30,000 regions / 150,000 links in < 15 s
    and < 1 GB peak RSS, each run in a fresh subprocess (the RSS includes building the network);
    medians of 3 runs, and the largest peak."""
    import subprocess
    import sys

    here = Path(__file__).resolve().parent
    code = f"import sys; sys.path[:0] = [{str(here.parent)!r}, {str(here)!r}]; import run; run._province_run(30000, 150000)"
    runs = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
        runs.append((float(out[0]), float(out[1]), float(out[0]) + float(out[1]), int(out[2]), float(out[3]), float(out[4]), float(out[5])))
    analyze_s, design_s, total = (float(np.median([r[i] for r in runs])) for i in range(3))
    rows, share = runs[0][3], runs[0][4]
    built, peak = max(r[5] for r in runs), max(r[6] for r in runs)
    ok = total < 15 and peak < 1024
    print(
        f"(g) analyze + design, 30,000 regions, 150,000 links, five mechanisms (median of 3 runs): "
        f"analyze {analyze_s:.2f} s, design {design_s:.2f} s ({rows:,} rows), total {total:.2f} s (runs {', '.join(f'{r[2]:.2f}' for r in runs)}); "
        f"peak RSS {peak:,.0f} MB, the largest of the runs ({built:,.0f} MB after building the network) "
        f"— goal < 15 s and < 1 GB {'ok' if ok else 'MISSED'}; stable share {share:.1%}"
    )
    return {"analyze": analyze_s, "design": design_s, "total": total, "runs": [r[2] for r in runs], "peak": peak, "built": built, "rows": rows}


def bench_evolution() -> None:
    import networkx as nx

    from games import donation_game
    from solver.dynamics import RULES, evolve_on_graph

    graph = nx.random_regular_graph(4, 10_000, seed=1)
    times = []
    for rule in RULES:
        start = time.perf_counter()
        evolve_on_graph(graph, donation_game(3, 1), rule=rule, steps=1000, seed=0)
        times.append((rule, time.perf_counter() - start))
    worst = max(t for _, t in times)
    detail = ", ".join(f"{rule} {t:.2f} s" for rule, t in times)
    print(f"(c) 1,000 steps on 10,000 nodes (synchronous): {detail} — goal < 10 s {'ok' if worst < 10 else 'MISSED'}")


def bench_phase() -> None:
    from games import HigherLevelGuidance, prisoners_dilemma
    from solver.design.phase import phase_grid
    from solver.plots import phase_diagram, save_figure

    start = time.perf_counter()
    grid = phase_grid(
        prisoners_dilemma(T=5, R=3, P=1, S=-2), HigherLevelGuidance(penalty=2), ("subsidy", np.linspace(0, 4, 20)), ("detection", np.linspace(0, 1, 20))
    )
    with tempfile.TemporaryDirectory() as folder:
        save_figure(phase_diagram(grid), Path(folder) / "phase.pdf")
    total = time.perf_counter() - start
    print(f"(d) 20 × 20 phase diagram, solve + draw + save PDF: {total:.2f} s — goal < 5 s {'ok' if total < 5 else 'MISSED'}")


def bench_model() -> None:
    """Issue 12: a 4-population model with 15 parameters fully derived (corners, conditions,
    rest points, LaTeX) in < 5 s; a 6-population model's 64 corners in < 15 s."""
    from itertools import product

    from games.model import Model
    from solver.dynamics import derive
    from solver.latex import derivation_document

    rng = np.random.default_rng(12)
    params = {f"a{k}": int(rng.integers(1, 9)) for k in range(15)}
    names = list(params)

    def model(k: int) -> Model:
        payoffs = {}
        for profile in product((0, 1), repeat=k):
            values = []
            for pop in range(k):
                picks = rng.choice(len(names), 2, replace=False)
                sign = 1 if profile[pop] == 0 else -1
                values.append(f"{sign}*{names[picks[0]]} + {int(rng.integers(-3, 4))}*{names[picks[1]]}*{int(sum(profile))}")
            payoffs[profile] = values
        return Model([f"P{p}" for p in range(k)], [["a", "b"]] * k, params, payoffs, name=f"{k} populations")

    four = model(4)
    start = time.perf_counter()
    derivation = derive(four)
    derivation_document(derivation, model=four)
    t4 = time.perf_counter() - start
    six = model(6)
    start = time.perf_counter()
    derive(six, rest_points=False)
    t6 = time.perf_counter() - start
    print(f"(e) model derivation: 4 populations, 15 parameters, corners + rest points + LaTeX {t4:.2f} s — goal < 5 s {'ok' if t4 < 5 else 'MISSED'}; "
          f"6 populations, 64 corners {t6:.2f} s — goal < 15 s {'ok' if t6 < 15 else 'MISSED'}")


#: The 3-link scenario of benchmark (f): two dilemmas with an uncertain temptation, one with an
#: uncertain reward and link weight, and guidance with an uncertain subsidy.
THREE_LINKS = """
[scenario]
name = "three links"
note = "illustrative numbers for a benchmark"
[[regions]]
id = "p"
level = "province"
[[regions]]
id = "a"
level = "county"
parent = "p"
[[regions]]
id = "b"
level = "county"
parent = "p"
[[regions]]
id = "c"
level = "county"
parent = "p"
[[links]]
between = ["a", "b"]
payoffs = { R = 3, S = 0, T = { uniform = [4, 6] }, P = 1 }
[[links]]
between = ["a", "c"]
weight = { triangular = [0.5, 1, 1.5] }
payoffs = { R = { normal = [3, 0.3], bounds = [2, 4] }, S = -1, T = 4.5, P = 0 }
[[links]]
between = ["b", "c"]
payoffs = { R = 3, S = 0, T = { uniform = [4.2, 5.8] }, P = 1 }
[[mechanisms]]
kind = "higher_level_guidance"
by = "p"
subsidy = { uniform = [0.3, 0.8] }
penalty = 2
detection = 0.5
"""


def bench_robustness() -> None:
    """Issue 14: ``robustness`` on 10⁶ sampled worlds of a 3-link 2×2 scenario in < 10 s (median
    of 3 runs); the levels-only kernel against the full vectorized enumeration on the same games."""
    from regions.scenario import loads_scenario
    from solver import LEVELS
    from solver.kernels.fast2x2 import levels_2x2, solve_2x2
    from solver.robust.scenario import link_arrays, robustness, sample_worlds

    network = loads_scenario(THREE_LINKS, "three-links.toml")
    n = 1_000_000
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        robustness(network, samples=n, seed=1)
        runs.append(time.perf_counter() - start)
    total = float(np.median(runs))
    worlds = sample_worlds(network, n, seed=1)[0]
    games = [link_arrays(network, i, worlds) for i in range(len(network.links))]
    start = time.perf_counter()
    ours = [levels_2x2(A, B) for A, B in games]
    kernel = time.perf_counter() - start
    start = time.perf_counter()
    full = [solve_2x2(A, B, payoffs=False).level for A, B in games]
    reference = time.perf_counter() - start
    same = all((np.asarray(LEVELS, dtype=object)[c] == f).all() for c, f in zip(ours, full))
    print(f"(f) robustness, 10⁶ sampled worlds of a 3-link 2×2 scenario: {total:.2f} s (median of {', '.join(f'{t:.2f}' for t in runs)}) "
          f"— goal < 10 s {'ok' if total < 10 else 'MISSED'}; levels of the 3 × 10⁶ status-quo games: levels_2x2 {kernel:.3f} s, "
          f"solve_2x2 {reference:.2f} s, ratio {reference / kernel:,.0f} × ({'identical' if same else 'DIFFERENT'} levels)")


BENCHMARKS = {
    "a": "bench_sweep",
    "b": "bench_network",
    "c": "bench_evolution",
    "d": "bench_phase",
    "e": "bench_model",
    "f": "bench_robustness",
    "g": "bench_province",
}


def main(rows: list[str] | None = None) -> None:
    rows = rows or list(BENCHMARKS)
    unknown = [r for r in rows if r not in BENCHMARKS]
    if unknown:
        raise SystemExit(f"unknown benchmark {', '.join(unknown)}; benchmarks: {', '.join(BENCHMARKS)}")
    print(f"machine: {machine()}")
    for row in rows:
        globals()[BENCHMARKS[row]]()


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
