"""regions.uncertain and distributions in scenario files: laws, sampling, copula, errors, round trip."""

import math
import re
import textwrap

import numpy as np
import pytest
import scipy.stats as st
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as hs
from scipy import integrate

from regions import (
    Distribution,
    EntryError,
    MechanismSpec,
    Quantity,
    ScenarioError,
    Uncertainty,
    dumps_scenario,
    load_scenario,
    loads_scenario,
    save_scenario,
)


def floats(low: float, high: float):
    """Floats in [low, high] that a scenario accepts: 0, or at least 10⁻¹⁰⁰ in magnitude (a
    subnormal bound such as 2.2e-311 is refused, issue 16)."""
    return hs.floats(low, high).filter(lambda v: v == 0 or abs(v) >= 1e-98)  # 1e-98: x / 10 stays in range

HEAD = '[scenario]\nname = "t"\n'
REGIONS = textwrap.dedent(
    """
    [[regions]]
    id = "p"
    level = "prefecture"
    name = "Jinhua"

    [[regions]]
    id = "a"
    level = "county"
    parent = "p"

    [[regions]]
    id = "b"
    level = "county"
    parent = "p"
    """
)


def link(payoffs="{ R = 3, S = 0, T = 5, P = 1 }", extra=""):
    return f'\n[[links]]\nbetween = ["a", "b"]\npayoffs = {payoffs}\n{extra}'


def load(text, file="s.toml"):
    return loads_scenario(text, file)


FULL = (
    HEAD
    + REGIONS
    + link('{ R = 3, S = 0, T = { uniform = [4, 6] }, P = { normal = [1, 0.2], bounds = [0.5, 1.5], name = "P" } }', "weight = { uniform = [1, 3] }\n")
    + textwrap.dedent(
        """
        [[links]]
        between = ["a", "b"]
        cluster = "tea"
        economics = { row = { b = 4, c = { lognormal = [0, 0.5] }, g = 4, l = 0, w = 0 }, col = { b = 4, c = 1, g = { choice = [3, 4, 5], weights = [0.2, 0.3, 0.5] }, l = 0, w = 0 } }

        [[mechanisms]]
        kind = "higher_level_guidance"
        name = "Jinhua guidance"
        by = "p"
        subsidy = { triangular = [0, 1, 2] }
        detection = { uniform = [0, 1], name = "det" }
        penalty = 1

        [uncertainty]
        correlation = [["a-b:cluster.T", "P", 0.5], ["det", "a-b:tea.row.c", -0.3]]
        """
    )
)


# -- reference values of the laws ------------------------------------------------------------


def test_central_values_closed_forms():
    # Midpoint, mode, mean, median exp(mu), weighted mean: the documented central values.
    assert Distribution("uniform", (4, 6)).central == 5.0
    assert Distribution("triangular", (4, 5, 7)).central == 5.0
    assert Distribution("normal", (5, 1)).central == 5.0
    assert Distribution("lognormal", (math.log(3), 0.7)).central == pytest.approx(3.0, rel=1e-15)
    assert Distribution("choice", (1, 2, 4), weights=(0.5, 0.25, 0.25)).central == 2.0
    assert Distribution("choice", (1, 2, 3)).central == 2.0
    # Half-normal on [0, inf): mean sqrt(2/pi) (closed form).
    assert Distribution("normal", (0, 1), bounds=(0, 50)).central == pytest.approx(math.sqrt(2 / math.pi), rel=1e-14)


@settings(max_examples=30, deadline=None)
@given(
    mean=floats(-10, 10),
    sd=floats(0.1, 5),
    a=floats(-4, 4),
    width=floats(0.05, 6),
)
def test_truncated_normal_mean_by_quadrature(mean, sd, a, width):
    # Reference: the mean of the truncated law by adaptive quadrature of x·φ over the bounds.
    low, high = mean + a * sd, mean + (a + width) * sd
    d = Distribution("normal", (mean, sd), bounds=(low, high))
    dens = lambda x: math.exp(-(((x - mean) / sd) ** 2) / 2)  # noqa: E731
    mass = integrate.quad(dens, low, high, epsabs=0, epsrel=1e-12)[0]
    first = integrate.quad(lambda x: x * dens(x), low, high, epsabs=0, epsrel=1e-12)[0]
    assert d.central == pytest.approx(first / mass, rel=1e-8, abs=1e-8 * sd)


