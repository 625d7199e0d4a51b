"""2×2 games: one at a time against the peers, and in batches against one numpy pass.

(a) one game at a time, seeded random integer games (payoffs 0…999):

* ours: ``solver.kernels.fast2x2.solve_single(A, B)`` (plain floats, closed forms);
* QuantEcon ``support_enumeration`` (numba; the ``NormalFormGame`` is built outside the clock);
* nashpy ``support_enumeration`` (the ``nashpy.Game`` is built outside the clock);
* the near-tie decision alone, on tie-heavy games: the closed forms (``_exact_decision``)
  against the general exact enumeration (``solver.kernels.exact.extreme_equilibria``), which decided
  those games before.

(b) a batch of 10⁶ games: ``solve_2x2`` with every report field (and without payoffs),
``levels_2x2``, and a one-pass numpy reference that only computes the four incentive gaps (the
least work any exact method needs); a batch of 10⁵ tie-heavy games (every one decided exactly).

Games per second are medians of three passes; ratios are measured in this run. Every game we
measure is checked against the exact reference (the general enumeration in rationals for (a),
the closed forms — held to it and to Gambit by tests/reference/test_fast2x2_exact.py — for the
10⁶ of (b)); the peers' sets are compared on 200 games each. A difference stops the script.

Run: ``.venv/bin/python benchmarks/twobytwo.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "reference"))

from games.game import matrix_scale, rational
from solver.kernels.exact import extreme_equilibria
from solver.kernels.fast2x2 import _exact_decision, levels_2x2, solve_2x2, solve_single

GAMES = 2000
PEER_SAMPLE = 200


def _rate(solve, items, repeats: int = 3) -> float:
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        for item in items:
            solve(item)
        rates.append(len(items) / (time.perf_counter() - start))
    return statistics.median(rates)


def _batch_rate(run, n: int, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return n / statistics.median(times)


def _read(M: np.ndarray) -> list:
    """A matrix as the rationals a Game holds for it (games.game.rational, the matrix's scale)."""
    return [[rational(v, matrix_scale(M)) for v in row] for row in M.tolist()]


def _exact(A: np.ndarray, B: np.ndarray) -> list[tuple[float, float]]:
    """The exact reference: the general enumeration on the rationals the games hold."""
    return sorted((float(x[0]), float(y[0])) for x, y in extreme_equilibria(_read(A), _read(B)).equilibria)


def _same(ours, exact) -> bool:
    ours = sorted(ours)
    return len(ours) == len(exact) and all(abs(u - x) <= 1e-12 and abs(v - y) <= 1e-12 for (u, v), (x, y) in zip(ours, exact))


def per_game() -> None:
    import nashpy
    from quantecon.game_theory import NormalFormGame, Player, support_enumeration

    rng = np.random.default_rng(2215)
    games = [(rng.integers(0, 1000, (2, 2)).astype(float), rng.integers(0, 1000, (2, 2)).astype(float)) for _ in range(GAMES)]
    exact = [_exact(A, B) for A, B in games]
    for (A, B), reference in zip(games, exact):
        s = solve_single(A, B)
        if not _same(zip(s.p, s.q), reference):
            raise SystemExit(f"solve_single differs from the exact enumeration on {A.tolist()}, {B.tolist()}")
    lists = [(A.tolist(), B.tolist()) for A, B in games]
    ours = _rate(lambda g: solve_single(*g), lists)
    quantecon_games = [NormalFormGame((Player(A), Player(B.T))) for A, B in games]
    support_enumeration(quantecon_games[0])  # numba compiles outside the clock
    theirs = _rate(support_enumeration, quantecon_games)
    nashpy_games = [nashpy.Game(A, B) for A, B in games[:500]]
    warnings.simplefilter("ignore")
    slow = _rate(lambda g: list(g.support_enumeration()), nashpy_games)
    qe_wrong = sum(not _same([(x[0], y[0]) for x, y in support_enumeration(g)], e) for g, e in zip(quantecon_games[:PEER_SAMPLE], exact))
    np_wrong = sum(not _same([(x[0], y[0]) for x, y in g.support_enumeration()], e) for g, e in zip(nashpy_games[:PEER_SAMPLE], exact))
    print(f"(a) 2×2, one game at a time, {GAMES} random integer games (every set identical to the exact enumeration)")
    print(f"    solve_single             {ours:12,.0f} games/s")
    print(f"    QuantEcon support enum.  {theirs:12,.0f} games/s   ours / QuantEcon = {ours / theirs:.1f} ×", end="")
    print(f"   (sets differing from exact: {qe_wrong}/{PEER_SAMPLE})")
    print(f"    nashpy support enum.     {slow:12,.0f} games/s   ours / nashpy = {ours / slow:.0f} ×", end="")
    print(f"   (sets differing from exact: {np_wrong}/{PEER_SAMPLE})")

    from test_fast2x2_exact import tie_heavy_games

    ties = [(tuple(A.ravel().tolist()), tuple(B.ravel().tolist()), A, B) for A, B in tie_heavy_games(GAMES, seed=2216)]
    for a4, b4, A, B in ties:
        d = _exact_decision(a4, b4)
        if sorted(zip(d.p, d.q)) != _exact(A, B):
            raise SystemExit(f"closed forms differ from the exact enumeration on {A.tolist()}, {B.tolist()}")
    closed = _rate(lambda g: _exact_decision(g[0], g[1]), ties)
    general = _rate(lambda g: extreme_equilibria(_read(g[2]), _read(g[3])), ties)
    tied_single = _rate(lambda g: solve_single(g[2], g[3]), ties)
    print(f"    near-tie decision, {GAMES} tie-heavy games (read + decide): closed forms {1e6 / closed:.1f} µs/game,")
    print(f"        general enumeration {1e6 / general:.0f} µs/game ({closed / general:.0f} ×); solve_single on them {1e6 / tied_single:.1f} µs/game")


def batch() -> dict:
    from test_fast2x2_exact import tie_heavy_games

    n = 1_000_000
    rng = np.random.default_rng(2217)
    A = rng.integers(0, 1000, (n, 2, 2)).astype(float)
    B = rng.integers(0, 1000, (n, 2, 2)).astype(float)

    def gaps():
        return A[:, 0, 0] - A[:, 1, 0], A[:, 0, 1] - A[:, 1, 1], B[:, 0, 0] - B[:, 0, 1], B[:, 1, 0] - B[:, 1, 1]

    full = _batch_rate(lambda: solve_2x2(A, B), n)
    bare = _batch_rate(lambda: solve_2x2(A, B, payoffs=False), n)
    levels = _batch_rate(lambda: levels_2x2(A, B), n)
    one_pass = _batch_rate(gaps, n)
    r = solve_2x2(A, B)
    for k, (a, b) in enumerate(zip(A.reshape(n, 4).tolist(), B.reshape(n, 4).tolist())):
        d = _exact_decision(tuple(a), tuple(b))
        c = int(r.count[k])
        if not (len(d.p) == c and _same(zip(r.p[k, :c].tolist(), r.q[k, :c].tolist()), sorted(zip(d.p, d.q))) and d.level == r.level[k]):
            raise SystemExit(f"solve_2x2 differs from the exact closed forms on game {k}")
    print(f"(b) 2×2 batch, {n:,} random integer games (every set and level identical to the exact closed forms)")
    print(f"    solve_2x2, every field   {full:14,.0f} games/s   one numpy pass / ours = {one_pass / full:.0f} ×")
    print(f"    solve_2x2, no payoffs    {bare:14,.0f} games/s")
    print(f"    levels_2x2               {levels:14,.0f} games/s")
    print(f"    one pass: the four gaps  {one_pass:14,.0f} games/s")
    ties = tie_heavy_games(100_000, seed=2218)
    TA, TB = np.array([a for a, _ in ties]), np.array([b for _, b in ties])
    tied = _batch_rate(lambda: solve_2x2(TA, TB), len(ties))
    r = solve_2x2(TA, TB)
    for k in range(0, len(ties), 50):  # every 50th against the general enumeration (0.35 ms a game)
        c = int(r.count[k])
        if not _same(zip(r.p[k, :c].tolist(), r.q[k, :c].tolist()), _exact(TA[k], TB[k])):
            raise SystemExit(f"solve_2x2 differs from the exact enumeration on tie-heavy game {k}")
    print(f"    solve_2x2 on 100,000 tie-heavy games {tied:,.0f} games/s ({np.mean([solve_single(a, b).exact for a, b in ties[:5000]]):.0%} decided exactly)")
    copies = _batch_rate(lambda: (A.copy(), B.copy()), n)  # reading and writing the payoffs once: memory speed
    print(f"    copying the payoffs      {copies:14,.0f} games/s (memory bandwidth)")
    return {"games": n, "ours": full, "no payoffs": bare, "levels": levels, "one pass": one_pass, "memory": copies, "tie-heavy": tied}


if __name__ == "__main__":
    per_game()
    batch()
