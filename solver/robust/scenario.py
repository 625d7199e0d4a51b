"""A scenario under uncertainty: sampled worlds, and each link's levels and robust strengths in them.

:func:`robustness` samples the scenario's uncertain quantities (``network.uncertainty``; scrambled
Sobol' points in :data:`QMC_GROUPS` independent scramblings, or plain Monte Carlo), builds each
link's stage games and mechanism parameters in every world as arrays, and reports per link and
option (the status quo, each of the link's scenario mechanisms alone, and all of them together):

* the probability of each cooperation level, and of the target level or better, with its
  interval (the spread over the scramblings for QMC, Wilson's for Monte Carlo);
* the robust minimal strength of each stage mechanism: the least value of its primary parameter
  at which the target holds in at least ``confidence`` of the worlds
  (:func:`solver.robust.robust_strength`), with the expected cost there;
* for the city group, the share of link weight at the target, its mean and interval;
* Sobol' indices of the share (all mechanisms) and, per link and stage mechanism, of the
  pointwise minimal strength (:data:`CENSOR_SHARE` says how unreachable worlds are handled).

The worlds are sampled once, in the calling process; the work is split into tasks (one per link,
one for the share's Sobol' design) that run on one core (``executor="serial"``), on a process
pool (``"processes"``) or on a ``dask.distributed`` scheduler (``"dask"``). A task receives the
scenario as text (:func:`regions.dumps_scenario`, whose round trip keeps the distributions and
names) and the sampled worlds as a DataFrame, so every executor computes the same numbers and
``json.dumps(r.to_dict(), sort_keys=True)`` is the same bytes.

Everything is vectorized over the worlds except repeated play, whose induced games are solved
world by world (about a millisecond each).

Examples
--------
>>> from regions import loads_scenario
>>> net = loads_scenario('''
... [scenario]
... name = "one link"
... [[regions]]
... id = "p"
... level = "province"
... [[regions]]
... id = "a"
... level = "county"
... parent = "p"
... [[regions]]
... id = "b"
... level = "county"
... parent = "p"
... [[links]]
... between = ["a", "b"]
... payoffs = { R = 3, S = 0, T = { uniform = [4, 6] }, P = 1 }
... [[mechanisms]]
... kind = "higher_level_guidance"
... by = "p"
... subsidy = 1.5
... ''')
>>> r = robustness(net, samples=1024, seed=1)
>>> round(r.links[0].options[1].target.p, 2)       # P(T ≤ 4.5) for T uniform on [4, 6]
0.25
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from games import Mechanism
from games.errors import UserInputError
from regions import PRIMARY_PARAMETER, RegionNetwork, dumps_scenario, loads_scenario

from ..cooperation import LEVELS
from ..design.batch import BATCH_TARGETS
from ..design.gaps import fmt
from ..progress import stage
from ..stack import link_mechanisms
from ..sweep import EXECUTORS
from .engine import RobustStrength, level_codes, pointwise_strength, robust_strength
from .estimate import Estimate, probability
from .prim import Box, chosen, prim
from .sobol import SobolIndex, sobol_indices

__all__ = [
    "CENSOR_SHARE",
    "QMC_GROUPS",
    "LinkRobustness",
    "OptionRobustness",
    "Robustness",
    "link_arrays",
    "links_at_target",
    "robustness",
    "sample_worlds",
    "share_at_target",
]

#: Independent scramblings of the Sobol' points; their spread gives the QMC interval.
QMC_GROUPS = 8
#: The fewest Sobol' points per scrambling (the intervals' coverage was measured from 8 on).
MIN_PER_GROUP = 8
#: The largest base sample (as a power of two) of the Sobol' indices' Saltelli design.
SOBOL_MAX_LOG2 = 14
#: The minimal strength's Sobol' indices: a world where no value of the parameter reaches the
#: target (+∞) is censored at the largest finite strength of the design when at most this share
#: of the design is unreachable, and the indices are not computed (with a note) above it.
CENSOR_SHARE = 0.05
#: PRIM looks for its box in at most this many worlds (the first ones, a balanced QMC subset).
PRIM_WORLDS = 20_000
#: The payoff of each cell of a 2×2 game from the cluster economics (b, c, g, l, w), as
#: :func:`games.cluster_payoffs` defines them: R = b − c, S = −c − l, T = g, P = −w.
_ECONOMICS = {"R": lambda v: v["b"] - v["c"], "S": lambda v: -v["c"] - v["l"], "T": lambda v: v["g"], "P": lambda v: -v["w"]}


@dataclass(frozen=True)
class OptionRobustness:
    """One option of a link (status quo, a mechanism, all together) over the worlds."""

    option: str
    levels: Mapping[str, Estimate]
    target: Estimate


@dataclass(frozen=True)
class LinkRobustness:
    """A link over the worlds: each option, and each stage mechanism's robust minimal strength."""

    between: tuple[str, str]
    cluster: str
    options: tuple[OptionRobustness, ...]
    strengths: Mapping[str, RobustStrength | None]
    #: Per stage mechanism (label) with a primary parameter, the Sobol' indices of the pointwise
    #: minimal strength with respect to each quantity (empty when not computed) ...
    strength_sobol: Mapping[str, Mapping[str, SobolIndex]] = field(default_factory=dict)
    #: ... and how they were computed: design size, censoring, or why there are none.
    strength_sobol_note: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Robustness:
    """The robustness of a scenario's conclusions (:func:`robustness`)."""

    scenario: str
    samples: int
    seed: int
    method: str
    target: str
    confidence: float
    quantities: tuple[tuple[str, str], ...]
    links: tuple[LinkRobustness, ...]
    network_share: tuple[float, float, float]
    #: Sobol' indices of the share of link weight at the target (all mechanisms) for each
    #: quantity; empty with correlated quantities (the indices assume independent inputs).
    sobol: Mapping[str, SobolIndex] = field(default_factory=dict)
    sobol_note: str = ""
    #: How figures name each quantity: the user's own name, or its place in words
    #: ("Xinxiang–Luoyang: T", "Jinhua guidance: subsidy").
    labels: Mapping[str, str] = field(default_factory=dict)
    #: PRIM's box of the quantities where some link misses the target (scenario discovery),
    #: found on at most :data:`PRIM_WORLDS` of the worlds; None when no box reaches density 0.8.
    discovery: Box | None = None

    def to_dict(self) -> dict:
        """The JSON document: ``links[i].options[j].levels.strict.probability`` and ``.ci``,
        ``links[i].robust_strength[mechanism]``, ``links[i].strength_sobol[mechanism][quantity]``
        (``S1``, ``S1_conf``, ``ST``, ``ST_conf``) with ``links[i].strength_sobol_note[mechanism]``,
        ``network.share_at_target``, ``sobol[quantity]``."""

        def est(e: Estimate) -> dict:
            return {"probability": e.p, "ci": [e.low, e.high]}

        def index(i: SobolIndex) -> dict:
            return {"S1": _finite(i.S1), "S1_conf": _finite(i.S1_conf), "ST": _finite(i.ST), "ST_conf": _finite(i.ST_conf)}

        def strength(s: RobustStrength | None) -> dict | None:
            if s is None:
                return None
            return {
                "parameter": s.parameter,
                "value": s.value,
                "closed": s.closed,
                "text": s.text,
                "holds_share": s.holds_share,
                "reachable_share": s.reachable_share,
                "expected_cost": s.expected_cost,
                "payer": s.payer,
                "interval": None if s.interval is None else [_finite(s.interval[0]), _finite(s.interval[1])],
            }

        return {
            "scenario": self.scenario,
            "samples": self.samples,
            "seed": self.seed,
            "method": self.method,
            "target": self.target,
            "confidence": self.confidence,
            "quantities": [{"name": n, "distribution": d} for n, d in self.quantities],
            "links": [
                {
                    "between": list(k.between),
                    "cluster": k.cluster,
                    "options": [{"mechanism": o.option, "levels": {lv: est(e) for lv, e in o.levels.items()}, "target": est(o.target)} for o in k.options],
                    "robust_strength": {name: strength(s) for name, s in k.strengths.items()},
                    "strength_sobol": {name: {q: index(i) for q, i in by.items()} for name, by in k.strength_sobol.items()},
                    "strength_sobol_note": dict(k.strength_sobol_note),
                }
                for k in self.links
            ],
            "network": {"share_at_target": {"mean": self.network_share[0], "ci": [self.network_share[1], self.network_share[2]]}},
            "sobol": {name: index(i) for name, i in self.sobol.items()},
            "sobol_note": self.sobol_note,
            "discovery": None
            if self.discovery is None
            else {
                "where": "some link misses the target",
                "limits": {name: [_finite(lo), _finite(hi)] for name, (lo, hi) in self.discovery.limits.items()},
                "coverage": self.discovery.coverage,
                "density": self.discovery.density,
            },
        }