def _scipy(d: Distribution):
    """The same law as a scipy.stats frozen distribution (the independent reference)."""
    p = d.params
    if d.kind == "uniform":
        return st.uniform(loc=p[0], scale=p[1] - p[0])
    if d.kind == "triangular":
        return st.triang(c=(p[1] - p[0]) / (p[2] - p[0]), loc=p[0], scale=p[2] - p[0])
    if d.kind == "normal" and d.bounds is not None:
        return st.truncnorm((d.bounds[0] - p[0]) / p[1], (d.bounds[1] - p[0]) / p[1], loc=p[0], scale=p[1])
    if d.kind == "normal":
        return st.norm(loc=p[0], scale=p[1])
    return st.lognorm(s=p[1], scale=math.exp(p[0]))


@hs.composite
def continuous(draw):
    kind = draw(hs.sampled_from(["uniform", "triangular", "normal", "truncnormal", "lognormal"]))
    x = draw(floats(-20, 20))
    w = draw(floats(0.01, 10))
    if kind == "uniform":
        return Distribution("uniform", (x, x + w))
    if kind == "triangular":
        return Distribution("triangular", (x, x + draw(floats(0, 1)) * w, x + w))
    if kind == "normal":
        return Distribution("normal", (x, w))
    if kind == "truncnormal":
        a = draw(floats(-3, 3))
        return Distribution("normal", (x, w), bounds=(x + a * w, x + (a + draw(floats(0.1, 4))) * w))
    return Distribution("lognormal", (x / 10, draw(floats(0.05, 1.5))))


@settings(max_examples=60, deadline=None)
@given(d=continuous(), u=hs.lists(floats(1e-6, 1 - 1e-6), min_size=1, max_size=8))
def test_ppf_and_cdf_match_scipy(d, u):
    # Our closed forms against scipy.stats' own uniform / triang / norm / truncnorm / lognorm.
    ref = _scipy(d)
    u = np.array(u)
    scale = d.params[-1] if d.kind != "lognormal" else float(ref.ppf(0.5))
    x = d.ppf(u)
    np.testing.assert_allclose(x, ref.ppf(u), rtol=1e-7, atol=1e-7 * scale)
    np.testing.assert_allclose(d.cdf(x), ref.cdf(x), rtol=1e-7, atol=1e-9)
    low, high = d.support
    assert np.all((x >= low) & (x <= high))


def test_choice_ppf_and_cdf():
    d = Distribution("choice", (5, 1, 3), weights=(0.5, 0.2, 0.3))  # sorted: 1 (0.2), 3 (0.3), 5 (0.5)
    assert d.ppf(np.array([0.0, 0.19, 0.2, 0.49, 0.5, 0.99])).tolist() == [1, 1, 3, 3, 5, 5]
    assert d.cdf(np.array([0.0, 1.0, 2.9, 3.0, 5.0, 9.0])).tolist() == pytest.approx([0, 0.2, 0.2, 0.5, 1, 1])


# KS tests: the sampled empirical CDF against scipy.stats' cdf. Seeds are fixed, so the tests are
# deterministic; p > 1e-3 is the threshold (a correct sampler fails it with probability 1e-3 per
# seed under plain Monte Carlo; scrambled Sobol' points are far more even than that).
LAWS = [
    Distribution("uniform", (4, 6)),
    Distribution("triangular", (4, 4.5, 7)),
    Distribution("normal", (5, 2)),
    Distribution("normal", (5, 2), bounds=(6, 20)),
    Distribution("normal", (0, 1), bounds=(3, 4)),
    Distribution("lognormal", (0.3, 0.8)),
]


@pytest.mark.parametrize("method", ["sobol", "random"])
@pytest.mark.parametrize("d", LAWS, ids=lambda d: d.describe())
def test_sample_ks(d, method):
    u = Uncertainty((Quantity("x", d),))
    x = u.sample(2048, seed=11, method=method)["x"].to_numpy()
    assert st.kstest(x, _scipy(d).cdf).pvalue > 1e-3


