"""Repeated play swept over discount × noise: the batched path against the point-by-point path.

The 5-strategy game (AllC, AllD, Grim, TFT, WSLS) over the prisoner's dilemma T = 5, R = 3,
P = 1, S = 0, on a grid of δ × ε, evaluated by ``solver.sweep.evaluate`` (the call behind
``intergov sweep``):

* batched: the induced games of all points in one float solve
  (:func:`games.repeated_batch.induced_batch`), the reports decided on arrays where certain
  (:func:`solver.repeated_batch.certified_levels`), the rest by the exact path;
* per point (the peer, today's path before the batch): ``stability(apply(game, *stack))`` on the
  exact induced game of every point.

Points per second are the median of three passes, the two paths interleaved in each pass so
they see the same load; the per-point path runs on every ``STRIDE``-th point (it takes ~20 ms
a point). Every measured point is checked: the batched frame must EQUAL the per-point frame
on the points both evaluate, or the script stops with an error.

A last row measures ``solver.robust.engine.level_codes`` (robustness) on 1,000 worlds with T,
δ and ε drawn per world, batched against the per-world path, checked equal in the same way.

Run: ``.venv/bin/python benchmarks/repeated.py [points_delta points_noise]``.
"""

from __future__ import annotations

import statistics
import sys
import time

import pandas as pd

import solver.sweep as sweep

STRIDE = 10


def _spec(nd: int, ne: int, noise_from: float):
    return sweep.parse_sweep(
        {
            "game": {"payoffs": {"R": 3, "S": 0, "T": 5, "P": 1}},
            "mechanisms": [{"kind": "repeated_play"}],
            "parameters": {
                "repeated_play.discount": {"from": 0.3, "to": 0.98, "points": nd},
                "repeated_play.noise": {"from": noise_from, "to": 0.2, "points": ne},
            },
        }
    )


def _per_point(spec, points: pd.DataFrame) -> pd.DataFrame:
    saved = sweep._repeated_batch
    sweep._repeated_batch = lambda spec, points: None
    try:
        return sweep.evaluate(spec, points)
    finally:
        sweep._repeated_batch = saved


def run(nd: int, ne: int, noise_from: float) -> dict:
    spec = _spec(nd, ne, noise_from)
    points = sweep.sweep_points(spec)
    sample = points.iloc[::STRIDE]
    rates: dict[str, list[float]] = {"batched": [], "per point": []}
    for _ in range(3):
        start = time.perf_counter()
        fast = sweep.evaluate(spec, points)
        rates["batched"].append(len(points) / (time.perf_counter() - start))
        start = time.perf_counter()
        slow = _per_point(spec, sample)
        rates["per point"].append(len(sample) / (time.perf_counter() - start))
        pd.testing.assert_frame_equal(fast.iloc[::STRIDE].reset_index(drop=True), slow)
    decided = float(sweep._repeated_batch(spec, points).decided.mean())
    ours, peer = statistics.median(rates["batched"]), statistics.median(rates["per point"])
    return {"points": len(points), "noise from": noise_from, "decided": decided, "batched": ours, "per point": peer, "ratio": ours / peer}


def run_worlds(n: int = 1000) -> dict:
    """``level_codes`` (robustness) on n sampled worlds: T, δ and ε drawn per world."""
    import numpy as np

    import solver.robust.engine as engine
    from games import RepeatedPlay

    rng = np.random.default_rng(0)
    A = np.zeros((n, 2, 2))
    A[:, 0, 0], A[:, 1, 0], A[:, 1, 1] = 3.0, rng.uniform(4, 6, n).round(3), 1.0
    B = np.transpose(A, (0, 2, 1)).copy()
    params = {0: {"discount": rng.uniform(0.5, 0.97, n).round(3), "noise": rng.uniform(0.005, 0.2, n).round(3)}}
    sample = slice(None, None, STRIDE)
    sub = {0: {k: v[sample] for k, v in params[0].items()}}
    rates: dict[str, list[float]] = {"batched": [], "per world": []}
    saved = engine.stack_levels
    for _ in range(3):
        start = time.perf_counter()
        fast = engine.level_codes(A, B, [RepeatedPlay()], params)
        rates["batched"].append(n / (time.perf_counter() - start))
        engine.stack_levels = lambda stages, stacks: None
        try:
            start = time.perf_counter()
            slow = engine.level_codes(A[sample], B[sample], [RepeatedPlay()], sub)
            rates["per world"].append(len(slow) / (time.perf_counter() - start))
        finally:
            engine.stack_levels = saved
        if fast[sample].tolist() != slow.tolist():
            raise AssertionError("level_codes: batched and per-world levels differ")
    ours, peer = statistics.median(rates["batched"]), statistics.median(rates["per world"])
    return {"worlds": n, "batched": ours, "per world": peer, "ratio": ours / peer}


def main(nd: int = 50, ne: int = 40) -> None:
    from run import machine  # benchmarks/run.py, on the path when this script runs

    print(machine())
    print("| grid | ε from | points | decided on arrays | batched points/s | per point points/s | ratio |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for noise_from in (0.01, 0.0):
        r = run(nd, ne, noise_from)
        print(
            f"| {nd} δ × {ne} ε | {noise_from:g} | {r['points']:,} | {r['decided']:.2%} | {r['batched']:,.0f} | {r['per point']:,.0f} | {r['ratio']:.0f}× |",
            flush=True,
        )
    r = run_worlds()
    print(
        f"\nlevel_codes, {r['worlds']:,} worlds (T, δ, ε per world): batched {r['batched']:,.0f}/s, per world {r['per world']:,.0f}/s, ratio {r['ratio']:.0f}×"
    )


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    if len(args) == 2:
        main(*args)
    else:
        main()
