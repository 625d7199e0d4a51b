"""Model files and the Model container (games/model.py, games/expr.py): parsing, exactness, the API
constructor, with_values, the bundled three-party files, and a battery of hostile or broken files."""

import itertools
import time
from fractions import Fraction
from typing import ClassVar

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import games.expr
from games import Model, ModelError, Parameter, ThreeParty, builtin_model, builtin_models
from games.expr import ExpressionError, evaluate, parse_expression

BASE = """
[model]
name = "pollution control"
populations = ["county A", "province"]
strategies = [["control", "free-ride"], ["supervise", "relax"]]

[parameters]
B = 6
C = { value = 4, range = [1, 8], note = "cost of control" }
s = 1.5

[[payoffs]]
profile = ["control", "supervise"]
values = ["B - C + s", "-s"]

[[payoffs]]
profile = ["control", "relax"]
values = ["B - C", "0"]

[[payoffs]]
profile = ["free-ride", "supervise"]
values = ["-1", "1"]

[[payoffs]]
profile = ["free-ride", "relax"]
values = ["0", "-2"]
"""


def sym(name):
    return sympy.Symbol(name, real=True)


def with_value(expr, text=BASE):
    """BASE with the first payoff of the first profile replaced by ``expr``."""
    return text.replace('values = ["B - C + s", "-s"]', f"values = [{expr}, \"-s\"]")


# --- reading and exactness ------------------------------------------------------------------


class TestReading:
    def test_structure(self):
        m = Model.from_text(BASE, "m.toml")
        assert m.name == "pollution control"
        assert m.populations == ("county A", "province")
        assert m.strategies == (("control", "free-ride"), ("supervise", "relax"))
        assert list(m.payoffs) == [(0, 0), (0, 1), (1, 0), (1, 1)]
        assert m.share_names == ("x1", "x2")
        assert m.share_symbols == (sym("x1"), sym("x2"))
        B, C, s = sym("B"), sym("C"), sym("s")
        assert m.payoffs[(0, 0)] == (B - C + s, -s)
        assert m.parameters["C"] == Parameter("C", Fraction(4), (1.0, 8.0), "cost of control")
        assert list(m.parameters) == ["B", "C", "s"]  # file order
        assert m.symbol("C") == C and m.symbol("C").is_real

    def test_decimals_are_exact(self):
        # 0.1 in a parameter and in an expression is 1/10 exactly, not the float 0.1000000000000000055…
        text = BASE.replace("s = 1.5", "s = 0.1").replace('"B - C"', '"0.1*B + 0.2"')
        m = Model.from_text(text)
        assert m.parameters["s"].value == Fraction(1, 10)
        assert m.values()[sym("s")] == sympy.Rational(1, 10)
        assert m.payoffs[(0, 1)][0] == sympy.Rational(1, 10) * sym("B") + sympy.Rational(1, 5)
        assert m.payoffs[(0, 1)][0].subs(m.values()) == sympy.Rational(4, 5)  # 0.6 + 0.2 exactly

    def test_parameter_as_fraction_string(self):
        m = Model.from_text(BASE.replace("s = 1.5", 's = "1/3"'))
        assert m.parameters["s"].value == Fraction(1, 3)

    def test_file_and_text_agree(self, tmp_path):
        path = tmp_path / "m.toml"
        path.write_text(BASE, encoding="utf-8")
        a, b = Model.from_toml(path), Model.from_text(BASE)
        assert a == b and hash(a) == hash(b)

    def test_shares_by_name(self):
        text = BASE.replace('strategies = [["control"', 'shares = ["x", "z"]\nstrategies = [["control"').replace('"-s"]', '"-s*x"]')
        m = Model.from_text(text)
        assert m.share_symbols == (sym("x"), sym("z"))
        assert m.payoffs[(0, 0)][1] == -sym("s") * sym("x")

    def test_functions(self):
        m = Model.from_text(with_value('"max(B - C, 0) + min(s, 1) + exp(0) + log(1) + sqrt(4)"'))
        assert m.payoffs[(0, 0)][0].subs(m.values()) == 2 + 1 + 1 + 0 + 2

    def test_numbers_as_values(self):
        m = Model.from_text(BASE.replace('values = ["0", "-2"]', "values = [0.25, -2]"))
        assert m.payoffs[(1, 1)] == (sympy.Rational(1, 4), sympy.Integer(-2))


