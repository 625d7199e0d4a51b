"""Basin of full cooperation under two-population replicator dynamics: one estimator.

Each government is a population of decision makers: xᵢ is the share of the row population
playing strategy i, yⱼ that of the column population playing j, and

    ẋᵢ = xᵢ [(Ay)ᵢ − xᵀAy],   ẏⱼ = yⱼ [(xᵀB)ⱼ − xᵀBy].

The *basin of cooperation* is the Lebesgue measure (uniform on the product of the two
simplices) of the starting states whose trajectory ends on the game's fully cooperative
profiles (``game.cooperative``). :func:`basin_of_cooperation` is the one estimator the API,
the tables, the report and the figures use:

* **undefined** (``value`` None, with the reason) when no fully cooperative profile is a strict
  equilibrium — up to path-equivalent deviations, as in :mod:`solver.cooperation`: a weak
  cooperative equilibrium lies among a line or face of rest points (every profile is one when
  no government's payoff depends on its own action), so "the basin" is not a property of the
  game;
* **exact** for a 2×2 game with one cooperative profile. With Δ_row(y) = r₀ + (r₁ − r₀)y the
  row player's gain from C over D when the column cooperates with probability y (Δ_col
  likewise), (C, C) is strict iff r₁, c₁ > 0. If r₀ ≥ 0 or c₀ ≥ 0 every interior start reaches
  (C, C) and the basin is 1. Otherwise (D, D) is strict too and the saddle
  (x*, y*) = (−c₀/(c₁ − c₀), −r₀/(r₁ − r₀)) has a stable manifold, the separatrix. dy/dx
  separates into a function of y times one of x, so the flow has the first integral

      (r₁ − r₀) G_y(y) − (c₁ − c₀) G_x(x),   G_z(z) = −z* log z − (1 − z*) log(1 − z),

  so the separatrix is the decreasing branch through the saddle of its level set, a graph
  y = h(x) from (0, 1) to (1, 0); h(x) is found by a monotone Newton iteration in log
  coordinates and the area above it by tanh-sinh quadrature, for many games at once
  (:mod:`solver.basin_exact`, error < 1e-11; :func:`separatrix_area`, brentq and adaptive
  quadrature, is its scalar reference). Every case decision compares the game's exact
  rationals (:attr:`games.Game.exact`), as the cooperation levels do; :func:`exact_basins_2x2`
  makes the same decisions for N games on arrays;
* **quasi-Monte-Carlo** otherwise: 8 independently scrambled Sobol sequences
  (``scipy.stats.qmc``) mapped to uniform points of the product of simplices by sorted
  spacings, each integrated in logit coordinates uᵢ = log xᵢ to ``t_end`` (in units of the
  payoff range) by a compiled adaptive Dormand–Prince integrator that stops a start early only
  where its class at ``t_end`` is proven from the payoff margins of a strict equilibrium class,
  weak strategies in it held by a proven bound on their share (:mod:`solver.basin_flow`; the
  starts shared by two threads, the numbers independent of them). A start ends *cooperative* (weight ≥ ``threshold`` on cooperative
  profiles), *elsewhere* (the same weight on the deviation-closed class of a strict
  non-cooperative equilibrium) or *undecided* (near a separatrix, on a continuum of rest points
  or still moving: cycling round a mixed equilibrium, say). The value is the share of *all*
  starts that reached cooperation — an undecided start has not — and the text names the
  undecided share beside it; the standard error is the spread of the 8 replicate estimates
  divided by √8 (randomized QMC: the binomial formula would ignore the variance reduction of
  the low-discrepancy points and overstate the error).

Examples
--------
>>> from games import harmony, prisoners_dilemma, stag_hunt
>>> basin_of_cooperation(harmony()).text
'1.00'
>>> basin_of_cooperation(prisoners_dilemma()).text
'undefined'
>>> b = basin_of_cooperation(stag_hunt(R=4, T=3, P=1, S=0))   # R + S = T + P: exactly ½
>>> b.method, round(b.value, 9)
('exact', 0.5)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy.integrate import quad, solve_ivp
from scipy.optimize import brentq
from scipy.stats import qmc

from games import Game
from games.errors import UserInputError

from .basin_exact import separatrix_areas, separatrix_heights
from .basin_flow import certificates, end_states
from .strict import strict_class

__all__ = [
    "DEFAULT_SAMPLES",
    "SETTLED",
    "T_MAX",
    "Basin",
    "basin_labels",
    "basin_of_cooperation",
    "default_starts",
    "exact_basins_2x2",
    "replicator_field",
    "separatrix_area",
    "trajectories",
]

#: Starts of the quasi-Monte-Carlo estimate (8 scrambles of 256 Sobol points).
DEFAULT_SAMPLES = 2048
_REPLICATES = 8


@dataclass(frozen=True)
class Basin:
    """The basin of cooperation of a game.

    Attributes
    ----------
    value : float or None
        Share of the product of simplices that reaches cooperation; None where undefined.
    stderr : float
        Standard error (0 for the exact 2×2 value).
    samples : int
        Starts integrated (0 for the exact value).
    method : {"exact", "qmc", "undefined"}
    undecided : int
        Starts set apart: ending near a separatrix, on a continuum of rest points, or moving.
    rivals : int
        Strict non-cooperative equilibria (each has a basin of positive measure, so the true
        value is then below 1, however close).
    reason : str
        Why the basin is undefined (empty otherwise).
    region : array of shape (k, 2), optional
        2×2 exact path: the polygon, in (probability of the row's first strategy, of the
        column's first strategy), whose area is ``value`` — what a figure shades.
    points, reached : arrays, optional
        2×2 quasi-Monte-Carlo path: the starts in the same coordinates and which reached
        cooperation.
    """

    value: float | None
    stderr: float = 0.0
    samples: int = 0
    method: str = "exact"
    undecided: int = 0
    rivals: int = 0
    reason: str = ""
    region: np.ndarray | None = field(default=None, compare=False, repr=False)
    points: np.ndarray | None = field(default=None, compare=False, repr=False)
    reached: np.ndarray | None = field(default=None, compare=False, repr=False)

    @property
    def text(self) -> str:
        """The value as printed everywhere: ``"0.50"``, ``"0.713 ± 0.008"`` or ``"undefined"``.

        An estimate carries its standard error, rounded to one significant digit, and the value
        to the same decimal place. A defined basin is never 0 (a strict cooperative equilibrium
        attracts a neighbourhood), and is below 1 when a rival strict equilibrium exists; when
        no sampled start fell outside (or inside), the text gives the one-sided 95 % bound of the
        "rule of three" (3/n) and the sample size instead of rounding to 1 or 0.

        >>> Basin(0.7134, 0.0081, 2048, "qmc").text, Basin(0.5).text, Basin(None, method="undefined").text
        ('0.713 ± 0.008', '0.50', 'undefined')
        >>> Basin(1.0, 0.0, 2048, "qmc", rivals=1).text, Basin(1.0, 0.0, 2048, "qmc").text
        ('> 0.9985 (n = 2048)', '1 (n = 2048)')
        >>> Basin(0.9991, rivals=1).text, Basin(0.2852, 0.0093, 2048, "qmc", undecided=1464).text
        ('> 0.99', '0.285 ± 0.009 (71% undecided)')
        """
        if self.value is None:
            return "undefined"
        if self.method != "qmc":
            if self.value >= 0.995 and (self.value < 1 or self.rivals):
                return "> 0.99"
            return "< 0.01" if self.value < 0.005 else f"{self.value:.2f}"
        n = max(self.samples, 1)
        if self.stderr <= 0 and not self.undecided:
            if self.value >= 1:
                return f"> {1 - 3 / n:.4g} (n = {n})" if self.rivals else f"1 (n = {n})"
            if self.value <= 0:
                return f"< {3 / n:.2g} (n = {n})"
        error = float(f"{self.stderr:.1g}") if self.stderr > 0 else 0.0
        digits = max(2, -math.floor(math.log10(error))) if error > 0 else 3
        text = f"{self.value:.{digits}f} ± {error:.{digits}f}"
        if self.undecided:  # the share of starts that reached neither side: the value's lower-bound nature
            text += f" ({self.undecided / n:.0%} undecided)" if self.undecided / n >= 0.005 else f" ({self.undecided} undecided)"
        return text

    def to_dict(self) -> dict:
        """The JSON object: value (number or null), text, stderr, samples, method, undecided, rivals, note.

        >>> Basin(0.5).to_dict()["value"], Basin(None, method="undefined", reason="x").to_dict()["note"]
        (0.5, 'x')
        """
        return {
            "value": None if self.value is None else round(self.value, 6),
            "text": self.text,
            "stderr": round(self.stderr, 6),
            "samples": self.samples,
            "method": self.method,
            "undecided": self.undecided,
            "rivals": self.rivals,
            "note": self.reason,
        }


def _scale(game: Game) -> float:
    """The payoff range: the time unit of the dynamics."""
    return max(float(np.ptp(game.row_payoffs)), float(np.ptp(game.col_payoffs))) or 1.0


def _undefined_reason(game: Game, mask: np.ndarray) -> str:
    A, B = game.exact
    m, n = game.shape
    if all(len({A[i][j] for i in range(m)}) == 1 for j in range(n)) and all(len({B[i][j] for j in range(n)}) == 1 for i in range(m)):
        # ẋᵢ = xᵢ[(Ay)ᵢ − xᵀAy] vanishes everywhere when no payoff depends on one's own action.
        return "every profile is a rest point: no government's payoff depends on its own action"
    if not mask.any():
        return "no profile is fully cooperative"
    nash = any(all(A[i][j] >= A[k][j] for k in range(m)) and all(B[i][j] >= B[i][k] for k in range(n)) for i, j in zip(*np.nonzero(mask)))
    if not nash:
        return "no fully cooperative profile is an equilibrium"
    return "the cooperative equilibrium is weak: a payoff tie leaves it among a line or face of rest points"


def basin_of_cooperation(
    game: Game,
    *,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    t_end: float = 1000.0,
    threshold: float = 0.99,
    cooperative: np.ndarray | None = None,
) -> Basin:
    """The basin of cooperation of ``game`` under two-population replicator dynamics.

    Parameters
    ----------
    game : Game
        Any two-player game; its ``cooperative`` mask says which profiles are cooperative.
    samples : int
        Quasi-Monte-Carlo starts (larger games), rounded up to 8 scrambles of a power of two.
    seed : int
        Seed of the scrambles; same seed, same value.
    t_end : float
        Integration time in units of the payoff range (quasi-Monte-Carlo path).
    threshold : float
        Weight on a profile class at the end that counts as having reached it.
    cooperative : bool array, optional
        Overrides ``game.cooperative``.

    Returns
    -------
    Basin

    Raises
    ------
    UserInputError
        If ``samples`` is below 8.

    Examples
    --------
    >>> from games import RepeatedPlay, apply, prisoners_dilemma, stag_hunt
    >>> round(basin_of_cooperation(stag_hunt(R=4, T=3, P=2, S=0)).value, 4)
    0.2636
    >>> basin_of_cooperation(apply(prisoners_dilemma(), RepeatedPlay(discount=0.7))).text
    '0.711 ± 0.007'
    """
    if samples < _REPLICATES:
        raise UserInputError(f"samples must be at least {_REPLICATES}, got {samples}")
    mask = np.asarray(game.cooperative if cooperative is None else cooperative, dtype=bool)
    if not any(strict_class(game, int(i), int(j)).strict for i, j in zip(*np.nonzero(mask))):
        return Basin(None, method="undefined", reason=_undefined_reason(game, mask))
    if game.shape == (2, 2) and mask.sum() == 1:
        return _exact_2x2(game, mask)
    return _qmc(game, mask, samples, seed, t_end, threshold)


# --- the exact 2×2 path ---------------------------------------------------------------------


def _exact_2x2(game: Game, mask: np.ndarray) -> Basin:
    (ci,), (cj,) = np.nonzero(mask)
    ci, cj = int(ci), int(cj)
    ei, ej = 1 - ci, 1 - cj
    A, B = game.exact
    # Exact gains from cooperating when the partner defects (0) or cooperates (1).
    r0, r1 = A[ci][ej] - A[ei][ej], A[ci][cj] - A[ei][cj]
    c0, c1 = B[ei][cj] - B[ei][ej], B[ci][cj] - B[ci][ej]

    def to_plot(points: np.ndarray) -> np.ndarray:
        # From (share cooperating) to (share playing each player's first strategy).
        out = points.copy()
        if ci == 1:
            out[:, 0] = 1 - out[:, 0]
        if cj == 1:
            out[:, 1] = 1 - out[:, 1]
        return out

    if r0 >= 0 or c0 >= 0:
        return Basin(1.0, method="exact", region=to_plot(_SQUARE))
    (basin,) = _bistable(np.array([float(r0)]), np.array([float(r1)]), np.array([float(c0)]), np.array([float(c1)]))
    return Basin(basin.value, method="exact", rivals=1, region=to_plot(basin.region))


_SQUARE = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
_SQUARE.setflags(write=False)  # shared by every basin of 1: read-only


def _grid(xs: float, points: int) -> np.ndarray:
    """Abscissae of a drawn separatrix: dense near the corners, where it may turn steeply."""
    grid = np.unique(
        np.concatenate(
            [
                np.geomspace(1e-9, xs, points // 4),
                xs + (1 - xs) * (1 - np.geomspace(1, 1e-9, points // 4)),
                (1 - np.cos(np.linspace(0, np.pi, points // 2))) / 2,
            ]
        )
    )
    return grid[(grid > 0) & (grid < 1)]


def _bistable(r0: np.ndarray, r1: np.ndarray, c0: np.ndarray, c1: np.ndarray, points: int = 400) -> list[Basin]:
    """Exact basins of bistable games (r0 < 0 < r1, c0 < 0 < c1), areas and curves solved together."""
    values = separatrix_areas(r0, r1, c0, c1)
    xs = -c0 / (c1 - c0)
    grids = [_grid(float(v), points) for v in xs]
    sizes = [len(g) for g in grids]
    owner = np.repeat(np.arange(len(grids)), sizes)
    flat = np.concatenate(grids) if grids else np.zeros(0)
    heights = 1 - separatrix_heights(r0[owner], r1[owner], c0[owner], c1[owner], flat)
    out = []
    for k, part in enumerate(np.split(np.column_stack([flat, heights]), np.cumsum(sizes)[:-1])):
        polygon = np.vstack([[[0.0, 1.0]], part, [[1.0, 0.0], [1.0, 1.0]]])
        out.append(Basin(float(values[k]), method="exact", rivals=1, region=polygon))
    return out


def exact_basins_2x2(A: np.ndarray, B: np.ndarray) -> list[Basin | None]:
    """The basins of N 2×2 games whose only cooperative profile is (0, 0), decided on arrays.

    ``A``, ``B`` of shape (N, 2, 2) hold the floats of the games' exact payoffs
    (:attr:`games.Game.row_payoffs`). A float difference of two such floats has the sign of the
    exact difference whenever it is not zero (rounding is monotone), so every game whose gains
    r₁, c₁ (and, when (0, 0) is strict, r₀, c₀) are nonzero is decided here as
    :func:`basin_of_cooperation` decides it from the rationals; the rest are None — for the
    caller to decide with :func:`basin_of_cooperation`, exactly. The games must not make (1, 0)
    or (0, 1) path-equivalent to (0, 0) (their cooperation differs, as by default).

    >>> A = np.array([[[3, 0], [5, 1]], [[4, 0], [3, 1]], [[1, 1], [1, 1]]], dtype=float)
    >>> [b if b is None else b.text for b in exact_basins_2x2(A, A.transpose(0, 2, 1))]
    ['undefined', '0.50', None]
    """
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    r0, r1 = A[:, 0, 1] - A[:, 1, 1], A[:, 0, 0] - A[:, 1, 0]
    c0, c1 = B[:, 1, 0] - B[:, 1, 1], B[:, 0, 0] - B[:, 0, 1]
    strict = (r1 > 0) & (c1 > 0)
    undecided = (r1 == 0) | (c1 == 0) | (strict & ((r0 == 0) | (c0 == 0)))
    bistable = strict & ~undecided & (r0 < 0) & (c0 < 0)
    out: list[Basin | None] = [None] * len(A)
    none = Basin(None, method="undefined", reason="no fully cooperative profile is an equilibrium")
    one = Basin(1.0, method="exact", region=_SQUARE)
    for k in np.flatnonzero(~undecided & ~bistable).tolist():
        out[k] = one if strict[k] else none
    index = np.flatnonzero(bistable)
    for start in range(0, len(index), 512):  # blocks of games: the solve's temporaries stay small
        part = index[start : start + 512]
        for k, basin in zip(part.tolist(), _bistable(r0[part], r1[part], c0[part], c1[part])):
            out[k] = basin
    return out


def _g(z: float, star: float) -> float:
    return -star * np.log(z) - (1 - star) * np.log1p(-z)


def separatrix_area(r0: float, r1: float, c0: float, c1: float, points: int = 400) -> tuple[float, np.ndarray]:
    """Area above the separatrix of a bistable 2×2 replicator flow, and the curve itself.

    ``r0 < 0 < r1`` and ``c0 < 0 < c1`` are the gains from cooperating (row, column) when the
    partner defects and cooperates. Returns the area of the cooperative side and the curve as
    points (x, h(x)) from (0, 1) to (1, 0).

    Examples
    --------
    >>> area, curve = separatrix_area(-1.0, 1.0, -1.0, 1.0)   # symmetric: the anti-diagonal
    >>> round(area, 9), bool(np.allclose(curve.sum(axis=1), 1))
    (0.5, True)
    """
    if not (r0 < 0 < r1 and c0 < 0 < c1):
        raise ValueError(f"separatrix_area needs r0 < 0 < r1 and c0 < 0 < c1, got {r0}, {r1}, {c0}, {c1}")
    a1, b1 = r1 - r0, c1 - c0
    xs, ys = -c0 / b1, -r0 / a1
    ratio = b1 / a1

    def gy_upper(s: float) -> float:  # y = 1 − e^{−s} > y*
        return -ys * np.log1p(-np.exp(-s)) + (1 - ys) * s

    def gy_lower(s: float) -> float:  # y = e^{−s} < y*
        return ys * s - (1 - ys) * np.log1p(-np.exp(-s))

    g_star = _g(ys, ys)
    gx_star = _g(xs, xs)

    def solve(x: float) -> tuple[float, bool]:
        """(s, upper) with the separatrix at y = 1 − e^{−s} (upper) or y = e^{−s}."""
        target = g_star + ratio * (_g(x, xs) - gx_star)
        upper = x < xs
        g, s0 = (gy_upper, -np.log1p(-ys)) if upper else (gy_lower, -np.log(ys))
        if target <= g(s0):
            return s0, upper
        hi = s0 + 1.0
        while g(hi) < target:
            hi = s0 + 2 * (hi - s0)
        return brentq(lambda s: g(s) - target, s0, hi, xtol=1e-14, rtol=4 * np.finfo(float).eps), upper

    def above(x: float) -> float:  # 1 − h(x)
        s, upper = solve(x)
        return float(np.exp(-s)) if upper else float(-np.expm1(-s))

    left = quad(above, 0.0, xs, epsabs=1e-11, epsrel=1e-10, limit=200)[0]
    right = quad(above, xs, 1.0, epsabs=1e-11, epsrel=1e-10, limit=200)[0]
    # The curve for drawing: dense near the corners, where it may turn steeply.
    grid = _grid(xs, points)
    heights = np.array([1 - above(x) for x in grid])
    curve = np.vstack([[0.0, 1.0], np.column_stack([grid, heights]), [1.0, 0.0]])
    return left + right, curve


# --- the quasi-Monte-Carlo path -------------------------------------------------------------


def _simplex_points(u: np.ndarray) -> np.ndarray:
    """Uniform points on the simplex from uniform points of the cube (sorted spacings)."""
    count = len(u)
    cuts = np.sort(u, axis=1)
    return np.diff(np.concatenate([np.zeros((count, 1)), cuts, np.ones((count, 1))], axis=1), axis=1)


@lru_cache(maxsize=16)
def _starts(m: int, n: int, per: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The quasi-Monte-Carlo starts (x0, y0) of an m×n game: ``_REPLICATES`` scrambles of ``per``
    Sobol points each. Read-only: every game of the shape with the same seed shares them."""
    dim = max(m + n - 2, 1)
    streams = np.random.SeedSequence(seed).spawn(_REPLICATES)
    cube = np.vstack([qmc.Sobol(dim, scramble=True, seed=np.random.default_rng(s)).random(per) for s in streams])
    x0 = _simplex_points(cube[:, : m - 1]) if m > 1 else np.ones((len(cube), 1))
    y0 = _simplex_points(cube[:, m - 1 : m + n - 2]) if n > 1 else np.ones((len(cube), 1))
    x0.setflags(write=False)
    y0.setflags(write=False)
    return x0, y0


def _qmc(game: Game, mask: np.ndarray, samples: int, seed: int, t_end: float, threshold: float) -> Basin:
    m, n = game.shape
    per = 1 << max(int(np.ceil(np.log2(-(-samples // _REPLICATES)))), 0)
    x0, y0 = _starts(m, n, per, seed)
    coop, other, strict_other = _classify(game, mask, x0, y0, t_end, threshold)
    decided = coop | other
    # The share of *all* starts that reach cooperation: a start that cycles for ever, rests on a
    # continuum or is still moving at t_end has not reached it (dividing by the decided starts
    # reported 1.0 for a game where 73 % of the starts circle a mixed equilibrium).
    value = float(coop.mean())
    shares = coop.reshape(_REPLICATES, per).mean(axis=1)
    stderr = float(shares.std(ddof=1) / np.sqrt(len(shares)))
    keep = (m, n) == (2, 2)
    undecided = int((~decided).sum())
    reason = ""
    if undecided:
        reason = (
            f"{undecided} of {len(x0)} starts reached neither cooperation nor a strict rival equilibrium by t_end"
            " (cycling, a continuum of rest points, or slow)"
        )
    elif value == 1.0 and strict_other:
        reason = f"every start reached cooperation; the rival strict equilibria attract less than 1/{len(x0)} of the starts"
    return Basin(
        value,
        stderr,
        len(x0),
        "qmc",
        undecided,
        len(strict_other),
        reason,
        points=np.column_stack([x0[:, 0], y0[:, 0]]) if keep else None,
        reached=coop if keep else None,
    )


def _classify(game: Game, mask: np.ndarray, x0: np.ndarray, y0: np.ndarray, t_end: float, threshold: float) -> tuple[np.ndarray, np.ndarray, list]:
    """Which starts end cooperative (weight ≥ ``threshold`` on ``mask`` at ``t_end``) and which
    elsewhere (the same weight on a strict non-cooperative class, and not cooperative); and the
    strict non-cooperative classes."""
    strict_other = [c for i, j in zip(*np.nonzero(~mask)) if (c := strict_class(game, int(i), int(j))).strict]
    label, x, y = _integrate(game, mask, x0, y0, t_end, threshold, strict_other)
    coop = (label == 1) | ((label == 0) & (np.einsum("ki,ij,kj->k", x, mask.astype(float), y) >= threshold))
    other = label == 2
    for c in strict_other:
        other |= (label == 0) & (x[:, list(c.rows)].sum(axis=1) >= threshold) & (y[:, list(c.cols)].sum(axis=1) >= threshold)
    return coop, other & ~coop, strict_other


def _integrate(
    game: Game, mask: np.ndarray, x0: np.ndarray, y0: np.ndarray, t_end: float, threshold: float, strict_other: list
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each start's certified class (1 cooperative, 2 elsewhere, 0 none) and last shares
    (:func:`solver.basin_flow.end_states`: per start, adaptive Dormand–Prince in logit
    coordinates, stopped early only where the class at ``t_end`` is proven)."""
    scale = _scale(game)
    a, b = game.row_payoffs / scale, game.col_payoffs / scale
    u0 = np.concatenate([np.log(np.clip(x0, 1e-12, None)), np.log(np.clip(y0, 1e-12, None))], axis=1)
    classes = [c for i, j in zip(*np.nonzero(mask)) if (c := strict_class(game, int(i), int(j))).strict] + strict_other
    kinds = []
    for c in classes:
        inside = mask[np.ix_(c.rows, c.cols)]
        if inside.all() or not inside.any():
            kinds.append((c.rows, c.cols, bool(inside.all())))
    return end_states(a, b, u0, t_end, certificates(a, b, kinds, threshold), threshold)


# --- the 2×2 field and trajectories, for figures ---------------------------------------------


def _flow_2x2(game: Game) -> tuple[np.ndarray, np.ndarray]:
    """Incentive coefficients of a 2×2 game: Δ_row(y) = a₀ + a₁y, Δ_col(x) = b₀ + b₁x."""
    a, b = game.row_payoffs, game.col_payoffs
    # Row's payoff of C minus D when the column cooperates with probability y.
    row = np.array([a[0, 1] - a[1, 1], (a[0, 0] - a[1, 0]) - (a[0, 1] - a[1, 1])])
    col = np.array([b[1, 0] - b[1, 1], (b[0, 0] - b[0, 1]) - (b[1, 0] - b[1, 1])])
    return row, col


def replicator_field(game: Game, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two-population replicator field of a 2×2 game at shares cooperating (x, y).

    ẋ = x(1 − x)Δ_row(y), ẏ = y(1 − y)Δ_col(x), with Δ a player's payoff of C minus D.

    >>> from games import prisoners_dilemma
    >>> dx, dy = replicator_field(prisoners_dilemma(), np.array(0.5), np.array(0.5))
    >>> float(dx), float(dy)   # ¼ · (0.5·(3 − 5) + 0.5·(0 − 1))
    (-0.375, -0.375)
    """
    if game.shape != (2, 2):
        raise UserInputError(f"the replicator field in the unit square needs a 2×2 game, not {game.shape}")
    row, col = _flow_2x2(game)
    return x * (1 - x) * (row[0] + row[1] * y), y * (1 - y) * (col[0] + col[1] * x)


#: Share distance to the rest set at which a drawn trajectory has settled (0.1 % of the square:
#: far below a line's width in any figure).
SETTLED = 1e-3
#: The longest integration of a drawn trajectory, in units of the payoff range.
T_MAX = 1e4


def _rest_gap(row: np.ndarray, col: np.ndarray, x: float, y: float) -> float:
    """How far (x, y) is from the rest set of ẋ = x(1 − x)Δ_row(y), ẏ = y(1 − y)Δ_col(x).

    A state is at rest iff (x ∈ {0, 1} or Δ_row(y) = 0) and (y ∈ {0, 1} or Δ_col(x) = 0); the
    gap is the larger of the two conditions' distances, each the nearest of its alternatives.
    """

    def root_gap(c: np.ndarray, z: float) -> float:
        if c[1] != 0:
            return abs(z + c[0] / c[1])
        return 0.0 if c[0] == 0 else np.inf

    return max(min(x, 1 - x, root_gap(row, y)), min(y, 1 - y, root_gap(col, x)))


def _by_arc_length(states: np.ndarray, points: int) -> np.ndarray:
    """``points`` states evenly spaced along the drawn path (first and last kept)."""
    steps = np.hypot(*np.diff(states, axis=0).T)
    length = np.concatenate([[0.0], np.cumsum(steps)])
    if length[-1] <= 0:
        return np.repeat(states[:1], points, axis=0)
    at = np.linspace(0.0, length[-1], points)
    return np.column_stack([np.interp(at, length, states[:, 0]), np.interp(at, length, states[:, 1])])


def trajectories(game: Game, starts: np.ndarray, t_end: float | None = None, points: int = 400) -> list[np.ndarray]:
    """Trajectories (x(t), y(t)) of the 2×2 replicator dynamics from each start, in logit coordinates.

    Time is in units of the payoff range. With ``t_end`` None (the default) each trajectory runs
    until it settles — comes within :data:`SETTLED` of a rest point (or a line of rest points)
    — or, when the interior rest point is a centre and the orbits are closed, until it has gone
    round once; never longer than :data:`T_MAX`. A fixed ``t_end`` stopped paths in the middle
    of the field when the flow was slow near a saddle. Each path is returned as ``points``
    states evenly spaced along its length (the last one where it settled), shape (points, 2).

    >>> from games import Game, stag_hunt
    >>> [path[-1].round(2).tolist() for path in trajectories(stag_hunt(), [(0.9, 0.9), (0.1, 0.1)])]
    [[1.0, 1.0], [0.0, 0.0]]
    >>> pennies = Game([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    >>> loop = trajectories(pennies, [(0.5, 0.8)])[0]   # a closed orbit: once round
    >>> bool(np.allclose(loop[-1], loop[0], atol=1e-6))
    True
    """
    scale = _scale(game)
    row, col = _flow_2x2(game)
    row, col = row / scale, col / scale
    centre = row[1] * col[1] < 0 and 0 < -row[0] / row[1] < 1 and 0 < -col[0] / col[1] < 1

    def shares(u: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-np.asarray(u)))

    def flow(_t: float, u: np.ndarray) -> np.ndarray:
        x, y = shares(u)
        return np.array([row[0] + row[1] * y, col[0] + col[1] * x])

    def settled(_t: float, u: np.ndarray) -> float:
        return _rest_gap(row, col, *shares(u)) - SETTLED

    settled.terminal, settled.direction = True, -1
    out = []
    for x0, y0 in np.asarray(starts, dtype=float):
        u0 = np.log([x0 / (1 - x0), y0 / (1 - y0)])
        if t_end is not None:
            sol = solve_ivp(flow, (0, t_end), u0, t_eval=np.linspace(0, t_end, points), rtol=1e-8, atol=1e-10)
            out.append(shares(sol.y.T))
            continue
        if centre:
            # Once round a closed orbit: the angle about the centre (in logit coordinates, where
            # it turns monotonically, quadrant by quadrant) is carried along until it reaches 2π.
            mid = np.log([-col[0] / (col[1] + col[0]), -row[0] / (row[1] + row[0])])  # logits of (x*, y*)

            def turning(_t: float, w: np.ndarray, mid: np.ndarray = mid) -> np.ndarray:
                du = flow(_t, w[:2])
                d = w[:2] - mid
                return np.array([*du, (d[0] * du[1] - d[1] * du[0]) / max(d @ d, 1e-300)])

            def round_once(_t: float, w: np.ndarray) -> float:
                return abs(w[2]) - 2 * np.pi

            round_once.terminal = True
            sol = solve_ivp(turning, (0, T_MAX), [*u0, 0.0], events=round_once, dense_output=True, rtol=1e-10, atol=1e-12)
        else:
            sol = solve_ivp(flow, (0, T_MAX), u0, events=settled, dense_output=True, rtol=1e-8, atol=1e-10)
        # Dense output between the solver's own steps: fine where the path bends.
        times = np.concatenate([np.linspace(a, b, 16, endpoint=False) for a, b in zip(sol.t[:-1], sol.t[1:])] + [sol.t[-1:]])
        out.append(_by_arc_length(shares(sol.sol(times)[:2].T), points))
    return out


# --- starts of drawn trajectories: spread over the square, one in every basin ---------------


def _attractors(row: np.ndarray, col: np.ndarray) -> list[tuple[float, float]]:
    """The corners of the square that attract a neighbourhood: (x, y) with each player's
    incentive Δ (first minus second strategy) pushing strictly towards it."""
    out = []
    for x in (0.0, 1.0):
        for y in (0.0, 1.0):
            gain_row, gain_col = row[0] + row[1] * y, col[0] + col[1] * x
            if (gain_row > 0 if x == 1 else gain_row < 0) and (gain_col > 0 if y == 1 else gain_col < 0):
                out.append((x, y))
    return out


def _separatrix(row: np.ndarray, col: np.ndarray) -> tuple[np.ndarray, bool] | None:
    """The exact separatrix of a bistable 2×2 flow as points (x, y), in the shares playing each
    player's first strategy, and whether its attractors are (1, 1) and (0, 0) (else (1, 0) and
    (0, 1)); None when the flow is not bistable."""
    r0, r1, c0, c1 = row[0], row[0] + row[1], col[0], col[0] + col[1]
    if r0 < 0 < r1 and c0 < 0 < c1:
        return separatrix_area(r0, r1, c0, c1)[1], True
    if r1 < 0 < r0 and c1 < 0 < c0:
        # In (x, 1 − y) the flow is bistable with attractors (1, 1) and (0, 0): the row's gain
        # from its first strategy runs from Δ_row(1) to Δ_row(0), the column's gain from its
        # *second* strategy from −Δ_col(0) to −Δ_col(1).
        curve = separatrix_area(r1, r0, -c0, -c1)[1]
        return np.column_stack([curve[:, 0], 1 - curve[:, 1]]), False
    return None


def basin_labels(game: Game, points: np.ndarray) -> np.ndarray:
    """Which basin of the 2×2 replicator flow each point (x, y) lies in — shares playing each
    player's first strategy —: 0 everywhere for a flow with one basin (or none: a centre, lines
    of rest points); for a bistable flow 1 on the side of the exact separatrix
    (:func:`separatrix_area`) towards (1, 1) (or (1, 0) when the attractors are (1, 0) and
    (0, 1)), 0 on the other side.

    >>> from games import stag_hunt
    >>> basin_labels(stag_hunt(R=4, T=3, P=1, S=0), np.array([(0.9, 0.9), (0.1, 0.1), (0.3, 0.6)])).tolist()
    [1, 0, 0]
    """
    if game.shape != (2, 2):
        raise UserInputError(f"basins of the unit square need a 2×2 game, not {game.shape}")
    points = np.atleast_2d(np.asarray(points, dtype=float))
    split = _separatrix(*_flow_2x2(game))
    if split is None:
        return np.zeros(len(points), dtype=int)
    curve, diagonal = split
    order = np.argsort(curve[:, 0], kind="stable")
    height = np.interp(points[:, 0], curve[order, 0], curve[order, 1])
    return (points[:, 1] > height if diagonal else points[:, 1] < height).astype(int)


def default_starts(game: Game, k: int = 6) -> np.ndarray:
    """``k`` starts for drawing trajectories of a 2×2 game: spread over the square and with at
    least one in every basin, so that every attractor is reached by a drawn path.

    Candidates are a 9 × 9 grid on [0.1, 0.9]² and, for a bistable flow, points on the segments
    from the saddle to each attractor (so a basin too thin for the grid has some), labelled by
    :func:`basin_labels` (the exact separatrix), less those within 0.05 of the separatrix (a
    path from there lingers at the saddle) unless a basin has no other. Each basin first gets the candidate nearest its candidates' centroid; the rest are
    added one at a time, each the candidate farthest from the starts chosen so far and from
    the attracting corners (a start next to an attractor draws no path). The same game gives
    the same starts.

    Parameters
    ----------
    game : Game
        A 2×2 game.
    k : int
        Number of starts, at least the number of basins (two for a bistable flow).

    Returns
    -------
    array of shape (k, 2)
        (x, y): the shares playing each player's first strategy.

    Raises
    ------
    UserInputError
        If the game is not 2×2 or ``k`` is smaller than the number of basins.

    Examples
    --------
    >>> from games import stag_hunt
    >>> g = stag_hunt(R=4, T=3, P=2, S=0)          # basin of (C, C): 0.26 of the square
    >>> starts = default_starts(g)
    >>> starts.shape, sorted(set(basin_labels(g, starts).tolist()))
    ((6, 2), [0, 1])
    """
    if game.shape != (2, 2):
        raise UserInputError(f"starts in the unit square need a 2×2 game, not {game.shape}")
    row, col = _flow_2x2(game)
    grid = np.linspace(0.1, 0.9, 9)
    candidates = np.array([(x, y) for y in grid for x in grid])
    split = _separatrix(row, col)
    if split is not None:
        # A basin may be a sliver no grid point falls in (a gain of 0.1 against 3): the segment
        # from the saddle to each attractor adds candidates inside it.
        saddle = np.array([-col[0] / col[1], -row[0] / row[1]])
        steps = np.linspace(0.2, 0.8, 7)[:, None]
        candidates = np.vstack([candidates, *(saddle + steps * (np.array(a) - saddle) for a in _attractors(row, col))])
    labels = basin_labels(game, candidates)
    if split is not None:
        gap = np.min(np.hypot(*(candidates[:, None, :] - split[0][None, :, :]).transpose(2, 0, 1)), axis=1)
        keep = gap > 0.05
        # a basin whose every candidate is near the edge keeps its candidate farthest from it
        for label in np.unique(labels):
            if not np.any(keep & (labels == label)):
                keep[np.flatnonzero(labels == label)[np.argmax(gap[labels == label])]] = True
        candidates, labels = candidates[keep], labels[keep]
    basins = np.unique(labels)
    if k < len(basins):
        raise ValueError(f"k must be at least the number of basins ({len(basins)}), got {k}")
    chosen = []
    for label in basins:
        own = candidates[labels == label]
        chosen.append(int(np.flatnonzero(labels == label)[np.argmin(np.hypot(*(own - own.mean(axis=0)).T))]))
    anchors = [candidates[i] for i in chosen] + [np.array(a) for a in _attractors(row, col)]
    nearest = np.min([np.hypot(*(candidates - a).T) for a in anchors], axis=0)
    while len(chosen) < min(k, len(candidates)):
        nearest[chosen] = -1.0
        best = int(np.argmax(nearest))
        chosen.append(best)
        nearest = np.minimum(nearest, np.hypot(*(candidates - candidates[best]).T))
    return candidates[chosen]
