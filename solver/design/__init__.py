"""Mechanism design: how strong a mechanism must be, what it costs, and who should get what.

Public API
----------
:func:`minimal_strength`
    The least value of one parameter of a mechanism at which cooperation reaches a target level
    (:class:`Strength`), analytic where docs/models.md has a formula, otherwise by bisection with
    its monotonicity checked.
:func:`compare`
    Every candidate mechanism (:class:`Candidate`, :data:`GENERIC`) on every link: minimal
    strength, level reached, cost at the resulting equilibrium and who pays it
    (:class:`Comparison`).
:func:`fair_transfer`, :func:`stabilizing_transfer`, :func:`side_payments`
    Side payments on an asymmetric link: Nash bargaining and the threshold-balancing transfer,
    reported together.
:func:`imperfect_monitoring_threshold`
    The discount threshold under imperfect public monitoring, or why none exists.
:func:`shapley_surplus`
    The Shapley value of a city group's surplus (graph) game, checked against the core.
:func:`allocate`, :func:`guidance_menu`
    Budgets per guiding government → which links to fund with what (a mixed-integer program).

Examples
--------
>>> from games import prisoners_dilemma, BindingContract
>>> from solver.design import minimal_strength
>>> minimal_strength(prisoners_dilemma(T=5, R=3, P=1, S=0), BindingContract(), "breach_penalty", "weak").value
2.0
"""

from .allocate import Allocation, Option, allocate, guidance_menu, link_key
from .compare import GENERIC, Candidate, Comparison, ComparisonRow, candidates_for, compare
from .monitoring import MonitoringThreshold, imperfect_monitoring_threshold
from .strength import Strength, minimal_strength, reaches
from .surplus import SurplusDivision, link_surplus, shapley_surplus
from .transfers import TransferReport, fair_transfer, side_payment_reports, side_payments, stabilizing_transfer

__all__ = [
    "GENERIC",
    "Allocation",
    "Candidate",
    "Comparison",
    "ComparisonRow",
    "MonitoringThreshold",
    "Option",
    "Strength",
    "SurplusDivision",
    "TransferReport",
    "allocate",
    "candidates_for",
    "compare",
    "fair_transfer",
    "guidance_menu",
    "imperfect_monitoring_threshold",
    "link_key",
    "link_surplus",
    "minimal_strength",
    "reaches",
    "shapley_surplus",
    "side_payment_reports",
    "side_payments",
    "stabilizing_transfer",
]