# --- the safe expression parser ---------------------------------------------------------------


class TestExpressions:
    names: ClassVar[dict] = {"B": sym("B"), "C": sym("C")}

    @pytest.mark.parametrize("text", ["__import__('os')", "B.__class__", "().__class__.__bases__[0]", "lambda: 1", "B[0]", "'B'", "__builtins__"])
    def test_refused_before_sympy_sees_it(self, text, monkeypatch):
        """The token check refuses these; sympy's parse_expr is never called."""

        def boom(*args, **kwargs):
            raise AssertionError("parse_expr was called")

        monkeypatch.setattr(games.expr, "parse_expr", boom)
        with pytest.raises(ExpressionError):
            parse_expression(text, self.names)

    def test_power_bounds(self):
        assert parse_expression("2^64", {}) == 2**64
        assert parse_expression("B^64", self.names) == sym("B") ** 64
        assert len(str(parse_expression("(10^64)^64", {}))) == 4097  # 4096 digits is allowed
        with pytest.raises(ExpressionError, match="more than 10000 digits"):
            parse_expression("((10^64)^64)^64", {})

    def test_evaluate_is_exact(self):
        B, C = sym("B"), sym("C")
        assert evaluate(parse_expression("B/3 - C^2", self.names), {B: Fraction(1), C: Fraction(1, 2)}) == Fraction(1, 12)

    def test_evaluate_refuses(self):
        B = sym("B")
        for text, match in [("1/(B - 2)", "division by zero"), ("log(B - 3)", "log of a number"), ("(B - 3)^0.5", "not a real"), ("exp(B*1000)", "too large")]:
            with pytest.raises(ExpressionError, match=match):
                evaluate(parse_expression(text, self.names), {B: Fraction(2)})


# --- the API constructor and with_values ----------------------------------------------------


class TestApi:
    def test_names_indices_strings_numbers_sympy(self):
        b, c = sympy.symbols("b c")  # plain symbols are replaced by the model's real ones
        m = Model(
            ["A", "B"],
            [["C", "D"], ["C", "D"]],
            {"b": 3, "c": {"value": "0.5", "range": [0, 1]}},
            {("C", "C"): ["b - c", b - c], (0, "D"): [-c, 4], (1, 0): ["b", "-c"], (1, 1): [0, Fraction(1, 3)]},
        )
        assert m == Model.from_text(
            """[model]
populations = ["A", "B"]
strategies = [["C", "D"], ["C", "D"]]
[parameters]
b = 3
c = { value = 0.5, range = [0, 1] }
[[payoffs]]
profile = ["C", "C"]
values = ["b - c", "b - c"]
[[payoffs]]
profile = ["C", "D"]
values = ["-c", "4"]
[[payoffs]]
profile = ["D", "C"]
values = ["b", "-c"]
[[payoffs]]
profile = ["D", "D"]
values = ["0", "1/3"]
"""
        )
        assert all(s.is_real for e in m.payoffs.values() for v in e for s in v.free_symbols)

    def test_duplicate_by_name_and_index(self):
        with pytest.raises(ModelError, match=r"Model: payoffs\[0, 0\] \(C/C\), field 'profile': the profile is given twice"):
            Model(["A", "B"], [["C", "D"], ["C", "D"]], {}, {("C", "C"): [1, 1], (0, 0): [1, 1], (0, 1): [0, 0], (1, 0): [0, 0], (1, 1): [0, 0]})

    def test_unknown_sympy_symbol(self):
        with pytest.raises(ModelError, match=r"unknown name 'q'"):
            Model(["A", "B"], [["C", "D"], ["C", "D"]], {}, {p: [sympy.Symbol("q"), 0] for p in itertools.product(range(2), repeat=2)})

    def test_with_values(self):
        m = Model.from_text(BASE, "m.toml")
        m2 = m.with_values(C="5.5", s=2)
        assert m2.parameters["C"] == Parameter("C", Fraction(11, 2), (1.0, 8.0), "cost of control")
        assert m2.values()[sym("s")] == 2
        assert m.parameters["C"].value == 4  # the original is unchanged
        assert m2.payoffs == m.payoffs and m2 != m
        with pytest.raises(ModelError, match=r"^m.toml: --set Cc: no such parameter \(did you mean 'C'\?\)$"):
            m.with_values(Cc=1)
        with pytest.raises(ModelError, match=r"--set C: must be a finite number"):
            m.with_values(C=float("nan"))
        div = Model.from_text(with_value('"B / (C - 4.5)"'), "d.toml")
        with pytest.raises(ModelError, match=r"d.toml: \[\[payoffs\]\] \(control/supervise\), field 'values': value 1 \(county A\): division by zero"):
            div.with_values(C="4.5")


