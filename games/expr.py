"""Payoff expressions read safely: a whitelist of tokens, sympy's parser with no namespace, bounded powers.

A payoff in a model file is an expression in the declared names (parameters and population
shares), decimal numbers, the operators ``+ - * / ^ **``, parentheses, commas and the functions
``min``, ``max``, ``exp``, ``log`` (natural) and ``sqrt``. The text is read in three steps, and
nothing is evaluated before the last:

1. **tokens**: the text is split by a regular expression into numbers, names, operators,
   parentheses and commas; anything else (quotes, brackets, dots after a name, ``@``, ``=``,
   keywords, an undeclared name such as ``__import__``) is refused, naming the token;
2. **parse**: sympy's ``parse_expr`` builds the *unevaluated* tree (``evaluate=False``) with a
   global namespace that holds only the number and operator classes it generates and no
   builtins, and a local namespace of the declared symbols and the five functions;
3. **bounds**: every power whose base and exponent are both numbers is checked on that tree,
   innermost first — the exponent at most 64 in size and the result at most 10⁴ digits — so
   ``9^9^9`` is refused without being computed; only then is the tree evaluated.

:func:`evaluate` computes an expression at given values in exact rationals where it can
(floats for ``exp``, ``log`` and non-integer powers) and refuses division by zero, logarithms
of non-positive numbers, non-real powers and numbers too large to hold.

Examples
--------
>>> import sympy
>>> C = sympy.Symbol("C", real=True)
>>> parse_expression("max(2*C - 1, 0) + 0.1", {"C": C})
Max(0, 2*C - 1) + 1/10
>>> parse_expression("__import__('os')", {"C": C})
Traceback (most recent call last):
...
games.expr.ExpressionError: unknown name '__import__'
>>> parse_expression("9^9^9", {"C": C})
Traceback (most recent call last):
...
games.expr.ExpressionError: the exponent 387420489 in 9**(9**9) is too large (at most 64)
>>> evaluate(parse_expression("1/(C - 4)", {"C": C}), {C: 4})
Traceback (most recent call last):
...
games.expr.ExpressionError: division by zero in 1/(C - 4)
"""

from __future__ import annotations

import difflib
import keyword
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from fractions import Fraction

import sympy
from sympy.parsing.sympy_parser import auto_number, convert_xor, parse_expr, rationalize

from .errors import UserInputError
from .game import rational

__all__ = ["FUNCTIONS", "MAX_DIGITS", "MAX_EXPONENT", "MAX_LENGTH", "ExpressionError", "did_you_mean", "evaluate", "name_problem", "parse_expression"]

#: Longest expression read, in characters.
MAX_LENGTH = 2000
#: Largest |exponent| of a power whose exponent is a number.
MAX_EXPONENT = 64
#: Largest number of decimal digits of a number computed while reading or evaluating.
MAX_DIGITS = 10_000
#: Largest |decimal exponent| of a number literal (``1e64``).
MAX_LITERAL_EXPONENT = 64


def _unevaluated(func):
    def build(*args, **_ignored):
        return func(*args, evaluate=False)

    return build


def _one(func, name: str):
    def build(*args, **_ignored):
        if len(args) != 1:
            raise ExpressionError(f"{name}() takes one argument, got {len(args)}")
        return func(args[0], evaluate=False)

    return build


#: The functions an expression may call, by the name it is written with.
FUNCTIONS: Mapping[str, object] = {
    "min": _unevaluated(sympy.Min),
    "max": _unevaluated(sympy.Max),
    "exp": _one(sympy.exp, "exp"),
    "log": _one(sympy.log, "log"),
    "sqrt": _one(sympy.sqrt, "sqrt"),
}

