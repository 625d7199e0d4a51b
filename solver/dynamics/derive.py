"""The derivation of a model's replicator dynamics, symbolically: what papers do by hand.

For K populations with two strategies each, population k playing its first strategy with share
xₖ, a model (:class:`games.model.Model`) gives a payoff expression per population at every pure
profile. Under independent mixing, strategy s of population k earns

    Eₖ,ₛ(x) = Σ over profiles p with pₖ = s of  Πⱼ≠ₖ wⱼ(pⱼ) · uₖ(p),   wⱼ(first) = xⱼ, wⱼ(second) = 1 − xⱼ,

its mean payoff is Ēₖ = xₖEₖ,₁ + (1 − xₖ)Eₖ,₂, the payoff difference Fₖ = Eₖ,₁ − Eₖ,₂, and the
replicator equations ẋₖ = xₖ(Eₖ,₁ − Ēₖ) = xₖ(1 − xₖ)Fₖ. At a pure corner xₖ(1 − xₖ) = 0, so the
Jacobian is diagonal there with entries (1 − 2xₖ)Fₖ (also when payoffs depend on the shares, as
long as they are finite at the corner): the eigenvalues are exact parameter expressions, and the
corner is stable iff each is negative — the stability conditions. Verdicts use the vocabulary
of :mod:`solver.dynamics.corners`: ``stable`` (asymptotically stable), ``unstable``,
``saddle``, ``inconclusive`` (a zero eigenvalue and none positive: non-hyperbolic).

Rest points off the corners solve Fₖ = 0 for the free shares of each edge, face and the
interior: symbolically in the parameters where the system is polynomial of low degree (and
sympy finishes within a time budget), otherwise numerically by root finding
(:func:`solver.dynamics.corners.face_rest_points`). When the payoffs do not depend on the
shares, only strict Nash equilibria — pure corners — can be asymptotically stable in
multi-population replicator dynamics (Selten 1980), so every other rest point is at most
neutrally stable; :attr:`Derivation.at_most_neutral` says when this holds.

More than two strategies
------------------------
When population k has nₖ > 2 strategies the state space is a product of simplices, written in
the Σₖ(nₖ − 1) free coordinates yₖ,ᵢ (the share of strategy i, i < nₖ; the last share is
1 − Σᵢ yₖ,ᵢ), named ``x1_1, x1_2, …`` after the population's share name (a two-strategy
population keeps its one share, ``x2``). Then Eₖ,ᵢ is the same sum over profiles with the
weight of strategy i of population j equal to yⱼ,ᵢ, Ēₖ = Σᵢ yₖ,ᵢEₖ,ᵢ, and the field is
ẏₖ,ᵢ = yₖ,ᵢ(Eₖ,ᵢ − Ēₖ) = yₖ,ᵢ(Dₖ,ᵢ − Σₘ yₖ,ₘDₖ,ₘ) with Dₖ,ᵢ = Eₖ,ᵢ − Eₖ,ₙ
(``payoff_differences``). At a pure profile s the Jacobian is block diagonal by population
(ẏₖ,ᵢ has the factor yₖ,ᵢ, zero for i ≠ sₖ, and Eₖ,ₛ − Ēₖ vanishes identically in the
other populations' coordinates while population k stays at sₖ). In population k's block the
row of each coordinate i ≠ sₖ holds only its diagonal entry Eₖ,ᵢ − Eₖ,ₛ; the row of sₖ (when
sₖ is not the last strategy) has diagonal −Dₖ,ₛ = Eₖ,ₙ − Eₖ,ₛ. Expanding the characteristic
polynomial along the rows i ≠ sₖ, the eigenvalues are the payoff differences

    πₖ(k′, s₋ₖ) − πₖ(sₖ, s₋ₖ)   for every population k and every other strategy k′ of k,

read off the table exactly when the payoffs do not depend on the shares (for two strategies:
(1 − 2xₖ)Fₖ again). A corner is stable iff it is a strict Nash equilibrium. Rest points off
the corners are found numerically on every face of the product (a support per population)
by root finding from a grid of starts inside the face, where every strategy in each support
earns the same, and classified by the eigenvalues of the symbolic Jacobian evaluated there.
:class:`ModelDynamics` (trajectories) needs two strategies per population.

The derivation is data (sympy expressions and numbers); the faces render it.

Examples
--------
>>> from types import SimpleNamespace
>>> import sympy
>>> b, c = sympy.symbols("b c", real=True)
>>> x1, x2 = sympy.symbols("x1 x2", real=True)
>>> pd = SimpleNamespace(  # a donation game: cooperating costs c and gives the other b
...     populations=("A", "B"), strategies=(("C", "D"), ("C", "D")),
...     payoffs={(0, 0): (b - c, b - c), (0, 1): (-c, b), (1, 0): (b, -c), (1, 1): (0, 0)},
...     share_symbols=(x1, x2), parameter_symbols=(b, c), values=lambda: {b: 3, c: 1})
>>> d = derive(pd)
>>> d.payoff_differences
(-c, -c)
>>> [(row.corner, row.verdict, row.conditions) for row in d.corners if row.verdict == "stable"]
[((0, 0), 'stable', (c > 0, c > 0))]
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import combinations, product
from math import prod
from typing import Any

import numpy as np
import numpy.typing as npt
import sympy

from games.errors import UserInputError

from ..progress import stage
from .corners import face_rest_points, verdict

__all__ = ["CornerDerivation", "Derivation", "ModelDynamics", "RestPoint", "derive"]

#: Seconds sympy may spend solving one face's rest-point system before the numeric path takes over.
SOLVE_BUDGET = 2.0
#: Largest Bézout number (product of the equations' degrees) solved symbolically.
MAX_BEZOUT = 4
#: Most share variables (Σ over populations of strategies − 1) derived symbolically: the work
#: grows with the profiles times the square of this (measured on this project's 2-core
#: machine: 6 populations of 4 strategies, 18 variables, 44 s; 2 of 32, 62 variables, 122 s).
MAX_SHARES = 24
#: Most faces off the corners searched for rest points (each up to 64 root solves; 2 populations
#: of 5 strategies, 936 faces, take about 10 s). Beyond it the derivation says how many it left.
MAX_REST_FACES = 1000


@dataclass(frozen=True)
class CornerDerivation:
    """One pure corner: ``corner[k]`` is population k's share playing its first strategy (0 or 1).

    Attributes
    ----------
    eigenvalue_expressions : tuple of sympy.Expr
        (1 − 2xₖ)Fₖ at the corner, in the parameters (empty when the corner Jacobian is not
        diagonal, e.g. payoffs with an infinite derivative there; then ``eigenvalues`` are numeric).
    eigenvalues : tuple
        Their values at the parameter values: exact sympy numbers where the values are exact.
    conditions : tuple of sympy.Boolean
        ``eigenvalue < 0`` for each, normalised (a positive common factor removed, written
        ``g > 0`` when the eigenvalue is −g): all hold iff the corner is stable.
    holds : tuple of bool
        Whether each condition holds at the parameter values.
    verdict : str
    profile : tuple of int
        The pure profile: population k plays its strategy ``profile[k]`` (0 = the first).

    With more than two strategies somewhere, ``corner`` is the corner's point in the free
    coordinates (:attr:`Derivation.coordinates`: 1 where that strategy is played) and there is
    one eigenvalue per free coordinate, grouped by population.
    """

    corner: tuple[int, ...]
    eigenvalue_expressions: tuple[sympy.Expr, ...]
    eigenvalues: tuple[Any, ...]
    conditions: tuple[sympy.Basic, ...]
    holds: tuple[bool, ...]
    verdict: str
    profile: tuple[int, ...] = ()

    @property
    def numeric(self) -> tuple[complex | float, ...]:
        """The eigenvalues as Python numbers (float when real)."""
        return tuple(_number(v) for v in self.eigenvalues)


@dataclass(frozen=True)
class RestPoint:
    """A rest point on an edge, a face or in the interior.

    Attributes
    ----------
    point : tuple of float
        The shares at the parameter values.
    expressions : tuple of sympy.Expr
        The shares in the parameters when sympy solved the face's system (``exact``); empty
        when found numerically.
    eigenvalues : tuple of complex or float
        The Jacobian's eigenvalues at the point (numeric, from the symbolic Jacobian).
    verdict : str
    kind : {"edge", "face", "interior"}
    exact : bool
    at_most_neutral : bool
        True when the payoffs do not depend on the shares: the point is not a strict Nash
        equilibrium, so it is at most neutrally stable (Selten 1980).
    """

    point: tuple[float, ...]
    expressions: tuple[sympy.Expr, ...]
    eigenvalues: tuple[complex | float, ...]
    verdict: str
    kind: str
    exact: bool
    at_most_neutral: bool


@dataclass(frozen=True)
class Derivation:
    """The whole derivation of a K-population model (see the module notes).

    ``expected_payoffs[k]`` holds (Eₖ,₁, …, Eₖ,ₙ); ``jacobian`` is the Jacobian of the
    replicator field in the free coordinates ``shares``; ``values`` maps each parameter symbol
    to its value; ``coordinates[i]`` is the (population, strategy) whose share ``shares[i]`` is.

    With two strategies per population the free coordinates are the K shares xₖ and everything
    is exact. With more strategies somewhere (see "More than two strategies" in the module
    notes) the expected and mean payoffs, ``payoff_differences`` (Eₖ,ᵢ − Eₖ,ₙ, one per free
    coordinate), ``replicator`` and ``jacobian`` are still symbolic, the corner eigenvalues,
    conditions and verdicts exact, but every rest point off the corners is numeric only
    (``exact`` False, no ``expressions``), as are corner eigenvalues of state-dependent payoffs.
    """

    shares: tuple[sympy.Symbol, ...]
    parameters: tuple[sympy.Symbol, ...]
    values: dict
    expected_payoffs: tuple[tuple[sympy.Expr, ...], ...]
    mean_payoffs: tuple[sympy.Expr, ...]
    payoff_differences: tuple[sympy.Expr, ...]
    replicator: tuple[sympy.Expr, ...]
    jacobian: sympy.ImmutableMatrix
    corners: tuple[CornerDerivation, ...]
    rest_points: tuple[RestPoint, ...]
    state_dependent: bool
    coordinates: tuple[tuple[int, int], ...] = ()
    unsearched_faces: int = 0

    @property
    def at_most_neutral(self) -> bool:
        """Whether every rest point off the corners is at most neutrally stable (Selten 1980):
        true for payoffs that do not depend on the shares."""
        return not self.state_dependent

    @property
    def stable(self) -> list[CornerDerivation]:
        """The asymptotically stable corners."""
        return [c for c in self.corners if c.verdict == "stable"]


def _shares(model: Any) -> tuple[sympy.Symbol, ...]:
    return tuple(model.share_symbols)


def _parameters(model: Any) -> tuple[sympy.Symbol, ...]:
    if hasattr(model, "parameter_symbols"):
        return tuple(model.parameter_symbols)
    return tuple(model.symbol(name) for name in model.parameters)


def _two_strategies(model: Any) -> None:
    counts = [len(s) for s in model.strategies]
    if any(n != 2 for n in counts):
        raise UserInputError(f"ModelDynamics needs two strategies per population, got {counts}; derive() analyses them without trajectories")


def _multilinear(table: dict[tuple[int, ...], sympy.Expr], shares: Sequence[sympy.Symbol]) -> sympy.Expr:
    """Σ_b table[b] Πⱼ wⱼ(bⱼ) (bⱼ = 1: the first strategy, weight xⱼ; 0: weight 1 − xⱼ) in
    monomial form Σ_S c_S Πⱼ∈S xⱼ, the coefficients by the Möbius transform over subsets —
    papers' form (``y*(a - e) - c``) without expanding a product of 2^(K−1) binomials."""
    coefficients = dict(table)
    n = len(shares)
    for j in range(n):
        for bits in coefficients:
            if bits[j] == 1:
                lower = (*bits[:j], 0, *bits[j + 1 :])
                coefficients[bits] = coefficients[bits] - coefficients[lower]
    terms = []
    for bits, c in coefficients.items():
        c = sympy.expand(c)
        if c != 0:
            terms.append(c * sympy.Mul(*(x for x, b in zip(shares, bits) if b)))
    return sympy.Add(*terms)


