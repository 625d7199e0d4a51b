"""The Shapley value of a city group's surplus game against the definition, by enumeration.

Reference: the Shapley value as the average marginal contribution over every order of the
regions (all n! permutations, n ≤ 6), with v(S) the summed surplus weight × [(R_i + R_j) −
(P_i + P_j)] of the links inside S, read from the scenario's own stated payoffs; the core check
against every coalition. Tolerance 1e-9: sums of a few dozen decimals.
"""

from itertools import combinations, permutations
from math import factorial

from hypothesis import given, settings
from hypothesis import strategies as st

from regions import loads_scenario
from solver.design import shapley_surplus


def _scenario(n: int, links: list[tuple[int, int, dict, dict, float]]) -> str:
    lines = ['[scenario]\nname = "random surplus game"\nnote = "test"\n', '[[regions]]\nid = "p"\nname = "P"\nlevel = "province"\n']
    lines += [f'[[regions]]\nid = "r{i}"\nname = "R{i}"\nlevel = "county"\nparent = "p"\n' for i in range(n)]
    for k, (i, j, row, col, w) in enumerate(links):
        pay = lambda d: "{ " + ", ".join(f"{key} = {value}" for key, value in d.items()) + " }"  # noqa: E731
        lines.append(f'[[links]]\nbetween = ["r{i}", "r{j}"]\ncluster = "c{k}"\nweight = {w}\npayoffs = {{ row = {pay(row)}, col = {pay(col)} }}\n')
    return "\n".join(lines)


payoff = st.integers(-4, 4).map(lambda v: v / 2)
side = st.fixed_dictionaries({"R": payoff, "S": payoff, "T": payoff, "P": payoff})


@st.composite
def surplus_games(draw):
    n = draw(st.integers(2, 6))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1]), min_size=1, max_size=8))
    links = [(i, j, draw(side), draw(side), draw(st.sampled_from([0.5, 1.0, 2.0]))) for i, j in pairs]
    return n, links


@settings(max_examples=60)
@given(surplus_games())
def test_shapley_value_is_the_average_marginal_contribution(case):
    n, links = case
    net = loads_scenario(_scenario(n, links))
    surplus = [(f"r{i}", f"r{j}", w * ((row["R"] + col["R"]) - (row["P"] + col["P"]))) for i, j, row, col, w in links]
    players = sorted({p for a, b, _ in surplus for p in (a, b)})

    def v(coalition) -> float:
        inside = set(coalition)
        return sum(s for a, b, s in surplus if a in inside and b in inside)

    shapley = dict.fromkeys(players, 0.0)
    for order in permutations(players):
        for k, p in enumerate(order):
            shapley[p] += v(order[: k + 1]) - v(order[:k])
    shapley = {p: s / factorial(len(players)) for p, s in shapley.items()}

    result = shapley_surplus(net)
    assert set(result.values) == set(players)
    for p in players:
        assert abs(result.values[p] - shapley[p]) < 1e-9
    assert abs(result.total - v(players)) < 1e-9
    in_core = all(sum(shapley[p] for p in c) >= v(c) - 1e-9 for size in range(1, len(players)) for c in combinations(players, size))
    assert result.in_core is in_core
    if result.blocking is not None:
        assert sum(shapley[p] for p in result.blocking) < v(result.blocking) - 1e-9
