"""The tornado chart of Sobol' indices (solver.plots.robust): what it draws is the result's
indices (computed by SALib against the closed forms in tests/reference/test_sobol_prim.py), and
it passes the automatic figure checks."""

from __future__ import annotations

import numpy as np
import pytest

from regions import builtin_text, loads_scenario
from solver.plots import save_figure
from solver.plots.check import check_figure
from solver.plots.robust import tornado
from solver.robust.scenario import robustness


def test_tornado_draws_the_indices_sorted_with_readable_names(tmp_path):
    text = builtin_text("henan-clusters").replace("T = 4.5", "T = { uniform = [4, 5] }", 1).replace("R = 3, S = -1", "R = { triangular = [2.5, 3, 3.5] }, S = -1", 1)
    result = robustness(loads_scenario(text), samples=512, seed=0)
    fig = tornado(result)
    ax = fig.axes[0]
    bars = [p for p in ax.patches if p.get_gid() == "total" or p.get_width() > 0]
    order = sorted(result.sobol, key=lambda k: result.sobol[k].ST)
    assert [t.get_text() for t in ax.get_yticklabels()] == [result.labels[k] for k in order]
    assert np.allclose([b.get_width() for b in bars], [max(0.0, result.sobol[k].ST) for k in order])
    assert all(":" in t.get_text() and "-" not in t.get_text().split(":")[0] for t in ax.get_yticklabels())  # names, not ids
    assert check_figure(fig, ids=list(result.sobol)) == []
    save_figure(fig, tmp_path / "tornado.pdf")


def test_tornado_without_indices_says_why():
    text = builtin_text("henan-clusters").replace("T = 4.5", "T = { uniform = [4, 5] }", 1)
    text += '\n[uncertainty]\ncorrelation = []\n'
    result = robustness(loads_scenario(text), samples=64, seed=0)
    object.__setattr__(result, "sobol", {})
    with pytest.raises(ValueError, match="no Sobol' indices"):
        tornado(result)