#: Names sympy's generated code uses; nothing else is reachable from an expression.
_GLOBALS = {
    "Integer": sympy.Integer,
    "Float": sympy.Float,
    "Rational": sympy.Rational,
    "Symbol": sympy.Symbol,
    "Add": sympy.Add,
    "Mul": sympy.Mul,
    "Pow": sympy.Pow,
}
_RESERVED = frozenset(_GLOBALS) | {"Min", "Max", "E", "I", "S", "N", "pi", "oo", "nan", "zoo"}

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[^\W\d]\w*)
  | (?P<op>\*\*|[-+*/^(),])
    """,
    re.VERBOSE,
)


class ExpressionError(UserInputError):
    """An expression that cannot be read or evaluated; the message is one line, without location.

    :class:`games.model.Model` adds the file, the entry and the field.
    """


def name_problem(name: object) -> str | None:
    """Why ``name`` cannot name a parameter or a share, or ``None`` if it can.

    >>> name_problem("C_A"), name_problem("lambda"), name_problem("exp")
    (None, "'lambda' is a Python keyword", "'exp' is the name of a function")
    """
    if not isinstance(name, str):
        return f"a name must be a string, got {type(name).__name__} {name!r}"
    if not re.fullmatch(r"[^\W\d_]\w*", name):
        return f"{name!r} is not a name (a letter, then letters, digits or _)"
    if unicodedata.normalize("NFKC", name) != name:
        return f"{name!r} is not in Unicode normal form NFKC (write {unicodedata.normalize('NFKC', name)!r})"
    if keyword.iskeyword(name):
        return f"{name!r} is a Python keyword"
    if name in FUNCTIONS:
        return f"{name!r} is the name of a function"
    if name in _RESERVED:
        return f"{name!r} is reserved"
    return None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice (ignoring case first), or an empty string.

    >>> did_you_mean("S", ["s", "C_H"]), did_you_mean("CH", ["s", "C_H"]), did_you_mean("zz", ["s"])
    (" (did you mean 's'?)", " (did you mean 'C_H'?)", '')
    """
    choices = [str(c) for c in choices]
    same = [c for c in choices if c.casefold() == str(word).casefold()]
    close = same or difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _show(token: str) -> str:
    return repr(token) if token.isprintable() else repr(token.encode("unicode_escape").decode("ascii"))


def _check_tokens(text: str, names: Mapping[str, sympy.Symbol]) -> None:
    """Refuse anything but numbers, declared names, the functions, operators and parentheses."""
    pos, depth = 0, 0
    previous: tuple[str, str] | None = None  # (kind, token): number, name, func, (, ), op
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            ch = text[pos]
            what = {".": "attribute access ('.')", "[": "indexing ('[')", "'": "a string", '"': "a string"}.get(ch, f"the character {_show(ch)}")
            raise ExpressionError(f"{what} is not allowed (at position {pos + 1})")
        pos = m.end()
        kind, token = m.lastgroup or "", m.group(m.lastgroup or 0)
        if kind == "space":
            continue
        if kind == "number":
            exponent = re.search(r"[eE]([+-]?\d+)$", token)
            if exponent and (len(exponent.group(1).lstrip("+-0")) > 3 or abs(int(exponent.group(1))) > MAX_LITERAL_EXPONENT):
                raise ExpressionError(f"the number {token} is too large or too small (decimal exponent at most {MAX_LITERAL_EXPONENT})")
            if len(token) > 400:
                raise ExpressionError(f"the number {token[:20]}… has too many digits")
        elif kind == "name":
            if keyword.iskeyword(token):
                raise ExpressionError(f"the keyword '{token}' is not allowed")
            if token in FUNCTIONS and token not in names:
                kind = "func"
            elif token not in names:
                raise ExpressionError(f"unknown name {_show(token)}{did_you_mean(token, [*names, *FUNCTIONS])}")
        elif token in "()":
            kind = token
        if kind == "op" and token == "/" and previous == ("op", "/"):
            raise ExpressionError(f"'//' is not an operator here (at position {pos - 1}); write a / b")
        if previous is not None:
            before, last = previous
            if before == "func" and token != "(":
                raise ExpressionError(f"the function '{last}' must be called: {last}(…)")
            if before in ("number", "name", ")") and kind in ("number", "name", "func", "("):
                if before == "name" and kind == "(":
                    raise ExpressionError(f"'{last}' is not a function; the functions are {', '.join(FUNCTIONS)}")
                raise ExpressionError(f"missing operator between '{last}' and '{token}'")
        if kind == "(":
            depth += 1
            if depth > 32:
                raise ExpressionError("parentheses are nested more than 32 deep")
        elif kind == ")":
            depth -= 1
            if depth < 0:
                raise ExpressionError(f"unmatched ')' at position {pos}")
        previous = (kind, token)
    if previous is not None and previous[0] == "func":
        raise ExpressionError(f"the function '{previous[1]}' must be called: {previous[1]}(…)")
    if depth:
        raise ExpressionError("unmatched '('")


def _digits(value: sympy.Rational) -> float:
    """Decimal digits of a rational's numerator and denominator, the larger."""
    p, q = abs(int(value.p)), int(value.q)
    return max(p.bit_length(), q.bit_length()) * 0.30103