def test_choice_frequencies():
    d = Distribution("choice", (1, 2, 3), weights=(0.2, 0.3, 0.5))
    n = 4096
    x = Uncertainty((Quantity("x", d),)).sample(n, seed=2, method="random")["x"].to_numpy()
    for value, w in zip(d.params, d.weights):
        # binomial frequency: within 4 standard errors sqrt(w(1-w)/n)
        assert abs(np.mean(x == value) - w) < 4 * math.sqrt(w * (1 - w) / n)


@pytest.mark.parametrize("method", ["sobol", "random"])
@pytest.mark.parametrize("rho", [-0.9, -0.4, 0.3, 0.8])
def test_copula_rank_correlation(rho, method):
    # Gaussian copula: Spearman's rho of the values is (6/pi)·asin(rho/2) whatever the margins.
    # n = 2**14; the standard error of Spearman's estimate is ≤ 1/sqrt(n - 3) ≈ 0.0078 for
    # normal scores, so 4 standard errors is 0.031.
    q = (Quantity("x", Distribution("triangular", (0, 1, 5))), Quantity("y", Distribution("lognormal", (0, 1))))
    u = Uncertainty(q, (("x", "y", rho),))
    n = 2**14
    sample = u.sample(n, seed=5, method=method)
    rs = st.spearmanr(sample["x"], sample["y"]).statistic
    assert abs(rs - 6 / math.pi * math.asin(rho / 2)) < 4 / math.sqrt(n - 3)


def test_copula_three_quantities_and_margins():
    q = tuple(Quantity(n, Distribution("normal", (0, 1))) for n in "abc")
    u = Uncertainty(q, (("a", "b", 0.6), ("c", "b", -0.3)))
    expected = np.array([[1, 0.6, 0], [0.6, 1, -0.3], [0, -0.3, 1]])
    np.testing.assert_allclose(u.correlation, expected, atol=1e-15)
    # normal margins: the Pearson correlation of the values is the matrix itself (n = 2**14:
    # standard error ≤ 1/sqrt(n) ≈ 0.008; tolerance 0.035).
    s = u.sample(2**14, seed=8)
    np.testing.assert_allclose(np.corrcoef(s.to_numpy().T), expected, atol=0.035)


def test_sample_is_seeded():
    u = load(FULL).uncertainty
    assert u.sample(64, 7).equals(u.sample(64, 7))
    assert not u.sample(64, 7).equals(u.sample(64, 8))
    assert list(u.sample(3, 0).columns) == list(u.names)
    with pytest.raises(ValueError, match="method must be"):
        u.sample(4, 0, method="lhs")
    with pytest.raises(ValueError, match="positive whole number"):
        u.sample(0, 0)
    with pytest.raises(ValueError, match=r"shape \(n, 7\)"):
        u.unit_to_values(np.zeros((3, 2)))


def test_unit_to_values_without_correlation_is_the_ppf():
    d = Distribution("triangular", (0, 1, 4))
    u = Uncertainty((Quantity("x", d), Quantity("y", Distribution("uniform", (2, 3)))))
    grid = np.array([[0.1, 0.5], [0.9, 0.25]])
    values = u.unit_to_values(grid)
    # triangular closed form by hand: F(1) = 1/4; below the mode x = sqrt(u·4·1)
    assert values["x"].tolist() == pytest.approx([math.sqrt(0.4), 4 - math.sqrt(0.1 * 4 * 3)])
    assert values["y"].tolist() == [2.5, 2.25]


def test_describe():
    assert Distribution("uniform", (4, 6)).describe() == "uniform on [4, 6]"
    assert Distribution("normal", (5, 1), bounds=(4, 7)).describe() == "normal(mean 5, sd 1) on [4, 7]"
    assert Distribution("lognormal", (0, 0.5)).describe() == "lognormal(mu 0, sigma 0.5)"
    assert Distribution("choice", (1, 2, 3)).describe() == "choice of 1, 2, 3"


# -- scenario files --------------------------------------------------------------------------