def _expected_payoffs(model: Any) -> tuple[tuple[sympy.Expr, sympy.Expr], ...]:
    """(Eₖ,₁, Eₖ,₂) for each population, multilinear in the other populations' shares."""
    shares = _shares(model)
    k_count = len(shares)
    out = []
    for k in range(k_count):
        others = [shares[j] for j in range(k_count) if j != k]
        pair = []
        for s in (0, 1):
            table = {}
            for bits in product((0, 1), repeat=k_count - 1):
                profile = [1 - b for b in bits]  # bit 1 = first strategy = index 0
                profile.insert(k, s)
                table[bits] = sympy.sympify(model.payoffs[tuple(profile)][k])
            pair.append(_multilinear(table, others))
        out.append((pair[0], pair[1]))
    return tuple(out)


def _differences(model: Any) -> tuple[sympy.Expr, ...]:
    """Fₖ = Eₖ,₁ − Eₖ,₂ for each population, in the same multilinear form."""
    shares = _shares(model)
    k_count = len(shares)
    out = []
    for k in range(k_count):
        table = {}
        for bits in product((0, 1), repeat=k_count - 1):
            profile = [1 - b for b in bits]
            first, second = list(profile), list(profile)
            first.insert(k, 0)
            second.insert(k, 1)
            table[bits] = sympy.sympify(model.payoffs[tuple(first)][k]) - sympy.sympify(model.payoffs[tuple(second)][k])
        out.append(_multilinear(table, [shares[j] for j in range(k_count) if j != k]))
    return tuple(out)


