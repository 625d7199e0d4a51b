"""Scenario discovery: PRIM boxes of the inputs where a yes/no outcome concentrates.

The Patient Rule Induction Method (Friedman and Fisher 1999) looks for a box — an interval per
input, most of them unrestricted — in which the share of cases of interest (the *density*) is
high while the box still holds most of them (the *coverage*). It starts from the box holding
every point and **peels**: of the 2k candidate boxes that drop the ``peel_alpha`` share of the
box's points with the lowest or the highest values of one input, it keeps the one with the
highest density, and repeats while the box holds at least ``mass_min`` of the points. Coverage
falls and density (mostly) rises along this *peeling trajectory*. The *chosen* box is the one
with the largest coverage among those whose density reaches ``threshold``; PRIM then **pastes**
it: of the candidates that widen one restricted limit to take in up to ``paste_alpha`` of the
box's count of the nearest outside points (the most that qualify), it keeps the one with the highest density as long as that
density rises (Friedman and Fisher's rule) or stays at or above ``threshold`` while taking in
more cases of interest (so that a box peeled a little too far, at density 1, grows back to the
true edge). The pasted boxes end the trajectory, and the last one is then the chosen box. When
no box reaches the threshold, the last peel is pasted by the first rule and nothing is chosen.

Definitions (N points, of which Y are cases of interest): mass = n_box / N, density = y_box /
n_box, coverage = y_box / Y.

Limits lie halfway between the last point kept and the first point dropped, so they do not sit
on a sample point. A box holds the points with ``low <= x <= high`` on every input.

The objective is Friedman and Fisher's original one (the density of the remaining box), as
ema-workbench's ``PRIMObjectiveFunctions.ORIGINAL``; ties go to the peel that restricts no new
input, then to the one that keeps more points, then to the input order.

Examples
--------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> X = pd.DataFrame(rng.uniform(size=(2000, 3)), columns=["T", "subsidy", "w"])
>>> y = (X["T"] < 0.3).to_numpy() & (X["subsidy"] > 0.6).to_numpy()
>>> box = chosen(prim(X, y, threshold=1.0))
>>> {k: tuple(round(v, 2) for v in lim) for k, lim in box.limits.items()}
{'T': (-inf, 0.3), 'subsidy': (0.6, inf)}
>>> round(box.density, 2), round(box.coverage, 2)
(1.0, 1.0)

References
----------
Friedman, J. H. and Fisher, N. I. (1999). Bump hunting in high-dimensional data. *Statistics
and Computing* 9, 123–143.
Bryant, B. P. and Lempert, R. J. (2010). Thinking inside the box: a participatory,
computer-assisted approach to scenario discovery. *Technological Forecasting and Social
Change* 77, 34–49.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["Box", "chosen", "prim"]


@dataclass(frozen=True)
class Box:
    """One box of a PRIM trajectory.

    Attributes
    ----------
    limits : dict of str to (float, float)
        ``(low, high)`` of each restricted input (``-inf`` / ``inf`` for an open side); inputs
        not listed are unrestricted.
    coverage : float
        Share of all cases of interest that lie in the box.
    density : float
        Share of the box's points that are cases of interest.
    mass : float
        Share of all points that lie in the box.
    step : int
        Position in the trajectory (0 is the box holding every point).
    stage : str
        ``"start"``, ``"peel"`` or ``"paste"``.
    chosen : bool
        Whether this is the chosen box (at most one box of a trajectory is).
    """

    limits: dict[str, tuple[float, float]]
    coverage: float
    density: float
    mass: float
    step: int
    stage: str
    chosen: bool = False


def prim(
    X: pd.DataFrame,
    y: npt.ArrayLike,
    *,
    threshold: float = 0.8,
    peel_alpha: float = 0.05,
    paste_alpha: float = 0.05,
    mass_min: float = 0.05,
) -> list[Box]:
    """The PRIM trajectory of boxes for the cases of interest ``y`` among the points ``X``.

    Parameters
    ----------
    X : pandas.DataFrame
        One row per point, one numeric column per input.
    y : array of bool (N,)
        Whether each point is a case of interest (e.g. "cooperation fails").
    threshold : float
        Least density of the chosen box, in (0, 1].
    peel_alpha, paste_alpha : float
        Share of the box's points dropped by one peel, taken in by one paste, in (0, 0.5).
    mass_min : float
        Least share of all points a peeled box keeps, in (0, 1).

    Returns
    -------
    list of Box
        The trajectory: the full box, the peels, then the pastes of the chosen box (or of the
        last peel when no box reaches ``threshold``). At most one box has ``chosen`` set; use
        :func:`chosen`.

    Raises
    ------
    ValueError
        If ``X`` is empty or has a non-numeric or non-finite column, ``y`` is not boolean or
        has the wrong length or no case of interest, or a parameter is out of range.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"a": [i / 10 for i in range(20)]})
    >>> boxes = prim(X, X["a"].to_numpy() > 1.45, threshold=1.0, peel_alpha=0.1, mass_min=0.1)
    >>> chosen(boxes).limits, chosen(boxes).coverage
    ({'a': (1.45, inf)}, 1.0)
    """
    x, yv, names = _validate(X, y, threshold, peel_alpha, paste_alpha, mass_min)
    n, k = x.shape
    total_y = int(yv.sum())
    lo = np.full(k, -np.inf)
    hi = np.full(k, np.inf)
    inside = np.ones(n, dtype=bool)
    trajectory = [(lo.copy(), hi.copy(), inside.copy(), "start")]

    # Peeling.
    while True:
        best = _best_peel(x, yv, inside, lo, hi, peel_alpha)
        if best is None:
            break
        j, side, limit, keep = best
        if keep.sum() < mass_min * n:
            break
        inside = keep
        (lo if side == 0 else hi)[j] = limit
        trajectory.append((lo.copy(), hi.copy(), inside.copy(), "peel"))

    def stats(mask: np.ndarray) -> tuple[float, float, float]:
        m = int(mask.sum())
        hits = int(yv[mask].sum())
        return hits / total_y, hits / m, m / n

    scored = [stats(t[2]) for t in trajectory]
    pick = _pick(scored, threshold)

    # Pasting, from the chosen box (or from the last peel when none reaches the threshold).
    start = pick if pick is not None else len(trajectory) - 1
    lo, hi, inside = (a.copy() for a in trajectory[start][:3])
    while True:
        best = _best_paste(x, yv, inside, lo, hi, paste_alpha, threshold if pick is not None else None)
        if best is None:
            break
        j, side, limit, grown = best
        inside = grown
        (lo if side == 0 else hi)[j] = limit
        trajectory.append((lo.copy(), hi.copy(), inside.copy(), "paste"))
        scored.append(stats(inside))

    pick = _pick(scored, threshold)
    boxes = []
    for step, ((blo, bhi, _, stage), (cov, dens, mass)) in enumerate(zip(trajectory, scored)):
        limits = {names[j]: (float(blo[j]), float(bhi[j])) for j in range(k) if np.isfinite(blo[j]) or np.isfinite(bhi[j])}
        boxes.append(Box(limits, cov, dens, mass, step, stage, step == pick))
    return boxes


def chosen(boxes: list[Box]) -> Box | None:
    """The chosen box of a PRIM trajectory, or None when no box reached the threshold.

    Examples
    --------
    >>> chosen([Box({}, 1.0, 0.5, 1.0, 0, "start")]) is None
    True
    """
    return next((b for b in boxes if b.chosen), None)


def _pick(scored: list[tuple[float, float, float]], threshold: float) -> int | None:
    """Index of the box with the largest coverage among those with density ≥ threshold (the later on ties)."""
    best = None
    for i, (cov, dens, _) in enumerate(scored):
        if dens >= threshold - 1e-12 and (best is None or cov >= scored[best][0]):
            best = i
    return best


def _best_peel(x, yv, inside, lo, hi, alpha):
    """The best peel (input, side, new limit, new inside mask), or None if nothing can be peeled."""
    idx = np.flatnonzero(inside)
    m = idx.size
    count = max(1, math.ceil(alpha * m - 1e-9))
    best, best_key = None, None
    for j in range(x.shape[1]):
        order = idx[np.argsort(x[idx, j], kind="stable")]
        v = x[order, j]
        cum = np.concatenate([[0], np.cumsum(yv[order])])
        hits = cum[-1]
        for side in (0, 1):
            if side == 0:  # drop the lowest values
                r = count
                while r < m and v[r] == v[r - 1]:
                    r += 1
                if r >= m:
                    continue
                removed_hits, limit = cum[r], (v[r - 1] + v[r]) / 2
            else:  # drop the highest values
                r = count
                while r < m and v[m - r] == v[m - r - 1]:
                    r += 1
                if r >= m:
                    continue
                removed_hits, limit = hits - cum[m - r], (v[m - r - 1] + v[m - r]) / 2
            kept = m - r
            density = (hits - removed_hits) / kept
            new_input = not (np.isfinite(lo[j]) or np.isfinite(hi[j]))
            key = (density, not new_input, kept)
            if best_key is None or key > best_key:
                best_key = key
                best = (j, side, limit, r)
    if best is None:
        return None
    j, side, limit, _ = best
    keep = inside & ((x[:, j] >= limit) if side == 0 else (x[:, j] <= limit))
    return j, side, limit, keep


def _best_paste(x, yv, inside, lo, hi, alpha, threshold):
    """The best paste (input, side, new limit, new inside mask), or None.

    A paste qualifies if it raises the density or, with a ``threshold``, keeps the density at or
    above it while taking in at least one more case of interest.
    """
    m = int(inside.sum())
    hits_now = int(yv[inside].sum())
    density_now = hits_now / m
    count = max(1, math.ceil(alpha * m - 1e-9))
    best, best_key = None, None
    for j in np.flatnonzero(np.isfinite(lo) | np.isfinite(hi)):
        others = np.ones(x.shape[0], dtype=bool)
        for i in range(x.shape[1]):
            if i != j:
                others &= (x[:, i] >= lo[i]) & (x[:, i] <= hi[i])
        for side in (0, 1):
            if side == 0:
                if not np.isfinite(lo[j]):
                    continue
                cand = np.flatnonzero(others & (x[:, j] < lo[j]))
                order = cand[np.argsort(-x[cand, j], kind="stable")]  # nearest first
            else:
                if not np.isfinite(hi[j]):
                    continue
                cand = np.flatnonzero(others & (x[:, j] > hi[j]))
                order = cand[np.argsort(x[cand, j], kind="stable")]
            if order.size == 0:
                continue
            v = x[order, j]
            size = min(count, order.size)
            r = np.arange(1, size + 1)
            added = np.cumsum(yv[order[:size]])
            density = (hits_now + added) / (m + r)
            whole = np.append(v[r[:-1]] != v[r[:-1] - 1], size == order.size or v[size] != v[size - 1])  # no tie split
            ok = whole & (density > density_now + 1e-12)
            if threshold is not None:
                ok |= whole & (added > 0) & (density >= threshold - 1e-12)
            if not ok.any():
                continue
            i = np.flatnonzero(ok)[-1]  # the most points that qualify
            rr = int(r[i])
            limit = (-np.inf if side == 0 else np.inf) if rr == order.size else (v[rr - 1] + v[rr]) / 2
            key = (float(density[i]), m + rr)
            if best_key is None or key > best_key:
                best_key = key
                best = (j, side, limit)
    if best is None:
        return None
    j, side, limit = best
    new_lo, new_hi = lo.copy(), hi.copy()
    (new_lo if side == 0 else new_hi)[j] = limit
    grown = np.all((x >= new_lo) & (x <= new_hi), axis=1)
    return j, side, limit, grown


def _validate(X, y, threshold, peel_alpha, paste_alpha, mass_min):
    if not isinstance(X, pd.DataFrame) or X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError("prim: X must be a non-empty pandas DataFrame")
    bad = [str(c) for c in X.columns if not pd.api.types.is_numeric_dtype(X[c]) or pd.api.types.is_bool_dtype(X[c])]
    if bad:
        raise ValueError(f"prim: columns must be numeric, not {', '.join(bad)}")
    x = X.to_numpy(dtype=float)
    if not np.all(np.isfinite(x)):
        raise ValueError("prim: X holds non-finite values")
    yv = np.asarray(y)
    if yv.dtype != bool:
        raise ValueError(f"prim: y must be a boolean array, got dtype {yv.dtype}")
    if yv.shape != (x.shape[0],):
        raise ValueError(f"prim: y has shape {yv.shape}, X has {x.shape[0]} rows")
    if not yv.any():
        raise ValueError("prim: y has no case of interest (no True)")
    if not 0 < threshold <= 1:
        raise ValueError(f"prim: threshold must be in (0, 1], got {threshold}")
    for label, a in (("peel_alpha", peel_alpha), ("paste_alpha", paste_alpha)):
        if not 0 < a < 0.5:
            raise ValueError(f"prim: {label} must be in (0, 0.5), got {a}")
    if not 0 < mass_min < 1:
        raise ValueError(f"prim: mass_min must be in (0, 1), got {mass_min}")
    return x, yv, [str(c) for c in X.columns]
