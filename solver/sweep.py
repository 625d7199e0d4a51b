"""Parameter sweeps: a grid or a seeded random sample over stage-game and mechanism parameters,
evaluated in vectorized chunks on one core, all cores, or a dask cluster.

A sweep specification (TOML)::

    [sweep]
    name = "guidance: subsidy × detection"
    mode = "grid"                  # or "random", with samples = 10000 and seed = 0

    [game]                         # the base 2×2 stage game (as a scenario link's spec) …
    payoffs = { R = 3, S = -1, T = 4, P = 0 }
    # … or a scenario's link: scenario = "yongkang-wuyi-jinyun", link = "yongkang-jinyun"

    [[mechanisms]]                 # applied in order, as in a scenario (without by/links)
    kind = "higher_level_guidance"
    penalty = 2

    [parameters]                   # what varies: a range or a list of values
    "higher_level_guidance.subsidy" = { from = 0, to = 3, points = 21 }
    "higher_level_guidance.detection" = [0, 0.25, 0.5, 0.75, 1]
    "game.T" = { from = 3.5, to = 6, points = 6 }   # both governments' T; game.row.T for one

    [[design]]                     # optional: a minimal strength at every point
    mechanism = "binding_contract"
    parameter = "breach_penalty"
    target = "strict"

The result is a tidy :class:`pandas.DataFrame`, one row per point: the parameters, the level
and the report's booleans, the equilibria (count, pure profiles, the mixed one), degeneracy,
and for each design entry the minimal strength and the payer's net cost per play at (C, C).
Every 2×2 point goes through the exact vectorized path of :mod:`solver.kernels.fast2x2`; a stack with
repeated play has the induced games of all points solved at once (:mod:`games.repeated_batch`)
and each report decided on arrays where every sign is outside its error band
(:mod:`solver.repeated_batch`), the rest point by point on the exact induced game. The result does not depend on the executor or the number of
workers: points are drawn up front (seeded) and chunks are put back in order.

Examples
--------
>>> spec = parse_sweep({"game": {"payoffs": {"R": 3, "S": 0, "T": 5, "P": 1}},
...                     "mechanisms": [{"kind": "higher_level_guidance"}],
...                     "parameters": {"higher_level_guidance.subsidy": [0, 2, 3]}})
>>> run_sweep(spec, executor="serial")[["higher_level_guidance.subsidy", "level"]].values.tolist()
[[0.0, 'none'], [2.0, 'weak'], [3.0, 'dominant']]
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from games import MECHANISMS, Game, Mechanism, RepeatedPlay, apply, stage_payoffs
from games.errors import UserInputError
from regions import EntryError, MechanismSpec, atomic_write, read_toml
from regions.network import did_you_mean as did_you_mean_text
from regions.network import in_range, out_of_range, whole_number

from .cooperation import LEVELS, stability
from .design.batch import batch_apply, batch_minimal_strength, cost_at_cc
from .design.strength import minimal_strength
from .kernels.fast2x2 import solve_2x2
from .progress import stage
from .repeated_batch import RepeatedLevels, certified_levels

__all__ = ["EXECUTORS", "SweepError", "SweepSpec", "evaluate", "load_sweep", "parse_sweep", "run_sweep", "save_table", "sweep_points"]

EXECUTORS = ("serial", "processes", "dask")
#: Largest number of points a sweep may have (memory: about 1 kB a row).
MAX_POINTS = 5_000_000
_PAYOFF_KEYS = ("R", "S", "T", "P")
_PURE = ("CC", "CD", "DC", "DD")
#: "CC|DD"-style labels of the 16 sets of pure equilibria, indexed by a 4-bit mask.
_PURE_SETS = np.array(["|".join(p for k, p in enumerate(_PURE) if mask >> k & 1) for mask in range(16)], dtype=object)


class SweepError(UserInputError):
    """A bad sweep specification; the message names the file and the field (one line)."""

    def __init__(self, message: str) -> None:
        from regions.network import printable

        super().__init__(printable(message))


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep: base game, mechanism templates, parameter values, design entries."""

    game: Game
    mechanisms: tuple[Mechanism, ...]
    parameters: dict[str, np.ndarray]
    mode: str = "grid"
    samples: int = 0
    seed: int = 0
    design: tuple[tuple[int, str, str], ...] = ()
    name: str = ""
    source: str = "<spec>"
    names: tuple[str, ...] = field(default=())