def _sign(value: Any) -> float:
    """−1, 0 or 1 (exact for rationals; 1e-9 on the real part otherwise); nan if undefined."""
    if value.is_Rational:
        return float(np.sign(float(value)))
    number = complex(sympy.N(value, 30)) if value.is_finite is not False else complex("nan")
    return float(np.sign(number.real)) if abs(number.real) > 1e-9 else 0.0


def _number(value: Any) -> complex | float:
    c = complex(sympy.N(value)) if isinstance(value, sympy.Basic) else complex(value)
    return c.real if c.imag == 0 else c


def _condition(eigenvalue: sympy.Expr) -> sympy.Basic:
    """``eigenvalue < 0``, written in its simplest sign: a positive numeric factor removed and
    ``g > 0`` when the eigenvalue is −g."""
    if eigenvalue.is_number:
        return sympy.Lt(eigenvalue, 0)
    _, primitive = eigenvalue.as_content_primitive()
    if primitive.could_extract_minus_sign():
        return sympy.Gt(sympy.expand(-primitive), 0)
    return sympy.Lt(primitive, 0)


def _corner(model: Any, corner: tuple[int, ...], jacobian: sympy.Matrix, values: dict, state_dependent: bool) -> CornerDerivation:
    shares = _shares(model)
    profile = tuple(0 if c else 1 for c in corner)
    if not state_dependent:
        # Fₖ at a pure corner is uₖ(first, others) − uₖ(second, others): read off the table.
        expressions = []
        for k, c in enumerate(corner):
            first, second = list(profile), list(profile)
            first[k], second[k] = 0, 1
            f = sympy.sympify(model.payoffs[tuple(first)][k]) - sympy.sympify(model.payoffs[tuple(second)][k])
            expressions.append(sympy.expand(-f if c else f))
    else:
        at = dict(zip(shares, (sympy.Integer(c) for c in corner)))
        matrix = jacobian.xreplace(at)
        finite = all(v.is_finite is not False and v is not sympy.nan for v in matrix)
        diagonal = all(matrix[i, j] == 0 for i in range(len(corner)) for j in range(len(corner)) if i != j)
        if not finite:
            # 0·∞ at the corner (a payoff with sqrt(x1), say): every entry carries the factor
            # xₖ(1 − xₖ), which vanishes on the corner's faces, so where the payoff differences
            # themselves are finite there the Jacobian is the diagonal (1 − 2xₖ)Fₖ — provided the
            # derivatives grow slower than 1/xₖ, as sqrt and powers below one do.
            differences = [sympy.sympify(f).xreplace(at) for f in _differences(model)]
            if all(f.is_finite is not False and f is not sympy.nan and not f.has(sympy.zoo) for f in differences):
                expressions = [sympy.expand((1 - 2 * c) * f) for c, f in zip(corner, differences)]
                return _exact_corner(corner, profile, expressions, values)
            return CornerDerivation(corner, (), tuple(sympy.nan for _ in corner), (), (), "inconclusive", profile)
        if diagonal:
            expressions = [sympy.expand(matrix[i, i]) for i in range(len(corner))]
        else:
            numeric = np.array(matrix.xreplace(values).evalf(), dtype=complex)
            eig = np.linalg.eigvals(numeric) if np.all(np.isfinite(numeric)) else np.full(len(corner), np.nan)
            judged = verdict(eig) if np.all(np.isfinite(eig)) else "inconclusive"
            return CornerDerivation(corner, (), tuple(sympy.sympify(complex(e)) for e in eig), (), (), judged, profile)
    return _exact_corner(corner, profile, expressions, values)


