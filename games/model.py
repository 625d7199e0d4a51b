"""A researcher's evolutionary model: populations, strategies, parameters and a symbolic payoff table.

A :class:`Model` is K populations, each with at least two strategies, named parameters with
exact values, and for every pure profile (one strategy per population) one payoff expression
per population. It is read from a TOML file (docs/models.md, "Model files")::

    [model]
    name = "Two counties and the province"
    populations = ["county A", "county B", "province"]
    strategies = [["control", "free-ride"], ["control", "free-ride"], ["supervise", "relax"]]

    [parameters]
    B = 6
    C = { value = 4, range = [1, 8], note = "cost of control" }

    [[payoffs]]
    profile = ["control", "control", "supervise"]
    values = ["B - C", "B - C", "-2"]

or built in Python. Expressions are read by :mod:`games.expr` (a whitelist of tokens, sympy's
parser with no namespace, bounded powers; never ``eval``) and may use the parameters, numbers,
``+ - * / ^``, parentheses, ``min``, ``max``, ``exp``, ``log``, ``sqrt`` and — for
state-dependent mechanisms in two-strategy models — the population shares by name (``x1`` …
``xK``, the share of population k playing its first strategy, or the names in
``[model] shares``). A parameter may be uncertain: ``s = { uniform = [1, 3] }`` or
``s = { value = { triangular = [1, 2, 4] }, note = "…" }`` (the laws, checks and messages of
scenarios, :mod:`regions.uncertain`, read there lazily; an optional ``[uncertainty]
correlation``); its value is then the distribution's central value, exact for uniform,
triangular and choice, and :attr:`Model.uncertainty` keeps the laws. Every payoff is evaluated at the parameter values (and, where it uses
shares, at the corners and the centre of the unit cube) so that a division by zero is caught
when the file is read. Decimal values are exact rationals: ``0.1`` is 1/10.

Anything wrong is a :class:`ModelError` whose one-line message names the file, the entry and
the field: ``m.toml: [[payoffs]] #3 (control/free-ride/relax), field 'values': value 1 (county
A): unknown name 'Cx' (did you mean 'C'?)``. The derivation (replicator equations, Jacobian,
corner conditions) is :mod:`solver.dynamics.derive`'s.

Examples
--------
>>> m = Model(["A", "B"], [["C", "D"], ["C", "D"]], {"b": 3, "c": 1},
...           {("C", "C"): ["b - c", "b - c"], ("C", "D"): ["-c", "b"],
...            ("D", "C"): ["b", "-c"], ("D", "D"): [0, 0]})
>>> m.payoffs[(0, 1)]
(-c, b)
>>> m.values()[m.symbol("b")], m.share_symbols
(3, (x1, x2))
>>> m.with_values(c="0.1").parameters["c"].value
Fraction(1, 10)
>>> builtin_model("three-party").populations
('local government A', 'local government B', 'higher-level government H')
"""

from __future__ import annotations

import itertools
import math
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import sympy

from .errors import UserInputError
from .expr import ExpressionError, did_you_mean, evaluate, name_problem, parse_expression
from .game import rational
from .limits import MAX_NESTING, depth

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["MAX_MODEL_BYTES", "MAX_PROFILES", "Model", "ModelError", "Parameter", "builtin_model", "builtin_models"]

#: Largest model file read, in bytes.
MAX_MODEL_BYTES = 1024 * 1024
#: Largest number of pure profiles (the product of the strategy counts).
MAX_PROFILES = 4096
#: Largest |decimal exponent| of a parameter value.
_MAX_VALUE_EXPONENT = 300
#: A parameter value is 0 or lies within these magnitudes, as every number of a scenario file
#: (a value of 1e300 overflowed the replicator field's floats); a payoff evaluated at the values
#: is at most :data:`_LARGEST_PAYOFF` in magnitude.
_SMALLEST, _LARGEST = Fraction(1, 10**100), Fraction(10**12)
_LARGEST_PAYOFF = 10**100

_TOP = ("model", "parameters", "payoffs", "uncertainty")
_MODEL = ("name", "populations", "strategies", "shares")
_PARAMETER = ("value", "range", "note")
_PAYOFF = ("profile", "values")
_UNCERTAINTY = ("correlation",)
_NUMBER_TEXT = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d{1,3})?(\s*/\s*\d+)?\s*")


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in str(text))


def _kind(value: object) -> str:
    return {bool: "a boolean", str: "a string", list: "an array", dict: "a table", int: "an integer"}.get(type(value), type(value).__name__)


