"""Evolutionary dynamics: replicator flows, the three-party game, imitation on the region graph.

Public API (models: docs/models.md)
-----------------------------------
:func:`replicator`
    Two-population replicator dynamics of a bimatrix game (a :class:`Trajectory`).
:func:`trajectory`
    K-population two-strategy replicator dynamics of a model (:class:`games.ThreeParty`,
    :class:`PayoffTable`, :class:`CallableModel`), integrated in logit coordinates; says when
    it cycles instead of reporting a false end point.
:func:`corner_table`
    The 2^K pure corners with exact eigenvalues and verdicts (stable, unstable, saddle,
    inconclusive), the other rest points, and for the three-party model the stability
    conditions as parameter inequalities; exports to Markdown, LaTeX and CSV.
:func:`jacobian`, :func:`rest_points`, :func:`verdict`
:func:`derive`, :class:`ModelDynamics`
    The symbolic derivation of a model file's dynamics (:class:`games.model.Model`): expected
    payoffs, replicator equations, Jacobian, each corner's eigenvalues and stability
    conditions in the parameters, rest points; and its numeric field for :func:`trajectory`.
:func:`sweep_model`, :func:`link_model`
    One parameter over a range: where each corner's verdict changes and the long-run shares
    (:class:`ModelSweep`); the two-population model of a scenario link, its payoffs and
    mechanism parameters as symbols.
:func:`model_robustness`, :func:`corner_stability`
    With parameters given as distributions: each pure corner's probability of being stable,
    with its interval and Sobol' indices (:class:`ModelRobustness`).
:func:`parameter_sensitivity`, :func:`initial_sensitivity`
    The sensitivity runs papers print.
:func:`evolve_on_graph`, :func:`evolve_many`
    Fermi, death–birth or best-neighbour imitation on any networkx graph or a RegionNetwork,
    sparse and vectorized, seeded; averages over seeds with confidence intervals.
:func:`death_birth_choice`, :func:`fermi_choice`
    The rules' neighbour choice, normalised within each node's own neighbourhood.

Examples
--------
>>> from games import ThreeParty
>>> from solver.dynamics import corner_table
>>> [row.eigenvalues for row in corner_table(ThreeParty(), interior=False) if row.verdict == "stable"]
[(-1.0, -1.0, -6.0)]
"""

from .corners import CornerRow, CornerTable, corner_table, rest_points, verdict
from .derive import CornerDerivation, Derivation, ModelDynamics, RestPoint, derive
from .graph import PAYOFFS, RULES, EnsembleResult, EvolutionResult, cooperation_dominant, death_birth_choice, evolve_many, evolve_on_graph, fermi_choice
from .link_model import link_model
from .model_robust import CornerRobustness, ModelRobustness, corner_stability, model_robustness
from .model_sweep import ModelSweep, sweep_model
from .replicator import CallableModel, Model, PayoffTable, Trajectory, field_at, jacobian, replicator, trajectory
from .sensitivity import initial_sensitivity, parameter_sensitivity

__all__ = [
    "PAYOFFS",
    "RULES",
    "CallableModel",
    "CornerDerivation",
    "CornerRobustness",
    "CornerRow",
    "CornerTable",
    "Derivation",
    "EnsembleResult",
    "EvolutionResult",
    "Model",
    "ModelDynamics",
    "ModelRobustness",
    "ModelSweep",
    "PayoffTable",
    "RestPoint",
    "Trajectory",
    "cooperation_dominant",
    "corner_stability",
    "corner_table",
    "death_birth_choice",
    "derive",
    "evolve_many",
    "evolve_on_graph",
    "fermi_choice",
    "field_at",
    "initial_sensitivity",
    "jacobian",
    "link_model",
    "model_robustness",
    "parameter_sensitivity",
    "replicator",
    "rest_points",
    "sweep_model",
    "trajectory",
    "verdict",
]
