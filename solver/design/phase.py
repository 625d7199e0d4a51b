"""Data for phase diagrams and threshold curves: the level over a grid of two parameters, and
a minimal strength as a stage-game payoff varies.

Examples
--------
>>> from games import prisoners_dilemma, HigherLevelGuidance
>>> grid = phase_grid(prisoners_dilemma(T=5, R=3, P=1, S=0), HigherLevelGuidance(penalty=2),
...                   ("subsidy", [0, 1, 2, 3]), ("detection", [0, 1]))
>>> grid.levels.tolist()
[['none', 'none', 'weak', 'dominant'], ['weak', 'dominant', 'dominant', 'dominant']]
>>> [(float(x), float(y)) for x, y in zip(*grid.thresholds["weak"])]   # s = (T − R) − p·f, end to end
[(0.0, 1.0), (2.0, 0.0)]
>>> [(level, len(polygon)) for level, polygon in grid.regions]          # exact polygons
[('none', 3), ('dominant', 4)]
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from games import Game, HigherLevelGuidance, Mechanism, RepeatedPlay, apply, stage_game, stage_payoffs
from games.errors import UserInputError

from ..cooperation import stability
from ..kernels.fast2x2 import solve_2x2
from .batch import batch_apply
from .gaps import fmt, tidy
from .strength import minimal_strength, reaches

__all__ = [
    "PhaseGrid",
    "ThresholdCurve",
    "guided_phase",
    "link_phase",
    "link_threshold",
    "phase_grid",
    "round_up",
    "temptation_values",
    "threshold_sweep",
]


@dataclass(frozen=True)
class PhaseGrid:
    """Cooperation levels over a grid of two mechanism parameters, with analytic boundaries.

    ``levels[i, j]`` is the level at ``x_values[j]``, ``y_values[i]``. ``thresholds[target]`` is
    a pair of arrays (x, y): the analytic least x reaching ``target`` at each y where a formula
    exists.
    """

    x_name: str
    x_values: np.ndarray
    y_name: str
    y_values: np.ndarray
    levels: np.ndarray
    thresholds: dict = field(default_factory=dict)
    title: str = ""
    #: The stack's own values of the two parameters (the scenario's operating point), if known.
    operating: tuple[float, float] | None = None
    #: The level at the centres of a fine raster (x centres, y centres, levels), decided exactly
    #: by the vectorized 2×2 path: what the figure colours, so a boundary is sharp and no grid
    #: point that happens to lie on a threshold shows as an isolated cell of "weak".
    fine: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    #: The level regions drawn exactly, where every level condition is linear in x and y (one
    #: guidance, the subsidy one of the axes): ``(level, vertices)`` with vertices a (k, 2) array
    #: of a convex polygon; together they tile the grid's rectangle. Empty: use ``fine``.
    regions: tuple[tuple[str, np.ndarray], ...] = ()
    #: The legend's name of the operating point (the mechanism whose values it is).
    operating_label: str = "current values"


def _set(mechanisms: Sequence[Mechanism], name: str, value: float) -> list[Mechanism]:
    """Set a parameter on the first mechanism of the stack that has it."""
    out, done = [], False
    for m in mechanisms:
        if not done and name in type(m).RANGES:
            m = replace(m, **{name: float(value)})
            done = True
        out.append(m)
    if not done:
        raise UserInputError(f"no mechanism in the stack has a parameter {name!r}")
    return out


def phase_grid(
    game: Game,
    mechanism: Mechanism | Sequence[Mechanism],
    x: tuple[str, Sequence[float]],
    y: tuple[str, Sequence[float]],
    *,
    targets: Sequence[str] = ("weak", "dominant"),
) -> PhaseGrid:
    """The cooperation level at every (x, y) of two parameters of a mechanism stack.

    Parameters
    ----------
    game : Game
        A 2×2 stage game.
    mechanism : Mechanism or sequence of Mechanism
        The stack; each parameter is set on the first mechanism that has it.
    x, y : (name, values)
        The two parameters and their grid values.
    targets : sequence of str
        Levels whose analytic boundary is drawn where docs/models.md has a formula.
    """
    stack = [mechanism] if isinstance(mechanism, Mechanism) else list(mechanism)
    (xn, xv), (yn, yv) = x, y
    xv, yv = np.asarray(xv, dtype=float), np.asarray(yv, dtype=float)
    levels = np.empty((len(yv), len(xv)), dtype=object)
    fine, exact = None, None
    if game.shape == (2, 2) and not any(isinstance(m, RepeatedPlay) for m in stack):
        # Every point at once: stacked transforms and the exact vectorized 2×2 path.
        X, Y = np.meshgrid(xv, yv)
        levels[:] = _levels_at(game, stack, xn, X, yn, Y)
        exact = _exact_regions(game, stack, xn, yn, xv, yv)
        if exact is None:
            fx, fy = _centres(xv, FINE), _centres(yv, FINE)
            FX, FY = np.meshgrid(fx, fy)
            fine = (fx, fy, _levels_at(game, stack, xn, FX, yn, FY))
    else:
        for i, b in enumerate(yv):
            for j, a in enumerate(xv):
                levels[i, j] = stability(apply(game, *_set(_set(stack, xn, a), yn, b)), basin=False, method="fast").level
    if exact is not None:
        regions, thresholds = exact
        thresholds = {t: thresholds[t] for t in targets if t in thresholds}
    else:
        regions, thresholds = (), {t: line for t in targets if (line := _threshold_line(game, stack, xn, xv, yn, yv, t)) is not None}
    title = " + ".join(m.describe() for m in stack)
    owner = {name: next(m for m in stack if name in type(m).RANGES) for name in (xn, yn)}
    operating = (float(getattr(owner[xn], xn)), float(getattr(owner[yn], yn)))
    return PhaseGrid(xn, xv, yn, yv, levels, thresholds, title, operating, fine, tuple(regions))


def _threshold_line(game, stack, xn, xv, yn, yv, target) -> tuple[np.ndarray, np.ndarray] | None:
    """The least x reaching ``target`` at each grid y (formula, confirmed by the solver), with the
    line's ends found exactly: where it leaves through the low end of x, the y at which the
    least x is that low end (the least y there), so the line reaches the axis."""
    xs, ys = [], []
    low = float(xv[0])
    for b in yv:
        at_y = _set(stack, yn, b)
        owner = next(k for k, m in enumerate(at_y) if xn in type(m).RANGES)
        try:
            s = minimal_strength(game, at_y[owner], xn, target, others=at_y[:owner] + at_y[owner + 1 :], method="analytic")
        except ValueError:
            return None
        if s.feasible and s.value > low:
            xs.append(s.value)
            ys.append(float(b))
        elif s.feasible and xs:
            # From here on the low end of x suffices: the line meets x = low at the least y there.
            at_x = _set(stack, xn, low)
            k = next(k for k, m in enumerate(at_x) if yn in type(m).RANGES)
            try:
                edge = minimal_strength(game, at_x[k], yn, target, others=at_x[:k] + at_x[k + 1 :], method="analytic")
            except ValueError:
                break
            if edge.feasible and ys[-1] < edge.value <= b:
                xs.append(low)
                ys.append(edge.value)
            break
    return (np.array(xs), np.array(ys)) if xs else None


def _linear_form(stack: Sequence[Mechanism], xn: str, yn: str) -> tuple[float, float] | None:
    """(a, b) with every level condition a condition on u = a·x + b·y (+ a constant), or None.

    One guidance adds u = s + p·f to each government's two incentive gaps, so every level of
    a 2×2 game is a function of u alone; u is linear in (x, y) when the subsidy is one of the
    axes (the other factor of p·f fixed).

    >>> _linear_form([HigherLevelGuidance(penalty=2)], "subsidy", "detection")
    (1.0, 2.0)
    >>> _linear_form([HigherLevelGuidance(penalty=2)], "detection", "penalty") is None
    True
    """
    if len(stack) != 1 or not isinstance(stack[0], HigherLevelGuidance) or "subsidy" not in (xn, yn):
        return None
    g, other = stack[0], yn if xn == "subsidy" else xn
    factor = {"detection": g.penalty, "penalty": g.detection}.get(other)
    if factor is None:
        return None
    return (1.0, float(factor)) if xn == "subsidy" else (float(factor), 1.0)


def _breakpoints(game: Game) -> list[float]:
    """Every u at which a level condition of the guided game can change (closed forms).

    With gaps a₁ = R − T, a₂ = S − P of each government shifted by u: each gap's root u = −a,
    and risk dominance, (a₁ʳ + u)(a₁ᶜ + u) = (a₂ʳ + u)(a₂ᶜ + u), which is linear in u.

    >>> _breakpoints(stage_game({"R": 3, "S": 0, "T": 5, "P": 1}))   # PD: gaps −2, −1
    [1.0, 1.5, 2.0]
    """
    row, col = stage_payoffs(game)
    a1r, a2r, a1c, a2c = row.R - row.T, row.S - row.P, col.R - col.T, col.S - col.P
    out = {-a1r, -a2r, -a1c, -a2c}
    slope = a1r + a1c - a2r - a2c
    if slope != 0:
        out.add(-(a1r * a1c - a2r * a2c) / slope)
    return sorted(float(tidy(u)) for u in out)


def _clip(poly: np.ndarray, normal: np.ndarray, c: float, above: bool) -> np.ndarray:
    """The part of a convex polygon where normal·(x, y) ≥ c (``above``) or ≤ c (Sutherland–Hodgman).

    >>> _clip(np.array([[0, 0], [2, 0], [2, 1], [0, 1]]), np.array([1.0, 0.0]), 1.0, True).tolist()
    [[1.0, 0.0], [2.0, 0.0], [2.0, 1.0], [1.0, 1.0]]
    """
    d = (poly @ normal - c) * (1 if above else -1)
    out = []
    for i in range(len(poly)):
        j = (i + 1) % len(poly)
        if d[i] >= 0:
            out.append(poly[i])
        if d[i] * d[j] < 0:
            out.append(poly[i] + d[i] / (d[i] - d[j]) * (poly[j] - poly[i]))
    return np.array(out, dtype=float).reshape(-1, 2)


def _area(poly: np.ndarray) -> float:
    x, y = poly[:, 0], poly[:, 1]
    return 0.5 * abs(float(x @ np.roll(y, -1) - y @ np.roll(x, -1)))


def _exact_regions(game, stack, xn, yn, xv, yv):
    """The level regions as polygons and the thresholds as segments, where :func:`_linear_form`
    holds; None otherwise, or if the solver's level is not constant on a band (then the fine
    raster is used)."""
    form = _linear_form(stack, xn, yn)
    if form is None or len(xv) < 2 or len(yv) < 2:
        return None
    normal = np.array(form)
    (x0, x1), (y0, y1) = (float(xv[0]), float(xv[-1])), (float(yv[0]), float(yv[-1]))
    box = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    # u of the box's corners spans [lo, hi]; the guidance's own constant part is in the gaps.
    g = stack[0]
    base = g.subsidy + g.detection * g.penalty - (normal @ [getattr(g, xn), getattr(g, yn)])
    cuts = [u - base for u in _breakpoints(game)]
    span = box @ normal
    cuts = [c for c in cuts if span.min() < c < span.max()]
    edges = [-math.inf, *cuts, math.inf]
    bands = []
    for lo, hi in itertools.pairwise(edges):
        poly = box
        if lo > -math.inf:
            poly = _clip(poly, normal, lo, True)
        if hi < math.inf:
            poly = _clip(poly, normal, hi, False)
        if len(poly) < 3 or _area(poly) <= 1e-12 * (x1 - x0) * (y1 - y0):
            continue
        # The level inside the band, decided exactly at its centroid and near each vertex.
        centre = poly.mean(axis=0)
        probes = np.vstack([centre, centre + (1 - 1e-6) * (poly - centre)])
        found = set(_levels_at(game, stack, xn, probes[:, 0], yn, probes[:, 1]))
        if len(found) != 1:
            return None
        bands.append([found.pop(), lo, hi])
    merged: list[list] = []
    for level, lo, hi in bands:
        if merged and merged[-1][0] == level:
            merged[-1][2] = hi
        else:
            merged.append([level, lo, hi])
    regions = []
    for level, lo, hi in merged:
        poly = box
        if lo > -math.inf:
            poly = _clip(poly, normal, lo, True)
        if hi < math.inf:
            poly = _clip(poly, normal, hi, False)
        regions.append((level, poly))
    thresholds = {}
    for target in ("dominant", "unique", "risk-dominant", "strict", "weak"):
        k = next((k for k, (level, _, _) in enumerate(merged) if all(reaches(m[0], target) for m in merged[k:])), None)
        if k is None or k == 0:
            continue
        c = merged[k][1]
        on = regions[k][1][np.isclose(regions[k][1] @ normal, c, rtol=0, atol=1e-9 * (1 + abs(c)))]
        ends = on[np.lexsort((on[:, 1], on[:, 0]))][[0, -1]]
        thresholds[target] = (ends[:, 0].copy(), ends[:, 1].copy())
    return regions, thresholds


#: Cells per axis of the fine raster of a phase grid: a prime, so that cell centres
#: ((2i + 1)/194 of the span) miss thresholds at short fractions of it; 97² games keep the exact
#: re-decision near ties affordable.
FINE = 97


def _centres(values: np.ndarray, n: int) -> np.ndarray:
    """``n`` cell centres of a raster spanning the grid's first to last value.

    >>> _centres(np.array([0.0, 1.0]), 4).tolist()
    [0.125, 0.375, 0.625, 0.875]
    """
    lo, hi = float(values[0]), float(values[-1])
    if len(values) < 2 or hi == lo:
        return np.asarray(values, dtype=float)
    return lo + (np.arange(n) + 0.5) * (hi - lo) / n


def _levels_at(game: Game, stack, xn: str, X: np.ndarray, yn: str, Y: np.ndarray) -> np.ndarray:
    """The level at every (X, Y) of a 2×2 stage game under a stack without repeated play."""
    params: list[dict] = [{} for _ in stack]
    for name, values in ((xn, X.ravel()), (yn, Y.ravel())):
        owner = next((k for k, m in enumerate(stack) if name in type(m).RANGES), None)
        if owner is None:
            raise UserInputError(f"no mechanism in the stack has a parameter {name!r}")
        params[owner][name] = values
    n = X.size
    A = np.broadcast_to(game.row_payoffs, (n, 2, 2))
    B = np.broadcast_to(game.col_payoffs, (n, 2, 2))
    return solve_2x2(*batch_apply(A, B, stack, params)).level.reshape(X.shape)


@dataclass(frozen=True)
class ThresholdCurve:
    """A minimal strength as one stage-game payoff varies (None where unreachable).

    ``strengths`` is where the target holds for the link (both governments); on an asymmetric
    link ``player_strengths[i]`` is where government ``players[i]``'s own condition holds (its
    incentive gaps alone), so ``strengths`` is the larger of the two where both are reachable.
    ``player_strengths`` is empty when the thresholds do not split by government: a symmetric
    game, a target other than weak, strict or dominant, or a side payment in the stack.
    """

    payoff: str
    payoff_values: np.ndarray
    parameter: str
    target: str
    strengths: tuple[float | None, ...]
    attained: tuple[bool, ...]
    mechanism: str
    players: tuple[str, str] = ("row government", "column government")
    player_strengths: tuple[tuple[float | None, ...], ...] = ()
    #: The link's name for the title ("Yongkang–Wuyi"): its players joined, empty for an unnamed game.
    link: str = ""


def _splits(game: Game, stack: Sequence[Mechanism], target: str) -> bool:
    """Whether the target's condition is one condition per government, each on its own payoffs."""
    row, col = stage_payoffs(game)
    return target in ("weak", "strict", "dominant") and row != col and not any(hasattr(m, "payer") for m in stack)


