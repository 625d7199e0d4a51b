"""`intergov evolve model`: the derivation of a model file, --set, --sweep, JSON, bad input."""

import json
import subprocess
import sys
from importlib import resources

import pytest

from games import ThreeParty
from solver.cli import main
from solver.dynamics import corner_table

THREE_PARTY = str(resources.files("games") / "data" / "three-party.toml")


def run(capsys, *args):
    code = main(["evolve", "model", *args])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *args):
    code, out, err = run(capsys, *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def corner(data, c):
    return next(row for row in data["corners"] if tuple(row["corner"]) == tuple(c))


def test_bundled_three_party_file_equals_corner_table(capsys):
    data = run_json(capsys, THREE_PARTY)
    reference = {tuple(int(v) for v in row.corner): row for row in corner_table(ThreeParty(), interior=False) if row.kind == "corner"}
    assert len(data["corners"]) == len(reference) == 8
    for row in data["corners"]:
        ref = reference[tuple(row["corner"])]
        assert row["eigenvalues"] == pytest.approx([float(v) for v in ref.eigenvalues], abs=1e-12)
        assert row["verdict"] == ref.verdict


def test_text_shows_the_table_conditions_and_note(capsys):
    code, out, _ = run(capsys, "--builtin", "three-party")
    assert code == 0
    line = next(x for x in out.splitlines() if x.startswith("(1, 1, 0)"))
    assert "-1, -1, -6" in line and "C_H + 2·s > 0" in line and line.endswith("stable")
    assert "Selten 1980" in out  # the payoffs do not depend on the shares and there are rest points off the corners


@pytest.mark.parametrize(("s", "expected"), [("0.9", "stable"), ("1", "inconclusive"), ("1.1", "saddle")])
def test_set_changes_a_verdict_where_the_closed_form_says(capsys, s, expected):
    # Corner (0, 0, 1) (both regions defect, H strict): eigenvalues f + s − C_A, f + s − C_B and
    # C_H − 2W − 2f = 3 − 2 − 4 < 0; with f = 2, C_A = C_B = 3 it is stable iff s < C_A − f = 1.
    row = corner(run_json(capsys, "--builtin", "three-party", "--set", f"s={s}"), (0, 0, 1))
    assert row["verdict"] == expected
    assert row["eigenvalues"] == pytest.approx([2 + float(s) - 3] * 2 + [-3])


def test_sweep_reports_the_change_point(capsys):
    data = run_json(capsys, "--builtin", "three-party", "--sweep", "s=0:2:5", "--t-end", "30")
    sweep = data["sweep"]
    assert sweep["values"] == [0, 0.5, 1, 1.5, 2]
    changes = [(c["between"], c["verdicts"]) for c in sweep["changes"] if c["corner"] == [0, 0, 1]]
    assert changes == [([0.5, 1], ["stable", "inconclusive"]), ([1, 1.5], ["inconclusive", "saddle"])]  # the root s = 1
    assert len(sweep["final_shares"]) == 5 and len(sweep["final_shares"][0][0]) == 3
    code, out, _ = run(capsys, "--builtin", "three-party", "--sweep", "s=0:2:5", "--t-end", "30")
    assert code == 0 and "between 0.5 and 1" in out


def test_json_shape(capsys):
    data = run_json(capsys, "--builtin", "three-party")
    assert {"model", "corners", "rest_points", "replicator", "payoff_differences", "state_dependent", "note"} <= set(data)
    for row in data["corners"]:
        assert set(row) >= {"corner", "eigenvalues", "eigenvalue_expressions", "conditions", "verdict"}
        assert all(v in (0, 1) and isinstance(v, int) for v in row["corner"])
        assert len(row["eigenvalues"]) == len(row["eigenvalue_expressions"]) == len(row["conditions"]) == 3
        assert all(isinstance(e, str) for e in row["eigenvalue_expressions"] + row["conditions"])
        assert row["verdict"] in ("stable", "unstable", "saddle", "inconclusive")
    assert corner(data, (1, 1, 0))["eigenvalue_expressions"][2] == "-C_H - 2*s"
    assert {r["kind"] for r in data["rest_points"]} <= {"edge", "face", "interior"}
    assert data["note"] and "Selten" in data["note"]


def test_model_of_a_scenario_link(capsys):
    data = run_json(capsys, "--scenario", "henan-clusters", "--link", "xinxiang-luoyang")
    assert data["model"]["populations"] == ["Xinxiang", "Luoyang"]
    assert {"R_row", "T_col", "s", "f", "p", "c", "q"} <= set(data["model"]["parameters"])


def _one_line_error(capsys, *args):
    code, out, err = run(capsys, *args)
    assert code == 2, (out, err)
    assert err.startswith("intergov: error: ") and err.count("\n") == 1, err
    return err


def test_bad_inputs_are_one_line_exit_2(capsys, tmp_path):
    assert "did you mean 's'" in _one_line_error(capsys, "--builtin", "three-party", "--set", "ss=1")
    assert "NAME=VALUE" in _one_line_error(capsys, "--builtin", "three-party", "--set", "s")
    assert "must be a number" in _one_line_error(capsys, "--builtin", "three-party", "--set", "s=abc")
    assert "did you mean 's'" in _one_line_error(capsys, "--builtin", "three-party", "--sweep", "ss=0:1:3")
    assert "NAME=LO:HI:N" in _one_line_error(capsys, "--builtin", "three-party", "--sweep", "s=0:1")
    _one_line_error(capsys, "--builtin", "three-party", "--sweep", "s=1:0:3")
    _one_line_error(capsys)
    _one_line_error(capsys, "--builtin", "three-party", "--link", "a-b")
    assert "no such link" in _one_line_error(capsys, "--scenario", "henan-clusters", "--link", "a-b")
    hostile = tmp_path / "hostile.toml"
    text = open(THREE_PARTY, encoding="utf-8").read().replace('"R_A - C_A + s"', "\"__import__('os').system('echo pwned')\"", 1)
    hostile.write_text(text, encoding="utf-8")
    assert "hostile.toml" in _one_line_error(capsys, str(hostile))


def test_hostile_file_in_a_subprocess_has_no_traceback(tmp_path):
    hostile = tmp_path / "m.toml"
    text = open(THREE_PARTY, encoding="utf-8").read().replace('"R_A - C_A + s"', '"x.__class__"', 1)
    hostile.write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "solver", "evolve", "model", str(hostile)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("intergov: error: m.toml") or str(hostile) in done.stderr
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1


def test_out_folder_and_plot(capsys, tmp_path):
    out, figure = tmp_path / "derivation", tmp_path / "cube.png"
    code, _, err = run(capsys, "--builtin", "three-party", "--sweep", "s=0:2:3", "--t-end", "20", "--out", str(out), "--plot", str(figure))
    assert code == 0, err
    assert {p.name for p in out.iterdir()} == {"derivation.md", "derivation.tex", "derivation.json", "figures", ".intergov"}
    assert {p.name for p in (out / "figures").iterdir()} == {f"{n}.{e}" for n in ("shares", "phase_portrait", "sweep") for e in ("pdf", "png")}
    assert json.loads((out / "derivation.json").read_text())["sweep"]["parameter"] == "s"
    assert "\\begin{document}" in (out / "derivation.tex").read_text()
    assert figure.stat().st_size > 0
    assert "not empty" in _one_line_error(capsys, "--builtin", "three-party", "--out", str(out))


def test_every_hostile_file_is_one_line_and_exit_2_from_the_cli(capsys, tmp_path):
    # Must hold 5 of issue 12, at the boundary users meet: the whole battery of tests/test_model.py
    # through `intergov evolve model FILE`.
    from tests.test_model import HOSTILE

    assert len(HOSTILE) >= 30
    for k, (name, text, _match) in enumerate(HOSTILE):
        path = tmp_path / f"m{k}.toml"
        path.write_text(text, encoding="utf-8")
        code, out, err = run(capsys, str(path))
        assert code == 2 and out == "" and err.startswith("intergov: error: ") and err.count("\n") == 1, (name, err)
        assert "Traceback" not in err and str(path) in err, (name, err)


def test_regression_json_numbers_keep_exact_tiny_values(capsys, tmp_path):
    # An eigenvalue of exactly 1e-14 was printed as 0.0 beside the verdict "saddle" it decided.
    path = tmp_path / "tiny.toml"
    path.write_text(
        '[model]\npopulations = ["A", "B"]\nstrategies = [["C", "D"], ["C", "D"]]\n'
        '[[payoffs]]\nprofile = ["C", "C"]\nvalues = ["1e-14", "3"]\n[[payoffs]]\nprofile = ["C", "D"]\nvalues = ["-2", "1"]\n'
        '[[payoffs]]\nprofile = ["D", "C"]\nvalues = [0, "0.7"]\n[[payoffs]]\nprofile = ["D", "D"]\nvalues = ["1/3", 0]\n',
        encoding="utf-8",
    )
    data = run_json(capsys, str(path))
    eig = {tuple(c["corner"]): c["eigenvalues"] for c in data["corners"]}
    # By hand: F_A = 1e-14 at x2 = 1, so λ1 = 1e-14 at (0, 1) and −1e-14 at (1, 1).
    assert eig[(0, 1)][0] == 1e-14 and eig[(1, 1)][0] == -1e-14


def _game_model(populations: int, strategies: int) -> str:
    """A model file of ``populations`` populations with ``strategies`` strategies each."""
    import itertools

    names = ", ".join(f'"s{j}"' for j in range(strategies))
    lines = ["[model]", "populations = [" + ", ".join(f'"p{i}"' for i in range(populations)) + "]"]
    lines += ["strategies = [" + ", ".join(f"[{names}]" for _ in range(populations)) + "]", "[parameters]", "a = 1", "b = 2"]
    for profile in itertools.product(range(strategies), repeat=populations):
        values = ", ".join(f'"a*{profile[i]} - b*{profile[(i + 1) % populations]}"' for i in range(populations))
        lines += ["[[payoffs]]", "profile = [" + ", ".join(f'"s{j}"' for j in profile) + "]", f"values = [{values}]"]
    return "\n".join(lines) + "\n"


def test_a_model_too_large_to_derive_is_refused_at_once(capsys, tmp_path):
    # Issue 16 (fuzzing): 2 populations of 64 strategies passed the reader (4,096 profiles) and
    # the derivation never ended (2⁶⁴ faces to search, a 126-variable symbolic Jacobian).
    path = tmp_path / "big.toml"
    path.write_text(_game_model(2, 26), encoding="utf-8")
    code, out, err = run(capsys, str(path))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert f"{path}: 50 share variables" in err and "at most 24" in err


def test_rest_points_beyond_the_face_limit_are_not_searched_and_it_is_said(capsys, tmp_path):
    # 2 populations of 6 strategies: 63² − 36 = 3,933 faces (more than 1,000, each up to 64
    # root solves: about 50 s); the corners are still derived, exactly.
    path = tmp_path / "six.toml"
    path.write_text(_game_model(2, 6), encoding="utf-8")
    code, out, err = run(capsys, str(path), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["unsearched_faces"] == 3933 and data["rest_points"] == [] and len(data["corners"]) == 36
    assert "rest points off the corners were not searched: 3,933 faces, more than 1,000" in err


def test_a_jacobian_without_a_value_is_inconclusive_not_a_crash(capsys, tmp_path):
    # Found by fuzzing: a payoff x^x has no derivative at x = 0; LAPACK refused the NaN
    # Jacobian of a rest point (exit 1), and JSON cannot hold NaN. The eigenvalues are
    # "undefined" (null in JSON) and the verdict "inconclusive".
    text = resources.files("games").joinpath("data", "three-party.toml").read_text(encoding="utf-8")
    path = tmp_path / "xx.toml"
    path.write_text(text.replace('"-C_H - 2*s"]', '"x^x - C_H - 2*s"]', 1), encoding="utf-8")
    assert "x^x" in path.read_text(encoding="utf-8")
    code, out, err = run(capsys, str(path), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    verdicts = [r["verdict"] for r in data["rest_points"]] + [c["verdict"] for c in data["corners"]]
    assert "inconclusive" in verdicts


def test_long_exact_fractions_print_as_decimals(capsys):
    # Found by fuzzing: s = 1e-100 printed eigenvalues as fractions of 100 digits.
    code, out, _ = run(capsys, "--builtin", "three-party", "--set", "s=1e-100")
    assert code == 0 and "0000000000000000000000/" not in out and "-1e-100" in out
