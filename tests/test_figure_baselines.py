"""Image regression: every figure kind against its reviewed baseline (pytest-mpl).

Each kind is drawn for the small fixed Yongkang–Wuyi–Jinyun scenario (3 regions, 3 links;
Latin names, and the network map also in Chinese) and compared pixel by pixel with
``tests/baseline/<test>.png`` (RMS tolerance 2 on 0–255 grey levels: anti-aliasing noise is
below 1, a moved label or a changed colour is far above). A change to a figure is then a
reviewed change: regenerate the baselines, look at them, commit them with the change::

    .venv/bin/python -m pytest tests/test_figure_baselines.py --mpl-generate-path=tests/baseline

Without ``--mpl`` (pytest-mpl's switch; ``make test`` passes it) the figures are still drawn.
"""

from __future__ import annotations

import pytest

from regions import load_scenario
from solver.gallery import KINDS, figures

SAVE = {"dpi": 100, "bbox_inches": "tight", "pad_inches": 0.03}


@pytest.fixture(scope="module")
def drawn():
    net = load_scenario("yongkang-wuyi-jinyun")
    out = figures(net, names="latin", seed=0)
    out["network-map-zh"] = figures(net, names="zh", seed=0, kinds=["network-map"])["network-map"]
    return out


@pytest.mark.parametrize("kind", [*KINDS, "network-map-zh"])
@pytest.mark.mpl_image_compare(baseline_dir="baseline", tolerance=2, savefig_kwargs=SAVE, style="default")
def test_figure_matches_its_baseline(drawn, kind):
    return drawn[kind]