def threshold_sweep(
    game: Game,
    mechanism: Mechanism,
    parameter: str,
    payoff: str,
    values: Sequence[float],
    *,
    target: str = "strict",
    others: Sequence[Mechanism] = (),
) -> ThresholdCurve:
    """The minimal strength of ``parameter`` as the payoff ``payoff`` (R, S, T or P) of both
    governments takes each value (the other payoffs fixed).

    On an asymmetric link each government's own threshold is found too: the minimal strength in
    the symmetric game where both have that government's payoffs, whose condition is that
    government's condition for both (:attr:`ThresholdCurve.player_strengths`).

    >>> from games import prisoners_dilemma, RepeatedPlay
    >>> c = threshold_sweep(prisoners_dilemma(T=5, R=3, P=1, S=0), RepeatedPlay(), "discount", "T", [4, 5, 7])
    >>> [round(v, 4) for v in c.strengths]     # δ* = (T − R)/(T − P)
    [0.3333, 0.5, 0.6667]
    """
    if payoff not in "RSTP" or len(payoff) != 1:
        raise UserInputError(f"payoff must be one of R, S, T, P, got {payoff!r}")
    row, col = stage_payoffs(game)
    split = _splits(game, [mechanism, *others], target)
    strengths, attained, own = [], [], ([], [])
    for v in values:
        mine = (row._replace(**{payoff: float(v)}), col._replace(**{payoff: float(v)}))
        varied = stage_game(*mine, players=game.players)
        s = minimal_strength(varied, mechanism, parameter, target, others=others)
        strengths.append(s.value)
        attained.append(s.attained)
        if split:
            for k in (0, 1):
                alone = stage_game(mine[k], mine[k], players=game.players)
                own[k].append(minimal_strength(alone, mechanism, parameter, target, others=others).value)
    players = ("row government", "column government") if tuple(game.players) == ("row", "col") else tuple(map(str, game.players))
    return ThresholdCurve(
        payoff,
        np.asarray(values, dtype=float),
        parameter,
        target,
        tuple(strengths),
        tuple(attained),
        mechanism.describe(),
        players,
        (tuple(own[0]), tuple(own[1])) if split else (),
        "" if tuple(game.players) == ("row", "col") else "–".join(players),
    )


