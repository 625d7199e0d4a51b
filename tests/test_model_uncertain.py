"""Uncertain parameters in model files: reading, central values, errors, and `evolve model --samples`."""

import json
from fractions import Fraction
from importlib.resources import files

import pytest

from games.model import Model, ModelError, builtin_model
from regions.uncertain import Distribution
from solver.cli import main

THREE_PARTY = (files("games") / "data" / "three-party.toml").read_text(encoding="utf-8")


def with_law(text: str, name: str, law: str) -> str:
    old = next(line for line in text.splitlines() if line.startswith(f"{name} = "))
    return text.replace(old, f"{name} = {law}")


def model(**laws: str) -> Model:
    text = THREE_PARTY
    for name, law in laws.items():
        text = with_law(text, name, law)
    return Model.from_text(text, "m.toml")


def test_short_and_long_forms_and_exact_central_values():
    m = model(
        s="{ uniform = [0.1, 0.4] }",
        f='{ value = { triangular = [1, 2.2, 5] }, range = [0, 6], note = "fine" }',
        W="{ choice = [0.1, 0.2, 0.6], weights = [0.5, 0.3, 0.2] }",
    )
    assert m.parameters["s"].value == Fraction(1, 4)  # (0.1 + 0.4)/2 exactly, not the float 0.25000000000000006
    assert m.parameters["f"].value == Fraction(11, 5) and m.parameters["f"].range == (0.0, 6.0) and m.parameters["f"].note == "fine"
    assert m.parameters["W"].value == Fraction(1, 20) + Fraction(6, 100) + Fraction(12, 100)
    assert m.uncertainty.names == ("s", "f", "W")  # file order
    assert dict((q.name, q.distribution) for q in m.uncertainty.quantities)["s"] == Distribution("uniform", (0.1, 0.4))
    assert m.uncertainty.quantities[0].places == (("parameter", m.uncertainty.names[0]),)


def test_float_central_values_for_normal_and_lognormal():
    m = model(s="{ normal = [0, 1], bounds = [0, 10] }", W="{ lognormal = [0, 1] }")
    assert float(m.parameters["s"].value) == pytest.approx((2 / 3.141592653589793) ** 0.5, rel=1e-11)  # √(2/π)
    assert m.parameters["W"].value == 1  # the median exp(0)


def test_certain_models_are_unchanged():
    m = builtin_model("three-party")
    assert m.uncertainty is None
    assert m == Model.from_text(THREE_PARTY, "three-party.toml")


def test_with_values_makes_a_parameter_certain():
    m = model(s="{ uniform = [0, 3] }", f="{ uniform = [1, 3] }")
    assert m.with_values(s=1).uncertainty.names == ("f",)
    assert m.with_values(s=1, f=2).uncertainty is None
    assert m.with_values(C_A=2).uncertainty == m.uncertainty


def test_correlation():
    assert model(s="{ uniform = [0, 3] }", f="{ uniform = [1, 3] }").uncertainty.pairs == ()
    src = with_law(with_law(THREE_PARTY, "s", "{ uniform = [0, 3] }"), "f", "{ uniform = [1, 3] }")
    m = Model.from_text(src + '\n[uncertainty]\ncorrelation = [["s", "f", 0.5]]\n', "c.toml")
    assert m.uncertainty.pairs == (("s", "f", 0.5),)
    assert m.with_values(f=2).uncertainty.pairs == ()


def test_python_constructor_takes_distributions():
    m = Model(["A", "B"], [["C", "D"], ["C", "D"]], {"b": {"uniform": [2, 4]}}, {(0, 0): ["b", "b"], (0, 1): [0, 1], (1, 0): [1, 0], (1, 1): [0, 0]})
    assert m.parameters["b"].value == 3 and m.uncertainty.names == ("b",)


