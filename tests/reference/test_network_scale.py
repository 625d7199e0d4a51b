"""The network-scale paths against the per-link ones (issue 15, network scale).

``analyze`` without basins solves every status-quo link as arrays (``link_payoffs`` →
``solve_2x2``) and builds row objects only when read; ``compare`` sizes shared candidates with
the vectorized formulas and builds its rows lazily. Each is held here to the per-link path it
replaced: ``link_game`` → ``stability`` (the exact equilibria of ``solver.equilibria``) and
``minimal_strength`` game by game — identical results, not close ones.
"""

from __future__ import annotations

import pytest

from games import BindingContract, HigherLevelGuidance, SidePayment, ThirdPartyOrganization
from regions import load_scenario, synthetic_province
from regions.scenario import builtin_scenarios
from solver import analyze, stability
from solver.design import Candidate, compare
from solver.design.compare import _one_row
from solver.kernels.fast2x2 import stack_games
from solver.network import LazyRows, LinkResult, _shares, link_game, link_payoffs

NETWORKS = [pytest.param(lambda name=name: load_scenario(name), id=name) for name in builtin_scenarios()] + [
    pytest.param(lambda: synthetic_province(regions=80, links=300, seed=7), id="synthetic-300")
]

CANDIDATES = [
    Candidate("guidance: subsidy", HigherLevelGuidance(inspection_cost=0.1), "subsidy"),
    Candidate("guidance: penalty", HigherLevelGuidance(detection=0.5, inspection_cost=0.1), "penalty"),
    Candidate("binding contract", BindingContract(enforcement=0.8, signing_cost=0.05), "breach_penalty"),
    Candidate("third party", ThirdPartyOrganization(fee=0.05), "detection", (HigherLevelGuidance(penalty=3, detection=0.1),)),
    Candidate("side payment", SidePayment(payer=0), "transfer", (HigherLevelGuidance(subsidy=1.0),)),
]


@pytest.mark.parametrize("make", NETWORKS)
def test_link_payoffs_are_the_link_games_floats(make):
    network = make()
    A, B = link_payoffs(network)
    A0, B0 = stack_games([link_game(network, link) for link in network.links])
    assert A.tobytes() == A0.tobytes() and B.tobytes() == B0.tobytes()  # bit for bit


@pytest.mark.parametrize("make", NETWORKS)
def test_analyze_rows_and_summary_equal_the_per_link_path(make):
    network = make()
    result = analyze(network, basin=False)
    assert isinstance(result.links, LazyRows)
    quo = [r for r in result.links if r.mechanism == "status quo"]
    assert len(quo) == len(network.links)
    reference = []
    for link, row in zip(network.links, quo):
        game = link_game(network, link)
        report = stability(game, basin=False)  # the exact path, one game at a time
        assert row.link is link and row.game == game
        assert row.report.to_dict() == report.to_dict()  # notes included (an exact risk-dominance tie too)
        reference.append(LinkResult(link, row.superior, row.superior_level, "status quo", game, report))
    expected = _shares(reference)
    assert {k: v for k, v in result.summary.items() if k != "with_mechanisms"} == expected


def test_compare_rows_equal_minimal_strength_link_by_link():
    network = synthetic_province(regions=40, links=60, seed=11)
    rows = compare(network, CANDIDATES, target="strict").rows
    assert len(rows) == 60 * len(CANDIDATES)
    for k, link in enumerate(network.links):
        game = link_game(network, link)
        superior = network.superior(*link.between)
        for j, c in enumerate(CANDIDATES):
            row = rows[k * len(CANDIDATES) + j]
            one = _one_row(link, game, superior, c, "strict")  # minimal_strength on this game alone
            assert row.strength.message == one.strength.message
            # The batch formula and the scalar one round differently in the last bits (both
            # before and after the lazy rows); the printed threshold and the decisions are equal.
            assert (row.strength.value is None) == (one.strength.value is None)
            if one.strength.value is not None:
                assert row.strength.value == pytest.approx(one.strength.value, rel=1e-12, abs=1e-15)
            assert (row.strength.attained, row.strength.level) == (one.strength.attained, one.strength.level)
            assert (row.payer, row.candidate, row.contains) == (one.payer, one.candidate, one.contains)
            assert row.costs.keys() == one.costs.keys()
            for party, entry in one.costs.items():  # (C, C) ledger from two affine points: equal to rounding
                assert row.costs[party] == pytest.approx(entry, rel=1e-12, abs=1e-12)


def test_lazy_rows_build_once_and_behave_as_a_sequence():
    built = []
    rows = LazyRows([None, None, "c"], lambda k: built.append(k) or f"row {k}")
    assert rows[-2] == "row 1" and rows[1] is rows[1] and built == [1]
    assert list(rows) == ["row 0", "row 1", "c"] and built == [1, 0]
    assert rows[1:] == ("row 1", "c") and len(rows) == 3


def test_batch_report_notes_an_exact_risk_dominance_tie_as_stability_does():
    # A stag hunt with (R − T)² = (P − S)²: (C, C) and (D, D) are strict and tie exactly in
    # risk dominance; a near tie (decimal payoffs) does not.
    from games import stag_hunt
    from solver.cooperation import report_from_batch
    from solver.kernels.fast2x2 import solve_2x2

    for game, tie in ((stag_hunt(R=4, T=3, P=2, S=1), True), (stag_hunt(R=4, T=3, P=2, S=1.001), False)):
        solved = solve_2x2(game.row_payoffs, game.col_payoffs)
        batch, reference = report_from_batch(game, solved, 0), stability(game, basin=False)
        assert batch.notes == reference.notes and batch.level == reference.level
        assert any("exact tie" in note for note in batch.notes) is tie


@pytest.mark.parametrize("name", builtin_scenarios())
def test_every_analyze_row_equals_the_exact_report(name):
    # Mechanism rows too (decimal payoffs after guidance, subsidies…): the batch decides the
    # level, and the equilibria shown are the exact path's to the last digit (0.2, not
    # 0.19999999999999982; 1.5, not 1.4999999999999998).
    for row in analyze(load_scenario(name), basin=False).links:
        assert row.report.to_dict() == stability(row.game, basin=False).to_dict(), (name, row.link.between, row.mechanism)