def test_scenario_names_places_and_central_values():
    net = load(FULL)
    u = net.uncertainty
    assert u.names == (
        "a-b:cluster.T",
        "P",
        "a-b:cluster.weight",
        "a-b:tea.row.c",
        "a-b:tea.col.g",
        "Jinhua guidance.subsidy",
        "det",
    )
    places = {q.name: q.places for q in u.quantities}
    assert places["a-b:cluster.T"] == (("link", 0, "both", "T"),)
    assert places["a-b:tea.col.g"] == (("link", 1, "col", "g"),)
    assert places["a-b:cluster.weight"] == (("weight", 0),)
    assert places["det"] == (("mechanism", 0, "detection"),)
    first, second = net.links
    assert first.game.row["T"] == 5.0 and first.weight == 2.0
    assert second.game.col["g"] == pytest.approx(0.2 * 3 + 0.3 * 4 + 0.5 * 5)
    assert second.game.row["c"] == 1.0  # lognormal median exp(0)
    assert dict(net.mechanisms[0].parameters) == {"subsidy": 1.0, "detection": 0.5, "penalty": 1.0}


def test_default_names_single_link():
    text = (
        HEAD
        + REGIONS
        + link("{ row = { R = 3, S = 0, T = { uniform = [4, 6] }, P = 1 }, col = { R = 3, S = 0, T = 5, P = 1 } }", "weight = { triangular = [1, 2, 3] }\n")
    )
    assert load(text).uncertainty.names == ("a-b.row.T", "a-b.weight")


def test_shared_name_is_one_draw():
    text = HEAD + REGIONS + link('{ R = 3, S = 0, T = { uniform = [4, 6], name = "t" }, P = 1 }')
    text += '\n[[links]]\nbetween = ["a", "b"]\ncluster = "tea"\npayoffs = { R = 3, S = 0, T = { uniform = [4, 6], name = "t" }, P = 1 }\n'
    net = load(text)
    (q,) = net.uncertainty.quantities
    assert q.places == (("link", 0, "both", "T"), ("link", 1, "both", "T"))
    point = net.with_values({"t": 4.25})
    assert [k.game.row["T"] for k in point.links] == [4.25, 4.25]
    assert point.uncertainty is None


def test_with_values_and_copies():
    net = load(FULL)
    row = net.uncertainty.sample(1, seed=3).iloc[0].to_dict()
    point = net.with_values(row)
    assert point.links[0].game.row["T"] == row["a-b:cluster.T"]
    assert point.links[0].weight == row["a-b:cluster.weight"]
    assert point.links[1].game.col["g"] == row["a-b:tea.col.g"]
    assert point.mechanisms[0].parameters["detection"] == row["det"]
    assert point.links[1].game.col["c"] == 1.0  # untouched
    assert net.with_values({}).links == net.links
    with pytest.raises(KeyError, match="did you mean 'det'"):
        net.with_values({"dett": 0.5})
    with pytest.raises(EntryError, match="weight"):
        net.with_values({"a-b:cluster.weight": -1.0})
    assert net.named("zh").uncertainty == net.uncertainty
    extra = net.with_mechanisms(MechanismSpec("side_payment", {"payer": "a", "transfer": 1.0}))
    assert extra.uncertainty == net.uncertainty
    assert load_scenario("yongkang-wuyi-jinyun").uncertainty is None


def test_round_trip_keeps_distributions_and_correlation(tmp_path):
    net = load(FULL)
    again = loads_scenario(dumps_scenario(net))
    assert again == net
    assert again.uncertainty == net.uncertainty
    np.testing.assert_array_equal(again.uncertainty.correlation, net.uncertainty.correlation)
    assert load_scenario(save_scenario(net, tmp_path / "u.toml")) == net
    # A certain network stays without [uncertainty].
    assert "uncertainty" not in dumps_scenario(load_scenario("yongkang-wuyi-jinyun"))


@hs.composite
def any_distribution(draw):
    d = draw(continuous())
    if draw(hs.booleans()):
        values = draw(hs.lists(hs.integers(-5, 5), min_size=2, max_size=4))
        weights = draw(hs.lists(hs.integers(1, 5), min_size=len(values), max_size=len(values)))
        return Distribution("choice", tuple(values), weights=tuple(w / sum(weights) for w in weights) if sum(weights) else None)
    return d