class ModelError(UserInputError):
    """A model that cannot be read or built; one line naming the file, the entry and the field.

    Parameters
    ----------
    message : str
        The whole message, or — with ``entry``/``field``/``detail`` — the file or source name.
    entry, field, detail : str, optional
        Where the problem is and what it is; the message is then
        ``"{file}: {entry}, field '{field}': {detail}"``.
    """

    def __init__(self, message: str, entry: str | None = None, field: str | None = None, detail: str | None = None) -> None:
        self.file, self.entry, self.field, self.detail = message, entry, field, detail
        if detail is not None:
            where = ", ".join(p for p in (entry, f"field '{field}'" if field else None) if p)
            message = f"{message}: {where}: {detail}" if where else f"{message}: {detail}"
        super().__init__(_printable(message))


def _exact_number(value: object) -> Fraction:
    """A parameter value as an exact fraction; ValueError with the reason otherwise."""
    if isinstance(value, bool) or value is None:
        raise UserInputError(f"must be a number, got {_kind(value)} {value!r}")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise UserInputError(f"must be a finite number, got {value}")
        if value and abs(value.adjusted()) > _MAX_VALUE_EXPONENT:
            raise UserInputError(f"{value} is out of range (0, or 10⁻¹⁰⁰ ≤ |x| ≤ 10¹²)")
        out = Fraction(value)
    elif isinstance(value, str):
        if not _NUMBER_TEXT.fullmatch(value):
            raise UserInputError(f"must be a number such as 2.5 or 1/3, got the string {value!r}")
        top, _, bottom = value.replace(" ", "").partition("/")
        numerator, denominator = _exact_number(Decimal(top)), _exact_number(Decimal(bottom or "1"))
        if denominator == 0:
            raise UserInputError(f"{value!r} divides by zero")
        out = numerator / denominator
    elif isinstance(value, sympy.Rational):
        out = Fraction(int(value.p), int(value.q))
    elif isinstance(value, (int, float, Fraction)) or (hasattr(value, "__float__") and not isinstance(value, sympy.Basic)):
        if isinstance(value, int) and abs(value).bit_length() > 1100:
            raise UserInputError("is out of range")
        try:
            if not math.isfinite(float(value)):
                raise UserInputError
            out = rational(value)
        except (TypeError, ValueError, OverflowError):
            raise UserInputError(f"must be a finite number, got {value!r}") from None
    else:
        raise UserInputError(f"must be a number, got {_kind(value)} {value!r}")
    if max(abs(out.numerator).bit_length(), out.denominator.bit_length()) * 0.30103 > _MAX_VALUE_EXPONENT + 10:
        raise UserInputError(f"is out of range or has too many digits (at most {_MAX_VALUE_EXPONENT})")
    if out and not _SMALLEST <= abs(out) <= _LARGEST:  # as in scenario files (docs/limits.md)
        raise UserInputError(f"{float(out):.6g} is out of range (0, or 10⁻¹⁰⁰ ≤ |x| ≤ 10¹²)")
    return out


def _show_value(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    text = f"{float(value):.12g}"
    return text if Fraction(text) == value else f"{value.numerator}/{value.denominator}"


@dataclass(frozen=True)
class Parameter:
    """A named parameter of a model, with its exact value and an optional range for sweeps.

    Parameters
    ----------
    name : str
        A name usable in expressions (a letter, then letters, digits or ``_``).
    value : Fraction or float
        The value; stored as the exact fraction it spells (a float as its short decimal).
    range : (float, float), optional
        Low and high end of a sweep, low < high.
    note : str
        What the parameter means.

    Raises
    ------
    ModelError
        For a bad name, a value that is not a finite number, or a bad range.

    Examples
    --------
    >>> Parameter("C", 0.1, (0, 1)).value
    Fraction(1, 10)
    """

    name: str
    value: Fraction | float
    range: tuple[float, float] | None = None
    note: str = ""

    def __post_init__(self) -> None:
        entry = f"parameter {self.name!r}"
        problem = name_problem(self.name)
        if problem:
            raise ModelError("Parameter", entry, None, problem)
        try:
            object.__setattr__(self, "value", _exact_number(self.value))
        except ValueError as err:
            raise ModelError("Parameter", entry, "value", str(err)) from None
        if self.range is not None:
            object.__setattr__(self, "range", _range(self.range, lambda d: ModelError("Parameter", entry, "range", d)))
        if not isinstance(self.note, str):
            raise ModelError("Parameter", entry, "note", f"must be a string, got {_kind(self.note)}")


def _range(value: object, fail: Any) -> tuple[float, float]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) != 2:
        raise fail(f"must be two numbers [low, high], got {value!r}")
    ends = []
    for v in value:
        try:
            ends.append(float(_exact_number(v)))
        except (ValueError, OverflowError) as err:
            raise fail(f"must be two finite numbers [low, high]: {err}") from None
    if not ends[0] < ends[1]:
        raise fail(f"low must be below high, got [{ends[0]:g}, {ends[1]:g}]")
    return ends[0], ends[1]