# --- the bundled three-party models ------------------------------------------------------------


PARAMS = ("R_A", "R_B", "C_A", "C_B", "E_A", "E_B", "s", "f", "C_H", "W")


def table_differences(model, values, state):
    """Each population's payoff of its first strategy minus its second, in expectation over the
    other populations' shares, computed straight from the payoff table (not the derivation)."""
    subs = {sym(k): v for k, v in values.items()} | dict(zip(model.share_symbols, state))
    payoff = {p: [float(e.xreplace(subs)) for e in v] for p, v in model.payoffs.items()}
    out = []
    for k in range(len(model.populations)):
        total = 0.0
        for profile in itertools.product((0, 1), repeat=len(model.populations)):
            if profile[k] != 0:
                continue
            weight = np.prod([state[j] if profile[j] == 0 else 1 - state[j] for j in range(len(profile)) if j != k])
            other = (*profile[:k], 1, *profile[k + 1 :])
            total += weight * (payoff[profile][k] - payoff[other][k])
        out.append(total)
    return np.array(out)


def three_party(values, dynamic):
    return ThreeParty(
        synergy=(values["R_A"], values["R_B"]),
        cost=(values["C_A"], values["C_B"]),
        spillover=(values["E_A"], values["E_B"]),
        subsidy=values["s"],
        fine=values["f"],
        supervision_cost=values["C_H"],
        accountability=values["W"],
        dynamic=dynamic,
    )


class TestBundled:
    def test_listing(self):
        assert builtin_models() == ["three-party", "three-party-dynamic"]
        with pytest.raises(ModelError, match=r"did you mean 'three-party'"):
            builtin_model("three-partie")

    @pytest.mark.parametrize("name, dynamic", [("three-party", False), ("three-party-dynamic", True)])
    def test_defaults_are_threeparty_defaults(self, name, dynamic):
        m = builtin_model(name)
        d = ThreeParty(dynamic=dynamic)
        values = {k: float(m.parameters[k].value) for k in PARAMS}
        assert three_party(values, dynamic) == d
        for corner in itertools.product((0, 1), repeat=3):
            np.testing.assert_allclose(table_differences(m, values, corner), d.payoff_differences(corner), atol=1e-12)

    # ThreeParty takes non-negative parameters; 1e-12 absolute on payoff differences of order ≤ 10³
    # leaves room for the few float roundings of each side and nothing else.
    @settings(max_examples=40, deadline=None)
    @given(
        st.sampled_from([("three-party", False), ("three-party-dynamic", True)]),
        st.lists(st.floats(0, 20, allow_nan=False), min_size=len(PARAMS), max_size=len(PARAMS)),
        st.tuples(*[st.floats(0, 1)] * 3),
    )
    def test_payoff_differences_equal_threeparty(self, which, params, state):
        name, dynamic = which
        values = dict(zip(PARAMS, params))
        got = table_differences(builtin_model(name), values, state)
        np.testing.assert_allclose(got, three_party(values, dynamic).payoff_differences(state), rtol=0, atol=1e-12)


# --- hostile and broken files ---------------------------------------------------------------