@settings(max_examples=25, deadline=None)
@given(
    dists=hs.lists(any_distribution(), min_size=4, max_size=4),
    where=hs.lists(hs.booleans(), min_size=4, max_size=4),
    shared=hs.booleans(),
    rho=floats(-0.95, 0.95),
)
def test_round_trip_property(dists, where, shared, rho):
    # Random payoff distributions in random places, one name possibly shared, one correlation.
    keys = ["R", "S", "T", "P"]
    values = {k: 1.0 for k in keys}
    for k, d, on in zip(keys, dists, where):
        if on:
            values[k] = {**d.to_table(), **({"name": "shared"} if shared and k in "RS" else {})}
    assume_names = [k for k, on in zip(keys, where) if on]
    text = HEAD + REGIONS + "\n" + tomli_w.dumps({"links": [{"between": ["a", "b"], "payoffs": values}]})
    if shared and where[0] and where[1] and dists[0] != dists[1]:
        with pytest.raises(ScenarioError, match="one name is one quantity"):
            load(text)
        return
    net = load(text)
    names = list(net.uncertainty.names) if assume_names else []
    if len(names) >= 2:
        text2 = dumps_scenario(net) + f'\n[uncertainty]\ncorrelation = [["{names[0]}", "{names[1]}", {rho!r}]]\n'
        net = load(text2)
    again = loads_scenario(dumps_scenario(net))
    assert again == net and again.uncertainty == net.uncertainty


# -- one-line errors: file, entry and field ---------------------------------------------------