def _distribution_keys() -> tuple[str, ...]:
    from regions.uncertain import DISTRIBUTION_KINDS

    return (*DISTRIBUTION_KINDS, "bounds", "weights")


def _is_distribution_key(key: object) -> bool:
    return key in _distribution_keys() or key == "name"


def _floats(value: object) -> object:
    """TOML decimals (read as Decimal here) as floats, in arrays too, for :mod:`regions.uncertain`."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list):
        return [_floats(v) for v in value]
    return value


def _central(dist: Any, table: Mapping) -> Fraction:
    """A distribution's central value as an exact fraction: exact from the numbers as written for
    uniform (the midpoint), triangular (the mode) and choice (the weighted mean); otherwise the
    float :attr:`regions.Distribution.central` read like any float value (:func:`games.game.rational`)."""
    written = table[dist.kind]
    if dist.kind == "uniform":
        return (_exact_number(written[0]) + _exact_number(written[1])) / 2
    if dist.kind == "triangular":
        return _exact_number(written[1])
    if dist.kind == "choice":
        values = [_exact_number(v) for v in written]
        weights = [_exact_number(w) for w in table["weights"]] if "weights" in table else [Fraction(1, len(values))] * len(values)
        return sum((v * w for v, w in zip(values, weights)), Fraction(0))
    return _exact_number(dist.central)


def _profile_label(model_strategies: Sequence[Sequence[str]], profile: Sequence[int]) -> str:
    return "/".join(model_strategies[k][i] for k, i in enumerate(profile))


class _Builder:
    """Checks a model's parts, with the source name and the entries' names for every message."""

    def __init__(self, source: str, file_style: bool) -> None:
        self.source, self.file_style = source, file_style
        #: The parameters given as distributions, in file order (their values are the central values).
        self.distributions: dict[str, Any] = {}

    def fail(self, entry: str | None, field_: str | None, detail: str) -> ModelError:
        return ModelError(self.source, entry, field_, detail)

    # --- [model] ---------------------------------------------------------------------------
    def names(self, value: object, entry: str, field_: str, what: str) -> tuple[str, ...]:
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            raise self.fail(entry, field_, f"must be an array of {what} names, got {_kind(value)}")
        out = []
        for v in value:
            if not isinstance(v, str) or not v.strip():
                raise self.fail(entry, field_, f"{what} names must be non-empty strings, got {v!r}")
            if v in out:
                raise self.fail(entry, field_, f"the {what} name {v!r} appears twice")
            out.append(v)
        return tuple(out)

    def structure(self, populations: object, strategies: object) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        entry = "[model]" if self.file_style else None
        pops = self.names(populations, entry, "populations", "population")
        if len(pops) < 1:
            raise self.fail(entry, "populations", "must name at least one population")
        if isinstance(strategies, (str, bytes)) or not isinstance(strategies, Sequence):
            raise self.fail(entry, "strategies", f"must be an array with one array of strategy names per population, got {_kind(strategies)}")
        if len(strategies) != len(pops):
            raise self.fail(entry, "strategies", f"{len(strategies)} strategy lists for {len(pops)} populations")
        strats = []
        for k, s in enumerate(strategies):
            names = self.names(s, entry, "strategies", f"strategy (population {pops[k]!r})")
            if len(names) < 2:
                raise self.fail(entry, "strategies", f"population {pops[k]!r} needs at least 2 strategies, got {len(names)}")
            strats.append(names)
        count = math.prod(len(s) for s in strats)
        if count > MAX_PROFILES:
            raise self.fail(entry, "strategies", f"{count} pure profiles; at most {MAX_PROFILES} are supported")
        return pops, tuple(strats)

    def shares(self, value: object, k: int) -> tuple[str, ...]:
        if value is None or (isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 0):
            return tuple(f"x{i + 1}" for i in range(k))
        entry = "[model]" if self.file_style else None
        names = self.names(value, entry, "shares", "share")
        if len(names) != k:
            raise self.fail(entry, "shares", f"{len(names)} share names for {k} populations")
        for n in names:
            problem = name_problem(n)
            if problem:
                raise self.fail(entry, "shares", problem)
        return names

    # --- [parameters] ----------------------------------------------------------------------
    def parameters(self, raw: object, shares: tuple[str, ...]) -> dict[str, Parameter]:
        if raw is None:
            return {}
        if not isinstance(raw, Mapping):
            raise self.fail("[parameters]", None, f"must be a table of name = value, got {_kind(raw)}")
        out: dict[str, Parameter] = {}
        for name, spec in raw.items():
            entry = f"[parameters] {name}" if self.file_style else f"parameter {name!r}"
            problem = name_problem(name)
            if problem:
                raise self.fail(entry, None, problem)
            if name in shares:
                raise self.fail(entry, None, f"the parameter {name!r} has the name of a population share (name the shares in [model] shares)")
            if isinstance(spec, Parameter):
                if spec.name != name:
                    raise self.fail(entry, None, f"the Parameter is named {spec.name!r}")
                out[name] = spec
                continue
            value_field, rng, note = None, None, ""
            if isinstance(spec, Mapping) and not any(key in spec for key in _PARAMETER):
                # the short form of an uncertain parameter: s = { uniform = [1, 3] }
                out[name] = Parameter(name, self.distribution(spec, entry, None, name))
                continue
            if isinstance(spec, Mapping):
                for key in spec:
                    if key not in _PARAMETER:
                        hint = ' (a distribution goes under value: s = { value = { uniform = [1, 3] }, note = "…" })' if _is_distribution_key(key) else ""
                        raise self.fail(entry, str(key), f"unknown key{did_you_mean(key, _PARAMETER)}{hint}")
                if "value" not in spec:
                    raise self.fail(entry, "value", "is missing")
                value, value_field = spec["value"], "value"
                if "range" in spec:
                    rng = _range(spec["range"], lambda d, e=entry: self.fail(e, "range", d))
                note = spec.get("note", "")
                if not isinstance(note, str):
                    raise self.fail(entry, "note", f"must be a string, got {_kind(note)}")
            else:
                value = spec
            if isinstance(value, Mapping):
                out[name] = Parameter(name, self.distribution(value, entry, "value", name), rng, note)
                continue
            try:
                exact = _exact_number(value)
            except ValueError as err:
                raise self.fail(entry, value_field, str(err)) from None
            out[name] = Parameter(name, exact, rng, note)
        return out

    def distribution(self, table: Mapping, entry: str, field_: str | None, name: str) -> Fraction:
        """A distribution table read by the scenarios' reader (:mod:`regions.uncertain`): recorded,
        and its central value returned as an exact fraction (docs/models.md, "Uncertain parameters")."""
        from regions.uncertain import Distribution  # the scenarios' laws, checks and messages

        def at(sub: str) -> str:
            return f"{field_}.{sub}" if field_ else sub

        if field_ is None:  # the short form: every key must belong to a distribution table
            for key in table:
                if not _is_distribution_key(key):
                    raise self.fail(entry, str(key), f"unknown key{did_you_mean(str(key), (*_PARAMETER, *_distribution_keys()))}")
        if "name" in table:
            raise self.fail(entry, at("name"), "a model parameter is its own uncertain quantity; 'name' is for scenarios (one draw shared by several places)")
        try:
            dist = Distribution.from_table({k: _floats(v) for k, v in table.items()})
        except ValueError as err:  # regions.EntryError: the sub-key at fault and what is wrong
            sub = getattr(err, "field", None)
            raise self.fail(entry, at(sub) if sub else field_, getattr(err, "detail", str(err))) from None
        self.distributions[name] = dist
        try:
            return _central(dist, table)
        except ValueError as err:
            raise self.fail(entry, field_, f"central value {err}") from None

    def uncertainty(self, raw: object) -> Any:
        """The recorded distributions as a :class:`regions.Uncertainty` (with the ``[uncertainty]``
        correlations), or None when every parameter is certain."""
        if raw is None:
            raw = {}
        if not isinstance(raw, Mapping):
            raise self.fail("[uncertainty]", None, f"must be a table, got {_kind(raw)}")
        for key in raw:
            if key not in _UNCERTAINTY:
                raise self.fail("[uncertainty]", str(key), f"unknown key{did_you_mean(key, _UNCERTAINTY)}")
        pairs = raw.get("correlation", [])
        if not isinstance(pairs, list):
            raise self.fail("[uncertainty]", "correlation", f'must be an array of ["name", "name", rho] entries, got {_kind(pairs)}')
        if not self.distributions and not pairs:
            return None
        from regions.uncertain import Quantity, Uncertainty

        quantities = tuple(Quantity(n, d, (("parameter", n),)) for n, d in self.distributions.items())
        try:
            return Uncertainty(quantities, tuple(tuple(_floats(v) for v in p) if isinstance(p, list) else p for p in pairs))
        except ValueError as err:
            raise self.fail("[uncertainty]", getattr(err, "field", None), getattr(err, "detail", str(err))) from None

    # --- [[payoffs]] -----------------------------------------------------------------------
    def profile(self, raw: object, strategies: tuple[tuple[str, ...], ...], populations: tuple[str, ...], entry: str) -> tuple[int, ...]:
        if isinstance(raw, (str, bytes)) or not isinstance(raw, Sequence):
            raise self.fail(entry, "profile", f"must list one strategy per population, got {_kind(raw)} {raw!r}")
        if len(raw) != len(populations):
            raise self.fail(entry, "profile", f"{len(raw)} strategies for {len(populations)} populations")
        out = []
        for k, s in enumerate(raw):
            names = strategies[k]
            if isinstance(s, int) and not isinstance(s, bool) and not self.file_style:
                if not 0 <= s < len(names):
                    raise self.fail(entry, "profile", f"strategy index {s} out of range for {populations[k]!r} (0 … {len(names) - 1})")
                out.append(s)
            elif isinstance(s, str) and s in names:
                out.append(names.index(s))
            else:
                raise self.fail(entry, "profile", f"{s!r} is not a strategy of {populations[k]!r}{did_you_mean(s, names)}; its strategies: {', '.join(names)}")
        return tuple(out)

    def values(self, raw: object, populations: tuple[str, ...], symbols: Mapping[str, sympy.Symbol], entry: str) -> tuple[sympy.Expr, ...]:
        if isinstance(raw, (str, bytes)) or not isinstance(raw, Sequence):
            raise self.fail(entry, "values", f"must list one payoff per population, got {_kind(raw)} {raw!r}")
        if len(raw) != len(populations):
            raise self.fail(entry, "values", f"{len(raw)} values for {len(populations)} populations")
        out = []
        for k, text in enumerate(raw):
            where = f"value {k + 1} ({populations[k]})"
            try:
                if isinstance(text, sympy.Basic):
                    expr = self.sympy_value(text, symbols)
                elif isinstance(text, Decimal):
                    expr = parse_expression(_exact_number(text), symbols) if text.is_finite() else parse_expression(float(text), symbols)
                else:
                    expr = parse_expression(text, symbols)
            except (ExpressionError, ValueError) as err:
                raise self.fail(entry, "values", f"{where}: {err}") from None
            out.append(expr)
        return tuple(out)

    @staticmethod
    def sympy_value(expr: sympy.Basic, symbols: Mapping[str, sympy.Symbol]) -> sympy.Expr:
        if not isinstance(expr, sympy.Expr):
            raise ExpressionError(f"must be an expression, got {type(expr).__name__}")
        swap = {}
        for s in expr.free_symbols:
            if s.name not in symbols:
                raise ExpressionError(f"unknown name {s.name!r}{did_you_mean(s.name, symbols)}")
            swap[s] = symbols[s.name]
        return expr.xreplace(swap)

    def payoff_table(
        self,
        entries: Iterable[tuple[str, object, object]],
        populations: tuple[str, ...],
        strategies: tuple[tuple[str, ...], ...],
        symbols: Mapping[str, sympy.Symbol],
    ) -> dict[tuple[int, ...], tuple[sympy.Expr, ...]]:
        table: dict[tuple[int, ...], tuple[sympy.Expr, ...]] = {}
        first: dict[tuple[int, ...], str] = {}
        for entry, raw_profile, raw_values in entries:
            profile = self.profile(raw_profile, strategies, populations, entry)
            label = f"{entry} ({_profile_label(strategies, profile)})"
            if profile in table:
                raise self.fail(label, "profile", f"the profile is given twice (first in {first[profile]})")
            first[profile] = entry
            table[profile] = self.values(raw_values, populations, symbols, label)
        every = list(itertools.product(*(range(len(s)) for s in strategies)))
        missing = [p for p in every if p not in table]
        if missing:
            name = "[[payoffs]]" if self.file_style else "payoffs"
            more = f" ({len(missing)} of {len(every)} profiles are missing)" if len(missing) > 1 else ""
            raise self.fail(name, None, f"no entry for the profile ({_profile_label(strategies, missing[0])}){more}")
        return {p: table[p] for p in every}

    def check_values(
        self,
        table: Mapping[tuple[int, ...], tuple[sympy.Expr, ...]],
        parameters: Mapping[str, Parameter],
        shares: tuple[str, ...],
        populations: tuple[str, ...],
        strategies: tuple[tuple[str, ...], ...],
        labels: Mapping[tuple[int, ...], str] | None = None,
    ) -> None:
        """Every payoff at the parameter values (and shares at the cube's corners and centre)."""
        values: dict[sympy.Symbol, Any] = {_symbol(n): p.value for n, p in parameters.items()}
        share_symbols = [_symbol(n) for n in shares]
        two = all(len(s) == 2 for s in strategies)
        for profile, exprs in table.items():
            entry = (labels or {}).get(profile) or (("[[payoffs]]" if self.file_style else "payoffs") + f" ({_profile_label(strategies, profile)})")
            for k, expr in enumerate(exprs):
                used = [s for s in share_symbols if s in expr.free_symbols]
                where = f"value {k + 1} ({populations[k]})"
                if used and not two:
                    raise self.fail(entry, "values", f"{where}: population shares may appear only when every population has two strategies")
                points = [dict(zip(used, c)) for c in itertools.product((Fraction(0), Fraction(1)), repeat=len(used))]
                if used:
                    points.append({s: Fraction(1, 2) for s in used})
                for point in points or [{}]:
                    at = "at the given values" + ("".join(f", {s} = {_show_value(v)}" for s, v in point.items()))
                    try:
                        value = evaluate(expr, {**values, **point})
                    except ExpressionError as err:
                        raise self.fail(entry, "values", f"{where}: {err} {at}") from None
                    if abs(value) > _LARGEST_PAYOFF:
                        raise self.fail(entry, "values", f"{where}: {float(value):.3g} is out of range (|payoff| ≤ 10¹⁰⁰) {at}")


def _symbol(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


@dataclass(frozen=True)
class Model:
    """K populations, their strategies, parameters and a symbolic payoff table.

    Parameters
    ----------
    populations : sequence of str
        The K populations' names.
    strategies : sequence of sequences of str
        Each population's strategy names (at least 2, distinct).
    parameters : mapping of str to number, str, dict or Parameter
        By name: a value (``3``, ``0.1``, ``"1/3"``), a ``{"value", "range", "note"}`` table, a
        distribution table (``{"uniform": [1, 3]}``, also as the ``value``) or a :class:`Parameter`.
    payoffs : mapping of profile to sequence of payoffs
        Every pure profile, keyed by strategy names or indices (one per population), to one
        payoff per population: an expression string (read safely), a number or a sympy
        expression in the declared names. Stored keyed by index tuples, in profile order.
    name : str
        The model's title.
    share_names : sequence of str
        Names of the population shares in expressions; ``x1`` … ``xK`` by default.

    Raises
    ------
    ModelError
        For anything malformed: names, counts, unknown strategies, missing or duplicated
        profiles, unsafe or unreadable expressions, a division by zero at the values.

    Examples
    --------
    >>> m = Model(["A", "B"], [["C", "D"], ["C", "D"]], {"c": "0.5"},
    ...           {(0, 0): [1, 1], (0, 1): ["-c", 1], (1, 0): [1, "-c"], (1, 1): [0, 0]})
    >>> m.payoffs[(0, 1)][0], m.parameters["c"].value
    (-c, Fraction(1, 2))
    >>> Model(["A", "A"], [["C", "D"], ["C", "D"]], {}, {})
    Traceback (most recent call last):
    ...
    games.model.ModelError: Model: field 'populations': the population name 'A' appears twice
    """

    populations: tuple[str, ...]
    strategies: tuple[tuple[str, ...], ...]
    parameters: Mapping[str, Parameter]
    payoffs: Mapping[tuple[int, ...], tuple[sympy.Expr, ...]]
    name: str = ""
    share_names: tuple[str, ...] = field(default=())
    #: The uncertain parameters (a :class:`regions.Uncertainty`, one quantity per parameter given
    #: as a distribution, named like it), or None; set from ``parameters`` and the file.
    uncertainty: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        b = _Builder("Model", file_style=False)
        populations, strategies = b.structure(self.populations, self.strategies)
        shares = b.shares(self.share_names, len(populations))
        if not isinstance(self.name, str):
            raise b.fail(None, "name", f"must be a string, got {_kind(self.name)}")
        parameters = b.parameters(self.parameters, shares)
        symbols = _symbols(parameters, shares)
        raw = self.payoffs
        items = raw.items() if isinstance(raw, Mapping) else raw
        entries = []
        for item in items:
            if not (isinstance(item, Sequence) and len(item) == 2):
                raise b.fail("payoffs", None, "must map each profile to its payoffs")
            profile, values = item
            label = "payoffs[" + (", ".join(map(str, profile)) if isinstance(profile, Sequence) and not isinstance(profile, str) else repr(profile)) + "]"
            entries.append((label, profile, values))
        table = b.payoff_table(entries, populations, strategies, symbols)
        b.check_values(table, parameters, shares, populations, strategies)
        _set(self, populations, strategies, parameters, table, self.name, shares, b.uncertainty(None))

    def __hash__(self) -> int:
        return hash((self.populations, self.strategies, tuple(self.parameters.items()), tuple(self.payoffs.items()), self.name, self.share_names))

    # --- reading ---------------------------------------------------------------------------
    @classmethod
    def from_toml(cls, path: str | os.PathLike[str]) -> Model:
        """Read a model file (docs/models.md, "Model files").

        Raises
        ------
        ModelError
            One line naming the file, the entry and the field.

        Examples
        --------
        >>> Model.from_toml("/no/such.toml")
        Traceback (most recent call last):
        ...
        games.model.ModelError: /no/such.toml: cannot read: No such file or directory
        """
        source = str(path)
        try:
            if Path(path).stat().st_size > MAX_MODEL_BYTES:
                raise ModelError(source, None, None, f"the file is larger than {MAX_MODEL_BYTES // 1024} KiB")
            data = Path(path).read_bytes()
        except OSError as err:
            raise ModelError(source, None, None, f"cannot read: {err.strerror or err}") from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ModelError(source, None, None, "not UTF-8 text") from None
        return cls.from_text(text, source)

    @classmethod
    def from_text(cls, text: str, source: str = "<model>") -> Model:
        """A model from the text of a model file; ``source`` names it in messages.

        Examples
        --------
        >>> text = '''
        ... [model]
        ... populations = ["row", "column"]
        ... strategies = [["C", "D"], ["C", "D"]]
        ... [parameters]
        ... b = 3
        ... [[payoffs]]
        ... profile = ["C", "C"]
        ... values = ["b - 1", "b - 1"]
        ... '''
        >>> Model.from_text(text, "pd.toml")
        Traceback (most recent call last):
        ...
        games.model.ModelError: pd.toml: [[payoffs]]: no entry for the profile (C/D) (3 of 4 profiles are missing)
        """
        b = _Builder(source, file_style=True)
        if not isinstance(text, str):
            raise b.fail(None, None, f"the model text must be a string, got {_kind(text)}")
        if len(text) > MAX_MODEL_BYTES:
            raise b.fail(None, None, f"the text is longer than {MAX_MODEL_BYTES // 1024} KiB")
        try:
            doc = tomllib.loads(text, parse_float=Decimal)
        except tomllib.TOMLDecodeError as err:
            raise b.fail(None, None, f"invalid TOML: {err}") from None
        except ValueError:  # an integer of more than 4,300 digits (Python's conversion limit)
            raise b.fail(None, None, "invalid TOML: an integer of more than 4,300 digits") from None
        except RecursionError:
            raise b.fail(None, None, f"nested too deeply (at most {MAX_NESTING} levels of arrays and tables)") from None
        if depth(doc) > MAX_NESTING:
            raise b.fail(None, None, f"nested too deeply (at most {MAX_NESTING} levels of arrays and tables)")
        for key in doc:
            if key not in _TOP:
                raise b.fail(None, key, f"unknown top-level key{did_you_mean(key, _TOP)}; a model file has [model], [parameters] and [[payoffs]]")
        head = doc.get("model")
        if not isinstance(head, dict):
            raise b.fail("[model]", None, "is missing" if head is None else f"must be a table, got {_kind(head)}")
        for key in head:
            if key not in _MODEL:
                raise b.fail("[model]", key, f"unknown key{did_you_mean(key, _MODEL)}")
        for key in ("populations", "strategies"):
            if key not in head:
                raise b.fail("[model]", key, "is missing")
        name = head.get("name", "")
        if not isinstance(name, str):
            raise b.fail("[model]", "name", f"must be a string, got {_kind(name)}")
        populations, strategies = b.structure(head["populations"], head["strategies"])
        shares = b.shares(head.get("shares"), len(populations))
        parameters = b.parameters(doc.get("parameters", {}), shares)
        uncertainty = b.uncertainty(doc.get("uncertainty"))
        symbols = _symbols(parameters, shares)
        raw = doc.get("payoffs", [])
        if not isinstance(raw, list) or not all(isinstance(v, dict) for v in raw):
            raise b.fail("[[payoffs]]", None, f"must be an array of tables ([[payoffs]] entries), got {_kind(raw)}")
        entries = []
        labels: dict[tuple[int, ...], str] = {}
        for i, table in enumerate(raw, start=1):
            entry = f"[[payoffs]] #{i}"
            for key in table:
                if key not in _PAYOFF:
                    raise b.fail(entry, key, f"unknown key{did_you_mean(key, _PAYOFF)}")
            for key in _PAYOFF:
                if key not in table:
                    raise b.fail(entry, key, "is missing")
            entries.append((entry, table["profile"], table["values"]))
        payoffs = b.payoff_table(entries, populations, strategies, symbols)
        for entry, raw_profile, _ in entries:
            p = b.profile(raw_profile, strategies, populations, entry)
            labels[p] = f"{entry} ({_profile_label(strategies, p)})"
        b.check_values(payoffs, parameters, shares, populations, strategies, labels)
        model = object.__new__(cls)
        _set(model, populations, strategies, parameters, payoffs, name, shares, uncertainty)
        object.__setattr__(model, "_source", source)
        return model

    # --- the symbols and values the derivation uses -----------------------------------------
    def symbol(self, name: str) -> sympy.Symbol:
        """A parameter's (or a share's) sympy symbol, real.

        >>> builtin_model("three-party").symbol("C_H")
        C_H
        """
        if name not in self.parameters and name not in self.share_names:
            raise KeyError(f"no parameter {name!r}{did_you_mean(name, [*self.parameters, *self.share_names])}")
        return _symbol(name)

    @property
    def share_symbols(self) -> tuple[sympy.Symbol, ...]:
        """One real symbol per population: the share playing its first strategy."""
        return tuple(_symbol(n) for n in self.share_names)

    @property
    def parameter_symbols(self) -> tuple[sympy.Symbol, ...]:
        """The parameters' symbols, in file order."""
        return tuple(_symbol(n) for n in self.parameters)

    def values(self) -> dict[sympy.Symbol, sympy.Rational]:
        """Parameter symbol → its exact value.

        >>> builtin_model("three-party").values()[sympy.Symbol("s", real=True)]
        3/2
        """
        return {_symbol(n): sympy.Rational(p.value.numerator, p.value.denominator) for n, p in self.parameters.items()}

    def with_values(self, **overrides: float | str | Fraction) -> Model:
        """A copy with some parameter values changed (``--set C=5``); ranges and notes kept.

        Values are numbers or strings such as ``"2.5"`` or ``"1/3"``, read exactly. An uncertain
        parameter given a value is certain in the copy (it leaves :attr:`uncertainty`).

        Raises
        ------
        ModelError
            For an unknown parameter (with a did-you-mean), a value that is not a finite number,
            or a division by zero at the new values.

        Examples
        --------
        >>> m = builtin_model("three-party").with_values(s="2.5")
        >>> m.parameters["s"].value
        Fraction(5, 2)
        >>> m.with_values(ss=1)
        Traceback (most recent call last):
        ...
        games.model.ModelError: three-party.toml: --set ss: no such parameter (did you mean 's'?)
        """
        source = _source_of(self)
        b = _Builder(source, file_style=True)
        parameters = dict(self.parameters)
        for key, value in overrides.items():
            if key not in parameters:
                raise b.fail(f"--set {key}", None, f"no such parameter{did_you_mean(key, parameters)}")
            try:
                exact = _exact_number(value)
            except ValueError as err:
                raise b.fail(f"--set {key}", None, str(err)) from None
            old = parameters[key]
            parameters[key] = Parameter(key, exact, old.range, old.note)
        b.check_values(self.payoffs, parameters, self.share_names, self.populations, self.strategies)
        model = object.__new__(type(self))
        _set(model, self.populations, self.strategies, parameters, dict(self.payoffs), self.name, self.share_names, _without(self.uncertainty, overrides))
        object.__setattr__(model, "_source", source)
        return model


def _without(uncertainty: Any, names: Iterable[str]) -> Any:
    """The uncertainty left when the parameters ``names`` are given exact values (None if none is)."""
    if uncertainty is None:
        return None
    gone = set(names)
    if not gone & set(uncertainty.names):
        return uncertainty
    quantities = tuple(q for q in uncertainty.quantities if q.name not in gone)
    pairs = tuple(p for p in uncertainty.pairs if not gone & {p[0], p[1]})
    return type(uncertainty)(quantities, pairs) if quantities else None


def _source_of(model: Model) -> str:
    return getattr(model, "_source", "Model")


def _symbols(parameters: Mapping[str, Parameter], shares: Sequence[str]) -> dict[str, sympy.Symbol]:
    return {n: _symbol(n) for n in [*parameters, *shares]}


def _set(
    model: Model,
    populations: tuple[str, ...],
    strategies: tuple[tuple[str, ...], ...],
    parameters: Mapping[str, Parameter],
    payoffs: Mapping[tuple[int, ...], tuple[sympy.Expr, ...]],
    name: str,
    shares: tuple[str, ...],
    uncertainty: Any = None,
) -> None:
    for key, value in (
        ("populations", populations),
        ("strategies", strategies),
        ("parameters", MappingProxyType(dict(parameters))),
        ("payoffs", MappingProxyType(dict(payoffs))),
        ("name", name),
        ("share_names", shares),
        ("uncertainty", uncertainty),
    ):
        object.__setattr__(model, key, value)


def builtin_models() -> list[str]:
    """Names of the bundled model files (package data under ``games/data``).

    >>> builtin_models()
    ['three-party', 'three-party-dynamic']
    """
    folder = resources.files("games") / "data"
    return sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml"))


def builtin_model(name: str) -> Model:
    """A bundled model by name (:func:`builtin_models`).

    Raises
    ------
    ModelError
        For an unknown name, with a did-you-mean.

    Examples
    --------
    >>> builtin_model("three-party-dynamic").share_names
    ('x', 'y', 'z')
    >>> builtin_model("threeparty")
    Traceback (most recent call last):
    ...
    games.model.ModelError: threeparty: no bundled model of that name (did you mean 'three-party'?); bundled: three-party, three-party-dynamic
    """
    names = builtin_models()
    if name not in names:
        raise ModelError(str(name), None, None, f"no bundled model of that name{did_you_mean(name, names)}; bundled: {', '.join(names)}")
    text = (resources.files("games") / "data" / f"{name}.toml").read_text(encoding="utf-8")
    return Model.from_text(text, f"{name}.toml")