def _exact_corner(corner: tuple[int, ...], profile: tuple[int, ...], expressions: Sequence[sympy.Expr], values: dict) -> CornerDerivation:
    """A corner from its eigenvalues as expressions: values, signs, conditions and verdict."""
    eigenvalues = tuple(sympy.expand(e.xreplace(values)) for e in expressions)
    signs = np.array([_sign(v) for v in eigenvalues])
    judged = "inconclusive" if np.any(np.isnan(signs)) else verdict(signs)
    conditions = tuple(_condition(e) for e in expressions)
    return CornerDerivation(corner, tuple(expressions), eigenvalues, conditions, tuple(bool(s < 0) for s in signs), judged, profile)


class _Timeout(Exception):
    pass


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`_Timeout` after ``seconds`` (SIGALRM; only in the main thread with no timer
    already running — elsewhere the degree limit alone keeps sympy's work small)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread() and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    if not usable:
        yield
        return

    def alarm(_signum: int, _frame: Any) -> None:
        # The signal can land inside a callback whose exceptions Python only prints (a weakref's
        # finaliser during garbage collection): re-arm first, so a swallowed timeout fires again
        # 50 ms later in ordinary code. The finally below disarms it.
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _solve_face(equations: list[sympy.Expr], unknowns: list[sympy.Symbol]) -> list[dict] | None:
    """sympy's solutions of a small polynomial system, or None when too big or too slow."""
    degrees = []
    for e in equations:
        if not e.is_polynomial(*unknowns):
            return None
        degrees.append(max(sympy.Poly(e, *unknowns).total_degree(), 1))
    if int(np.prod(degrees)) > MAX_BEZOUT:
        return None
    try:
        with _time_limit(SOLVE_BUDGET):
            solutions = sympy.solve(equations, unknowns, dict=True)
    except (_Timeout, NotImplementedError):
        return None
    if any(set(s) != set(unknowns) for s in solutions):
        return None  # a continuum: left to the numeric path
    return solutions


def _rest_points(model: Any, differences: Sequence[sympy.Expr], values: dict, dynamics: ModelDynamics, state_dependent: bool) -> list[RestPoint]:
    shares = _shares(model)
    k_count = len(shares)
    found: list[RestPoint] = []
    for size in range(1, k_count + 1):
        kind = "interior" if size == k_count else ("edge" if size == 1 else "face")
        for free in combinations(range(k_count), size):
            fixed = [j for j in range(k_count) if j not in free]
            for fixed_values in product((0, 1), repeat=len(fixed)):
                at = {shares[j]: sympy.Integer(v) for j, v in zip(fixed, fixed_values)}
                equations = [sympy.expand(differences[k].xreplace(at)) for k in free]
                unknowns = [shares[k] for k in free]
                solutions = _solve_face(equations, unknowns)
                points = None if solutions is None else _exact_points(solutions, free, at, shares, values)
                if points is None:
                    rows = face_rest_points(dynamics, free, dict(zip(fixed, (float(v) for v in fixed_values))))
                    found.extend(RestPoint(r.corner, (), r.eigenvalues, r.verdict, kind, False, not state_dependent) for r in rows)
                    continue
                for expressions, point in points:
                    eig = _eigenvalues(dynamics.jacobian(point))
                    found.append(RestPoint(point, expressions, tuple(eig), _verdict(eig), kind, True, not state_dependent))
    return found


def _exact_points(solutions: list[dict], free: tuple[int, ...], at: dict, shares: tuple, values: dict) -> list[tuple[tuple, tuple[float, ...]]] | None:
    """The solutions strictly inside the face at the parameter values; None when one of them is
    undefined there (a zero denominator: a degenerate case for the numeric path)."""
    out = []
    for solution in solutions:
        expressions = tuple(at.get(x, solution.get(x)) for x in shares)
        numbers = []
        for e in expressions:
            v = sympy.sympify(e).xreplace(values)
            if v.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo) or v.free_symbols:
                return None
            numbers.append(complex(sympy.N(v, 30)))
        if any(abs(n.imag) > 1e-12 for n in numbers):
            continue
        point = tuple(n.real for n in numbers)
        if all(0 < point[k] < 1 for k in free):
            out.append((expressions, point))
    return out


