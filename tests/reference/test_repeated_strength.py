"""The minimal discount of repeated play against a bisection on an independently computed game.

The package's analytic answer for noise-free repeated play over AllC, AllD, Grim, TFT and WSLS
is δ* = maxᵢ (Tᵢ − Rᵢ)/(Tᵢ − Pᵢ), attained (≥) for ``weak`` and open (>) for ``strict``. The
reference knows no formula: it plays the five strategies against each other here — each as a
rule of the previous round, written out below — finds each pair's deterministic path (a prefix
and a cycle), builds the induced 5 × 5 game for every δ from that path, decides the level by
checking every fully cooperative pure profile for mutual best responses (``weak``) and for
strict best responses up to path-equivalent deviations (``strict``), and bisects δ to 1e-10,
for 1,000 random asymmetric prisoner's dilemmas at once (numpy). Tolerance 1e-8 on the
threshold: the bisection's bracket plus float ties at the threshold. The end-to-end
``minimal_strength`` (formula confirmed by the solver's level of the exact induced game, ~65 ms
a call) is compared on the first 100 of them.
"""

import numpy as np

from games import RepeatedPlay, grim_trigger_threshold, stage_game
from solver.design import minimal_strength

NAMES = ("AllC", "AllD", "Grim", "TFT", "WSLS")
C, D = 0, 1


def _move(name: str, last: tuple[int, int] | None, triggered: bool) -> int:
    """The action of a strategy given the previous round (own, other's) and Grim's trigger."""
    if name == "AllC":
        return C
    if name == "AllD":
        return D
    if last is None:
        return C
    if name == "Grim":
        return D if triggered else C
    if name == "TFT":
        return last[1]
    return C if last[0] == last[1] else D  # WSLS: stay after (C, C) and (D, D), shift otherwise


def _path(first: str, second: str) -> tuple[list[tuple[int, int]], int]:
    """The pair's outcomes until the joint state repeats, and where the cycle starts."""
    seen: dict = {}
    outcomes: list[tuple[int, int]] = []
    last, t1, t2 = None, False, False
    while (last, t1, t2) not in seen:
        seen[(last, t1, t2)] = len(outcomes)
        a = _move(first, last, t1)
        b = _move(second, None if last is None else (last[1], last[0]), t2)
        outcomes.append((a, b))
        t1, t2 = t1 or b == D, t2 or a == D
        last = (a, b)
    return outcomes, seen[(last, t1, t2)]


PATHS = {(i, j): _path(a, b) for i, a in enumerate(NAMES) for j, b in enumerate(NAMES)}
COOPERATIVE = [(i, j) for (i, j), (path, _) in PATHS.items() if all(o == (C, C) for o in path)]


def _induced(row: np.ndarray, col: np.ndarray, delta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Normalized discounted payoffs (n, 5, 5) of both players; ``row``/``col`` are (n, 2, 2) stage payoffs."""
    n = len(delta)
    A, B = np.zeros((n, 5, 5)), np.zeros((n, 5, 5))
    for (i, j), (path, start) in PATHS.items():
        cycle = len(path) - start
        weight = 1 - delta
        for t, (a, b) in enumerate(path):
            w = weight * delta**t
            if t >= start:
                w = w / (1 - delta**cycle)
            A[:, i, j] += w * row[:, a, b]
            B[:, i, j] += w * col[:, b, a]  # the column player's own view: [own][other's]
    return A, B


def _levels(row, col, delta) -> tuple[np.ndarray, np.ndarray]:
    """(weak, strict) per game at discount ``delta``."""
    A, B = _induced(row, col, delta)
    scale = 1e-12 * np.maximum(1.0, np.abs(A).max(axis=(1, 2)) + np.abs(B).max(axis=(1, 2)))
    weak = np.zeros(len(delta), dtype=bool)
    strict = np.zeros(len(delta), dtype=bool)
    coop = {p for p in COOPERATIVE}
    for i, j in COOPERATIVE:
        best_row = np.all(A[:, :, j] <= A[:, i, j][:, None] + scale[:, None], axis=1)
        best_col = np.all(B[:, i, :] <= B[:, i, j][:, None] + scale[:, None], axis=1)
        weak |= best_row & best_col
        ok = np.ones(len(delta), dtype=bool)
        for k in range(5):
            if k != i:
                same = (k, j) in coop  # the same path: same payoffs, same cooperation
                ok &= same | (A[:, k, j] < A[:, i, j] - scale)
            if k != j:
                same = (i, k) in coop
                ok &= same | (B[:, i, k] < B[:, i, j] - scale)
        strict |= ok
    return weak, strict


def _draw(rng, n):
    """Asymmetric prisoner's dilemmas T > R > P > S with one-decimal payoffs, distinct values."""
    out = []
    while len(out) < n:
        v, w = np.sort(np.round(rng.uniform(-3, 5, 4), 1)), np.sort(np.round(rng.uniform(-3, 5, 4), 1))
        if len(set(v)) == 4 and len(set(w)) == 4:
            out.append((v, w))
    # Stage payoffs as (n, 2, 2): [own action][other's action] → R, S / T, P.
    row = np.array([[[v[2], v[0]], [v[3], v[1]]] for v, _ in out])
    col = np.array([[[w[2], w[0]], [w[3], w[1]]] for _, w in out])  # the column player's own view
    return out, row, col


def _bisect(row, col, which: int) -> tuple[np.ndarray, np.ndarray]:
    """The least δ reaching the target (``which`` 0 weak, 1 strict), by a grid check and bisection."""
    n = len(row)
    grid = np.concatenate([np.linspace(0.0, 1.0, 41)[1:-1], [0.99, 0.999, 1 - 1e-6]])
    reached = np.array([_levels(row, col, np.full(n, d))[which] for d in grid]).T
    first = reached.argmax(axis=1)
    assert reached.any(axis=1).all()
    # Monotone on the grid: once reached, reached at every larger discount.
    assert all(reached[g, first[g]:].all() for g in range(n))
    lo = np.where(first > 0, grid[np.maximum(first - 1, 0)], 0.0)
    hi = grid[first]
    for _ in range(40):
        mid = (lo + hi) / 2
        ok = _levels(row, col, mid)[which]
        hi, lo = np.where(ok, mid, hi), np.where(ok, lo, mid)
    return hi, _levels(row, col, hi)[which]


def test_formula_equals_bisection_on_a_thousand_games():
    rng = np.random.default_rng(11)
    games, row, col = _draw(rng, 1000)
    formula = np.array([max(grim_trigger_threshold(stage_game(dict(zip("SPRT", v)), dict(zip("SPRT", w))))) for v, w in games])
    for which, target in enumerate(("weak", "strict")):
        boundary, _ = _bisect(row, col, which)
        assert np.all(np.abs(boundary - formula) <= 1e-8), target
        # Attainment at the threshold itself: weak holds there (≥), strict does not (>).
        at = _levels(row, col, formula)[which]
        assert at.all() if target == "weak" else not at.any()
    # End to end on the first 100: the package's answer, confirmed by its own solver.
    for (v, w), delta in zip(games[:100], formula[:100]):
        game = stage_game(dict(zip("SPRT", v)), dict(zip("SPRT", w)))
        for target in ("weak", "strict"):
            s = minimal_strength(game, RepeatedPlay(), "discount", target)
            assert s.method == "analytic" and abs(s.value - delta) <= 1e-12 and s.attained == (target == "weak"), (v, w, s.message)