BAD = [
    ("s", "{ uniform = [3, 1] }", "m.toml: [parameters] s, field 'uniform': needs low < high, got [3, 1]"),
    ("s", "{ value = { uniform = [3, 1] } }", "m.toml: [parameters] s, field 'value.uniform': needs low < high, got [3, 1]"),
    ("s", "{ triangular = [1, 5, 3] }", "field 'triangular': needs low ≤ mode ≤ high"),
    ("s", "{ normal = [1, 0] }", "field 'normal': needs sd > 0, got 0"),
    ("s", "{ normal = [1, -1] }", "field 'normal': needs sd > 0, got -1"),
    ("s", "{ lognormal = [0, 0] }", "field 'lognormal': needs sigma > 0"),
    ("s", "{ normal = [0, 1], bounds = [40, 50] }", "field 'bounds': [40, 50] hold probability"),
    ("s", "{ normal = [0, 1], bounds = [2, 1] }", "field 'bounds': needs low < high"),
    ("s", "{ choice = [1, 2], weights = [0.5, 0.6] }", "field 'weights': must sum to 1, got 1.1"),
    ("s", "{ choice = [1, 2], weights = [1.5, -0.5] }", "field 'weights': must not be negative"),
    ("s", "{ choice = [1, 2, 3], weights = [0.5, 0.5] }", "field 'weights': needs one weight per value (3), got 2"),
    ("s", "{ choice = [1] }", "field 'choice': needs at least two values"),
    ("s", "{ uniform = [1, 2, 3] }", "field 'uniform': takes [low, high], got 3 numbers"),
    ("s", "{ unifrom = [1, 2] }", "field 'unifrom': unknown key (did you mean 'uniform'?)"),
    ("s", "{ uniform = [1, 2], triangular = [1, 2, 3] }", "give one distribution"),
    ("s", '{ uniform = [1, "a"] }', "field 'uniform': must be an array of numbers"),
    ("s", "{ uniform = [1, 2], bounds = [0, 3] }", "field 'bounds': only a normal takes bounds"),
    ("s", '{ uniform = [1, 2], name = "q" }', "field 'name': a model parameter is its own uncertain quantity"),
    ("s", '{ uniform = [1, 2], note = "x" }', "field 'uniform': unknown key (a distribution goes under value"),
    ("s", "{ valeu = 1 }", "field 'valeu': unknown key (did you mean 'value'?)"),
    ("s", "{ value = { }, note = 'x' }", "field 'value': a distribution table needs one of uniform"),
    ("s", "{ uniform = [1, 1e400] }", "field 'uniform': must hold finite numbers"),
]


@pytest.mark.parametrize(("name", "law", "message"), BAD)
def test_bad_distributions_are_one_line_errors(name, law, message):
    with pytest.raises(ModelError) as err:
        Model.from_text(with_law(THREE_PARTY, name, law), "m.toml")
    text = str(err.value)
    assert "\n" not in text and text.startswith(f"m.toml: [parameters] {name}") and message in text


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('correlation = [["s", "g", 0.5]]', "m.toml: [uncertainty], field 'correlation': 'g' is not an uncertain quantity"),
        ('correlation = [["s", "C_A", 0.5]]', "'C_A' is not an uncertain quantity"),
        ('correlation = [["s", "f", 1.5]]', "must lie in [-1, 1], got 1.5"),
        ('correlation = [["s", "s", 0.5]]', "'s' is correlated with itself"),
        ("correlations = []", "m.toml: [uncertainty], field 'correlations': unknown key (did you mean 'correlation'?)"),
        ('correlation = "s f"', "must be an array of"),
    ],
)
def test_bad_correlations(table, message):
    src = with_law(with_law(THREE_PARTY, "s", "{ uniform = [0, 3] }"), "f", "{ uniform = [1, 3] }")
    with pytest.raises(ModelError) as err:
        Model.from_text(src + f"\n[uncertainty]\n{table}\n", "m.toml")
    assert message in str(err.value) and "\n" not in str(err.value)


def test_not_positive_definite_correlation():
    src = with_law(with_law(with_law(THREE_PARTY, "s", "{ uniform = [0, 3] }"), "f", "{ uniform = [1, 3] }"), "W", "{ uniform = [0, 2] }")
    table = 'correlation = [["s", "f", 0.9], ["s", "W", 0.9], ["f", "W", -0.9]]'
    with pytest.raises(ModelError, match="not positive definite"):
        Model.from_text(src + f"\n[uncertainty]\n{table}\n", "m.toml")


# --- the command line ---------------------------------------------------------------------------