def sample_worlds(network: RegionNetwork, samples: int, seed: int = 0, method: str = "sobol") -> tuple[pd.DataFrame, np.ndarray | None]:
    """The sampled quantities (one column per name) and, for QMC, each row's scrambling.

    ``method="sobol"`` draws :data:`QMC_GROUPS` independently scrambled Sobol' sets of
    ``samples // QMC_GROUPS`` points each (seeds derived from ``seed``); ``"random"`` draws
    ``samples`` plain Monte-Carlo points.
    """
    uncertainty = network.uncertainty
    if uncertainty is None:
        raise UserInputError(f"{network.name or 'the scenario'} states no uncertain quantity: give a distribution, e.g. T = {{ uniform = [4.5, 5.5] }}")
    if method == "sobol":
        per = samples // QMC_GROUPS
        if per < MIN_PER_GROUP:
            # with 2 points per scrambling the t interval covered in 92 % of 600 seeds, not 95 %
            least = MIN_PER_GROUP * QMC_GROUPS
            raise UserInputError(f"samples must be at least {least} with QMC ({QMC_GROUPS} scramblings of at least {MIN_PER_GROUP} points)")
        seeds = np.random.SeedSequence(seed).spawn(QMC_GROUPS)
        frames = [uncertainty.sample(per, seed=int(s.generate_state(1)[0]), method="sobol") for s in seeds]
        return pd.concat(frames, ignore_index=True), np.repeat(np.arange(QMC_GROUPS), per)
    if method == "random":
        return uncertainty.sample(samples, seed=seed, method="random"), None
    raise UserInputError(f"method must be 'sobol' or 'random', got {method!r}")