def _check_powers(expr: sympy.Basic, depth: int = 0) -> None:
    """Refuse, innermost first, every number power that is too large to compute."""
    if depth > 200:
        raise ExpressionError("the expression is nested too deeply")
    for arg in expr.args:
        _check_powers(arg, depth + 1)
    if not isinstance(expr, sympy.Pow):
        return
    base, exponent = expr.args
    if exponent.free_symbols:
        return
    e = _rebuild(exponent)
    if not e.is_number or e.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        return
    try:
        size = abs(complex(e.evalf(30)))
    except (TypeError, ValueError, OverflowError):
        return
    if size > MAX_EXPONENT:
        raise ExpressionError(f"the exponent {_compact(e)} in {_compact(expr)} is too large (at most {MAX_EXPONENT})")
    if base.free_symbols:
        return
    b = _rebuild(base)
    if isinstance(b, sympy.Rational) and _digits(b) * size > MAX_DIGITS:
        raise ExpressionError(f"{_compact(expr)} has more than {MAX_DIGITS} digits")


def _compact(expr: sympy.Basic) -> str:
    text = sympy.sstr(expr)
    return text if len(text) <= 60 else text[:57] + "…"


def _rebuild(expr: sympy.Basic) -> sympy.Basic:
    """Evaluate an unevaluated tree, bottom-up (only after :func:`_check_powers`)."""
    if not expr.args or isinstance(expr, (sympy.Symbol, sympy.Number)):
        return expr
    return expr.func(*(_rebuild(a) for a in expr.args))


def parse_expression(text: object, names: Mapping[str, sympy.Symbol]) -> sympy.Expr:
    """An expression in the declared ``names``, read safely (see the module notes).

    Parameters
    ----------
    text : str, int, float or Fraction
        The expression; a number stands for itself (a float as the decimal it prints as).
    names : mapping of str to sympy.Symbol
        The declared names.

    Returns
    -------
    sympy.Expr
        The evaluated expression; decimals are exact rationals.

    Raises
    ------
    ExpressionError
        For anything outside the whitelist, a syntax error, or a number too large to compute.

    Examples
    --------
    >>> import sympy
    >>> s = sympy.Symbol("s", real=True)
    >>> parse_expression("2^-1 * s", {"s": s}), parse_expression(0.1, {})
    (s/2, 1/10)
    >>> parse_expression("s.__class__", {"s": s})
    Traceback (most recent call last):
    ...
    games.expr.ExpressionError: attribute access ('.') is not allowed (at position 2)
    """
    if isinstance(text, bool):
        raise ExpressionError(f"must be a number or an expression string, got {text!r}")
    if isinstance(text, (int, float, Fraction)):
        if isinstance(text, float) and not math.isfinite(text):
            raise ExpressionError(f"must be a finite number, got {text!r}")
        value = rational(text)
        if _digits(sympy.Rational(value.numerator, value.denominator)) > MAX_DIGITS:
            raise ExpressionError("the number has too many digits")
        return sympy.Rational(value.numerator, value.denominator)
    if not isinstance(text, str):
        raise ExpressionError(f"must be a number or an expression string, got {type(text).__name__} {text!r}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is longer than {MAX_LENGTH} characters ({len(text)})")
    if not text.strip():
        raise ExpressionError("the expression is empty")
    _check_tokens(text, names)
    local = {**names, **FUNCTIONS}
    try:
        tree = parse_expr(
            text,
            local_dict=local,
            global_dict={**_GLOBALS, "__builtins__": {}},
            transformations=(auto_number, rationalize, convert_xor),
            evaluate=False,
        )
    except ExpressionError:
        raise
    except (SyntaxError, TypeError, ValueError, AttributeError, RecursionError, MemoryError) as err:
        if isinstance(err, RecursionError):
            raise ExpressionError("the expression is nested too deeply") from None
        detail = err.msg if isinstance(err, SyntaxError) and err.msg else type(err).__name__
        raise ExpressionError(f"cannot read {_compact_text(text)}: {detail}") from None
    except Exception as err:  # sympy raises assorted errors (TokenError, …) for broken input
        raise ExpressionError(f"cannot read {_compact_text(text)}: {type(err).__name__}") from None
    if not isinstance(tree, sympy.Expr):
        raise ExpressionError(f"{_compact_text(text)} is not a single expression")
    try:
        _check_powers(tree)
        expr = _rebuild(tree)
    except RecursionError:
        raise ExpressionError("the expression is nested too deeply") from None
    if not isinstance(expr, sympy.Expr):
        raise ExpressionError(f"{_compact_text(text)} is not a single expression")
    return expr


def _compact_text(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "…")


