"""Side payments on an asymmetric link: the fair transfer and the stabilizing transfer.

With transferable payoffs, the Nash bargaining solution with mutual defection as the
disagreement point gives each government Pᵢ + ½[(R_A + R_B) − (P_A + P_B)]: the row government
pays the column one t = ½[(R_A − P_A) − (R_B − P_B)] at (C, C) (a negative t flows the other
way). The threshold-balancing transfer

    t* = [(T_B − R_B)(T_A − P_A) − (T_A − R_A)(T_B − P_B)] / [(T_A − P_A) + (T_B − P_B)]

from A (row) to B equalizes the two grim-trigger thresholds at Σ(Tᵢ − Rᵢ)/Σ(Tᵢ − Pᵢ), the lowest
common threshold any transfer reaches (docs/models.md). The two can pull apart: fairness shares the
surplus, stability balances the temptations. :func:`side_payments` reports both.

Examples
--------
>>> from games import prisoners_dilemma
>>> g = prisoners_dilemma(T=6, R=3, P=1, S=0, col={"T": 4, "R": 3, "P": 0, "S": -1})
>>> fair_transfer(g)
SidePayment(transfer=0.5, payer=1)
>>> stabilizing_transfer(g)
SidePayment(transfer=0.7777777777777778, payer=1)
"""

from __future__ import annotations

from dataclasses import dataclass

from games import Game, SidePayment, apply, grim_trigger_threshold, stage_payoffs
from games.errors import UserInputError

__all__ = ["TransferReport", "fair_transfer", "side_payments", "stabilizing_transfer"]


def _payment(t: float) -> SidePayment:
    return SidePayment(transfer=abs(t), payer=0 if t >= 0 else 1)


def fair_transfer(game: Game) -> SidePayment:
    """The Nash-bargaining transfer at (C, C), disagreement point (P_A, P_B).

    Each government ends with Pᵢ + ½[(R_A + R_B) − (P_A + P_B)].
    """
    a, b = stage_payoffs(game)
    return _payment(0.5 * ((a.R - a.P) - (b.R - b.P)))


def stabilizing_transfer(game: Game) -> SidePayment:
    """The transfer at (C, C) that equalizes both grim-trigger thresholds (docs/models.md).

    Raises
    ------
    UserInputError
        If a government has T ≤ P (no grim threshold).
    """
    a, b = stage_payoffs(game)
    if a.T <= a.P or b.T <= b.P:
        raise UserInputError("the stabilizing transfer needs T > P for both governments")
    t = ((b.T - b.R) * (a.T - a.P) - (a.T - a.R) * (b.T - b.P)) / ((a.T - a.P) + (b.T - b.P))
    return _payment(t)


@dataclass(frozen=True)
class TransferReport:
    """Both transfers with what each does to payoffs and grim thresholds."""

    fair: SidePayment
    stabilizing: SidePayment
    thresholds: dict[str, tuple[float, float]]
    payoffs: dict[str, tuple[float, float]]
    common_threshold: float

    @property
    def conflict(self) -> bool:
        """Whether the fair and the stabilizing transfers differ (fairness and stability pull apart)."""
        signed = [p.transfer * (1 if p.payer == 0 else -1) for p in (self.fair, self.stabilizing)]
        return abs(signed[0] - signed[1]) > 1e-9


def side_payments(game: Game) -> TransferReport:
    """The fair and the stabilizing transfer of a link, reported together.

    ``thresholds`` and ``payoffs`` (at (C, C)) are given for ``"none"``, ``"fair"`` and
    ``"stabilizing"``.

    Examples
    --------
    >>> from games import prisoners_dilemma
    >>> r = side_payments(prisoners_dilemma(T=6, R=3, P=1, S=0, col={"T": 4, "R": 3, "P": 0, "S": -1}))
    >>> r.thresholds["none"], r.common_threshold
    ((0.6, 0.25), 0.4444444444444444)
    >>> r.conflict
    True
    """
    fair, stab = fair_transfer(game), stabilizing_transfer(game)
    thresholds, payoffs = {}, {}
    for name, mech in (("none", None), ("fair", fair), ("stabilizing", stab)):
        g = apply(game, mech) if mech else game
        thresholds[name] = grim_trigger_threshold(g)
        payoffs[name] = g.payoff((0, 0))
    a, b = stage_payoffs(game)
    common = ((a.T - a.R) + (b.T - b.R)) / ((a.T - a.P) + (b.T - b.P))
    return TransferReport(fair, stab, thresholds, payoffs, common)


def side_payment_reports(network) -> list:
    """(link, :class:`TransferReport`) for every asymmetric link whose governments both have T > P."""
    from ..network import link_game

    out = []
    for link in network.links:
        game = link_game(network, link)
        row, col = stage_payoffs(game)
        if row != col and row.T > row.P and col.T > col.P:
            out.append((link, side_payments(game)))
    return out