TWO_BY_TWO = """[model]
populations = ["A", "B"]
strategies = [["C", "D"], ["C", "D"]]
[parameters]
b = 2
"""

HOSTILE = [
    # (id, file text, message pattern)
    ("unknown name", with_value('"B - Cx"'), r"field 'values': value 1 \(county A\): unknown name 'Cx' \(did you mean 'C'\?\)"),
    ("dunder import", with_value("\"__import__('os').system('true')\""), r"unknown name '__import__'"),
    ("dunder builtins", with_value('"__builtins__"'), r"unknown name '__builtins__'"),
    ("attribute access", with_value('"B.__class__"'), r"attribute access \('\.'\) is not allowed"),
    ("class walk", with_value('"().__class__.__bases__[0].__subclasses__()"'), r"attribute access"),
    ("indexing", with_value('"B[0]"'), r"indexing \('\['\) is not allowed"),
    ("string inside", with_value("\"'B'\""), r"a string is not allowed"),
    ("lambda", with_value('"lambda: 1"'), r"the keyword 'lambda' is not allowed"),
    ("conditional", with_value('"B if C else s"'), r"the keyword 'if' is not allowed"),
    ("fullwidth exp", with_value('"ｅｘｐ(1)"'), r"unknown name 'ｅｘｐ'"),
    ("9^9^9", with_value('"9^9^9"'), r"the exponent 387420489 in 9\*\*\(9\*\*9\) is too large"),
    ("10**10**10", with_value('"10**10**10"'), r"the exponent 10000000000 .* is too large"),
    ("tower of twos", with_value('"2**2**2**2**2"'), r"the exponent 65536 .* too large"),
    ("symbol to huge power", with_value('"B^1000"'), r"the exponent 1000 in B\*\*1000 is too large"),
    ("digits", with_value('"((10^64)^64)^64"'), r"more than 10000 digits"),
    ("huge literal", with_value('"1e999999999"'), r"the number 1e999999999 is too large"),
    ("exp overflow", with_value('"exp(exp(exp(100)))"'), r"a number too large to compute .*at the given values"),
    ("symbolic exponent", with_value('"10^(B*C)"').replace("B = 6", "B = 1e10"), r"more than 10000 digits .*at the given values"),
    ("division by zero", with_value('"B / (C - 4)"'), r"\[\[payoffs\]\] #1 \(control/supervise\), field 'values': value 1 \(county A\): division by zero in B/\(C - 4\) at the given values"),
    ("literal 1/0", with_value('"1/0"'), r"division by zero"),
    ("log of negative", with_value('"log(s - C)"'), r"log of a number ≤ 0"),
    ("sqrt of negative", with_value('"sqrt(-C)"'), r"not a real number"),
    ("implicit product", with_value('"2B"'), r"missing operator between '2' and 'B'"),
    ("call a parameter", with_value('"C(2)"'), r"'C' is not a function"),
    ("bare function", with_value('"max + 1"'), r"the function 'max' must be called"),
    ("operator %", with_value('"B % 2"'), r"the character '%' is not allowed"),
    ("comparison", with_value('"B == C"'), r"the character '=' is not allowed"),
    ("tuple", with_value('"B, C"'), r"is not a single expression"),
    ("too long", with_value('"' + "+".join(["B"] * 1500) + '"'), r"longer than 2000 characters"),
    ("deep parentheses", with_value('"' + "(" * 40 + "B" + ")" * 40 + '"'), r"nested more than 32 deep"),
    ("deep unary minus", with_value('"' + "-" * 1900 + 'B"'), r"nested too deeply"),
    # Found by fuzzing (issue 16): a parameter of 1e300 overflowed the replicator field's floats
    # (a RuntimeWarning on exit 0; with -o a run that never ended).
    ("huge parameter", BASE.replace("B = 6", 'B = "1e300"'), r"\[parameters\] B: 1e\+300 is out of range \(0, or 10⁻¹⁰⁰ ≤ \|x\| ≤ 10¹²\)"),
    ("subnormal parameter", BASE.replace("B = 6", "B = 5e-324"), r"\[parameters\] B: 5E-324 is out of range \(0, or 10⁻¹⁰⁰ ≤ \|x\| ≤ 10¹²\)"),
    ("huge payoff", with_value('"(B*C*B*C)^64"'), r"value 1 \(county A\): \d\.\d+e\+\d+ is out of range \(\|payoff\| ≤ 10¹⁰⁰\) at the given values"),
    ("syntax error", with_value('"B +* C"'), r"cannot read 'B \+\* C'"),
    ("empty expression", with_value('" "'), r"the expression is empty"),
    ("boolean value", with_value("true"), r"must be a number or an expression string, got True"),
    ("missing profile", BASE.replace('[[payoffs]]\nprofile = ["free-ride", "relax"]\nvalues = ["0", "-2"]\n', ""), r"\[\[payoffs\]\]: no entry for the profile \(free-ride/relax\)$"),
    (
        "duplicated profile",
        BASE.replace('profile = ["free-ride", "relax"]', 'profile = ["control", "relax"]'),
        r"\[\[payoffs\]\] #4 \(control/relax\), field 'profile': the profile is given twice \(first in \[\[payoffs\]\] #2\)",
    ),
    ("wrong number of values", BASE.replace('values = ["0", "-2"]', 'values = ["0"]'), r"#4 \(free-ride/relax\), field 'values': 1 values for 2 populations"),
    ("unknown strategy", BASE.replace('profile = ["free-ride", "relax"]', 'profile = ["free-ride", "relx"]'), r"field 'profile': 'relx' is not a strategy of 'province' \(did you mean 'relax'\?\)"),
    ("short profile", BASE.replace('profile = ["free-ride", "relax"]', 'profile = ["free-ride"]'), r"field 'profile': 1 strategies for 2 populations"),
    ("non-numeric parameter", BASE.replace("B = 6", 'B = "six"'), r"\[parameters\] B: must be a number such as 2.5 or 1/3, got the string 'six'"),
    ("NaN parameter", BASE.replace("B = 6", "B = nan"), r"\[parameters\] B: must be a finite number, got NaN"),
    ("infinite parameter", BASE.replace("B = 6", "B = -inf"), r"\[parameters\] B: must be a finite number"),
    ("boolean parameter", BASE.replace("B = 6", "B = true"), r"\[parameters\] B: must be a number, got a boolean"),
    ("huge parameter", BASE.replace("B = 6", "B = 1e400"), r"\[parameters\] B: 1E\+400 is out of range"),
    ("NaN in a table", BASE.replace("value = 4,", "value = nan,"), r"\[parameters\] C, field 'value': must be a finite number"),
    ("bad range", BASE.replace("range = [1, 8]", "range = [8, 1]"), r"\[parameters\] C, field 'range': low must be below high"),
    ("unknown parameter key", BASE.replace("range = [1, 8]", "rnge = [1, 8]"), r"\[parameters\] C, field 'rnge': unknown key \(did you mean 'range'\?\)"),
    ("duplicated population", BASE.replace('["county A", "province"]', '["county A", "county A"]'), r"\[model\], field 'populations': the population name 'county A' appears twice"),
    ("duplicated strategy", BASE.replace('["supervise", "relax"]', '["relax", "relax"]'), r"field 'strategies': the strategy \(population 'province'\) name 'relax' appears twice"),
    ("one strategy", BASE.replace('["supervise", "relax"]', '["supervise"]'), r"population 'province' needs at least 2 strategies, got 1"),
    ("strategy lists count", BASE.replace(', ["supervise", "relax"]]', "]"), r"field 'strategies': 1 strategy lists for 2 populations"),
    (
        "too many profiles",
        '[model]\npopulations = [' + ", ".join(f'"p{i}"' for i in range(13)) + "]\nstrategies = [" + ", ".join(['["a", "b"]'] * 13) + "]\n",
        r"8192 pure profiles; at most 4096",
    ),
    ("parameter clashes with share", BASE.replace("s = 1.5", "s = 1.5\nx1 = 2"), r"\[parameters\] x1: the parameter 'x1' has the name of a population share"),
    ("parameter named like a function", BASE.replace("s = 1.5", "s = 1.5\nexp = 2"), r"\[parameters\] exp: 'exp' is the name of a function"),
    ("parameter named by a keyword", BASE.replace("s = 1.5", "s = 1.5\nlambda = 2"), r"'lambda' is a Python keyword"),
    ("parameter named Integer", BASE.replace("s = 1.5", "s = 1.5\nInteger = 2"), r"'Integer' is reserved"),
    ("control characters in a key", BASE.replace("s = 1.5", 's = 1.5\n"a\\u0007b" = 2'), r"\[parameters\] a\\x07b: 'a\\x07b' is not a name"),
    ("shares with three strategies", TWO_BY_TWO.replace('["C", "D"]]', '["C", "D", "E"]]') + "".join(f'[[payoffs]]\nprofile = ["{a}", "{b}"]\nvalues = ["b*x1", "0"]\n' for a in "CD" for b in "CDE"), r"population shares may appear only when every population has two strategies"),
    ("empty file", "", r"^<model>: \[model\]: is missing$"),
    ("invalid TOML", "[model\npopulations = 1", r"^<model>: invalid TOML: "),
    ("deeply nested TOML", "x = " + "[" * 100_000 + "]" * 100_000, r"^<model>: nested too deeply \(at most 32 levels of arrays and tables\)$"),
    ("unknown top-level key", BASE.replace("[[payoffs]]", "[[payoff]]"), r"field 'payoff': unknown top-level key \(did you mean 'payoffs'\?\)"),
    ("unknown model key", BASE.replace("populations =", "population ="), r"\[model\], field 'population': unknown key \(did you mean 'populations'\?\)"),
    ("payoffs not tables", "payoffs = 3\n" + TWO_BY_TWO, r"\[\[payoffs\]\]: must be an array of tables"),
    ("values not a list", BASE.replace('values = ["0", "-2"]', 'values = "0, -2"'), r"field 'values': must list one payoff per population, got a string"),
]