def _places(network: RegionNetwork):
    for q in network.uncertainty.quantities if network.uncertainty is not None else ():
        for place in q.places:
            yield q.name, place


def link_arrays(network: RegionNetwork, index: int, worlds: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The stage games of link ``index`` in every world: row and column payoffs, (n, 2, 2).

    At the central values they are the payoffs of :func:`solver.network.link_game`.
    """
    link = network.links[index]
    n = len(worlds)
    row, col = link.game.values()
    sides = {"row": {k: np.full(n, float(v)) for k, v in row.items()}, "col": {k: np.full(n, float(v)) for k, v in col.items()}}
    for name, place in _places(network):
        if place[0] == "link" and place[1] == index:
            _, _, side, key = place
            for s in ("row", "col") if side == "both" else (side,):
                sides[s][key] = worlds[name].to_numpy(dtype=float)
    if link.game.kind == "economics":
        sides = {s: {cell: f(v) for cell, f in _ECONOMICS.items()} for s, v in sides.items()}
    r, c = sides["row"], sides["col"]
    A = np.stack([np.stack([r["R"], r["S"]], axis=-1), np.stack([r["T"], r["P"]], axis=-1)], axis=1)
    B = np.stack([np.stack([c["R"], c["T"]], axis=-1), np.stack([c["S"], c["P"]], axis=-1)], axis=1)
    return A, B


def _weights(network: RegionNetwork, worlds: pd.DataFrame) -> np.ndarray:
    n = len(worlds)
    w = np.tile(np.array([k.weight for k in network.links], dtype=float), (n, 1))
    for name, place in _places(network):
        if place[0] == "weight":
            w[:, place[1]] = worlds[name].to_numpy(dtype=float)
    return w


def _mechanism_params(network: RegionNetwork, spec, worlds: pd.DataFrame) -> dict[str, np.ndarray]:
    index = next(i for i, s in enumerate(network.mechanisms) if s is spec)
    return {place[2]: worlds[name].to_numpy(dtype=float) for name, place in _places(network) if place[0] == "mechanism" and place[1] == index}


def _estimates(hits: np.ndarray, method: str, groups: np.ndarray | None) -> Estimate:
    return probability(hits, method="qmc" if method == "sobol" else "wilson", groups=groups)


def _option(label: str, A, B, stack: list[Mechanism], params: dict, target: str, method: str, groups) -> tuple[OptionRobustness, np.ndarray]:
    codes = level_codes(A, B, stack, params or None)
    shown = {lv: _estimates(codes == code, method, groups) for code, lv in enumerate(LEVELS)}
    hits = codes <= LEVELS.index(target)
    return OptionRobustness(label, shown, _estimates(hits, method, groups)), hits


def _link(network: RegionNetwork, index: int, worlds: pd.DataFrame, groups, target: str, confidence: float, method: str, samples: int, seed: int):
    """One link over the worlds: its options, robust strengths and their Sobol' indices, and
    whether it reaches the target with all its mechanisms in each world."""
    link = network.links[index]
    A, B = link_arrays(network, index, worlds)
    applied = link_mechanisms(network, link)
    options = []
    quo, hits = _option("status quo", A, B, [], {}, target, method, groups)
    options.append(quo)
    best = hits
    for m in applied:
        params = _mechanism_params(network, m.spec, worlds)
        option, hits = _option(m.label, A, B, [m.mechanism], {0: params} if params else {}, target, method, groups)
        options.append(option)
    if len(applied) > 1:
        params = {k: p for k, m in enumerate(applied) if (p := _mechanism_params(network, m.spec, worlds))}
        option, best = _option("all together", A, B, [m.mechanism for m in applied], params, target, method, groups)
        options.append(option)
    elif applied:
        best = hits
    strengths: dict[str, RobustStrength | None] = {}
    indices: dict[str, dict[str, SobolIndex]] = {}
    notes: dict[str, str] = {}
    for m in applied:
        parameter = PRIMARY_PARAMETER.get(m.spec.kind)
        if parameter is None:
            continue
        params = _mechanism_params(network, m.spec, worlds)
        params.pop(parameter, None)  # the parameter sought is set, not sampled
        try:
            strengths[m.label] = robust_strength(
                A, B, m.mechanism, parameter, target, params={0: params} if params else None, confidence=confidence, groups=groups
            )
        except ValueError:
            strengths[m.label] = None  # a parameter the batch path cannot size (said as n/a)
            continue
        indices[m.label], notes[m.label] = _strength_sobol(network, index, m, parameter, target, samples, seed)
    return LinkRobustness(tuple(link.between), link.cluster, tuple(options), strengths, indices, notes), best


def _task(
    scenario: RegionNetwork | str, kind: str, index: int, worlds: pd.DataFrame, groups, target: str, confidence: float, method: str, samples: int, seed: int
):
    """One unit of work; ``scenario`` is the network itself (serial) or its text (other executors)."""
    network = loads_scenario(scenario) if isinstance(scenario, str) else scenario
    if kind == "link":
        return _link(network, index, worlds, groups, target, confidence, method, samples, seed)
    return _sobol(network, target, samples, seed)


def _run(tasks: Sequence[tuple], executor: str, workers: int | None, scheduler: str | None) -> list:
    """The tasks' results in order, on the chosen executor (as :func:`solver.sweep.run_sweep`)."""
    with stage(f"robustness: {len(tasks) - 1:,} links and the Sobol' indices", total=len(tasks)) as advance:
        if executor == "serial":
            out = []
            for t in tasks:
                out.append(_task(*t))
                advance()
            return out
        columns = list(zip(*tasks))
        if executor == "processes":
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(max_workers=min(workers or os.cpu_count() or 1, len(tasks))) as pool:
                out = []
                for result in pool.map(_task, *columns):
                    out.append(result)
                    advance()
                return out
    from distributed import Client

    try:
        client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError, MemoryError, ValueError) as err:
        # An unreachable or malformed address: say which, in one line (as run_sweep does).
        raise UserInputError(f"cannot reach the dask scheduler at {scheduler}: {type(err).__name__}: {err}") from err
    with client:
        return client.gather(client.map(_task, *columns, pure=False))


