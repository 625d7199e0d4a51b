"""Repeated cooperation under imperfect public monitoring (docs/models.md).

The governments observe a public signal instead of each other's actions: under mutual
cooperation a bad signal appears with probability ε (a false alarm), after a deviation with
probability η (detection), and a bad signal starts permanent reversion to mutual defection.
Cooperation is an equilibrium iff

    δ ≥ δ* = (T − R) / [(1 − ε)(T − R) + (η − ε)(R − P)],

which is feasible (δ* < 1) iff ε(T − R) < (η − ε)(R − P). With ε = 0 and η = 1 it is the
grim-trigger threshold (T − R)/(T − P).

Examples
--------
>>> from games import prisoners_dilemma
>>> r = imperfect_monitoring_threshold(prisoners_dilemma(T=5, R=3, P=1, S=0), false_alarm=0.1, detection=0.8)
>>> round(r.threshold, 6), r.feasible
(0.625, True)
>>> imperfect_monitoring_threshold(prisoners_dilemma(), false_alarm=0.5, detection=0.6).message
'infeasible for both players: ε(T − R) = 1 ≥ (η − ε)(R − P) = 0.2; no discount sustains cooperation'
"""

from __future__ import annotations

from dataclasses import dataclass

from games import Game, stage_payoffs
from games.errors import UserInputError

from ..kernels.exact import rational

__all__ = ["MonitoringThreshold", "imperfect_monitoring_threshold"]


@dataclass(frozen=True)
class MonitoringThreshold:
    """The discount threshold per player and overall, or why none exists."""

    per_player: tuple[float | None, float | None]
    threshold: float | None
    feasible: bool
    message: str


def imperfect_monitoring_threshold(game: Game, false_alarm: float, detection: float) -> MonitoringThreshold:
    """The discount threshold of cooperation under imperfect public monitoring.

    Parameters
    ----------
    game : Game
        A 2×2 stage game with T > R > P for both governments.
    false_alarm : float
        ε ∈ [0, 1), the probability of a bad signal under mutual cooperation.
    detection : float
        η ∈ (ε, 1], the probability of a bad signal after a deviation.

    Raises
    ------
    UserInputError
        For probabilities outside [0, 1] or a game without T > R > P.
    """
    for name, value in (("false_alarm", false_alarm), ("detection", detection)):
        if not 0 <= value <= 1:
            raise UserInputError(f"{name} must lie in [0, 1], got {value}")
    # Decided in exact rationals (payoffs and probabilities read as the decimals they spell), so
    # that ε(T − R) = (η − ε)(R − P) is the tie it is and not a float accident.
    eps, eta = rational(false_alarm), rational(detection)
    per_player: list[float | None] = []
    problems = []
    for who, p in zip(("row", "column"), stage_payoffs(game)):
        if not p.T > p.R > p.P:
            raise UserInputError(f"the {who} player needs T > R > P for a trigger strategy, got T={p.T:g}, R={p.R:g}, P={p.P:g}")
        T, R, P = rational(p.T), rational(p.R), rational(p.P)
        temptation, punishment = eps * (T - R), (eta - eps) * (R - P)
        if temptation >= punishment:
            per_player.append(None)
            problems.append((who, f"ε(T − R) = {float(temptation):g} ≥ (η − ε)(R − P) = {float(punishment):g}"))
        else:
            per_player.append(float((T - R) / ((1 - eps) * (T - R) + punishment)))
    if problems:
        if len(problems) == 2 and problems[0][1] == problems[1][1]:
            text = f"infeasible for both players: {problems[0][1]}"
        else:
            text = "; ".join(f"infeasible for the {who} player: {why}" for who, why in problems)
        return MonitoringThreshold((per_player[0], per_player[1]), None, False, text + "; no discount sustains cooperation")
    value = max(v for v in per_player if v is not None)
    return MonitoringThreshold((per_player[0], per_player[1]), value, True, f"δ ≥ {value:.6g}")
