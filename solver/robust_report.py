"""The robustness part of a report: its tables, sentences and figures, as report blocks.

Both ``intergov robustness --out DIR`` and the robustness section of ``intergov report`` (for a
scenario with distributions) are built here, from one :class:`~solver.robust.scenario.Robustness`,
so the numbers of the table, the text and the figures are the same.

Blocks are the tuples :mod:`solver.report` writes as Markdown and LaTeX: ``("section", title)``,
``("text", sentence)``, ``("table", rows, file name or None)``, ``("figure", name, caption)``.

Examples
--------
>>> from regions import load_scenario
>>> from solver.robust.scenario import robustness
>>> net = load_scenario("henan-uncertain")
>>> result = robustness(net, samples=256, seed=0)
>>> [b[1] for b in robustness_blocks(net, result, []) if b[0] == "section"]
['Robustness under uncertain payoffs']
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from regions import RegionNetwork

from .robust_tables import robustness_lines, robustness_rows, sobol_rows, strength_sobol_rows
from .tables import region_names

__all__ = ["robustness_blocks", "robustness_figures", "robustness_tables"]


def robustness_tables(network: RegionNetwork, result) -> dict[str, list[dict]]:
    """The tables by file name: ``robustness`` (every link and option), ``sobol`` and
    ``strength-sobol`` (when the indices exist)."""
    tables = {"robustness": robustness_rows(result, region_names(network))}
    if result.sobol:
        tables["sobol"] = sobol_rows(result)
    if any(link.strength_sobol_note for link in result.links):
        tables["strength-sobol"] = strength_sobol_rows(result, region_names(network))
    return tables


def _worlds(result) -> str:
    return f"{result.samples:,} sampled worlds"


def robustness_figures(network: RegionNetwork, result, keep: Callable[[object, str, str], None], *, seed: int = 0) -> None:
    """Draw the robustness figures and hand each to ``keep(figure, file name, caption)``: the
    map coloured by P(target), the tornado of total Sobol' indices, the probability surface over
    the two most influential quantities, and the distribution of the minimal strengths.

    ``network`` carries the display names already (:meth:`regions.RegionNetwork.named`), and
    ``result`` was computed on it (so the quantities' labels use those names too)."""
    from .plots.robust import robust_map, strength_distribution, surface_plot, tornado
    from .robust.surface import probability_surface, surface_pair

    worlds = _worlds(result)

    def draw(fig, name: str, caption: str) -> None:
        keep(fig, name, caption)  # the caller saves and closes it

    draw(
        robust_map(network, result, seed=seed),
        "robust-map",
        f"Probability that each link reaches {result.target} or better with all of its mechanisms ({worlds}).",
    )
    if result.sobol:
        draw(tornado(result), "tornado", f"Total Sobol' indices of the share of link weight at {result.target} ({result.sobol_note}).")
    if len(result.quantities) >= 2:
        x, y = surface_pair(result)
        surface = probability_surface(network, x, y, seed=seed, target=result.target)
        draw(
            surface_plot(surface, confidence=result.confidence, box=result.discovery),
            "probability-surface",
            f"Probability that {surface.what}, over {result.labels.get(x, x)} and {result.labels.get(y, y)} "
            f"({surface.samples:,} sampled worlds of the other quantities at each grid point).",
        )
    if any(s is not None and s.pointwise is not None and np.isfinite(s.pointwise).any() for link in result.links for s in link.strengths.values()):
        try:
            figure = strength_distribution(result, network)
        except ValueError:  # every strength is "not needed" or "never reaches": said in the table
            return
        draw(
            figure,
            "strength-distribution",
            f"Distribution of each link's minimal mechanism strength over the {worlds}; the robust strength is its "
            f"{result.confidence:.0%} quantile.",
        )


def robustness_blocks(network: RegionNetwork, result, figures: list[tuple[str, str]]) -> list[tuple]:
    """The report blocks of a robustness result (``figures``: (file name, caption) pairs)."""
    tables = robustness_tables(network, result)
    described = "; ".join(f"{result.labels.get(name, name)}: {text}" for name, text in result.quantities)
    blocks: list[tuple] = [
        ("section", "Robustness under uncertain payoffs"),
        ("text", f"Uncertain quantities — {described}."),
        ("text", robustness_lines(result)[0]),
        ("table", tables["robustness"], "robustness"),
        (
            "text",
            f"A robust strength is the least value at which {result.target} or better holds in at least "
            f"{result.confidence:.0%} of the sampled worlds (the {result.confidence:.0%} quantile of each world's own minimal "
            "strength), rounded up to 4 significant digits, with the 95 % confidence interval of that quantile in brackets "
            "(the spread over the 8 scramblings, or order statistics for Monte Carlo); the expected cost is the mean cost at that strength.",
        ),
    ]
    if "sobol" in tables:
        blocks += [("table", tables["sobol"], "sobol")]
    blocks += [("text", line) for line in robustness_lines(result)[1:]]
    if "strength-sobol" in tables:
        blocks += [
            ("text", "Which quantities move each minimal strength: Sobol' total indices of the strength each world needs."),
            ("table", tables["strength-sobol"], "strength-sobol"),
        ]
    blocks += [("figure", name, caption) for name, caption in figures]
    return blocks
