"""The intergov command line: in process through main(), and as a real subprocess."""

import json
import re
import subprocess
import sys

import pytest
from scenarios import two_links

from solver.cli import main
from tests.test_scenario import BAD_SCENARIOS


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_solve_json_prisoners_dilemma(capsys):
    code, out, err = run(capsys, "solve", "--row", "3,0;5,1", "--col", "3,5;0,1", "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["equilibria"] == [{"row": [0.0, 1.0], "col": [0.0, 1.0], "payoffs": [1.0, 1.0]}]
    assert data["cooperation"]["level"] == "none"
    assert data["cooperation"]["basin"] is None  # issue 11: undefined without a strict cooperative equilibrium
    assert data["basin"]["note"] == "no fully cooperative profile is an equilibrium"


def test_solve_table(capsys):
    code, out, _ = run(capsys, "solve", "--row", "4,0;3,2", "--col", "4,3;0,2", "--no-basin")
    assert code == 0
    assert "0.667 C + 0.333 D" in out
    assert "level strict" in out


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "latex"])
def test_analyze_builtin_formats(capsys, fmt):
    code, out, _ = run(capsys, "analyze", "yongkang-wuyi-jinyun", "--format", fmt, "--no-basin")
    assert code == 0
    for link in ("yongkang–wuyi", "yongkang–jinyun", "wuyi–jinyun") if fmt != "latex" else ("yongkang--wuyi",):
        assert link in out
    assert out.count("none") >= 3


def test_analyze_json(capsys):
    code, out, _ = run(capsys, "analyze", "yongkang-wuyi-jinyun", "--format", "json", "--no-basin")
    data = json.loads(out)
    assert code == 0
    quo = [entry for entry in data["links"] if entry["mechanism"] == "status quo"]
    assert [entry["superior"] for entry in quo] == ["jinhua", "zhejiang", "zhejiang"]
    assert {entry["mechanism"] for entry in data["links"]} >= {"Jinhua guidance", "Zhejiang guidance", "all together"}
    assert data["summary"]["stable_share"] == 0.0


def test_scenarios(capsys):
    code, out, _ = run(capsys, "scenarios")
    assert code == 0 and [line.split("\t")[0] for line in out.splitlines()] == ["gba-nev", "henan-clusters", "henan-uncertain", "synthetic-province", "yongkang-wuyi-jinyun"]
    code, out, _ = run(capsys, "scenarios", "show", "yongkang-wuyi-jinyun")
    assert code == 0 and "ILLUSTRATIVE CALIBRATION" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("solve", "--row", "3,x;5,1", "--col", "3,5;0,1"), "--row: row 1, entry 2: 'x' is not a number"),
        (("solve", "--row", "3,0;5", "--col", "3,5;0,1"), "--row: rows have different lengths"),
        (("solve", "--row", "3,0;5,1", "--col", "3,5,1;0,1,1"), "--row/--col: payoff matrices differ in shape"),
        (("solve", "--row", "3,0;5,nan", "--col", "3,5;0,1"), "not a finite number"),
        (("solve", "--row", "3,0;5,1"), "give both --row and --col"),
        (("solve", "--row", "1", "--col", "1", "--format", "xml"), "'xml' is not one of"),
        (("analyze", "no-such-scenario"), "no scenario file or built-in scenario"),
        (("analyze", "missing.toml"), "missing.toml: no such file"),
        (("scenarios", "show", "nope"), "no built-in scenario 'nope'"),
        (("frobnicate",), "No such command"),
    ],
)
def test_bad_input_is_one_line_exit_2(capsys, args, message):
    code, _out, err = run(capsys, *args)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("intergov: error: ")
    assert message in err
    assert "Traceback" not in err