def evaluate(expr: sympy.Basic, values: Mapping[sympy.Symbol, object]) -> Fraction | float:
    """The value of ``expr`` at ``values``: exact where it can be, a float otherwise.

    Sums, products and integer powers of rationals are exact; ``exp``, ``log`` and other powers
    are floats. Nothing is computed that would have more than :data:`MAX_DIGITS` digits.

    Raises
    ------
    ExpressionError
        Division by zero, a logarithm of a number ≤ 0, a power that is not real, an overflow,
        a symbol without a value, or an infinite or undefined number in the expression.

    Examples
    --------
    >>> import sympy
    >>> C = sympy.Symbol("C", real=True)
    >>> evaluate(sympy.Max(C, 1) / 3 + C**2, {C: Fraction(1, 2)})
    Fraction(7, 12)
    >>> evaluate(sympy.log(C - 1), {C: Fraction(1, 2)})
    Traceback (most recent call last):
    ...
    games.expr.ExpressionError: log of a number ≤ 0 in log(C - 1)
    """
    try:
        value = _value(expr, values, expr)
    except RecursionError:
        raise ExpressionError("the expression is nested too deeply") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise ExpressionError(f"{_compact(expr)} is not a finite number")
    return value


def _value(node: sympy.Basic, values: Mapping[sympy.Symbol, object], whole: sympy.Basic) -> Fraction | float:
    def fail(what: str) -> ExpressionError:
        return ExpressionError(f"{what} in {_compact(whole)}")

    if isinstance(node, sympy.Symbol):
        if node not in values:
            raise fail(f"no value for '{node}'")
        v = values[node]
        return v if isinstance(v, (Fraction, float)) else (Fraction(int(v.p), int(v.q)) if isinstance(v, sympy.Rational) else float(v))
    if node in (sympy.zoo, sympy.oo, -sympy.oo) or node is sympy.nan:
        raise fail("division by zero" if node is sympy.zoo else "an infinite or undefined number")
    if isinstance(node, sympy.Rational):
        return Fraction(int(node.p), int(node.q))
    if isinstance(node, sympy.Float):
        return float(node)
    if node is sympy.E:
        return math.e
    if node is sympy.pi:
        return math.pi
    if node.is_Atom:
        if node.is_number and node.is_real and node.is_finite:
            return float(node)
        raise fail(f"the number {node} is not a finite real number")
    args = [_value(a, values, whole) for a in node.args]
    try:
        if isinstance(node, sympy.Add):
            return _finite(sum(args[1:], args[0]), fail)
        if isinstance(node, sympy.Mul):
            out = args[0]
            for a in args[1:]:
                out = out * a
            return _finite(out, fail)
        if isinstance(node, sympy.Pow):
            return _power(args[0], args[1], fail)
        if isinstance(node, sympy.Max):
            return max(args)
        if isinstance(node, sympy.Min):
            return min(args)
        if isinstance(node, sympy.exp):
            return _finite(math.exp(float(args[0])), fail)
        if isinstance(node, sympy.log):
            if args[0] <= 0:
                raise fail("log of a number ≤ 0")
            return math.log(args[0]) if isinstance(args[0], float) else _log(args[0])
        number = node.func(*(sympy.Rational(a.numerator, a.denominator) if isinstance(a, Fraction) else sympy.Float(a) for a in args)).evalf()
        if not number.is_real or not number.is_finite:
            raise fail(f"{node.func.__name__} is not a finite real number")
        return float(number)
    except OverflowError:
        raise fail("a number too large to compute") from None
    except ZeroDivisionError:
        raise fail("division by zero") from None


def _log(x: Fraction) -> float:
    return math.log(x.numerator) - math.log(x.denominator)


def _finite(value: Fraction | float, fail) -> Fraction | float:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise fail("a number too large to compute")
    elif max(abs(value.numerator).bit_length(), value.denominator.bit_length()) * 0.30103 > MAX_DIGITS:
        raise fail(f"a number with more than {MAX_DIGITS} digits")
    return value


def _power(base: Fraction | float, exponent: Fraction | float, fail) -> Fraction | float:
    if base == 0 and exponent < 0:
        raise fail("division by zero")
    if isinstance(exponent, Fraction) and exponent.denominator == 1 and isinstance(base, Fraction):
        n = exponent.numerator
        if base in (0, 1) or (base == -1):
            return base**n
        digits = max(abs(base.numerator).bit_length(), base.denominator.bit_length()) * 0.30103 * abs(n)
        if digits > MAX_DIGITS:
            raise fail(f"a number with more than {MAX_DIGITS} digits")
        return base**n
    b, e = float(base), float(exponent)
    if b < 0 and not float(e).is_integer():
        raise fail("a power that is not a real number")
    return _finite(math.pow(b, e), fail)
