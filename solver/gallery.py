"""Regenerate the figure gallery (``docs/gallery/*.png``) from the built-in scenario.

Run as ``python -m solver.gallery [FOLDER]`` (``make figures``). Every figure kind appears
once, drawn from the Yongkang–Wuyi–Jinyun scenario (illustrative payoffs).
"""

from __future__ import annotations

import sys
from pathlib import Path

import networkx as nx
import numpy as np

from games import HigherLevelGuidance, RepeatedPlay, ThreeParty, apply, stage_game
from regions import load_scenario

from .basin import basin_of_cooperation, trajectories
from .design import compare
from .design.phase import phase_grid, threshold_sweep
from .dynamics import corner_table, evolve_many, evolve_on_graph, parameter_sensitivity, trajectory
from .nash import equilibria
from .network import analyze, link_game
from .plots import (
    best_responses,
    cooperation_over_time,
    cube_trajectories,
    mechanism_comparison,
    network_map,
    network_snapshot,
    payoff_matrix,
    phase_diagram,
    replicator_flow,
    save_figure,
    sensitivity_panels,
    threshold_curve,
    time_paths,
)
from .stack import link_mechanisms

__all__ = ["build_gallery"]


def build_gallery(folder: str | Path = "docs/gallery") -> list[Path]:
    """Draw every figure kind from the built-in scenario into ``folder`` as PNG."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    net = load_scenario("yongkang-wuyi-jinyun")
    link = net.links[0]  # Yongkang–Wuyi, under Jinhua
    game = link_game(net, link)
    guidance = next(m.mechanism for m in link_mechanisms(net, link) if m.spec.kind == "higher_level_guidance")
    guided = apply(game, guidance)
    made = []

    def keep(fig, name: str) -> None:
        made.append(save_figure(fig, folder / f"{name}.png"))

    keep(payoff_matrix(game, equilibria(game), other=guided, other_equilibria=equilibria(guided), titles=("status quo", "Jinhua guidance")), "payoff-matrix")
    keep(best_responses(guided, equilibria(guided)), "best-responses")
    starts = np.array([(0.2, 0.9), (0.9, 0.2), (0.5, 0.5), (0.8, 0.8), (0.35, 0.35), (0.6, 0.95)])
    flow = replicator_flow(guided, basin=basin_of_cooperation(guided), trajectories=trajectories(guided, starts), equilibria=equilibria(guided))
    keep(flow, "replicator-flow")
    grid = phase_grid(game, HigherLevelGuidance(penalty=2), ("subsidy", np.linspace(0, 3, 91)), ("detection", np.linspace(0, 1, 61)))
    keep(phase_diagram(grid), "phase-diagram")
    analysis = analyze(net, basin=False)
    keep(network_map(net, analysis, mechanism="Jinhua guidance"), "network-map")
    keep(mechanism_comparison(compare(net), names=net), "mechanism-comparison")
    curve = threshold_sweep(game, RepeatedPlay(), "discount", "T", np.linspace(4.1, 10, 40))
    keep(threshold_curve(curve), "threshold-curve")
    # Dynamics: the three-party game of docs/models.md and imitation on a lattice.
    model = ThreeParty()
    keep(time_paths(trajectory(model, (0.2, 0.2, 0.2), 30)), "time-paths")
    cube_starts = np.random.default_rng(0).uniform(0.05, 0.95, (12, 3))
    keep(cube_trajectories([trajectory(model, s, 40) for s in cube_starts], stable=[r.corner for r in corner_table(model).stable]), "cube-trajectories")
    keep(sensitivity_panels(parameter_sensitivity(model, "subsidy", [0.0, 1.5, 3.0, 5.0], start=(0.3, 0.3, 0.5), t_end=30), title="subsidy s"), "sensitivity")
    lattice = nx.grid_2d_graph(40, 40, periodic=True)
    nowak_may = stage_game({"R": 1, "S": 0, "T": 1.6, "P": 0})
    ensemble = evolve_many(lattice, nowak_may, seeds=range(10), steps=100, rule="best-neighbour", self_interaction=True)
    keep(cooperation_over_time(ensemble, label="mean of 10 runs, best-neighbour imitation"), "cooperation-over-time")
    run = evolve_on_graph(lattice, nowak_may, steps=100, rule="best-neighbour", self_interaction=True, seed=0)
    keep(network_snapshot(lattice, run), "network-snapshot")
    return made


if __name__ == "__main__":  # pragma: no cover
    for path in build_gallery(sys.argv[1] if len(sys.argv) > 1 else "docs/gallery"):
        print(f"wrote {path}")