@pytest.mark.parametrize("text, match", [pytest.param(t, m, id=i) for i, t, m in HOSTILE])
def test_hostile_file(text, match):
    start = time.process_time()
    with pytest.raises(ModelError, match=match) as info:
        Model.from_text(text)
    message = str(info.value)
    assert "\n" not in message and message.isprintable()
    assert message.startswith("<model>: ")
    # A hang guard, not a benchmark (CPU seconds, so a loaded machine does not matter): these
    # inputs took minutes or never ended before they were refused up front.
    assert time.process_time() - start < 10.0


def test_battery_is_large_and_fast():
    assert len(HOSTILE) >= 30
    start = time.process_time()
    for text, _match in ((t, m) for _, t, m in HOSTILE):
        with pytest.raises(ModelError):
            Model.from_text(text)
    assert time.process_time() - start < 30.0  # a hang guard (CPU seconds), as above


def test_ten_megabyte_file(tmp_path):
    path = tmp_path / "big.toml"
    path.write_text(BASE + "#" * (10 * 2**20) + "\n", encoding="utf-8")
    with pytest.raises(ModelError, match=r"big.toml: the file is larger than 1024 KiB$"):
        Model.from_toml(path)


def test_not_utf8(tmp_path):
    path = tmp_path / "latin.toml"
    path.write_bytes(BASE.replace("county A", "comt\xe9").encode("latin-1"))
    with pytest.raises(ModelError, match=r"latin.toml: not UTF-8 text$"):
        Model.from_toml(path)


def test_missing_file(tmp_path):
    with pytest.raises(ModelError, match=r"nothing.toml: cannot read: No such file or directory$"):
        Model.from_toml(tmp_path / "nothing.toml")


def test_regression_floor_division_is_refused():
    # '//' was read as floor(a/b); it is not one of the documented operators.
    from games.expr import ExpressionError, parse_expression

    a, b = sympy.symbols("a b", real=True)
    with pytest.raises(ExpressionError, match=r"'//' is not an operator"):
        parse_expression("a//b", {"a": a, "b": b})