def test_bad_scenario_file(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text('[scenario]\nname = "x"\n[[regions]]\nid = "a"\nlevel = "county"\nparnet = "b"\n', encoding="utf-8")
    code, _, err = run(capsys, "analyze", str(path))
    assert code == 2
    assert err == f"intergov: error: {path}: [[regions]] #1 (a), field 'parnet': unknown key (did you mean 'parent'?)\n"


def test_real_subprocess(tmp_path):
    # The installed console script and python -m solver behave alike.
    ok = subprocess.run(
        [sys.executable, "-m", "solver", "solve", "--row", "3,0;5,1", "--col", "3,5;0,1", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["cooperation"]["level"] == "none"
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario\n", encoding="utf-8")
    fail = subprocess.run([sys.executable, "-m", "solver", "analyze", str(bad)], capture_output=True, text=True, check=False)
    assert fail.returncode == 2
    assert fail.stderr.startswith(f"intergov: error: {bad}: invalid TOML")
    assert fail.stderr.count("\n") == 1


@pytest.mark.parametrize(("text", "message"), BAD_SCENARIOS)
def test_every_bad_scenario_is_one_line_exit_2(tmp_path, capsys, text, message):
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "analyze", str(path), "--no-basin")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith(f"intergov: error: {path}: ")
    assert re.search(message.removeprefix("s.toml: "), err)


def test_design_builtin(capsys):
    code, out, err = run(capsys, "design", "yongkang-wuyi-jinyun", "--budget", "jinhua=3", "--budget", "zhejiang=2.5")
    assert code == 0, err
    lines = out.splitlines()
    guidance = {line.split()[0]: line.split()[1] for line in lines if "guidance: subsidy" in line}
    # The guiding government is the lowest common superior: Jinhua inside the prefecture,
    # Zhejiang across the Jinhua–Lishui border.
    assert guidance == {"yongkang–wuyi": "jinhua", "yongkang–jinyun": "zhejiang", "wuyi–jinyun": "zhejiang"}
    row = next(line for line in lines if line.startswith("yongkang–wuyi") and "guidance: subsidy" in line)
    assert "subsidy > 1" in row and "jinhua 2" in row
    for name in (
        "Jinhua guidance",
        "Zhejiang guidance",
        "Yongkang–Jinyun supply agreement",
        "Hardware industry association",
        "Wuyi–Jinyun transfer",
        "Repeated interaction",
    ):
        assert name in out
    assert "Shapley division" in out and "in the core" in out
    # The menu holds the scenario's guidance: Jinhua's (penalty 2 × detection 0.5 = T − R) needs
    # only s > 0, costing its 0.1 inspection; Zhejiang's needs s > 0.5 on each of its two links,
    # 2 × 0.5 + 0.2 = 1.2 each (solver/design/allocate.py; brute force in tests/reference).
    assert "budget used: jinhua 0.1 of 3, zhejiang 2.4 of 2.5" in out
    assert "Hardware industry association + Jinhua guidance" in out  # a design row names its stack


def test_design_json_and_bad_input(capsys):
    code, out, _ = run(capsys, "design", "yongkang-wuyi-jinyun", "--format", "json", "--target", "weak")
    data = json.loads(out)
    assert code == 0 and data["target"] == "weak"
    assert {r["payer"] for r in data["rows"] if r["candidate"] == "guidance: subsidy"} == {"jinhua", "zhejiang"}
    for args, message in (
        (("design", "yongkang-wuyi-jinyun", "--target", "great"), "--target: 'great' is not one of"),
        (("design", "yongkang-wuyi-jinyun", "--budget", "zhejiang"), "expected GOV=AMOUNT"),
        (("design", "yongkang-wuyi-jinyun", "--budget", "beijing=1"), "'beijing' is not a region"),
        (("design", "yongkang-wuyi-jinyun", "--budget", "zhejiang=-1"), "non-negative"),
    ):
        code, _, err = run(capsys, *args)
        assert code == 2 and message in err and err.count("\n") == 1


def test_analyze_with_a_command_line_mechanism(capsys):
    code, out, _ = run(
        capsys,
        "analyze",
        "yongkang-wuyi-jinyun",
        "--no-basin",
        "--format",
        "json",
        "-m",
        "higher_level_guidance subsidy=3 name=extra by=zhejiang",
    )
    assert code == 0
    rows = [e for e in json.loads(out)["links"] if e["mechanism"] == "extra"]
    assert len(rows) == 3 and all(r["cooperation"]["level"] == "dominant" for r in rows)
    assert rows[0]["costs"]["zhejiang"]["paid"] == pytest.approx(6.0)
    for text, message in (
        (
            "higher_level_guidance subsidy=1 by=jinhua links=yongkang-jinyun",
            "'jinhua' is not a superior of both yongkang and jinyun",
        ),
        ("higher_level_guidance subsdy=1", "did you mean 'subsidy'"),
        ("bribery amount=1", "unknown mechanism kind 'bribery'"),
        ("higher_level_guidance subsidy", "'subsidy' is not key=value"),
    ):
        code, _, err = run(capsys, "analyze", "yongkang-wuyi-jinyun", "--no-basin", "-m", text)
        assert code == 2 and message in err and err.count("\n") == 1, err


def test_evolve_three_party(capsys, tmp_path):
    code, out, err = run(capsys, "evolve", "three-party")
    assert code == 0, err
    assert "(1, 1, 0)                 -1, -1, -6" in out and out.count("stable ") == 1
    assert out.count(": (1, 1, 0)") == 3  # the three default starts converge there
    params = tmp_path / "tp.toml"
    params.write_text("[three_party]\nsynergy = [3, 3]\nfine = 4\nsubsidy = 1\n", encoding="utf-8")
    code, out, _ = run(capsys, "evolve", "three-party", "--params", str(params), "--format", "json", "--start", "0.5,0.5,0.5", "--t-end", "300")
    data = json.loads(out)
    assert code == 0 and not [p for p in data["rest_points"] if p["verdict"] == "stable"]
    assert data["trajectories"][0]["cycling"] is True and data["trajectories"][0]["final"] is None
    bad = tmp_path / "bad.toml"
    bad.write_text("[three_party]\nsubsdy = 1\n", encoding="utf-8")
    for args, message in (
        (("evolve", "three-party", "--params", str(bad)), f"{bad}: [three_party], field 'subsdy': unknown key (did you mean 'subsidy'?)"),
        (("evolve", "three-party", "--subsidy", "-1"), "subsidy must lie in [0, 1e+10], got -1"),
        # found by fuzzing: an accountability of 1e12 made the equations too stiff to finish
        (("evolve", "three-party", "--accountability", "1e12"), "accountability must lie in [0, 1e+10], got 1e+12"),
        (("evolve", "three-party", "--t-end", "0"), "Invalid value for '--t-end'"),
        (("evolve", "three-party", "--start", "0,0.5,0.5"), "strictly inside"),
        (("evolve", "three-party", "--synergy", "6"), "expected 2 comma-separated numbers"),
    ):
        code, _, err = run(capsys, *args)
        assert code == 2 and message in err and err.count("\n") == 1, err


def test_evolve_network(capsys):
    code, out, _ = run(capsys, "evolve", "network", "--graph", "complete:30", "--steps", "200")
    assert code == 0 and out.splitlines()[-1].split()[:2] == ["200", "0.0000"]
    code, out, _ = run(
        capsys, "evolve", "network", "--graph", "random-regular:100:4", "--payoffs", "4,2,3,1", "--steps", "100", "--seeds", "3", "--format", "json"
    )
    assert code == 0 and json.loads(out)["final_shares"] == [1.0, 1.0, 1.0]
    for args, message in (
        (("evolve", "network", "--graph", "torus:5"), "use lattice:WxH"),
        (("evolve", "network", "--graph", "complete:5", "--rule", "copy"), "is not one of"),
        (("evolve", "network"), "give a scenario or --graph"),
    ):
        code, _, err = run(capsys, *args)
        assert code == 2 and message in err and err.count("\n") == 1, err


def test_evolve_network_says_that_repeated_play_is_not_imitated(capsys):
    # analyze counts the scenario's repeated play; imitation plays the one-shot stage games.
    code, out, _ = run(capsys, "evolve", "network", "yongkang-wuyi-jinyun", "--steps", "100", "--seeds", "5")
    assert code == 0
    notes = [line for line in out.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and "Repeated interaction" in notes[0] and "repeated play is not part of it" in notes[0]


def test_solve_an_nfg_file(tmp_path, capsys):
    from games import stag_hunt, write_nfg

    path = tmp_path / "hunt.nfg"
    write_nfg(stag_hunt(R=4, T=3, P=2, S=0), path)
    code, out, _ = run(capsys, "solve", str(path), "--format", "json", "--no-basin")
    assert code == 0 and len(json.loads(out)["equilibria"]) == 3
    bad = tmp_path / "bad.nfg"
    bad.write_text('NFG 1 R "" { "1" "2" } { 2 2 } "" 1 2 3', encoding="utf-8")
    code, _, err = run(capsys, "solve", str(bad))
    assert code == 2 and err == f"intergov: error: {bad}: 3 payoffs for 4 profiles of two players (expected 8)\n"
    code, _, err = run(capsys, "solve", str(tmp_path / "missing.nfg"))
    assert code == 2 and "cannot read" in err


@pytest.mark.parametrize("name", ["gba-nev", "henan-clusters", "synthetic-province"])
def test_other_builtin_scenarios_analyze(capsys, name):
    code, out, err = run(capsys, "analyze", name, "--no-basin", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["links"] and data["summary"]["links"] >= 3


# Issue 16, defect 4: numbers whose arithmetic would overflow are refused, naming the field;
# no JSON the tool writes holds Infinity or NaN (scenarios.two_links: two links and a guidance).
@pytest.mark.parametrize(
    ("weight", "subsidy", "field"),
    [
        ("1e308", "1", "weight"),
        ("1", "1.797e308", "subsidy"),
        ("1", "-1e13", "subsidy"),
        ("2e12", "1", "weight"),
        # Found by fuzzing: a TOML integer of 401 digits raised OverflowError (exit 1); a
        # subnormal strength made exact rationals with 10³²⁴ in the denominator (exit 1).
        ("1" + "0" * 400, "1", "weight"),
        ("1", "1" + "0" * 400, "subsidy"),
        ("1", "5e-324", "subsidy"),
        ("1e-300", "1", "weight"),
    ],
)
def test_overflowing_numbers_are_refused_naming_the_field(capsys, tmp_path, weight, subsidy, field):
    path = tmp_path / "huge.toml"
    path.write_text(two_links(weight=weight, subsidy=subsidy), encoding="utf-8")
    code, out, err = run(capsys, "analyze", str(path), "--format", "json", "--no-basin")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "huge.toml" in err and f"'{field}'" in err and "out of range" in err, err


def test_large_but_allowed_weights_give_finite_shares(capsys, tmp_path):
    path = tmp_path / "big.toml"
    path.write_text(two_links(weight="1e12", subsidy="1"), encoding="utf-8")
    code, out, _err = run(capsys, "analyze", str(path), "--format", "json", "--no-basin")
    assert code == 0
    data = json.loads(out, parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"))
    assert data["summary"]["total_weight"] == 2e12
    assert data["summary"]["stable_share"] == 0.5  # the second link (T = 2 < R) is stable


def test_a_huge_bad_value_gives_a_short_error_line(capsys, tmp_path):
    # Issue 16, defect 10: a 1 MB value used to be repeated in full in the error line.
    path = tmp_path / "long.toml"
    path.write_text('[scenario]\nname = "n"\n[[regions]]\nid = "a"\nlevel = "' + "b" * 1_000_000 + '"\n', encoding="utf-8")
    code, out, err = run(capsys, "analyze", str(path))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert len(err) < 400 and "(1,000,000 characters)" in err and "field 'level'" in err


@pytest.mark.parametrize("nested", ["[" * 600 + "]" * 600, "{a = " * 600 + "1" + "}" * 600, "[" * 32 + "]" * 32])
def test_deeply_nested_toml_is_a_one_line_error(capsys, tmp_path, nested):
    # Issue 16, defect 6: 600 nested arrays raised RecursionError ("internal error", exit 1).
    for command, name, extra in (("analyze", "s.toml", []), ("sweep", "w.toml", ["--out", str(tmp_path / "out.csv")])):
        path = tmp_path / name
        path.write_text('[scenario]\nname = "n"\nx = ' + nested + "\n", encoding="utf-8")
        code, out, err = run(capsys, command, str(path), *extra)
        assert code == 2 and out == "" and err.count("\n") == 1 and "nested too deeply" in err, (command, err)


def test_every_output_follows_the_umask(capsys, tmp_path):
    # Issue 16, defect 11: files written through a temporary file and renamed into place kept
    # mkstemp's private mode (0600); under umask 022 every file must be 0644, every folder 0755.
    import os
    import stat

    sweep = tmp_path / "sweep.toml"
    sweep.write_text(
        '[game]\npayoffs = { R = 3, S = -1, T = 4, P = 0 }\n[[mechanisms]]\nkind = "higher_level_guidance"\npenalty = 2\n'
        '[parameters]\n"higher_level_guidance.subsidy" = { from = 0, to = 3, points = 4 }\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    out.mkdir()
    old = os.umask(0o022)
    try:
        commands = [
            ("sweep", str(sweep), "--out", str(out / "sweep.csv")),
            ("export", "henan-clusters", "--out", str(out / "net.graphml")),
            ("export", "henan-clusters", "--out", str(out / "net.geojson")),
            ("export", "henan-clusters", "--out", str(out / "net.toml")),
            ("export", "henan-clusters", "--out", str(out / "tables.csv")),
            ("robustness", "henan-uncertain", "--samples", "64", "--out", str(out / "robust")),
        ]
        for args in commands:
            code, _, err = run(capsys, *args)
            assert code == 0, (args, err)
    finally:
        os.umask(old)
    seen = 0
    for path in [out, *out.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), (path, oct(mode))
        seen += 1
    assert seen > 10


def test_a_bug_is_an_internal_error_not_bad_input(capsys, monkeypatch):
    # Issue 16, defect 13: main() reported every ValueError as bad input (exit 2), hiding bugs.
    # A ValueError that is not a UserInputError (here a numpy-style failure inside the solver)
    # is an internal error: exit 1, one line that says so.
    import solver.cli

    def broken(*args, **kwargs):
        raise ValueError("operands could not be broadcast together with shapes (2,2) (3,)")

    monkeypatch.setattr(solver.cli, "stability", broken)
    code, out, err = run(capsys, "solve", "--row", "3,0;5,1", "--col", "3,5;0,1", "--no-basin")
    assert code == 1 and out == ""
    assert err.startswith("intergov: internal error (a bug; please report it") and "broadcast" in err
    assert err.count("\n") == 1


def test_every_reader_error_is_a_user_input_error():
    # One type for bad input: the CLI's exit 2 and the Python API's except clause rest on it.
    from games import ModelError, NfgError, UserInputError
    from games.expr import ExpressionError
    from regions import EntryError, ScenarioError
    from solver.cli import InputError
    from solver.plots.fonts import FontMissing
    from solver.report import ReportError
    from solver.sweep import SweepError

    for cls in (ModelError, NfgError, ExpressionError, EntryError, ScenarioError, InputError, FontMissing, ReportError, SweepError):
        assert issubclass(cls, UserInputError) and issubclass(cls, ValueError), cls


def test_engine_validation_is_a_user_input_error(capsys):
    # A value a user can type reaches the engine's own checks: still bad input (exit 2).
    from games import UserInputError, prisoners_dilemma

    with pytest.raises(UserInputError, match="T > R fails"):
        prisoners_dilemma(T=1, R=3, P=1, S=0)
    code, _, err = run(capsys, "evolve", "network", "yongkang-wuyi-jinyun", "--beta", "-1")
    assert code == 2 and err.startswith("intergov: error: ") and err.count("\n") == 1


def test_an_unwritable_destination_is_one_line_exit_2(capsys, tmp_path):
    # A file where the output's folder should be: the machine refuses, which is not a bug.
    blocker = tmp_path / "afile"
    blocker.write_text("mine")
    code, _, err = run(capsys, "export", "henan-clusters", "--out", str(blocker / "x.json"))
    assert code == 2 and err.startswith("intergov: error: ") and "cannot write" in err and err.count("\n") == 1
    assert blocker.read_text() == "mine"


def test_nesting_up_to_the_limit_is_read(tmp_path):
    # [scenario] and 31 arrays in it, 32 levels, are read (the scenario's own checks speak); 33 are refused.
    from regions import ScenarioError, loads_scenario

    text = '[scenario]\nname = "n"\nx = ' + "[" * 31 + "]" * 31 + "\n"
    with pytest.raises(ScenarioError) as caught:
        loads_scenario(text, "s.toml")
    assert "nested too deeply" not in str(caught.value)


def test_subnormal_payoffs_are_solved_and_huge_ones_refused(capsys, tmp_path):
    # Found by fuzzing: a payoff of 5e-324 reached the exact kernels as a fraction with 10³²⁴
    # in its denominator, and the floats that screen the bases overflowed (exit 1). By hand:
    # the column player's C is dominant (2 > 1, 1 > 0), the row's best reply to C is D (3 > ε),
    # so (D, C) with payoffs (3, 1) is the only equilibrium.
    code, out, err = run(capsys, "solve", "--row", "5e-324,1;3,0.5", "--col", "2,1;1,0", "--no-basin", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["equilibria"] == [{"row": [0.0, 1.0], "col": [1.0, 0.0], "payoffs": [3.0, 1.0]}]
    code, _, err = run(capsys, "solve", "--row", "1e101,1;3,0.5", "--col", "2,1;1,0", "--no-basin")
    assert code == 2 and err.count("\n") == 1 and "1e+101 is out of range (|payoff| ≤ 1e+100)" in err
    # A scenario's numbers keep their floor (0, or 10⁻¹⁰⁰ ≤ |x|), named by field.
    path = tmp_path / "tiny.toml"
    path.write_text(two_links(weight="1", subsidy="1").replace("R = 3, S = 0, T = 5", "R = 1e-300, S = 0, T = 5"), encoding="utf-8")
    code, _, err = run(capsys, "analyze", str(path), "--no-basin")
    assert code == 2 and err.count("\n") == 1 and "field 'payoffs.R': 1e-300 is out of range" in err


def test_a_refusal_after_a_note_is_still_one_line(capsys):
    # Found by fuzzing: the note on a scenario's uncertain quantities came before the refusal of
    # --budget (two lines on exit 2). Notes are said once the command has succeeded.
    code, _, err = run(capsys, "design", "henan-uncertain", "--budget", "zhejiang=1")
    assert code == 2 and err.count("\n") == 1 and err.startswith("intergov: error: --budget: 'zhejiang'")
    code, _, err = run(capsys, "design", "henan-uncertain", "--format", "json")
    assert code == 0 and err.startswith("note: 7 uncertain quantities at their central values")


def test_games_refuse_payoffs_beyond_their_range():
    from games import Game, UserInputError

    with pytest.raises(UserInputError, match=r"1e\+101 is out of range"):
        Game([[1e101, 1], [3, 0]], [[1, 0], [0, 1]])
    assert Game([[1e-100, 1e100], [3, 0]], [[1, 0], [0, 1]]).exact[0][0][1] == 10**100


@pytest.mark.parametrize("command", ["analyze", "sweep", "evolve-model"])
def test_an_integer_of_5000_digits_is_one_line(capsys, tmp_path, command):
    # Found by fuzzing: tomllib raises a plain ValueError (Python's 4,300-digit limit), exit 1.
    path = tmp_path / "x.toml"
    path.write_text('[scenario]\nname = "x"\nw = ' + "1" * 5000 + "\n", encoding="utf-8")
    args = {"analyze": ["analyze", str(path)], "sweep": ["sweep", str(path), "-o", str(tmp_path / "o.csv")], "evolve-model": ["evolve", "model", str(path)]}[command]
    code, _, err = run(capsys, *args)
    assert code == 2 and err.count("\n") == 1 and "an integer of more than 4,300 digits" in err


def test_a_discount_that_reads_as_1_is_refused_naming_the_field(capsys, tmp_path):
    # Found by fuzzing: 0.9999999999999999 passed the scenario's (0, 1) check, then the games
    # read it as 1 (16 digits: float noise) and refused it without naming the file or field.
    path = tmp_path / "d.toml"
    path.write_text(two_links() + '[[mechanisms]]\nkind = "repeated_play"\ndiscount = 0.9999999999999999\n', encoding="utf-8")
    code, _, err = run(capsys, "analyze", str(path), "--no-basin")
    assert code == 2 and err.count("\n") == 1
    assert "field 'discount': must be in (0, 1), got 0.9999999999999999, which reads as 1" in err


def test_tiny_payoffs_are_printed_not_snapped_to_zero(capsys):
    # Found by fuzzing: a prisoner's dilemma scaled by 1e-100 printed (D, D) with payoffs (0, 0)
    # (the tables read |x| < 1e-12 as float noise; payoffs come from exact values, with none).
    code, out, _ = run(capsys, "solve", "--row", "1e-100,0;2e-100,1e-100", "--col", "1e-100,2e-100;0,1e-100", "--no-basin")
    assert code == 0 and "(1e-100, 1e-100)" in out


def test_a_link_name_that_fits_two_links_is_refused(capsys, tmp_path):
    # Found by fuzzing: with ids x-y, z, x and y-z, --link x-y-z silently took x–y-z.
    text = two_links()
    for old, new in (('"a"', '"x-y"'), ('"b"', '"z"'), ('"c"', '"x"')):
        text = text.replace(old, new)
    text = text.replace('[[links]]\nbetween = ["z", "x"]', '[[regions]]\nid = "y-z"\nlevel = "county"\nparent = "p"\n[[links]]\nbetween = ["x", "y-z"]')
    path = tmp_path / "h.toml"
    path.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "plot", "payoff-matrix", str(path), "--link", "x-y-z", "-o", str(tmp_path / "a.png"))
    assert code == 2 and "fits x-y–z and x–y-z" in err and err.count("\n") == 1
    code, _, err = run(capsys, "plot", "payoff-matrix", str(path), "--link", "x-y–z", "-o", str(tmp_path / "a.png"))
    assert code == 0, err


def test_an_existing_out_folder_is_refused_before_the_derivation_and_its_notes(capsys, tmp_path):
    # Found by fuzzing: a second `evolve model … -o d` printed its note, then the refusal.
    out = tmp_path / "d"
    args = ("evolve", "model", "--scenario", "yongkang-wuyi-jinyun", "--link", "wuyi-jinyun", "-o", str(out), "-f", "json")
    assert run(capsys, *args)[0] == 0
    code, _, err = run(capsys, *args)
    assert code == 2 and err.count("\n") == 1 and "exists and is not empty" in err


def test_basin_samples_are_bounded(capsys):
    # Found by fuzzing: --basin-samples 10¹² asked for 8 TiB (MemoryError, exit 1).
    code, _, err = run(capsys, "analyze", "gba-nev", "--basin-samples", "1000000000000")
    assert code == 2 and "less than or equal to 1048576" in err and err.count("\n") == 1
