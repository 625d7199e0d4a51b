"""Every figure kind passes the automatic checks (solver.plots.check) on the built-in scenarios and on
20 generated ones (5 to 60 regions), with Latin and with Chinese region names (issue 13).

The scenario kinds (solver.gallery.SCENARIO_KINDS: map, comparison, the first link's game,
dynamics and design figures, evolution on the network, the link's model) run on every scenario;
the three-party model's figures do not depend on the scenario and run once per name style.
The built-in "synthetic-province" (200 regions, 600 links; its comparison alone takes ~40 s) is a
generated network like the 20 below and is left to them.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest

from regions import builtin_scenarios, load_scenario, synthetic_province
from solver.gallery import MODEL_KINDS, SCENARIO_KINDS, figures
from solver.plots.check import check_figure

BUILTIN = [name for name in builtin_scenarios() if name != "synthetic-province"]
#: 20 generated provinces: 5 to 60 regions, 2 to 5 links (a comparison row per link: more links add time, not kinds of text).
GENERATED = [(int(n), seed) for seed, n in enumerate(np.linspace(5, 60, 20).round())]


@lru_cache(maxsize=1)
def _network(case: str):
    if case.startswith("generated"):
        _, regions, seed = case.split("-")
        n = int(regions)
        return synthetic_province(regions=n, links=2 + n // 20, prefectures=max(1, n // 15), seed=int(seed))
    return load_scenario(case)


def _ids(network) -> set[str]:
    return set(network.regions) | {"-".join(link.between) for link in network.links}


def _failures(figs: dict, ids=()) -> list[str]:
    return [f"{kind} [{p.check}] {p.message}" for kind, fig in figs.items() for p in check_figure(fig, ids=ids)]


CASES = [(name, names) for name in BUILTIN + [f"generated-{n}-{seed}" for n, seed in GENERATED] for names in ("latin", "zh")]


@pytest.mark.parametrize(("case", "names"), CASES, ids=[f"{c}-{n}" for c, n in CASES])
def test_scenario_figures_pass_the_checks(case, names):
    network = _network(case)
    failures = _failures(figures(network, names=names, kinds=SCENARIO_KINDS), _ids(network))
    assert not failures, f"{case} ({names} names): {len(failures)} problems\n" + "\n".join(failures)


@pytest.mark.parametrize("names", ["latin", "zh"])
def test_model_figures_pass_the_checks(names):
    network = _network("yongkang-wuyi-jinyun")
    failures = _failures(figures(network, names=names, kinds=MODEL_KINDS))
    assert not failures, f"{len(failures)} problems\n" + "\n".join(failures)


def test_generated_scenarios_span_5_to_60_regions_with_chinese_names():
    sizes = [len(_network(f"generated-{n}-{seed}").regions) for n, seed in GENERATED]
    assert len(sizes) == 20 and min(sizes) == 5 and max(sizes) == 60
    net = _network(f"generated-{GENERATED[-1][0]}-{GENERATED[-1][1]}")
    zh = [r.name for r in net.named("zh").regions.values()]
    assert all(any(ord(ch) >= 0x4E00 for ch in name) for name in zh) and len(set(zh)) == len(zh)


@pytest.mark.parametrize("names", ["latin", "zh"])
def test_robust_figures_pass_the_checks(names):
    # The robustness kinds (issue 14) on henan-uncertain, the scenario they are drawn from when
    # the given one states no distribution; the quantities' ids must not show either.
    from solver.gallery import ROBUST_KINDS, ROBUST_SCENARIO

    network = load_scenario(ROBUST_SCENARIO)
    figs = figures(network, names=names, kinds=ROBUST_KINDS)
    assert list(figs) == list(ROBUST_KINDS)
    failures = _failures(figs, _ids(network) | set(network.uncertainty.names))
    assert not failures, f"{len(failures)} problems\n" + "\n".join(failures)
