"""Hypothesis strategies that draw from exactly the valid sets of the constructors."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from games import Game, stage_game
from regions import LEVELS, GameSpec, Link, Region, RegionNetwork

small_ints = st.integers(min_value=-5, max_value=5)


@st.composite
def pd_payoffs(draw: st.DrawFn) -> dict[str, float]:
    """R, S, T, P with T > R > P > S (integers, so that thresholds are exact)."""
    s = draw(st.integers(-10, 5))
    p = draw(st.integers(s + 1, s + 6))
    r = draw(st.integers(p + 1, p + 6))
    t = draw(st.integers(r + 1, r + 6))
    return {"R": float(r), "S": float(s), "T": float(t), "P": float(p)}


@st.composite
def bimatrix_games(draw: st.DrawFn, max_size: int = 4, values: st.SearchStrategy[int] = small_ints) -> Game:
    """Random games up to max_size × max_size with small integer payoffs (many ties)."""
    m = draw(st.integers(1, max_size))
    n = draw(st.integers(1, max_size))
    a = draw(st.lists(values, min_size=m * n, max_size=m * n))
    b = draw(st.lists(values, min_size=m * n, max_size=m * n))
    return Game(np.reshape(a, (m, n)), np.reshape(b, (m, n)))


@st.composite
def stage_games(draw: st.DrawFn) -> Game:
    """Random 2×2 stage games (any type, ties allowed)."""
    row = {k: float(draw(small_ints)) for k in "RSTP"}
    col = {k: float(draw(small_ints)) for k in "RSTP"}
    return stage_game(row, col)


# Numbers a scenario accepts: finite, 0 or 1e-100 ≤ |x| (regions.network.MIN_MAGNITUDE).
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False).filter(lambda v: v == 0 or abs(v) >= 1e-100)
def _accepted(v: float) -> bool:
    return v == 0 or abs(v) >= 1e-100


ids = st.from_regex(r"[a-z][a-z0-9_]{0,7}", fullmatch=True)


@st.composite
def networks(draw: st.DrawFn) -> RegionNetwork:
    """Random valid networks: a tree of governments (levels going down) and some links."""
    count = draw(st.integers(1, 8))
    names = draw(st.lists(ids, min_size=count, max_size=count, unique=True))
    regions = []
    for k, rid in enumerate(names):
        parents = [r for r in regions if LEVELS.index(r.level) < len(LEVELS) - 1]
        parent = draw(st.sampled_from([None, *parents])) if parents and k else None
        lowest = LEVELS.index(parent.level) + 1 if parent else 0
        level = draw(st.sampled_from(LEVELS[lowest:]))
        coords = draw(st.none() | st.tuples(st.floats(-180, 180).filter(_accepted), st.floats(-90, 90).filter(_accepted)))
        attributes = draw(st.dictionaries(ids, finite | st.text(max_size=5), max_size=2))
        regions.append(
            Region(
                id=rid,
                name=draw(st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=8)),
                level=level,
                parent=parent.id if parent else None,
                lon=coords[0] if coords else None,
                lat=coords[1] if coords else None,
                name_zh=draw(st.none() | st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=4)),
                attributes=attributes,
            )
        )
    links = []
    if count >= 2:
        pairs = draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names)).filter(lambda p: p[0] != p[1]), max_size=6))
        seen = set()
        for a, b in pairs:
            cluster = draw(st.sampled_from(["hardware", "tools", "tourism"]))
            if (frozenset((a, b)), cluster) in seen:
                continue
            seen.add((frozenset((a, b)), cluster))
            kind = draw(st.sampled_from(["payoffs", "economics"]))
            keys = "RSTP" if kind == "payoffs" else "bcglw"
            values = st.floats(0, 1e3).filter(_accepted) if kind == "economics" else finite
            row = {k: draw(values) for k in keys}
            col = draw(st.none() | st.fixed_dictionaries({k: values for k in keys}))
            links.append(Link((a, b), cluster, draw(st.floats(1e-3, 1e3)), GameSpec(kind, row, col), note=draw(st.text(max_size=6))))
    return RegionNetwork(regions, links, name=draw(st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=10).filter(str.strip)), note=draw(st.text(max_size=10)))