L1 = r"s\.toml: \[\[links\]\] #1 \(a–b\), field "
BAD = [
    (link("{ R = 3, S = 0, T = { uniform = [6, 4] }, P = 1 }"), L1 + r"'payoffs\.T\.uniform': needs low < high, got \[6, 4\]"),
    (link("{ R = 3, S = 0, T = { normal = [5, 0] }, P = 1 }"), L1 + r"'payoffs\.T\.normal': needs sd > 0, got 0"),
    (link("{ R = 3, S = 0, T = { normal = [5, -1] }, P = 1 }"), L1 + r"'payoffs\.T\.normal': needs sd > 0, got -1"),
    (
        link("{ R = 3, S = 0, T = { normal = [0, 1], bounds = [10, 11] }, P = 1 }"),
        L1 + r"'payoffs\.T\.bounds': \[10, 11\] hold probability 7\.6e-24 of normal\(mean 0, sd 1\); they must hold ≥ 1e-12",
    ),
    (link("{ R = 3, S = 0, T = { normal = [0, 1], bounds = [2, 1] }, P = 1 }"), L1 + r"'payoffs\.T\.bounds': needs low < high"),
    (link("{ R = 3, S = 0, T = { lognormal = [0, 0] }, P = 1 }"), L1 + r"'payoffs\.T\.lognormal': needs sigma > 0, got 0"),
    (
        link("{ R = 3, S = 0, T = { choice = [1, 2], weights = [0.5, 0.6] }, P = 1 }"),
        L1 + r"'payoffs\.T\.weights': must sum to 1, got 1\.1$",
    ),
    (
        link("{ R = 3, S = 0, T = { choice = [1, 2], weights = [1.5, -0.5] }, P = 1 }"),
        L1 + r"'payoffs\.T\.weights': must not be negative, got -0\.5",
    ),
    (link("{ R = 3, S = 0, T = { choice = [1, 2], weights = [1] }, P = 1 }"), L1 + r"'payoffs\.T\.weights': needs one weight per value \(2\), got 1"),
    (link("{ R = 3, S = 0, T = { uniform = [4, 5, 6] }, P = 1 }"), L1 + r"'payoffs\.T\.uniform': takes \[low, high\], got 3 numbers"),
    (link("{ R = 3, S = 0, T = { triangular = [4, 8, 6] }, P = 1 }"), L1 + r"'payoffs\.T\.triangular': needs low ≤ mode ≤ high"),
    (link("{ R = 3, S = 0, T = { unifrom = [4, 6] }, P = 1 }"), L1 + r"'payoffs\.T\.unifrom': unknown key \(did you mean 'uniform'\?\)"),
    (link('{ R = 3, S = 0, T = { uniform = [4, "6"] }, P = 1 }'), L1 + r"'payoffs\.T\.uniform': must be an array of numbers, got str '6'"),
    (link("{ R = 3, S = 0, T = { uniform = [4, nan] }, P = 1 }"), L1 + r"'payoffs\.T\.uniform': must hold finite numbers, got nan"),
    (link("{ R = 3, S = 0, T = { uniform = [-inf, 6] }, P = 1 }"), L1 + r"'payoffs\.T\.uniform': must hold finite numbers, got -inf"),
    (link("{ R = 3, S = 0, T = { uniform = 4 }, P = 1 }"), L1 + r"'payoffs\.T\.uniform': must be an array of numbers, got 4"),
    (link('{ R = 3, S = 0, T = { name = "t" }, P = 1 }'), L1 + r"'payoffs\.T': a distribution table needs one of uniform, triangular"),
    (link("{ R = 3, S = 0, T = { uniform = [4, 6], normal = [5, 1] }, P = 1 }"), L1 + r"'payoffs\.T\.normal': give one distribution, got uniform and normal"),
    (link("{ R = 3, S = 0, T = { uniform = [4, 6], bounds = [4, 5] }, P = 1 }"), L1 + r"'payoffs\.T\.bounds': only a normal takes bounds"),
    (link("{ R = 3, S = 0, T = { uniform = [4, 6], name = 3 }, P = 1 }"), L1 + r"'payoffs\.T\.name': must be a non-empty string"),
    (
        link("{ R = 3, S = 0, T = 5, P = 1 }", "weight = { normal = [1, 0.5] }\n"),
        L1 + r"'weight': normal\(mean 1, sd 0\.5\) takes values outside the field's range: every value must be > 0",
    ),
    (
        '\n[[links]]\nbetween = ["a", "b"]\neconomics = { b = 4, c = { uniform = [-1, 1] }, g = 4, l = 0, w = 0 }\n',
        L1 + r"'economics\.c': uniform on \[-1, 1\] takes values outside the field's range: every value must be ≥ 0",
    ),
    (
        link() + '\n[[mechanisms]]\nkind = "repeated_play"\ndiscount = { uniform = [0.5, 1] }\n',
        r"s\.toml: \[\[mechanisms\]\] #1 \(repeated_play\), field 'discount': uniform on \[0\.5, 1\] takes values outside the field's range: every value must be in \(0, 1\)",
    ),
    (
        REGIONS.replace('name = "Jinhua"', 'name = "Jinhua"\nlon = { uniform = [119, 120] }\nlat = 29'),
        r"s\.toml: \[\[regions\]\] #1 \(p\), field 'lon': a distribution is not allowed here",
    ),
    (
        REGIONS.replace('name = "Jinhua"', 'name = "Jinhua"\nattributes = { gdp = { uniform = [1, 2] } }'),
        r"s\.toml: \[\[regions\]\] #1 \(p\), field 'attributes\.gdp': a distribution is not allowed here",
    ),
    (link("{ R = 3, S = 0, T = 5, P = 1 }", "cluster = { uniform = [1, 2] }\n"), L1 + r"'cluster': must be a string; a distribution is not allowed here"),
    (
        link("{ R = 3, S = 0, T = { uniform = [4, 6] }, P = 1 }") + '\n[uncertainty]\ncorrelation = [["a-b.T", "a-b.S", 0.5]]\n',
        r"s\.toml: \[uncertainty\], field 'correlation': 'a-b\.S' is not an uncertain quantity \(did you mean 'a-b\.T'\?\); quantities: a-b\.T$",
    ),
    (
        link("{ R = { uniform = [2, 3] }, S = 0, T = { uniform = [4, 6] }, P = 1 }") + '\n[uncertainty]\ncorrelation = [["a-b.T", "a-b.R", 1.5]]\n',
        r"s\.toml: \[uncertainty\], field 'correlation': the correlation of 'a-b\.T' and 'a-b\.R' must lie in \[-1, 1\], got 1\.5",
    ),
    (
        link("{ R = { uniform = [2, 3] }, S = { uniform = [-1, 0] }, T = { uniform = [4, 6] }, P = 1 }")
        + '\n[uncertainty]\ncorrelation = [["a-b.T", "a-b.R", 0.9], ["a-b.R", "a-b.S", 0.9], ["a-b.T", "a-b.S", -0.9]]\n',
        r"s\.toml: \[uncertainty\], field 'correlation': the correlation matrix is not positive definite \(smallest eigenvalue -0\.8",
    ),
    (
        link("{ R = { uniform = [2, 3] }, S = 0, T = { uniform = [4, 6] }, P = 1 }") + '\n[uncertainty]\ncorrelation = [["a-b.T", "a-b.R", 1]]\n',
        r"field 'correlation': the correlation matrix is not positive definite",
    ),
    (
        link("{ R = { uniform = [2, 3] }, S = 0, T = { uniform = [4, 6] }, P = 1 }") + '\n[uncertainty]\ncorrelation = [["a-b.T", "a-b.T", 0.5]]\n',
        r"field 'correlation': 'a-b\.T' is correlated with itself",
    ),
    (
        link("{ R = { uniform = [2, 3] }, S = 0, T = { uniform = [4, 6] }, P = 1 }")
        + '\n[uncertainty]\ncorrelation = [["a-b.T", "a-b.R", 0.5], ["a-b.R", "a-b.T", 0.2]]\n',
        r"field 'correlation': the pair 'a-b\.R', 'a-b\.T' is listed twice",
    ),
    (
        link("{ R = { uniform = [2, 3] }, S = 0, T = { uniform = [4, 6] }, P = 1 }") + '\n[uncertainty]\ncorrelation = [["a-b.T", "a-b.R"]]\n',
        r"field 'correlation': each entry is \[\"name\", \"name\", rho\]",
    ),
    (link() + "\n[uncertainty]\ncorelation = []\n", r"s\.toml: \[uncertainty\], field 'corelation': unknown key \(did you mean 'correlation'\?\)"),
    (
        link('{ R = { uniform = [2, 3], name = "x" }, S = 0, T = { uniform = [4, 6], name = "x" }, P = 1 }'),
        L1
        + r"'payoffs\.T': the quantity 'x' is uniform on \[2, 3\] at \[\[links\]\] #1 \(a–b\), field 'payoffs\.R', here uniform on \[4, 6\]; one name is one quantity",
    ),
]