def round_up(value: float) -> float:
    """The least round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10ᵏ) at least 5 % above ``value``.

    >>> round_up(2.5), round_up(0.9), round_up(1), round_up(12), round_up(0)
    (3.0, 1.0, 1.2, 15.0, 1.0)
    """
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value * 1.05))
    return float(tidy(next(m * power for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if m * power >= value * 1.05 * (1 - 1e-12))))


def _nice_step(span: float, count: int) -> float:
    """A step of 1, 2, 2.5 or 5 × 10ᵏ giving about ``count`` intervals over ``span``.

    >>> _nice_step(3, 12), _nice_step(7.5, 12)
    (0.25, 1.0)
    """
    raw = span / count
    power = 10.0 ** math.floor(math.log10(raw))
    return float(tidy(next(m for m in (1, 2, 2.5, 5, 10) if m * power >= raw) * power))


def temptation_values(game: Game, count: int = 12) -> np.ndarray:
    """Round values of the temptation T for a threshold curve: from the larger reward R (rounded
    down to the step) to three temptation gaps above it, in steps of 1, 2, 2.5 or 5 × 10ᵏ.

    >>> from games import prisoners_dilemma
    >>> temptation_values(prisoners_dilemma(T=5, R=4, P=1, S=0)).tolist()[:4]
    [4.0, 4.25, 4.5, 4.75]
    """
    row, col = stage_payoffs(game)
    spread = max(row.T - row.R, col.T - col.R) if max(row.T - row.R, col.T - col.R) > 0 else 1.0
    high = max(row.R, col.R) + 3 * spread
    step = _nice_step(3 * spread, count)
    low = math.floor(max(row.R, col.R) / step) * step
    return np.array([float(tidy(round(low + k * step, 9))) for k in range(math.floor((high - low) / step + 1e-9) + 1)])