def run(capsys, *args):
    code = main(["evolve", "model", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def uncertain_file(tmp_path):
    path = tmp_path / "u.toml"
    path.write_text(with_law(with_law(THREE_PARTY, "s", "{ uniform = [0, 3] }"), "E_A", "{ triangular = [1, 2, 5] }"), encoding="utf-8")
    return str(path)


def test_cli_says_once_that_central_values_are_used(capsys, uncertain_file):
    code, out, err = run(capsys, uncertain_file)
    assert code == 0
    assert err.count("note: 2 uncertain parameters at their central values") == 1
    assert "E_A = 2: triangular on [1, 5], mode 2; s = 1.5: uniform on [0, 3]" in err and "--samples N samples them" in err
    assert "P(stable)" not in out
    code, _, err = run(capsys, uncertain_file, "--set", "s=1", "--set", "E_A=2")
    assert code == 0 and "uncertain" not in err


def test_cli_samples_text_and_json(capsys, uncertain_file):
    code, out, err = run(capsys, uncertain_file, "--samples", "1024", "--seed", "3")
    assert code == 0, err
    assert "over 1,024 sampled parameter sets (seed 3" in out and "P(stable) [interval]" in out
    row = next(line for line in out.splitlines() if line.startswith("(1, 1, 0)") and "cooperate/cooperate/lax" in line)
    assert "0.667 [" in row  # P(E_A < 3) = 2/3 for triangular(1, 2, 5)
    code, out, err = run(capsys, uncertain_file, "--samples", "1024", "--seed", "3", "--format", "json")
    data = json.loads(out)
    c = next(e for e in data["corners"] if e["corner"] == [0, 0, 1])
    assert c["p_stable_ci"][0] <= 1 / 3 <= c["p_stable_ci"][1] and abs(c["p_stable"] - 1 / 3) < 0.01
    assert data["robustness"]["samples"] == 1024 and data["robustness"]["seed"] == 3 and data["robustness"]["method"] == "sobol"
    assert data["robustness"]["parameters"] == {"E_A": "triangular on [1, 5], mode 2", "s": "uniform on [0, 3]"}
    r = next(e for e in data["robustness"]["corners"] if e["corner"] == [0, 0, 1])
    assert r["p_stable"] == c["p_stable"] and r["sobol"]["s"]["ST"] > 0.9 and r["verdict_at_central"] == "saddle"
    assert "note:" not in err


@pytest.mark.parametrize("value", ["10", "abc", "-5", "3000000", "1.5"])
def test_cli_bad_samples(capsys, uncertain_file, value):
    code, out, err = run(capsys, uncertain_file, "--samples", value)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and "--samples" in err


def test_cli_samples_without_distributions(capsys):
    code, _, err = run(capsys, "--builtin", "three-party", "--samples", "64")
    assert code == 2 and "no uncertain parameter" in err and len(err.strip().splitlines()) == 1


def test_chunked_evaluation_equals_one_pass(monkeypatch):
    import numpy as np

    from solver.dynamics import model_robust

    m = model(s="{ uniform = [0, 3] }", f="{ uniform = [0, 4] }")
    worlds = m.uncertainty.sample(50, seed=4, method="random")
    values = {n: worlds[n].to_numpy() for n in worlds.columns}
    whole = model_robust.corner_stability(m, values)
    monkeypatch.setattr(model_robust, "CHUNK", 7)
    chunked = model_robust.corner_stability(m, values)
    assert all(np.array_equal(a, b) for a, b in zip(whole, chunked)) and whole[0].any()


def test_cli_samples_markdown_and_out_folder(capsys, uncertain_file, tmp_path):
    code, out, err = run(capsys, uncertain_file, "--samples", "64", "--format", "markdown", "--out", str(tmp_path / "o"))
    assert code == 0, err
    assert "## Probability that each corner is stable over 64 sampled parameter sets" in out
    assert "| P(stable) [interval] |" in (tmp_path / "o" / "derivation.md").read_text(encoding="utf-8")
    data = json.loads((tmp_path / "o" / "derivation.json").read_text(encoding="utf-8"))
    assert data["robustness"]["samples"] == 64 and all("p_stable" in c for c in data["corners"])