def _fail(source: str, where: str, message: str) -> SweepError:
    return SweepError(f"{source}: {where}: {message}" if where else f"{source}: {message}")


def _axis(source: str, name: str, value: Any) -> int:
    """Check one parameter's values (a list, or a range ``{ from, to, points }``) without building
    them, and return how many there are: every number obeys the scenario files' range
    (:func:`regions.network.in_range`) and no axis has more than :data:`MAX_POINTS` values, so
    nothing is allocated for a sweep that would be refused."""
    where = f"[parameters], field '{name}'"
    if isinstance(value, list):
        if not value:
            raise _fail(source, where, "the list of values is empty")
        if len(value) > MAX_POINTS:
            raise _fail(source, where, f"{len(value):,} values is more than the limit of {MAX_POINTS:,} points")
        for v in value:
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise _fail(source, where, f"values must be numbers, got {type(v).__name__} {v!r}")
            if not in_range(v):
                raise _fail(source, where, out_of_range(v))
        return len(value)
    if isinstance(value, Mapping):
        unknown = set(value) - {"from", "to", "points"}
        if unknown:
            raise _fail(source, where, f"unknown key '{sorted(map(str, unknown))[0]}' (a range has from, to, points)")
        for key in ("from", "to"):
            if key not in value:
                raise _fail(source, where, f"the range needs '{key}'")
            v = value[key]
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise _fail(source, where, f"{key} must be a number, got {type(v).__name__} {v!r}")
            if not in_range(v):
                raise _fail(source, where, f"{key}: {out_of_range(v)}")
        points = value.get("points", 11)
        if isinstance(points, bool) or not isinstance(points, int) or points < 1:
            shown = whole_number(points) if isinstance(points, int) and not isinstance(points, bool) else repr(points)
            raise _fail(source, where, f"points must be a whole number ≥ 1, got {shown}")
        if points > MAX_POINTS:
            raise _fail(source, where, f"points = {whole_number(points)} is more than the limit of {MAX_POINTS:,} points")
        lo, hi = value["from"], value["to"]
        if hi < lo or (hi == lo and points > 1):
            raise _fail(source, where, f"the range is empty (from {lo:g} to {hi:g})")
        return points
    raise _fail(source, where, f"give a range {{ from, to, points }} or a list of values, got {value!r}")


def _values(value: Any) -> np.ndarray:
    """The values of one parameter checked by :func:`_axis`, as floats."""
    if isinstance(value, list):
        return np.array([float(v) for v in value])
    return np.linspace(float(value["from"]), float(value["to"]), value.get("points", 11))