def link_threshold(network, link, *, target: str = "strict", values: Sequence[float] | None = None) -> ThresholdCurve:
    """The least discount factor of repeated play reaching ``target`` on a link as its temptation
    T varies over round values (:func:`temptation_values`), named by the link's regions.

    >>> from regions import load_scenario
    >>> net = load_scenario("yongkang-wuyi-jinyun")
    >>> c = link_threshold(net, net.links[0])
    >>> c.link, c.payoff_values[:2].tolist()
    ('Yongkang–Wuyi', [4.0, 4.25])
    """
    from ..network import link_game

    game = link_game(network, link)
    values = temptation_values(game) if values is None else values
    return threshold_sweep(game, RepeatedPlay(), "discount", "T", values, target=target)


def guided_phase(game: Game, guidance: HigherLevelGuidance | None, *, link: str = "", label: str = "", points: int = 41) -> PhaseGrid:
    """The level over subsidy × detection of a link's guidance, with the penalty fixed.

    With ``guidance`` (the scenario's own, called ``label``) its subsidy and detection are the
    operating point, its penalty is kept and stated in the title. Without one a hypothetical
    guidance is drawn, its penalty the largest payoff gap (so full detection alone reaches
    dominance), with no operating point, and the title says it is hypothetical. The subsidy
    axis ends at a round value just past the dominance line (and the operating point).

    >>> from games import prisoners_dilemma
    >>> g = guided_phase(prisoners_dilemma(T=5, R=3, P=1, S=0), None, link="A–B", points=5)
    >>> g.title, g.operating, float(g.x_values[-1])
    ('A–B: a hypothetical guidance, penalty 2 (the largest payoff gap)', None, 2.5)
    >>> guided_phase(prisoners_dilemma(T=5, R=3, P=1, S=0), None, points=3).title
    'A hypothetical guidance, penalty 2 (the largest payoff gap)'
    """
    row, col = stage_payoffs(game)
    gap = max(row.T - row.R, col.T - col.R, row.P - row.S, col.P - col.S)
    where = f"{link}: " if link else ""
    if guidance is None:
        guidance = HigherLevelGuidance(penalty=float(tidy(gap)) if gap > 0 else 1.0)
        title = f"{where}{'a' if link else 'A'} hypothetical guidance, penalty {fmt(guidance.penalty)} (the largest payoff gap)"
        own = False
    else:
        title = f"{where}{label or 'guidance'}, penalty {fmt(float(tidy(guidance.penalty)))}"
        own = True
    # The subsidy that makes cooperation dominant without detection: the dominance line's far end.
    far = minimal_strength(game, replace(guidance, detection=0.0), "subsidy", "dominant")
    reach = max(far.value if far.feasible else 0.0, guidance.subsidy if own else 0.0)
    xs, ys = np.linspace(0, round_up(reach), points), np.linspace(0, 1, points)
    grid = phase_grid(game, guidance, ("subsidy", xs), ("detection", ys))
    if own:
        return replace(grid, title=title, operating_label=f"{label or 'guidance'} now")
    return replace(grid, title=title, operating=None)


def link_phase(network, link, *, points: int = 41) -> PhaseGrid:
    """The phase diagram of a link: :func:`guided_phase` with the link's own stage guidance
    (:func:`solver.stack.link_mechanisms`) if it has one, else a hypothetical one; named by the
    network's display names.

    >>> from regions import load_scenario
    >>> net = load_scenario("yongkang-wuyi-jinyun")
    >>> g = link_phase(net, net.links[0], points=5)
    >>> g.title, g.operating, float(g.x_values[-1])
    ('Yongkang–Wuyi: Jinhua guidance, penalty 2', (0.5, 0.5), 3.0)
    """
    from ..network import link_game
    from ..stack import link_mechanisms

    own = next((m for m in link_mechanisms(network, link) if isinstance(m.mechanism, HigherLevelGuidance)), None)
    name = "–".join(network.region(r).name for r in link.between)
    game = link_game(network, link)
    if own is None:
        return guided_phase(game, None, link=name, points=points)
    return guided_phase(game, own.mechanism, link=name, label=own.label, points=points)