class ModelDynamics:
    """A model's replicator dynamics as numpy functions, for :func:`solver.dynamics.trajectory`
    and :func:`solver.dynamics.corner_table`: Fₖ and its gradient ∂Fₖ/∂xⱼ, both lambdified from
    the symbolic expressions at the parameter values.

    >>> from types import SimpleNamespace
    >>> import sympy
    >>> x1, x2 = sympy.symbols("x1 x2", real=True)
    >>> stag = SimpleNamespace(populations=("A", "B"), strategies=(("S", "H"), ("S", "H")),
    ...     payoffs={(0, 0): (4, 4), (0, 1): (0, 3), (1, 0): (3, 0), (1, 1): (2, 2)},
    ...     share_symbols=(x1, x2), parameter_symbols=(), values=lambda: {})
    >>> ModelDynamics(stag).payoff_differences((0.5, 0.5)).tolist()
    [-0.5, -0.5]
    """

    def __init__(self, model: Any, differences: Sequence[sympy.Expr] | None = None) -> None:
        _two_strategies(model)
        self.model = model
        self.names = tuple(model.populations)
        shares = _shares(model)
        self.dimension = len(shares)
        if differences is None:
            differences = _differences(model)
        values = model.values()
        numeric = [sympy.sympify(f).xreplace(values) for f in differences]
        gradient = [[sympy.diff(f, x) for x in shares] for f in numeric]
        self._f = sympy.lambdify(shares, numeric, "numpy")
        self._g = sympy.lambdify(shares, gradient, "numpy")

    def payoff_differences(self, state: npt.ArrayLike) -> np.ndarray:
        """(F₁, …, F_K) at the shares."""
        x = np.asarray(state)
        with np.errstate(invalid="ignore", divide="ignore"):  # root finders probe outside the cube
            out = self._f(*x)
        return np.array([np.broadcast_to(v, x.shape[1:]) for v in out], dtype=np.result_type(x, float))

    def gradient(self, state: npt.ArrayLike) -> np.ndarray:
        """∂Fₖ/∂xⱼ at the shares (row k, column j)."""
        x = np.asarray(state, dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.array(self._g(*x), dtype=float)

    def jacobian(self, state: npt.ArrayLike) -> np.ndarray:
        """The replicator field's Jacobian, diag((1 − 2x)F) + diag(x(1 − x))·∂F/∂x."""
        x = np.asarray(state, dtype=float)
        return np.diag((1 - 2 * x) * self.payoff_differences(x)) + (x * (1 - x))[:, None] * self.gradient(x)


def derive(model: Any, *, rest_points: bool = True) -> Derivation:
    """The derivation of a model: expected and mean payoffs, payoff differences, replicator
    equations, Jacobian, every pure corner's eigenvalues, verdict and stability conditions, and
    (with ``rest_points``) the rest points on edges, faces and the interior.

    With more than two strategies in some population the analysis runs on the product of
    simplices (module notes, "More than two strategies"): rest points off the corners are then
    numeric only.

    Parameters
    ----------
    model : games.model.Model
        Uses ``strategies``, ``payoffs`` (strategy-index profile → one expression per
        population), ``share_symbols``, the parameter symbols and ``values()``.
    rest_points : bool
        Also find the rest points off the corners (3^K − 2^K faces: skip for large K).

    Examples
    --------
    >>> from games.model import Model
    >>> rps = Model(["A", "B"], [["R", "P", "S"], ["R", "P", "S"]], {},
    ...     {(i, j): ((i - j + 1) % 3 - 1, (j - i + 1) % 3 - 1) for i in range(3) for j in range(3)})
    >>> d = derive(rps)
    >>> d.shares, d.corners[0].profile, d.corners[0].eigenvalues, d.corners[0].verdict
    ((x1_1, x1_2, x2_1, x2_2), (0, 0), (1, -1, 1, -1), 'saddle')
    >>> [(p.kind, [round(v, 6) for v in p.point]) for p in d.rest_points if p.kind == "interior"]
    [('interior', [0.333333, 0.333333, 0.333333, 0.333333])]
    """
    check_derivable(model)
    counts = [len(s) for s in model.strategies]
    free = sum(n - 1 for n in counts)
    faces = rest_point_faces(counts)
    search = rest_points and faces <= MAX_REST_FACES
    with stage(f"derivation: {len(model.payoffs):,} profiles, {free} share variables"):
        found = _derive_simplices(model, search) if any(n != 2 for n in counts) else _derive_binary(model, search)
    return replace(found, unsearched_faces=faces if rest_points and not search else 0)


def check_derivable(model: Any, source: str | None = None) -> None:
    """Refuse a model too large for a symbolic derivation (more than :data:`MAX_SHARES` share
    variables), naming ``source`` (the model file) when given, else the model's name.

    >>> from games.model import Model
    >>> big = Model(["A", "B"], [[f"s{i}" for i in range(20)]] * 2, {}, {(i, j): (0, 0) for i in range(20) for j in range(20)})
    >>> check_derivable(big, "big.toml")
    Traceback (most recent call last):
    ...
    games.errors.UserInputError: big.toml: 38 share variables (each population's strategies but one, summed); a symbolic derivation takes at most 24
    """
    free = sum(len(s) - 1 for s in model.strategies)
    if free > MAX_SHARES:
        name = source or (f"model {model.name!r}" if getattr(model, "name", "") else "the model")
        raise UserInputError(f"{name}: {free} share variables (each population's strategies but one, summed); a symbolic derivation takes at most {MAX_SHARES}")


def _eigenvalues(jacobian: npt.ArrayLike) -> np.ndarray:
    """The Jacobian's eigenvalues, or NaNs where it is not finite (a payoff such as x^x has no
    derivative at x = 0; LAPACK refuses NaN)."""
    J = np.asarray(jacobian, dtype=float)
    return np.linalg.eigvals(J) if np.all(np.isfinite(J)) else np.full(len(J), np.nan)


def _verdict(eig: np.ndarray) -> str:
    """:func:`verdict`, or ``inconclusive`` where the eigenvalues are not finite."""
    return verdict(eig) if np.all(np.isfinite(eig)) else "inconclusive"


def rest_point_faces(counts: Sequence[int]) -> int:
    """The faces of the product of simplices off the corners, where rest points are searched:
    Π(2ⁿ − 1) − Πn (every nonempty support per population, minus the pure profiles).

    >>> rest_point_faces([2, 2, 2]), rest_point_faces([3, 3])
    (19, 40)
    """
    return prod(2**n - 1 for n in counts) - prod(counts)


def _derive_binary(model: Any, rest_points: bool) -> Derivation:
    shares = _shares(model)
    values = dict(model.values())
    expected = _expected_payoffs(model)
    means = tuple(x * e1 + (1 - x) * e2 for x, (e1, e2) in zip(shares, expected))
    differences = _differences(model)
    field = tuple(x * (1 - x) * f for x, f in zip(shares, differences))
    jacobian = sympy.ImmutableMatrix([[sympy.diff(v, x) for x in shares] for v in field])
    state_dependent = any(sympy.sympify(e).has(*shares) for entry in model.payoffs.values() for e in entry)
    corners = tuple(_corner(model, c, jacobian, values, state_dependent) for c in product((0, 1), repeat=len(shares)))
    points: list[RestPoint] = []
    if rest_points:
        points = _rest_points(model, differences, values, ModelDynamics(model, differences), state_dependent)
    coordinates = tuple((k, 0) for k in range(len(shares)))
    return Derivation(shares, _parameters(model), values, expected, means, differences, field, jacobian, corners, tuple(points), state_dependent, coordinates)


# --- more than two strategies: the product of simplices --------------------------------------


def _simplex_coordinates(model: Any) -> tuple[list[list[sympy.Symbol]], tuple[tuple[int, int], ...]]:
    """Per population its free coordinates (one per strategy but the last), and their owners."""
    names = getattr(model, "share_names", None) or tuple(str(x) for x in _shares(model))
    free, owners = [], []
    for k, strategies in enumerate(model.strategies):
        n = len(strategies)
        if n == 2:
            symbols = [_shares(model)[k]]
        else:
            symbols = [sympy.Symbol(f"{names[k]}_{i + 1}", real=True) for i in range(n - 1)]
        free.append(symbols)
        owners.extend((k, i) for i in range(n - 1))
    return free, tuple(owners)


def _weights(free: list[sympy.Symbol]) -> list[sympy.Expr]:
    return [*free, 1 - sympy.Add(*free)]


def _corner_point(profile: Sequence[int], counts: Sequence[int]) -> tuple[int, ...]:
    return tuple(int(profile[k] == i) for k, n in enumerate(counts) for i in range(n - 1))


def _derive_simplices(model: Any, rest_points: bool) -> Derivation:
    counts = [len(s) for s in model.strategies]
    k_count = len(counts)
    free, owners = _simplex_coordinates(model)
    shares = tuple(x for block in free for x in block)
    weights = [_weights(block) for block in free]
    values = dict(model.values())
    table = {p: tuple(sympy.sympify(v) for v in entry) for p, entry in model.payoffs.items()}
    expected = []
    for k in range(k_count):
        row = []
        for s in range(counts[k]):
            terms = []
            for p, entry in table.items():
                if p[k] == s:
                    terms.append(sympy.Mul(*(weights[j][p[j]] for j in range(k_count) if j != k)) * entry[k])
            row.append(sympy.expand(sympy.Add(*terms)))
        expected.append(tuple(row))
    means = tuple(sympy.Add(*(w * e for w, e in zip(weights[k], expected[k]))) for k in range(k_count))
    differences = tuple(sympy.expand(expected[k][i] - expected[k][-1]) for k, i in owners)
    field = tuple(free[k][i] * (expected[k][i] - means[k]) for k, i in owners)
    jacobian = sympy.ImmutableMatrix([[sympy.diff(v, x) for x in shares] for v in field])
    state_dependent = any(e.has(*shares, *_shares(model)) for entry in table.values() for e in entry)
    numeric = _SimplexField(model, shares, expected, jacobian, counts, values)
    corners = []
    for profile in product(*(range(n) for n in counts)):
        corner = _corner_point(profile, counts)
        if state_dependent:
            eig = _eigenvalues(numeric.jacobian(np.array(corner, dtype=float)))
            judged = _verdict(eig)
            corners.append(CornerDerivation(corner, (), tuple(sympy.sympify(complex(e)) for e in eig), (), (), judged, profile))
            continue
        expressions = []
        for k in range(k_count):
            own = table[profile][k]
            for other in range(counts[k]):
                if other != profile[k]:
                    deviation = (*profile[:k], other, *profile[k + 1 :])
                    expressions.append(sympy.expand(table[deviation][k] - own))
        corners.append(_exact_corner(corner, profile, expressions, values))
    points = _simplex_rest_points(numeric, counts, state_dependent) if rest_points else []
    return Derivation(
        shares, _parameters(model), values, tuple(expected), means, differences, field, jacobian, tuple(corners), tuple(points), state_dependent, owners
    )


class _SimplexField:
    """The expected payoffs and the Jacobian at the parameter values, lambdified, in the free
    coordinates; ``mixture`` maps per-population mixed strategies to those coordinates."""

    def __init__(self, model: Any, shares: tuple[sympy.Symbol, ...], expected: list, jacobian: sympy.ImmutableMatrix, counts: list[int], values: dict) -> None:
        self.counts = counts
        self._expected = sympy.lambdify(shares, [[e.xreplace(values) for e in row] for row in expected], "numpy")
        self._jacobian = sympy.lambdify(shares, jacobian.xreplace(values).tolist(), "numpy")

    def expected(self, y: np.ndarray) -> list[np.ndarray]:
        return [np.asarray(row, dtype=float) for row in self._expected(*y)]

    def jacobian(self, y: np.ndarray) -> np.ndarray:
        return np.array(self._jacobian(*y), dtype=float)

    def coordinates(self, mixtures: Sequence[np.ndarray]) -> np.ndarray:
        return np.concatenate([m[:-1] for m in mixtures])


def _simplex_starts(size: int, grid: int) -> list[np.ndarray]:
    """Lattice points strictly inside the (size − 1)-simplex: compositions of size + grid − 1
    into ``size`` positive parts, divided by their sum."""
    total = size + grid - 1
    out = []
    for cut in combinations(range(1, total), size - 1):
        parts = np.diff([0, *cut, total])
        out.append(parts / total)
    return out


def _simplex_rest_points(
    numeric: _SimplexField, counts: list[int], state_dependent: bool, grid: int = 3, max_starts: int = 64, tol: float = 1e-9
) -> list[RestPoint]:
    """Rest points strictly inside every face that is not a corner: each population's support
    S (nonempty), unknowns the support's shares but the last, equations Eₖ,ᵢ = Eₖ,last(S)."""
    supports = [[tuple(c) for size in range(1, n + 1) for c in combinations(range(n), size)] for n in counts]
    full_dimension = sum(n - 1 for n in counts)
    found: list[RestPoint] = []
    rng = np.random.default_rng(0)
    with stage(f"rest points on {rest_point_faces(counts):,} faces", total=rest_point_faces(counts)) as advance:
        for face in product(*supports):
            if sum(len(s) - 1 for s in face):
                found.extend(_face_rest_points(numeric, counts, face, full_dimension, state_dependent, grid, max_starts, tol, rng))
                advance()
    return found


def _face_rest_points(numeric, counts, face, full_dimension, state_dependent, grid, max_starts, tol, rng) -> list[RestPoint]:
    """The rest points strictly inside one face (``face``: each population's support)."""
    from scipy.optimize import root

    k_count = len(counts)
    found: list[RestPoint] = []
    dimension = sum(len(s) - 1 for s in face)
    mixing = [k for k in range(k_count) if len(face[k]) > 1]

    def mixtures(v: np.ndarray, face: tuple = face, mixing: list = mixing) -> list[np.ndarray]:
        out, at = [], 0
        for k in range(k_count):
            m = np.zeros(counts[k])
            support = face[k]
            if k in mixing:
                part = v[at : at + len(support) - 1]
                at += len(support) - 1
                m[list(support[:-1])] = part
                m[support[-1]] = 1 - part.sum()
            else:
                m[support[0]] = 1.0
            out.append(m)
        return out

    def equations(v: np.ndarray, face: tuple = face, mixing: list = mixing, mixtures: Any = mixtures) -> np.ndarray:
        payoffs = numeric.expected(numeric.coordinates(mixtures(v)))
        return np.concatenate([[payoffs[k][i] - payoffs[k][face[k][-1]] for i in face[k][:-1]] for k in mixing])

    grids = [[g[:-1] for g in _simplex_starts(len(face[k]), grid)] for k in mixing]
    starts = [np.concatenate(c) for c in product(*grids)]
    if len(starts) > max_starts:
        starts = [starts[i] for i in sorted(rng.choice(len(starts), max_starts, replace=False))]
    seen: list[np.ndarray] = []
    kind = "interior" if dimension == full_dimension else ("edge" if dimension == 1 else "face")
    for guess in starts:
        sol = root(equations, guess, tol=1e-13)
        # The residual decides, not the solver's flag: landing exactly on a root can end in
        # "not making good progress" (success False) — those rest points were dropped.
        if not np.all(np.isfinite(sol.x)):
            continue
        inside = [m[list(face[k])] for k, m in enumerate(mixtures(sol.x))]
        if any(np.any(s <= tol) for s in inside) or np.max(np.abs(equations(sol.x))) > 1e-9:
            continue
        y = numeric.coordinates(mixtures(sol.x))
        if any(np.allclose(y, other, atol=1e-7) for other in seen):
            continue
        seen.append(y)
        eig = _eigenvalues(numeric.jacobian(y))
        found.append(RestPoint(tuple(float(v) for v in y), (), tuple(eig), _verdict(eig), kind, False, not state_dependent))
    return found