def robustness(
    network: RegionNetwork,
    *,
    samples: int = 1024,
    seed: int = 0,
    target: str = "strict",
    confidence: float = 0.95,
    method: str = "sobol",
    executor: str = "serial",
    workers: int | None = None,
    scheduler: str | None = None,
) -> Robustness:
    """Probabilities of the cooperation levels and robust mechanism strengths over the scenario's
    uncertain quantities (see the module documentation).

    Parameters
    ----------
    executor : {"serial", "processes", "dask"}
        Where the tasks (one per link, one for the share's Sobol' indices) run: this process; a
        pool of ``workers`` processes (default ``os.cpu_count()``); or a ``dask.distributed``
        scheduler at ``scheduler`` (``tcp://127.0.0.1:8786``). The result is the same.

    Raises
    ------
    UserInputError
        If the scenario has no uncertain quantity, or for a bad ``samples``, ``target``,
        ``confidence``, ``method`` or ``executor``, a dask executor without a scheduler or with
        one that cannot be reached.
    """
    if target not in LEVELS[:-1]:
        raise UserInputError(f"target must be one of {', '.join(LEVELS[:-1])}, got {target!r}")
    if not 0 < confidence < 1:
        raise UserInputError(f"confidence must lie in (0, 1), got {confidence!r}")
    if executor not in EXECUTORS:
        raise UserInputError(f"executor must be one of {', '.join(EXECUTORS)}, got {executor!r}")
    if executor == "dask" and not scheduler:
        raise UserInputError("the dask executor needs a scheduler address (e.g. tcp://127.0.0.1:8786)")
    worlds, groups = sample_worlds(network, samples, seed, method)
    scenario: RegionNetwork | str = network
    if executor != "serial":
        scenario = dumps_scenario(network)
        if loads_scenario(scenario) != network:
            raise UserInputError(f"{network.name or 'the scenario'} does not survive its text round trip; use executor='serial'")
    common = (worlds, groups, target, confidence, method, samples, seed)
    tasks = [(scenario, "link", index, *common) for index in range(len(network.links))] + [(scenario, "sobol", -1, *common)]
    *done, (sobol, note) = _run(tasks, executor, workers, scheduler)
    links = tuple(k for k, _ in done)
    at_target = np.stack([best for _, best in done], axis=1) if done else np.zeros((len(worlds), 0), dtype=bool)
    weights = _weights(network, worlds)
    share = (weights * at_target).sum(axis=1) / weights.sum(axis=1)
    quantities = tuple((q.name, q.distribution.describe()) for q in network.uncertainty.quantities)
    return Robustness(
        network.name, len(worlds), seed, method, target, confidence, quantities, links, _mean_interval(share, groups),
        sobol=sobol, sobol_note=note, discovery=_discovery(worlds, ~at_target.all(axis=1)), labels=_labels(network),
    )


