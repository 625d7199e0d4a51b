"""Every figure kind of the package, drawn for one scenario: the figure review page and the test harness.

:func:`figures` draws each kind for a scenario (its first link where a figure shows one link),
with the region names of ``names`` (``"latin"``, ``"zh"``, ``"both"``, as
:meth:`regions.RegionNetwork.named` gives them); the tests run :func:`solver.plots.check.check_figure`
on what it returns. :func:`build_gallery` writes every kind with Latin and with Chinese names
into ``docs/gallery`` (``python -m solver.gallery [FOLDER]``, ``make figures``), so a reviewer
sees them all at once.

Kinds that show the scenario (:data:`SCENARIO_KINDS`) depend on its regions, links and names;
the three-party dynamics (:data:`MODEL_KINDS`) are the model of ``docs/models.md`` with its own
population names, the same for every scenario. The figures of robustness under uncertain payoffs
(:data:`ROBUST_KINDS`) are drawn from the scenario when it states distributions, else from the
built-in ``henan-uncertain`` (:data:`ROBUST_SCENARIO`), at :data:`ROBUST_SAMPLES` sampled worlds. Grids are small where the figure allows (a
phase diagram of 31 × 21 points, a threshold curve of 9 values, a model sweep of 17), so a scenario draws in a
second or two.

Examples
--------
>>> from regions import load_scenario
>>> figs = figures(load_scenario("yongkang-wuyi-jinyun"), kinds=["payoff-matrix"])
>>> list(figs)
['payoff-matrix']
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from games import RepeatedPlay, ThreeParty, apply
from games.errors import UserInputError
from regions import RegionNetwork, load_scenario

from .basin import basin_of_cooperation, default_starts, trajectories
from .design import compare
from .design.phase import link_phase, link_threshold
from .dynamics import corner_table, evolve_many, evolve_on_graph, initial_sensitivity, parameter_sensitivity, trajectory
from .nash import equilibria
from .network import analyze, link_game
from .stack import link_mechanisms

__all__ = ["CAPTIONS", "KINDS", "MODEL_KINDS", "ROBUST_KINDS", "ROBUST_SAMPLES", "ROBUST_SCENARIO", "SCENARIO_KINDS", "build_gallery", "figures"]

#: Figure kinds drawn from a scenario (its regions, links, names).
SCENARIO_KINDS = (
    "network-map",
    "mechanism-comparison",
    "payoff-matrix",
    "best-responses",
    "replicator-flow",
    "phase-diagram",
    "threshold-curve",
    "cooperation-over-time",
    "network-snapshot",
    "shares-over-time",
    "sweep",
)
#: Figure kinds of the three-party model, the same for every scenario.
MODEL_KINDS = ("time-paths", "cube-trajectories", "sensitivity", "phase-portrait")
#: Figure kinds of robustness under uncertain payoffs (``intergov robustness``).
ROBUST_KINDS = ("robust-map", "tornado", "probability-surface", "strength-distribution")
#: The scenario the robustness kinds are drawn from when the given one states no distribution.
ROBUST_SCENARIO = "henan-uncertain"
#: Sampled worlds of the robustness kinds (modest: the gallery and its tests stay fast).
ROBUST_SAMPLES = 4096
#: Every figure kind.
KINDS = SCENARIO_KINDS + MODEL_KINDS + ROBUST_KINDS
#: What each kind shows, for the review page (docs/gallery/README.md).
CAPTIONS = {
    "network-map": "Regions at their coordinates, grouped by superior government; links coloured by cooperation level, width by weight.",
    "mechanism-comparison": "Each mechanism's minimal strength on each link (cell colour: the level reached) and its net cost to the payer.",
    "payoff-matrix": "The first link's stage game before and after its scenario mechanisms; pure equilibria shaded.",
    "best-responses": "Best-response correspondences under the mechanisms, with every equilibrium.",
    "replicator-flow": "Two-population replicator dynamics; shaded, the exact basin of (C, C), whose area is the reported value.",
    "phase-diagram": "Cooperation level over the guidance's subsidy and detection, exact regions and threshold lines; the star is the scenario's own guidance.",
    "threshold-curve": "The least discount factor for cooperation as the temptation T grows, per government and for the link.",
    "cooperation-over-time": "Imitation dynamics on the region graph: every run and their mean.",
    "network-snapshot": "The regions' strategies at the end of one imitation run.",
    "shares-over-time": "The link's two-population model: shares cooperating over time from several starts.",
    "sweep": "The link's model as a stage payoff varies: each corner's verdict and where the runs end.",
    "time-paths": "The three-party model: each population's share over time.",
    "cube-trajectories": "The three-party model: trajectories in the unit cube and the stable corner.",
    "sensitivity": "The three-party model: the paths as the higher-level subsidy varies.",
    "phase-portrait": "The three-party model: the phase portrait with its rest points.",
    "robust-map": "Uncertain payoffs (henan-uncertain): each link coloured by the probability that it reaches strict cooperation with all its mechanisms.",
    "tornado": "Uncertain payoffs: total (bar) and first-order (dot) Sobol' indices of the share of link weight at strict cooperation.",
    "probability-surface": "Uncertain payoffs: P(every link reaches strict) over the two most influential quantities, others sampled; contours at 0.5, 0.95.",
    "strength-distribution": "Uncertain payoffs: per mechanism, the ECDF over sampled worlds of each link's least strength reaching strict; robust strength.",
}

def _link_figures(network: RegionNetwork, wanted: set[str], base: RegionNetwork) -> dict[str, Figure]:
    """The figures of one link (the scenario's first) of ``network`` (``base`` with display names)."""
    from .plots import best_responses, payoff_matrix, phase_diagram, replicator_flow, threshold_curve

    out: dict[str, Figure] = {}
    link = network.links[0]
    game = link_game(network, link)
    stage = [m.mechanism for m in link_mechanisms(network, link) if not isinstance(m.mechanism, RepeatedPlay)]
    shown = apply(game, *stage) if stage else game
    if "payoff-matrix" in wanted:
        if stage:
            # the scenario's names for its mechanisms, as the report's tables and captions use them
            title = " + ".join(m.label for m in link_mechanisms(network, link) if m.mechanism in stage)
            out["payoff-matrix"] = payoff_matrix(game, equilibria(game), other=shown, other_equilibria=equilibria(shown), titles=("status quo", title))
        else:
            out["payoff-matrix"] = payoff_matrix(game, equilibria(game))
    if "best-responses" in wanted:
        out["best-responses"] = best_responses(shown, equilibria(shown))
    if "replicator-flow" in wanted:
        runs = trajectories(shown, default_starts(shown))
        out["replicator-flow"] = replicator_flow(shown, basin=basin_of_cooperation(shown), trajectories=runs, equilibria=equilibria(shown))
    if "phase-diagram" in wanted:
        # The link's own guidance (its operating point starred), else a hypothetical one; exact regions, cheap.
        out["phase-diagram"] = phase_diagram(link_phase(network, link, points=31))
    if "threshold-curve" in wanted:
        # The sweep depends on the payoffs only; its players and link name are the one thing names change.
        curve = _kept(base, "threshold", lambda: link_threshold(base, link))
        players = ("row government", "column government") if tuple(game.players) == ("row", "col") else tuple(map(str, game.players))
        out["threshold-curve"] = threshold_curve(dataclasses.replace(curve, players=players, link="–".join(players)))
    return out


def _model_figures_of_link(network: RegionNetwork, wanted: set[str]) -> dict[str, Figure]:
    """The link's two-population model (:func:`solver.dynamics.link_model.link_model`): the
    shares over time and a sweep of the row government's temptation T."""
    from .dynamics import ModelDynamics, derive
    from .dynamics.link_model import link_model
    from .dynamics.model_sweep import default_starts, sweep_model
    from .plots.model import shares_over_time, sweep_figure

    model = link_model(network, network.links[0])
    out: dict[str, Figure] = {}
    if "shares-over-time" in wanted:
        dynamics = ModelDynamics(model, derive(model).payoff_differences)
        # One horizon from the dynamics, long enough that every run settles (a fixed t = 40
        # stopped the slowest run at a share of 0.05, still moving).
        out["shares-over-time"] = shares_over_time(initial_sensitivity(dynamics, default_starts(2)), model)
    if "sweep" in wanted:
        t = float(model.parameters["T_row"].value)
        # 17 values, each run to t = 200: at t = 40 some runs were still on their way (long-run
        # shares of 0.05 where they end at 1), and 5 values placed the verdict change 0.25 off.
        values = np.round(np.linspace(t - 2, t + 2, 17), 6)
        out["sweep"] = sweep_figure(sweep_model(model, "T_row", values, t_end=200, points=81), model)
    return out


@lru_cache(maxsize=1)
def _three_party() -> dict:
    """The three-party model's runs (computed once; they do not depend on the scenario)."""
    from games.model import builtin_model

    from .dynamics import ModelDynamics, derive
    from .dynamics.model_sweep import default_starts

    model = ThreeParty()
    cube_starts = np.random.default_rng(0).uniform(0.05, 0.95, (8, 3))
    file_model = builtin_model("three-party")
    derivation = derive(file_model)
    dynamics = ModelDynamics(file_model, derivation.payoff_differences)
    return {
        "path": trajectory(model, (0.2, 0.2, 0.2), 30),
        "cube": [trajectory(model, s, 40) for s in cube_starts],
        "stable": [r.corner for r in corner_table(model).stable],
        "sensitivity": parameter_sensitivity(model, "subsidy", [0.0, 1.5, 3.0, 5.0], start=(0.3, 0.3, 0.5)),
        "portrait": (dynamics, [trajectory(dynamics, s, 60, points=300) for s in default_starts(3)], derivation),
    }


def _model_kinds(wanted: set[str]) -> dict[str, Figure]:
    from .plots import cube_trajectories, sensitivity_panels, time_paths
    from .plots.model import phase_portrait

    runs = _three_party()
    out: dict[str, Figure] = {}
    if "time-paths" in wanted:
        out["time-paths"] = time_paths(runs["path"])
    if "cube-trajectories" in wanted:
        out["cube-trajectories"] = cube_trajectories(runs["cube"], stable=runs["stable"])
    if "sensitivity" in wanted:
        out["sensitivity"] = sensitivity_panels(runs["sensitivity"], title="subsidy $s$")
    if "phase-portrait" in wanted:
        out["phase-portrait"] = phase_portrait(*runs["portrait"])
    return out


_KEPT: dict[str, object] = {}


def _kept(network: RegionNetwork, key: str, compute):
    """``compute()``, kept while figures of the same network (object) are asked for: results that
    hold no names are shared by the Latin and the Chinese figures (they are the slow part)."""
    if _KEPT.get("network") is not network:
        _KEPT.clear()
        _KEPT["network"] = network
    if key not in _KEPT:
        _KEPT[key] = compute()
    return _KEPT[key]


def figures(network: RegionNetwork, *, names: str = "latin", seed: int = 0, kinds: Iterable[str] | None = None) -> dict[str, Figure]:
    """Every figure kind (or those of ``kinds``) for ``network``, labelled with ``names``.

    Parameters
    ----------
    network : RegionNetwork
        Needs at least one link; figures of one link show its first.
    names : {"latin", "zh", "both"}
        The region names drawn (:meth:`regions.RegionNetwork.named`).
    seed : int
        Seed of the evolution on the network and of any layout.
    kinds : iterable of str, optional
        A subset of :data:`KINDS`; all by default.

    Returns
    -------
    dict of str to Figure
        In the order of :data:`KINDS`.

    Raises
    ------
    UserInputError
        For an unknown kind or a network without links.
    """
    wanted = set(KINDS if kinds is None else kinds)
    unknown = sorted(wanted - set(KINDS))
    if unknown:
        raise UserInputError(f"unknown figure kind(s) {', '.join(unknown)}; kinds: {', '.join(KINDS)}")
    if not network.links:
        raise UserInputError(f"{network.name}: the figures need at least one link")
    from .plots import cooperation_over_time, mechanism_comparison, network_map, network_snapshot

    net = network.named(names)
    out: dict[str, Figure] = {}
    if "network-map" in wanted:
        out["network-map"] = network_map(net, analyze(net, basin=False), mechanism="all together" if net.mechanisms else "status quo", seed=seed)
    if "mechanism-comparison" in wanted:
        out["mechanism-comparison"] = mechanism_comparison(_kept(network, "comparison", lambda: compare(network)), names=net)
    out.update(_link_figures(net, wanted, base=network))
    if wanted & {"cooperation-over-time", "network-snapshot"}:
        seeds = range(seed, seed + 5)
        if "cooperation-over-time" in wanted:
            ensemble = evolve_many(net, seeds=seeds, steps=60, rule="fermi", payoffs="average")
            out["cooperation-over-time"] = cooperation_over_time(ensemble, label=f"mean of the {len(seeds)} runs (Fermi imitation)")
        if "network-snapshot" in wanted:
            out["network-snapshot"] = network_snapshot(net, evolve_on_graph(net, steps=60, rule="fermi", payoffs="average", seed=seed), seed=seed)
    out.update(_model_figures_of_link(net, wanted))
    out.update(_model_kinds(wanted))
    if wanted & set(ROBUST_KINDS):
        out.update(_robust_kinds(network, names, wanted))
    return {k: out[k] for k in KINDS if k in out}


def _robust_kinds(network: RegionNetwork, names: str, wanted: set[str]) -> dict[str, Figure]:
    """The robustness figures of ``network`` (of :data:`ROBUST_SCENARIO` if it states no distribution)."""
    from .plots.robust import robust_map, strength_distribution, surface_plot, tornado
    from .robust.scenario import robustness

    source = network if network.uncertainty is not None else _kept(network, "robust-source", lambda: load_scenario(ROBUST_SCENARIO))
    net = source.named(names)
    # Computed on the named copy: the quantities' labels carry the region names drawn.
    result = robustness(net, samples=ROBUST_SAMPLES, seed=0)
    out: dict[str, Figure] = {}
    if "robust-map" in wanted:
        out["robust-map"] = robust_map(source, result, names=names)
    if "tornado" in wanted and result.sobol:
        out["tornado"] = tornado(result)
    if "probability-surface" in wanted:
        from .robust.surface import probability_surface, surface_pair

        surface = probability_surface(net, *surface_pair(result), grid=21, samples=256, seed=0)
        out["probability-surface"] = surface_plot(surface, confidence=result.confidence, box=result.discovery)
    if "strength-distribution" in wanted:
        out["strength-distribution"] = strength_distribution(result, source, names=names)
    return out


def build_gallery(folder: str | Path = "docs/gallery", scenario: str = "yongkang-wuyi-jinyun") -> list[Path]:
    """Draw every figure kind of ``scenario`` into ``folder`` as PNG: ``<kind>.png`` with Latin
    names and ``<kind>-zh.png`` with Chinese names. Returns the files written."""
    from regions import atomic_write

    from .plots import save_figure

    folder = Path(folder)
    network = load_scenario(scenario)
    made = []
    for names, suffix in (("latin", ""), ("zh", "-zh")):
        for kind, fig in figures(network, names=names).items():
            made.append(save_figure(fig, folder / f"{kind}{suffix}.png"))
    # The review page: every kind, Latin and Chinese names side by side.
    lines = [
        "# Figure gallery",
        "",
        f"Every figure kind of intergov, drawn from the built-in scenario `{scenario}` (illustrative",
        "payoffs) with Latin names (left) and Chinese names (right). Regenerate with `make figures`;",
        "every kind also passes `solver.plots.check.check_figure` and its pytest-mpl baseline in `make test`.",
        f"The robustness kinds ({', '.join(ROBUST_KINDS)}) are drawn from `{ROBUST_SCENARIO}` (distributions on its",
        f"payoffs, a weight and a detection rate) at {ROBUST_SAMPLES:,} sampled worlds.",
        "",
        "| kind | Latin names | Chinese names |",
        "| --- | --- | --- |",
    ]
    for kind in KINDS:
        lines.append(f"| **{kind}**<br>{CAPTIONS[kind]} | ![{kind}]({kind}.png) | ![{kind}, Chinese names]({kind}-zh.png) |")
    made.append(atomic_write(folder / "README.md", lambda tmp: tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")))
    return made


if __name__ == "__main__":  # pragma: no cover
    for path in build_gallery(sys.argv[1] if len(sys.argv) > 1 else "docs/gallery"):
        print(f"wrote {path}")
