"""The probability surface (solver.robust.surface) against closed forms and rejection sampling.

References
- Independent quantities: one dilemma link R, S = 0, P = 1 under guidance without a fine; (C, C) is
  strict iff R + subsidy > T. With T and the subsidy on the grid and R uniform on [2.5, 3.5],
  P = P(R > T − s) = clip(3.5 − T + s, 0, 1) (closed form).
- Correlated quantities (Gaussian copula, ρ = 0.7 between the scores of T and R): the closed form
  1 − Φ((Φ⁻¹(T − s − 2.5) − ρ z_T) / √(1 − ρ²)) with z_T the score of T; and, independently of
  any conditional formula, plain Monte-Carlo worlds from the scenario's joint law
  (Uncertainty.sample, method="random") kept when T falls in a narrow window around the grid value.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scenarios import one_link as link_text
from scipy import stats

from regions import load_scenario, loads_scenario
from solver.robust.scenario import robustness
from solver.robust.surface import probability_surface, surface_pair

LINK = link_text("surface", "{ R = { uniform = [2.5, 3.5] }, S = { uniform = [-0.5, 0] }, T = TEMPTATION, P = 1 }") + """
[[mechanisms]]
kind = "higher_level_guidance"
by = "p"
subsidy = { uniform = [0, 2], name = "subsidy" }
penalty = 0
CORRELATION
"""


def _within(estimate: np.ndarray, truth: np.ndarray, n: int) -> np.ndarray:
    """|p̂ − p| ≤ 4 binomial standard errors at the true p, plus 1/n (a true p within 1/n of 0
    or 1 may give p̂ = 0 or 1): at 4 SE one grid point in ~16,000 misses by chance."""
    return np.abs(estimate - truth) <= 4 * np.sqrt(truth * (1 - truth) / n) + 1 / n


def test_independent_quantities_match_the_closed_form_at_every_grid_point():
    net = loads_scenario(LINK.replace("TEMPTATION", "{ uniform = [4, 6] }").replace("CORRELATION", ""))
    s = probability_surface(net, "a-b.T", "subsidy", grid=11, samples=400, seed=5, link=0)
    assert s.xs.tolist() == pytest.approx(np.linspace(4, 6, 11).tolist()) and s.ys.tolist() == pytest.approx(np.linspace(0, 2, 11).tolist())
    assert s.p.shape == (11, 11) and s.samples == 400 and s.central == (5.0, 1.0) and s.what == "a–b reaches strict"
    assert s.x_label == "a–b: T" and s.y_label == "subsidy"
    T, sub = np.meshgrid(s.xs, s.ys)
    truth = np.clip(3.5 - T + sub, 0, 1)
    assert _within(s.p, truth, 400).all()
    assert np.allclose(s.se, np.sqrt(s.p * (1 - s.p) / 400))
    interior = (truth > 0.05) & (truth < 0.95)
    assert interior.sum() >= 20 and ((s.p > 0) & (s.p < 1))[interior].all()  # estimated there, not 0/1 (the test can fail)
    every = probability_surface(net, "a-b.T", "subsidy", grid=11, samples=400, seed=5)
    assert np.array_equal(every.p, s.p) and every.what == "every link reaches strict"


def test_correlated_quantities_match_the_conditional_closed_form_and_rejection_sampling():
    rho = 0.7
    text = LINK.replace("TEMPTATION", "{ normal = [5, 0.5] }").replace("CORRELATION", f'[uncertainty]\ncorrelation = [["a-b.T", "a-b.R", {rho}]]')
    net = loads_scenario(text)
    s = probability_surface(net, "a-b.T", "subsidy", grid=9, samples=600, seed=2)
    # unbounded T: the grid spans its 0.5 % and 99.5 % quantiles
    assert s.xs[0] == pytest.approx(stats.norm(5, 0.5).ppf(0.005)) and s.xs[-1] == pytest.approx(stats.norm(5, 0.5).ppf(0.995))
    T, sub = np.meshgrid(s.xs, s.ys)
    z_t = (T - 5) / 0.5
    cut = np.clip(T - sub - 2.5, 0, 1)  # R > T − s ⟺ Φ(z_R) > T − s − 2.5
    truth = 1 - stats.norm.cdf((stats.norm.ppf(cut) - rho * z_t) / math.sqrt(1 - rho**2))
    assert _within(s.p, truth, 600).all()
    assert np.abs(s.p - truth).max() > 0  # sampled, not copied from a formula

    # Rejection: 400,000 joint worlds, those with T within ±0.02 of the grid value (±0.04 sd: the
    # conditional probability moves by < 0.01 across the window, the floor added to 4 SE).
    worlds = net.uncertainty.sample(400_000, seed=11, method="random")
    t_all, r_all = worlds["a-b.T"].to_numpy(), worlds["a-b.R"].to_numpy()
    checked = 0
    for i in range(1, 8):
        window = np.abs(t_all - s.xs[i]) < 0.02
        kept = int(window.sum())
        assert kept > 1000
        for j in range(9):
            reference = float(np.mean(r_all[window] + s.ys[j] > t_all[window]))
            se = math.sqrt(reference * (1 - reference) / kept + s.p[j, i] * (1 - s.p[j, i]) / 600)
            assert abs(s.p[j, i] - reference) <= 4 * se + 0.01, (i, j, s.p[j, i], reference)
            checked += 0 < reference < 1
    assert checked >= 15  # enough interior points were compared


def test_surface_pair_takes_the_two_largest_total_indices():
    r = robustness(load_scenario("henan-uncertain"), samples=1024, seed=1)
    ranked = sorted((i.ST for i in r.sobol.values() if math.isfinite(i.ST)), reverse=True)
    x, y = surface_pair(r)
    assert x != y and r.sobol[x].ST == ranked[0] and r.sobol[y].ST == ranked[1]
    correlated = loads_scenario(LINK.replace("TEMPTATION", "{ uniform = [4, 6] }").replace("CORRELATION", '[uncertainty]\ncorrelation = [["a-b.T", "a-b.R", 0.5]]'))
    assert surface_pair(robustness(correlated, samples=64)) == ("a-b.R", "a-b.S")  # no indices: the first two


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"x": "a-b.Q"}, r"^'a-b\.Q' is not an uncertain quantity of surface; quantities: a-b\.R, a-b\.S, a-b\.T, subsidy$"),
        ({"y": "a-b.T"}, r"^the surface needs two different quantities, got 'a-b\.T' twice$"),
        ({"grid": 1}, r"^grid must be a whole number ≥ 2, got 1$"),
        ({"samples": 0}, r"^samples must be a positive whole number, got 0$"),
        ({"target": "none"}, r"^target must be one of "),
        ({"link": 3}, r"^link must be a link index from 0 to 0, got 3$"),
    ],
)
def test_bad_arguments_are_one_line(kwargs, message):
    net = loads_scenario(LINK.replace("TEMPTATION", "{ uniform = [4, 6] }").replace("CORRELATION", ""))
    args = {"x": "a-b.T", "y": "subsidy", **kwargs}
    with pytest.raises(ValueError, match=message):
        probability_surface(net, args.pop("x"), args.pop("y"), **args)


CHOICE = link_text("choice axis", "{ R = 3, S = 0, T = { choice = [4, 6], name = 'T' }, P = 1 }") + """
[[mechanisms]]
kind = "higher_level_guidance"
by = "p"
subsidy = { uniform = [0, 2], name = "s" }
penalty = 1
detection = { uniform = [0, 1], name = "d" }
[uncertainty]
correlation = [["T", "s", 0.8]]
"""


def test_a_correlated_choice_axis_conditions_on_its_whole_latent_interval():
    """T is a choice of 4 or 6 whose normal score correlates 0.8 with the subsidy's. At T = 4
    (score below 0) and detection d, strict needs s > 1 − d, i.e. z_s > c = Φ⁻¹((1 − d)/2), so
    P = P(z_s > c | z_T < 0) = 2 (Φ(0) − Φ₂(c, 0; 0.8)) by scipy's bivariate normal CDF; at T = 6,
    s > 3 − d is impossible. Tolerance 4 binomial SE at the closed form (2,000 draws)."""
    import math

    from scipy import stats

    net = loads_scenario(CHOICE)
    for x, y in (("T", "d"), ("d", "T")):
        surface = probability_surface(net, x, y, grid=5, samples=2000, seed=3)
        choices = surface.xs if x == "T" else surface.ys
        assert choices.tolist() == [4.0, 6.0]  # a choice axis is its own values
        ds = surface.ys if x == "T" else surface.xs
        p4 = surface.p[:, 0] if x == "T" else surface.p[0, :]
        p6 = surface.p[:, 1] if x == "T" else surface.p[1, :]
        law = stats.multivariate_normal(mean=[0, 0], cov=[[1, 0.8], [0.8, 1]])
        for d, got in zip(ds, p4):
            c = stats.norm.ppf((1 - d) / 2) if d < 1 else -math.inf
            truth = 1.0 if d >= 1 else 2 * (0.5 - law.cdf([c, 0.0]))
            assert abs(got - truth) <= 4 * math.sqrt(max(truth * (1 - truth), 1e-4) / 2000) + 1 / 2000, (x, d, got, truth)
        assert (p6 == 0).all()


def test_two_correlated_choice_axes_are_refused():
    text = CHOICE.replace('subsidy = { uniform = [0, 2], name = "s" }', 'subsidy = { choice = [0.5, 1.5], name = "s" }')
    with pytest.raises(ValueError, match="two correlated choice quantities"):
        probability_surface(loads_scenario(text), "T", "s")