@pytest.mark.parametrize("tail, message", BAD, ids=[m[-60:] for _, m in BAD])
def test_bad_distribution_is_one_line(tail, message):
    text = HEAD + (tail if tail.lstrip().startswith("[[regions]]") else REGIONS + tail)
    with pytest.raises(ScenarioError, match=message) as info:
        load(text)
    assert "\n" not in str(info.value)
    assert str(info.value).startswith("s.toml: ")


def test_distribution_object_errors():
    with pytest.raises(EntryError, match="unknown distribution 'gauss'"):
        Distribution("gauss", (0, 1))
    with pytest.raises(EntryError, match="only a choice takes weights"):
        Distribution("uniform", (0, 1), weights=(1.0,))
    with pytest.raises(EntryError, match="needs at least two values"):
        Distribution("choice", (1,))
    with pytest.raises(EntryError, match="the quantity name 'x' is used twice"):
        Uncertainty((Quantity("x", Distribution("uniform", (0, 1))), Quantity("x", Distribution("uniform", (0, 2)))))


def test_generated_scenario_takes_no_uncertainty():
    text = HEAD + "[generate]\nregions = 5\nlinks = 3\nseed = 1\n[uncertainty]\ncorrelation = []\n"
    with pytest.raises(ScenarioError, match=r"s\.toml: top level, field 'uncertainty': a generated scenario has no"):
        load(text)


def test_uncertainty_pickles_and_empty_sample():
    # Executors with processes send the Uncertainty (not the network) to workers.
    import pickle

    u = load(FULL).uncertainty
    again = pickle.loads(pickle.dumps(u))
    assert again == u and again.sample(16, 4).equals(u.sample(16, 4))
    assert Uncertainty(()).sample(3, 0).shape == (3, 0)


@pytest.mark.parametrize(("table", "reach"), [({"lognormal": [0, 50]}, "1.74e+130"), ({"normal": [0, 5e11]}, "3e+12")])
def test_a_distribution_whose_samples_leave_the_number_range_is_refused(table, reach):
    # Found by fuzzing: lognormal(0, 50) was accepted, and its samples (10¹⁰⁸ and beyond) gave
    # subsidies of 10³⁵ with negative interval bounds. Reference: the lognormal's 1 − 10⁻⁹
    # quantile is exp(50 · Φ⁻¹(1 − 10⁻⁹)) = exp(50 · 5.998) ≈ 1.74e130 (scipy.stats.lognorm).
    import scipy.stats

    assert f"{scipy.stats.lognorm(s=50).ppf(1 - 1e-9):.3g}" == "1.74e+130"
    with pytest.raises(EntryError, match=f"reaches {re.escape(reach)}"):
        Distribution.from_table(table)