def _base_sample(samples: int, k: int) -> int:
    """The Saltelli design's base sample for about ``samples`` evaluations of k quantities: a
    power of two between 2³ and 2**SOBOL_MAX_LOG2."""
    return 2 ** min(SOBOL_MAX_LOG2, max(3, int(math.log2(max(samples // (k + 2), 8)))))


def _strength_sobol(network: RegionNetwork, index: int, applied, parameter: str, target: str, samples: int, seed: int) -> tuple[dict[str, SobolIndex], str]:
    """Sobol' indices of link ``index``'s pointwise minimal ``parameter`` of one mechanism, on
    the share's design rule; unreachable worlds censored or the indices skipped (:data:`CENSOR_SHARE`)."""
    uncertainty = network.uncertainty
    if uncertainty.pairs:
        return {}, "Sobol' indices assume independent quantities; this scenario correlates some"
    k = len(uncertainty.quantities)
    n = _base_sample(samples, k)
    if target not in BATCH_TARGETS or applied.spec.kind == "repeated_play":
        # No formula: each world's strength is a search of its own (tens of milliseconds), and a
        # design small enough to afford would give intervals too wide to rank anything.
        return {}, f"not computed: the minimal {parameter} for {target} has no closed form here (each world needs a search of its own)"
    censored: list[tuple[int, float]] = []
    central = uncertainty.central

    def strength(values: Mapping[str, np.ndarray]) -> np.ndarray:
        size = len(next(iter(values.values())))
        design = pd.DataFrame({name: values.get(name, np.full(size, central[name])) for name in uncertainty.names})
        A, B = link_arrays(network, index, design)
        params = _mechanism_params(network, applied.spec, design)
        params.pop(parameter, None)
        x = pointwise_strength(A, B, applied.mechanism, parameter, target, params={0: params} if params else None)
        unreachable = ~np.isfinite(x)
        if unreachable.any():
            top = float(x[~unreachable].max()) if (~unreachable).any() else math.nan
            censored.append((int(unreachable.sum()), top))
            if unreachable.mean() > CENSOR_SHARE or math.isnan(top):
                raise _Unreachable(float(unreachable.mean()))
            x = np.where(unreachable, top, x)
        return x

    # Only the quantities that enter this link's game or this mechanism's other parameters can
    # move the strength; the others' indices are exactly 0 (the function does not read them),
    # and leaving them out of the design saves (k − used) · n evaluations.
    spec = next(i for i, s in enumerate(network.mechanisms) if s is applied.spec)
    used = [
        q.name
        for q in uncertainty.quantities
        if any((p[0] == "link" and p[1] == index) or (p[0] == "mechanism" and p[1] == spec and p[2] != parameter) for p in q.places)
    ]
    if not used:
        return {}, f"no uncertain quantity enters the minimal {parameter} here: it is the same in every world"
    size = f"Saltelli design, base sample {n} ({n * (len(used) + 2)} evaluations over the {len(used)} quantities that enter it), bootstrap intervals"
    ppf = {q.name: q.distribution.ppf for q in uncertainty.quantities if q.name in used}
    try:
        found = sobol_indices(strength, used, ppf, n=n, seed=seed)
    except _Unreachable as err:
        return {}, f"not computed: {parameter} cannot reach {target} in {err.share:.1%} of the design's worlds (more than {CENSOR_SHARE:.0%})"
    if all(not math.isfinite(i.ST) for i in found.values()):
        return {}, f"the minimal {parameter} is the same in every world: no variance to split"
    indices = {name: found.get(name, SobolIndex(0.0, 0.0, 0.0, 0.0)) for name in uncertainty.names}
    if censored:
        count, top = censored[0]
        size += f"; {count} worlds where no {parameter} reaches {target} counted at the design's largest finite value {fmt(top)}"
    return indices, size


class _Unreachable(Exception):
    def __init__(self, share: float) -> None:
        super().__init__(share)
        self.share = share


def _labels(network: RegionNetwork) -> dict[str, str]:
    """Each quantity's name as a figure shows it: the user's name, or its first place in words."""
    from regions.scenario import default_name

    labels = {}
    for q in network.uncertainty.quantities:
        place = q.places[0]
        if q.name != default_name(place, network.links, network.mechanisms):
            labels[q.name] = q.name
        elif place[0] == "mechanism":
            labels[q.name] = f"{network.mechanisms[place[1]].label}: {place[2]}"
        else:
            link = network.links[place[1]]
            pair = "–".join(network.region(r).name for r in link.between)
            what = "weight" if place[0] == "weight" else place[3] + ("" if place[2] == "both" else f" ({place[2]})")
            labels[q.name] = f"{pair}: {what}"
    return labels


def _discovery(worlds: pd.DataFrame, fails: np.ndarray) -> Box | None:
    """PRIM's box (density ≥ 0.8) of the worlds where some link misses the target; None when
    every world or none fails (nothing to tell apart)."""
    if fails.all() or not fails.any():
        return None
    rows = np.linspace(0, len(worlds) - 1, min(len(worlds), PRIM_WORLDS)).astype(int)
    # A box must be clearly denser than the whole: at least 0.8, and halfway from the base rate to 1.
    threshold = max(0.8, (1 + float(fails[rows].mean())) / 2)
    return chosen(prim(worlds.iloc[rows].reset_index(drop=True), fails[rows], threshold=threshold))


def links_at_target(network: RegionNetwork, worlds: pd.DataFrame, target: str, links: Sequence[int] | None = None) -> np.ndarray:
    """Whether each link (all, or those of index in ``links``) reaches ``target`` or better in each
    world with all its scenario mechanisms together (the status quo where it has none): (n, links)."""
    chosen_links = range(len(network.links)) if links is None else links
    code = LEVELS.index(target)
    at = np.zeros((len(worlds), len(chosen_links)), dtype=bool)
    for column, index in enumerate(chosen_links):
        A, B = link_arrays(network, index, worlds)
        applied = link_mechanisms(network, network.links[index])
        params = {k: p for k, m in enumerate(applied) if (p := _mechanism_params(network, m.spec, worlds))}
        at[:, column] = level_codes(A, B, [m.mechanism for m in applied], params or None) <= code
    return at


def share_at_target(network: RegionNetwork, worlds: pd.DataFrame, target: str) -> np.ndarray:
    """In each world, the share of link weight at ``target`` or better with all of each link's
    scenario mechanisms together (the status quo where a link has none)."""
    weights = _weights(network, worlds)
    return (weights * links_at_target(network, worlds, target)).sum(axis=1) / weights.sum(axis=1)


def _sobol(network: RegionNetwork, target: str, samples: int, seed: int) -> tuple[dict, str]:
    """Sobol' indices of the share at the target, with Saltelli's design of about ``samples``
    points; none (and why) for correlated quantities or a constant share."""
    uncertainty = network.uncertainty
    if uncertainty.pairs:
        return {}, "Sobol' indices assume independent quantities; this scenario correlates some"
    k = len(uncertainty.quantities)
    # At most 2¹⁴ base points: the indices' bootstrap intervals are then ~0.01, and a million
    # sampled worlds need not mean a million more evaluations for them.
    n = _base_sample(samples, k)

    def share(values: Mapping[str, np.ndarray]) -> np.ndarray:
        return share_at_target(network, pd.DataFrame(dict(values)), target)

    ppf = {q.name: q.distribution.ppf for q in uncertainty.quantities}
    indices = sobol_indices(share, list(uncertainty.names), ppf, n=n, seed=seed)
    if all(not math.isfinite(i.ST) for i in indices.values()):
        return {}, f"the share at {target} is the same in every world: no variance to split"
    return indices, f"Saltelli design, base sample {n} ({n * (k + 2)} evaluations), bootstrap intervals"


def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def _mean_interval(values: np.ndarray, groups: np.ndarray | None, confidence: float = 0.95) -> tuple[float, float, float]:
    """The mean of per-world values and its interval: a t interval over the scramblings' means
    (QMC), or the normal interval of the sample mean (Monte Carlo)."""
    if groups is not None:
        means = np.array([values[groups == g].mean() for g in np.unique(groups)])
        half = stats.t.ppf(0.5 + confidence / 2, len(means) - 1) * means.std(ddof=1) / math.sqrt(len(means))
        centre = float(means.mean())
    else:
        centre = float(values.mean())
        half = stats.norm.ppf(0.5 + confidence / 2) * values.std(ddof=1) / math.sqrt(len(values))
    return centre, max(0.0, centre - half), min(1.0, centre + half)
