"""n×n equilibria, one game at a time: the default ``solver.equilibria`` against the peers.

For each shape, seeded random integer games (payoffs 0…999) are solved one at a time:

* ours: ``equilibria(game)`` (the public call; the Game is built outside the clock);
* QuantEcon ``support_enumeration`` (numba; assumes a nondegenerate game; the
  ``NormalFormGame`` is built outside the clock);
* Gambit (pygambit): ``enummixed_solve`` in floats up to 6×6, ``lcp_solve`` above (it lists
  only some equilibria; the games where its set differs from ours are counted on 50);
* nashpy ``support_enumeration`` (up to 6×6; slower shapes are skipped).

Games per second are the median of three passes over the same games; ratios are ours over the
peer's, measured in this run. Every measured game is checked: our equilibrium set must be
IDENTICAL (as floats) to the exact reference — ``equilibria(game, method="exact")`` up to 6×6,
Gambit's ``enummixed_solve(rational=True)`` above (the plain exact enumeration takes seconds
there) — or the script stops with an error. Games QuantEcon gets wrong (it misses equilibria
of degenerate games) are counted, not asserted.

Run: ``.venv/bin/python benchmarks/nxn.py [shape …]`` with shapes like ``3`` or ``8``.
"""

from __future__ import annotations

import statistics
import sys
import time
import warnings

import numpy as np

from games import Game
from solver import equilibria

#: Games per shape (fewer for the slow references and shapes).
COUNTS = {2: 2000, 3: 1000, 4: 500, 5: 300, 6: 200, 8: 30, 10: 5}


def _rates(solvers: list, repeats: int = 3) -> list[float]:
    """Median games per second of each (solve, items), the passes interleaved so that every
    repeat measures all of them under the same load (other jobs share the machine)."""
    rates: list[list[float]] = [[] for _ in solvers]
    for _ in range(repeats):
        for k, (solve, items) in enumerate(solvers):
            start = time.perf_counter()
            for item in items:
                solve(item)
            rates[k].append(len(items) / (time.perf_counter() - start))
    return [statistics.median(r) for r in rates]


def _as_set(pairs) -> list:
    return sorted((tuple(float(v) for v in x), tuple(float(v) for v in y)) for x, y in pairs)


def _close(theirs, ours) -> bool:
    """The same set of equilibria up to 1e-9 (QuantEcon's floats are not rounded from rationals)."""
    theirs, ours = _as_set(theirs), _as_set(ours)
    return len(theirs) == len(ours) and all(np.allclose(x + y, u + v, atol=1e-9) for (x, y), (u, v) in zip(theirs, ours))


def _reference(game: Game) -> list:
    if game.shape[0] <= 6:
        return _as_set((e.row, e.col) for e in equilibria(game, method="exact"))
    import pygambit as gbt

    g = gbt.StrategicGame.from_arrays(game.row_payoffs.astype(int).tolist(), game.col_payoffs.astype(int).tolist())
    found = gbt.nash.enummixed_solve(g, rational=True).equilibria
    row, col = list(g.players)
    return sorted({(tuple(float(v) for _, v in eq[row]), tuple(float(v) for _, v in eq[col])) for eq in found})


def bench_shape(n: int) -> dict:
    rng = np.random.default_rng(1500 + n)
    arrays = [(rng.integers(0, 1000, (n, n)), rng.integers(0, 1000, (n, n))) for _ in range(COUNTS.get(n, 50))]
    games = [Game(a, b) for a, b in arrays]
    equilibria(games[0])  # load the compiled kernel outside the clock
    # Every measured game: identical to the exact reference.
    degenerate = 0
    for game in games:
        found = equilibria(game)
        degenerate += bool(found.degenerate)
        assert _as_set((e.row, e.col) for e in found) == _reference(game), (game.row_payoffs.tolist(), game.col_payoffs.tolist())
    row = {"shape": f"{n}×{n}", "games": len(games), "degenerate": degenerate}
    solvers = [(equilibria, games)]
    try:
        import quantecon.game_theory as gt
    except ImportError:
        gt = None
    if gt is not None:
        qe_games = [gt.NormalFormGame((gt.Player(a), gt.Player(b.T))) for a, b in arrays]
        gt.support_enumeration(qe_games[0])  # numba compilation outside the clock
        solvers.append((gt.support_enumeration, qe_games))
        row["quantecon_wrong"] = sum(not _close(gt.support_enumeration(g), [(e.row, e.col) for e in equilibria(game)]) for g, game in zip(qe_games, games))
    gambit = _gambit(arrays, games)
    if gambit is not None:
        solve, gambit_games, row["gambit_method"], row["gambit_wrong"] = gambit
        solvers.append((solve, gambit_games))
    if n <= 6:
        import nashpy

        warnings.simplefilter("ignore")
        nash_games = [nashpy.Game(a, b) for a, b in arrays[: max(len(arrays) // 10, 20)]]
        solvers.append((lambda g: list(g.support_enumeration()), nash_games))
    rates = _rates(solvers, repeats=3 if n < 10 else 1)
    row["ours"] = rates[0]
    if gt is not None:
        row["quantecon"] = rates[1]
    if gambit is not None:
        row["gambit"] = rates[2 if gt is not None else 1]
    if n <= 6:
        row["nashpy"] = rates[-1]
    return row


def _gambit(arrays: list, games: list):
    """Gambit's fastest all-equilibria solver for the shape, its games built outside the clock:
    ``enummixed_solve`` in floats up to 6×6; ``lcp_solve`` above, which lists only some
    equilibria (its misses are counted). None without pygambit."""
    try:
        import pygambit as gbt
    except ImportError:
        return None
    n = arrays[0][0].shape[0]
    built = [gbt.StrategicGame.from_arrays(a.astype(int).tolist(), b.astype(int).tolist()) for a, b in arrays]
    method = "enummixed (floats)" if n <= 6 else "lcp (some equilibria)"
    solve = (lambda g: gbt.nash.enummixed_solve(g, rational=False)) if n <= 6 else (lambda g: gbt.nash.lcp_solve(g, rational=False))
    sample = min(len(built), 50)
    wrong = 0
    for g, game in zip(built[:sample], games[:sample]):
        row, col = list(g.players)
        found = sorted({(tuple(round(float(v), 9) for _, v in eq[row]), tuple(round(float(v), 9) for _, v in eq[col])) for eq in solve(g).equilibria})
        ours = sorted((tuple(round(v, 9) for v in e.row), tuple(round(v, 9) for v in e.col)) for e in equilibria(game))
        wrong += found != ours
    return solve, built, method, f"{wrong}/{sample}"


def main(shapes: list[int]) -> None:
    print(f"{'shape':>6} {'games':>6} {'degen.':>6} {'ours/s':>10} {'QuantEcon/s':>12} {'ratio':>7} {'QE wrong':>8} {'nashpy/s':>9} {'ratio':>7}")
    for n in shapes:
        r = bench_shape(n)
        qe, nash = r.get("quantecon"), r.get("nashpy")
        print(
            f"{r['shape']:>6} {r['games']:>6} {r['degenerate']:>6} {r['ours']:>10.1f} "
            + (f"{qe:>12.1f} {r['ours'] / qe:>7.2f} {r['quantecon_wrong']:>8}" if qe else f"{'–':>12} {'–':>7} {'–':>8}")
            + (f" {nash:>9.1f} {r['ours'] / nash:>7.1f}" if nash else f" {'–':>9} {'–':>7}"),
            flush=True,
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [2, 3, 6, 8, 10])