def parse_sweep(doc: Mapping[str, Any], source: str = "<spec>") -> SweepSpec:
    """Validate a parsed sweep specification (see the module notes)."""
    from games import stage_game

    from .network import link_game
    from .stack import to_mechanism

    known = ("sweep", "game", "mechanisms", "parameters", "design")
    for key in doc:
        if key not in known:
            raise _fail(source, "top level", f"unknown table '{key}'{did_you_mean_text(key, known)}")
    head = doc.get("sweep", {})
    if not isinstance(head, Mapping):
        raise _fail(source, "[sweep]", f"must be a table, got {type(head).__name__}")
    for key in ("mechanisms", "design"):
        if not isinstance(doc.get(key, []), list):
            raise _fail(source, f"[[{key}]]", f"must be an array of tables, got {type(doc[key]).__name__}")
    for key in head:
        if key not in ("name", "mode", "samples", "seed"):
            raise _fail(source, f"[sweep], field '{key}'", f"unknown key{did_you_mean_text(key, ('name', 'mode', 'samples', 'seed'))}")
    mode = head.get("mode", "grid")
    if mode not in ("grid", "random"):
        raise _fail(source, "[sweep], field 'mode'", f"must be 'grid' or 'random', got {mode!r}")
    samples = head.get("samples", 0)
    seed = head.get("seed", 0)
    if mode == "random" and (isinstance(samples, bool) or not isinstance(samples, int) or samples < 1):
        shown = whole_number(samples) if isinstance(samples, int) and not isinstance(samples, bool) else repr(samples)
        raise _fail(source, "[sweep], field 'samples'", f"a random sweep needs samples ≥ 1, got {shown}")
    if mode == "random" and samples > MAX_POINTS:
        raise _fail(source, "[sweep], field 'samples'", f"{whole_number(samples)} points is more than the limit of {MAX_POINTS:,}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        shown = whole_number(seed) if isinstance(seed, int) and not isinstance(seed, bool) else repr(seed)
        raise _fail(source, "[sweep], field 'seed'", f"must be a whole number ≥ 0, got {shown}")
    game_table = doc.get("game")
    if not isinstance(game_table, Mapping):
        raise _fail(source, "[game]", "is missing (payoffs = {R, S, T, P}, economics = {…}, or scenario and link)")
    link = None
    if "scenario" in game_table:
        from regions import load_scenario

        extra = set(game_table) - {"scenario", "link"}
        if extra:
            raise _fail(source, f"[game], field '{sorted(extra)[0]}'", "give scenario and link, or payoffs/economics, not both")
        network = load_scenario(str(game_table["scenario"]))
        pair = set(str(game_table.get("link", "")).replace("–", "-").split("-", 1))
        link = next((k for k in network.links if set(k.between) == pair), None)
        if link is None:
            raise _fail(source, "[game], field 'link'", f"no link {game_table.get('link')!r} in {network.name}")
        game = link_game(network, link)
    else:
        from regions import GameSpec

        kinds = [k for k in ("payoffs", "economics") if k in game_table]
        extra = set(game_table) - {"payoffs", "economics"}
        if extra or len(kinds) != 1:
            raise _fail(source, "[game]", "give exactly one of payoffs or economics (or scenario and link)")
        value = game_table[kinds[0]]
        try:
            spec = GameSpec(kinds[0], value["row"], value["col"]) if isinstance(value, Mapping) and "row" in value else GameSpec(kinds[0], value)
        except (EntryError, KeyError, TypeError) as err:
            raise _fail(source, "[game]", str(err)) from err
        row, col = spec.values()
        if kinds[0] == "economics":
            from games import cluster_game

            game = cluster_game(row=row, col=col)
        else:
            game = stage_game(row, col)
    mechanisms: list[Mechanism] = []
    kinds_seen: list[str] = []
    for k, table in enumerate(doc.get("mechanisms", []), 1):
        where = f"[[mechanisms]] #{k}"
        if not isinstance(table, Mapping) or "kind" not in table:
            raise _fail(source, where, "needs a kind")
        params = {key: v for key, v in table.items() if key != "kind"}
        for bad in ("by", "links"):
            if bad in params:
                raise _fail(source, f"{where}, field '{bad}'", "a sweep has one link: no by or links")
        try:
            mspec = MechanismSpec(str(table["kind"]), params)
        except EntryError as err:
            raise _fail(source, f"{where}, field '{err.field}'", err.detail) from err
        if "payer" in mspec.parameters:
            if link is None:
                raise _fail(source, f"{where}, field 'payer'", "with payoffs given directly, the payer is 0 (row) or 1 (column): use a scenario link")
        if link is not None:
            mechanisms.append(to_mechanism(mspec, link))
        else:
            mechanisms.append(MECHANISMS[mspec.kind](**dict(mspec.parameters)))
        kinds_seen.append(mspec.kind)
    parameters: dict[str, np.ndarray] = {}
    raw = doc.get("parameters", {})
    if not isinstance(raw, Mapping) or not raw:
        raise _fail(source, "[parameters]", "is missing or empty: name at least one parameter to vary")
    valid = [f"game.{p}" for p in _PAYOFF_KEYS] + [f"game.{s}.{p}" for s in ("row", "col") for p in _PAYOFF_KEYS]
    valid += [f"{kind}.{p}" for kind in kinds_seen for p in MECHANISMS[kind].RANGES]
    sizes = {}
    for name, value in raw.items():
        if name not in valid:
            raise _fail(source, f"[parameters], field '{name}'", f"unknown parameter{did_you_mean_text(name, valid)}; parameters: {', '.join(valid)}")
        sizes[name] = _axis(source, name, value)
    total = math.prod(sizes.values())  # Python ints: checked before any point is built
    if mode == "grid" and total > MAX_POINTS:
        product = " × ".join(f"{n:,}" for n in sizes.values())
        raise _fail(source, "[parameters]", f"{product} = {whole_number(total)} points is more than the limit of {MAX_POINTS:,}")
    for name, value in raw.items():
        parameters[name] = _values(value)
        if name.split(".")[0] in MECHANISMS:
            kind, param = name.split(".")
            low, high, open_low, open_high = MECHANISMS[kind].RANGES[param]
            arr = parameters[name]
            if np.any(arr < low) or np.any(arr > high) or (open_low and np.any(arr == low)) or (open_high and np.any(arr == high)):
                raise _fail(source, f"[parameters], field '{name}'", f"values must lie in the parameter's range [{low:g}, {high:g}]")
    design = []
    for k, entry in enumerate(doc.get("design", []), 1):
        where = f"[[design]] #{k}"
        if not isinstance(entry, Mapping):
            raise _fail(source, where, "must be a table")
        kind, param, target = entry.get("mechanism"), entry.get("parameter"), entry.get("target", "strict")
        if kind not in kinds_seen:
            raise _fail(source, f"{where}, field 'mechanism'", f"{kind!r} is not one of the sweep's mechanisms ({', '.join(kinds_seen) or 'none'})")
        if not isinstance(param, str):
            known = ", ".join(MECHANISMS[kind].RANGES)
            raise _fail(source, f"{where}, field 'parameter'", f"must be a string naming a parameter of {kind} ({known}), got {type(param).__name__} {param!r}")
        if param not in MECHANISMS[kind].RANGES:
            raise _fail(source, f"{where}, field 'parameter'", f"{kind} has no parameter {param!r}{did_you_mean_text(param, MECHANISMS[kind].RANGES)}")
        if target not in LEVELS[:-1]:
            raise _fail(source, f"{where}, field 'target'", f"must be one of {', '.join(LEVELS[:-1])}")
        design.append((kinds_seen.index(kind), param, target))
    return SweepSpec(game, tuple(mechanisms), parameters, mode, samples, seed, tuple(design), str(head.get("name", "")), source)


def load_sweep(path: str | os.PathLike[str]) -> SweepSpec:
    """Read and validate a sweep specification file."""
    return parse_sweep(read_toml(path, SweepError), str(path))


def sweep_points(spec: SweepSpec) -> pd.DataFrame:
    """The points of a sweep: the full grid, or ``samples`` seeded uniform draws within each
    parameter's range (lists are sampled from their values)."""
    names = list(spec.parameters)
    if spec.mode == "grid":
        mesh = np.meshgrid(*spec.parameters.values(), indexing="ij")  # the first parameter varies slowest
        return pd.DataFrame({name: m.ravel() for name, m in zip(names, mesh)}, columns=names)
    rng = np.random.default_rng(spec.seed)
    cols = {}
    for name, values in spec.parameters.items():
        cols[name] = rng.uniform(values.min(), values.max(), spec.samples) if len(values) > 2 else rng.choice(values, spec.samples)
    return pd.DataFrame(cols, columns=names)


def _arrays(spec: SweepSpec, points: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Stage payoffs at every point after the stage mechanisms (vectorized)."""
    A, B = _base(spec, points)
    return batch_apply(A, B, spec.mechanisms, [_params(spec, m, points) for m in spec.mechanisms])


def _base(spec: SweepSpec, points: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The base stage payoffs at every point (the game.* parameters applied)."""
    n = len(points)
    row, col = stage_payoffs(spec.game)
    values = {}
    for side, base in (("row", row), ("col", col)):
        for key in _PAYOFF_KEYS:
            v = np.full(n, getattr(base, key))
            for name in (f"game.{key}", f"game.{side}.{key}"):
                if name in points:
                    v = points[name].to_numpy(dtype=float)
            values[side, key] = v
    A = np.stack([np.stack([values["row", "R"], values["row", "S"]], 1), np.stack([values["row", "T"], values["row", "P"]], 1)], 1)
    B = np.stack([np.stack([values["col", "R"], values["col", "T"]], 1), np.stack([values["col", "S"], values["col", "P"]], 1)], 1)
    return A, B


def _params(spec: SweepSpec, m: Mechanism, points: pd.DataFrame) -> dict[str, np.ndarray]:
    n = len(points)
    out = {}
    for name in type(m).RANGES:
        column = f"{m.kind}.{name}"
        if column in points and spec.mechanisms[[x.kind for x in spec.mechanisms].index(m.kind)] is m:
            out[name] = points[column].to_numpy(dtype=float)
        else:
            out[name] = np.full(n, getattr(m, name))
    return out


def _design_vectorized(spec: SweepSpec, points: pd.DataFrame, index: int, parameter: str, target: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Analytic minimal strength at every point (:func:`solver.design.batch_minimal_strength`)."""
    if any(isinstance(m, RepeatedPlay) for m in spec.mechanisms):
        return None
    base_a, base_b = _base(spec, points)
    params = [_params(spec, m, points) for m in spec.mechanisms]
    found = batch_minimal_strength(base_a, base_b, spec.mechanisms, index, parameter, target, params)
    if found is None:
        return None
    value, _closed, used = found
    return value, used


def evaluate(spec: SweepSpec, points: pd.DataFrame) -> pd.DataFrame:
    """Evaluate a chunk of points: one output row per input row (same order)."""
    points = points.reset_index(drop=True)
    out = points.copy()
    if any(isinstance(m, RepeatedPlay) for m in spec.mechanisms):
        batch = _repeated_batch(spec, points)
        decided = np.zeros(len(points), dtype=bool) if batch is None else batch.decided
        rows: list[tuple] = [()] * len(points)
        if batch is not None:  # decided on arrays (solver.repeated_batch), identical to the exact path
            names = ("nash", "strict", "unique", "dominant", "risk_dominant")
            columns = [[LEVELS[c] for c in batch.level.tolist()], *(getattr(batch, f).tolist() for f in names), batch.count.tolist()]
            for t in np.flatnonzero(decided).tolist():
                rows[t] = (*(c[t] for c in columns), "", False, np.nan, np.nan, False, False)
        for t in np.flatnonzero(~decided).tolist():
            p = points.iloc[t]
            stack = [replace(m, **{k.split(".")[1]: float(p[k]) for k in points if k.split(".")[0] == m.kind}) for m in spec.mechanisms]
            game = _game_at(spec, p)
            report = stability(apply(game, *stack), basin=False, method="fast")
            flags = (report.nash, report.strict, report.unique, report.dominant, report.risk_dominant)
            eqs = report.equilibria
            rows[t] = (report.level, *flags, len(eqs), "", False, np.nan, np.nan, eqs.degenerate, eqs.continuum)
        cols = ["level", "nash", "strict", "unique", "dominant", "risk_dominant", "equilibria", "pure", "mixed", "p_mixed", "q_mixed"]
        cols += ["degenerate", "continuum"]
        for name, values in zip(cols, zip(*rows)):
            out[name] = list(values)
    else:
        A, B = _arrays(spec, points)
        r = solve_2x2(A, B, payoffs=False)
        out["level"] = pd.Series(r.level, dtype=object)
        for name in ("nash", "strict", "unique", "dominant", "risk_dominant"):
            out[name] = getattr(r, name)
        out["equilibria"] = r.count
        pure = ((r.p == 0) | (r.p == 1)) & ((r.q == 0) | (r.q == 1))
        code = ((r.p == 0) * 2 + (r.q == 0)).astype(np.int64)
        bits = np.where(pure, 1 << np.clip(code, 0, 3), 0).sum(axis=1)  # which of CC, CD, DC, DD are equilibria
        out["pure"] = pd.Series(_PURE_SETS[bits], dtype=object)
        mixed = ~pure & ~np.isnan(r.p)
        first = np.argmax(mixed, axis=1)
        has = mixed.any(axis=1)
        out["mixed"] = has
        out["p_mixed"] = np.where(has, r.p[np.arange(len(points)), first], np.nan)
        out["q_mixed"] = np.where(has, r.q[np.arange(len(points)), first], np.nan)
        out["degenerate"] = r.degenerate
        out["continuum"] = r.continuum
    for index, parameter, target in spec.design:
        m = spec.mechanisms[index]
        column = f"min:{m.kind}.{parameter}"
        found = _design_vectorized(spec, points, index, parameter, target)
        if found is None:
            values = []
            for _, p in points.iterrows():
                stack = [replace(x, **{k.split(".")[1]: float(p[k]) for k in points if k.split(".")[0] == x.kind}) for x in spec.mechanisms]
                s = minimal_strength(_game_at(spec, p), stack[index], parameter, target, others=stack[:index] + stack[index + 1 :])
                values.append((s.value if s.feasible else np.nan, s.used if s.feasible else np.nan))
            value, used = (np.array(v, dtype=float) for v in zip(*values)) if values else (np.array([]), np.array([]))
        else:
            value, used = found
        out[column] = value
        at = {**_params(spec, m, points), parameter: used}
        payer, cost = cost_at_cc(m, at)
        out[f"cost:{m.kind}.{parameter}"] = np.where(np.isnan(value), np.nan, cost)
        out[f"payer:{m.kind}.{parameter}"] = payer
    return out


def _repeated_batch(spec: SweepSpec, points: pd.DataFrame) -> RepeatedLevels | None:
    """The repeated-play points decided on arrays (:mod:`solver.repeated_batch`), or None.

    The exact stage game (after the stage mechanisms) is built once per combination of the
    other parameters; δ and ε are the exact path's rationals (ε strengthened by third parties)
    as floats. Undecided points go through the exact path, point by point.
    """
    from fractions import Fraction

    from games import ThirdPartyOrganization
    from games.mechanisms import exact_parameter
    from games.repeated import EXACT_STATES
    from games.repeated_batch import induced_batch

    reps = [m for m in spec.mechanisms if isinstance(m, RepeatedPlay)]
    if len(reps) != 1 or max(len(x.actions) for x in reps[0].strategies) ** 2 > EXACT_STATES or not len(points):
        return None
    rep, n = reps[0], len(points)
    own = ("repeated_play.discount", "repeated_play.noise")
    delta = points[own[0]].to_numpy(dtype=float) if own[0] in points else np.full(n, rep.discount)
    noise = points[own[1]].to_numpy(dtype=float) if own[1] in points else np.full(n, rep.noise)
    keys = [c for c in points.columns if c not in own]
    if keys:
        _, first, inverse = np.unique(points[keys].to_numpy(dtype=float), axis=0, return_index=True, return_inverse=True)
        inverse = np.ravel(inverse)
    else:
        first, inverse = np.array([0]), np.zeros(n, dtype=np.intp)
    a, b = np.empty((len(first), 2, 2)), np.empty((len(first), 2, 2))
    miss: list[Fraction] = []
    for g, i in enumerate(first):
        p = points.iloc[int(i)]
        stack = [replace(m, **{k.split(".")[1]: float(p[k]) for k in keys if k.split(".")[0] == m.kind}) for m in spec.mechanisms if m is not rep]
        stage = apply(_game_at(spec, p), *stack)
        a[g] = [[float(v) for v in row] for row in stage.exact[0]]
        b[g] = [[float(v) for v in row] for row in stage.exact[1]]
        miss.append(math.prod((1 - exact_parameter(m.detection) for m in stack if isinstance(m, ThirdPartyOrganization)), start=Fraction(1)))
    exact: dict[tuple[float, Fraction], float] = {}
    for e, g in zip(noise.tolist(), inverse.tolist()):
        if (e, miss[g]) not in exact:
            exact[e, miss[g]] = float(exact_parameter(e) * miss[g])
    eps = np.array([exact[e, miss[g]] for e, g in zip(noise.tolist(), inverse.tolist())])
    values, back = np.unique(delta, return_inverse=True)
    disc = np.array([float(exact_parameter(d)) for d in values])[np.ravel(back)]
    return certified_levels(induced_batch(a[inverse], b[inverse], rep.strategies, disc, eps, decimals=False))


def _game_at(spec: SweepSpec, p: pd.Series) -> Game:
    from games import stage_game

    row, col = stage_payoffs(spec.game)
    r, c = row._asdict(), col._asdict()
    for key in _PAYOFF_KEYS:
        if f"game.{key}" in p:
            r[key] = c[key] = float(p[f"game.{key}"])
        if f"game.row.{key}" in p:
            r[key] = float(p[f"game.row.{key}"])
        if f"game.col.{key}" in p:
            c[key] = float(p[f"game.col.{key}"])
    return stage_game(r, c, players=spec.game.players)


def _chunks(points: pd.DataFrame, size: int) -> list[pd.DataFrame]:
    return [points.iloc[k : k + size] for k in range(0, len(points), size)] or [points]


def run_sweep(
    spec: SweepSpec,
    *,
    executor: str = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    chunk_size: int = 20_000,
) -> pd.DataFrame:
    """Evaluate every point of a sweep; the same DataFrame whatever the executor.

    Parameters
    ----------
    executor : {"serial", "processes", "dask"}
        One core; all cores (``workers``, default ``os.cpuwhole_number()``); or a ``dask.distributed``
        scheduler at ``scheduler`` (an address such as ``tcp://127.0.0.1:8786``).
    chunk_size : int
        Points per task; the chunks done are announced as a :func:`solver.progress.stage` (the
        command line shows them on a terminal).
    """
    if executor not in EXECUTORS:
        raise UserInputError(f"executor must be one of {', '.join(EXECUTORS)}, got {executor!r}")
    if executor == "dask" and not scheduler:
        raise UserInputError("the dask executor needs a scheduler address (e.g. tcp://127.0.0.1:8786)")
    points = sweep_points(spec)
    chunks = _chunks(points, max(1, int(chunk_size)))
    results: list[pd.DataFrame] = []
    label = f"sweep {spec.name}" if spec.name else "sweep"
    with stage(f"{label}: {len(points):,} points in chunks", total=len(chunks)) as advance:
        if executor == "serial" or (len(chunks) == 1 and executor != "dask"):
            for chunk in chunks:
                results.append(evaluate(spec, chunk))
                advance()
        elif executor == "processes":
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(max_workers=workers or os.cpuwhole_number()) as pool:
                for frame in pool.map(evaluate, [spec] * len(chunks), chunks):
                    results.append(frame)
                    advance()
        else:
            from distributed import Client

            try:
                client = Client(scheduler, timeout="10s")
            except (OSError, TimeoutError, MemoryError, ValueError) as err:
                # An unreachable or malformed address: say which, in one line (a wrong port can
                # even surface as a MemoryError from a non-dask peer's reply).
                raise UserInputError(f"cannot reach the dask scheduler at {scheduler}: {type(err).__name__}: {err}") from err
            with client:
                futures = client.map(evaluate, [spec] * len(chunks), chunks, pure=False)
                for future in futures:
                    results.append(future.result())
                    advance()
    return pd.concat(results, ignore_index=True)


def save_table(frame: pd.DataFrame, path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Write a result table as CSV or Parquet (by extension), atomically.

    Raises
    ------
    SweepError
        For another extension, an existing file without ``force``, or Parquet without pyarrow.
    """
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in (".csv", ".parquet"):
        raise SweepError(f"{path}: the format follows the extension; use .csv or .parquet")
    if path.exists() and not force:
        raise SweepError(f"{path}: the file exists; use --force to overwrite it")
    if ext == ".parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise SweepError(f"{path}: Parquet needs pyarrow (pip install 'intergov[parquet]'); or write .csv") from None
    if ext == ".csv":
        return atomic_write(path, lambda tmp: frame.to_csv(tmp, index=False))
    return atomic_write(path, lambda tmp: frame.to_parquet(tmp, index=False))


def phase_from_table(source: str | os.PathLike[str] | pd.DataFrame, x: str, y: str):
    """A :class:`~solver.design.phase.PhaseGrid` from a sweep table over two parameters.

    Every other parameter column must hold one value, and the table must be the full grid of
    ``x`` × ``y``.
    """
    from .design.phase import PhaseGrid

    name = str(source) if not isinstance(source, pd.DataFrame) else "<table>"
    if isinstance(source, pd.DataFrame):
        frame = source
    else:
        path = Path(source)
        try:
            frame = pd.read_parquet(path) if path.suffix.lower() == ".parquet" else pd.read_csv(path)
        except (OSError, ValueError, ImportError) as err:
            raise SweepError(f"{name}: cannot read the sweep table: {err}") from err
    for column in (x, y, "level"):
        if column not in frame:
            raise SweepError(f"{name}: no column {column!r}; columns: {', '.join(map(str, frame.columns))}")
    params = [c for c in frame.columns if "." in str(c) and not str(c).startswith(("min:", "cost:", "payer:"))]
    for c in params:
        if c not in (x, y) and frame[c].nunique() > 1:
            raise SweepError(f"{name}: the column {c!r} varies too; a phase diagram needs the other parameters fixed")
    xs, ys = np.sort(frame[x].unique()), np.sort(frame[y].unique())
    table = frame.pivot_table(index=y, columns=x, values="level", aggfunc="first")
    if table.shape != (len(ys), len(xs)) or table.isna().any().any():
        raise SweepError(f"{name}: the table is not a full grid over {x} × {y}")
    levels = table.reindex(index=ys, columns=xs).to_numpy(dtype=object)
    return PhaseGrid(x.split(".")[-1], xs, y.split(".")[-1], ys, levels, {}, name)
