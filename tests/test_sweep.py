"""solver.sweep: specifications, executors, design columns, output files."""

import json

import numpy as np
import pandas as pd
import pytest

from games import BindingContract, HigherLevelGuidance, apply, stage_game
from solver import stability
from solver.cli import main
from solver.design import minimal_strength
from solver.design.phase import phase_grid
from solver.sweep import SweepError, load_sweep, parse_sweep, phase_from_table, run_sweep, save_table, sweep_points

BASE = {
    "sweep": {"name": "test"},
    "game": {"payoffs": {"R": 3, "S": -1, "T": 4, "P": 0}},
    "mechanisms": [{"kind": "higher_level_guidance", "penalty": 2}, {"kind": "binding_contract", "enforcement": 0.5}],
    "parameters": {
        "higher_level_guidance.subsidy": {"from": 0, "to": 3, "points": 13},
        "higher_level_guidance.detection": [0, 0.25, 0.5, 0.75, 1],
        "game.P": [-0.5, 0, 0.5],
    },
    "design": [{"mechanism": "binding_contract", "parameter": "breach_penalty", "target": "strict"}],
}


@pytest.fixture(scope="module")
def spec():
    return parse_sweep(BASE, "test.toml")


def test_rows_match_the_solver(spec):
    frame = run_sweep(spec, executor="serial")
    assert len(frame) == 13 * 5 * 3
    rng = np.random.default_rng(0)
    for k in rng.choice(len(frame), 25, replace=False):
        row = frame.iloc[k]
        game = stage_game({"R": 3, "S": -1, "T": 4, "P": row["game.P"]})
        guidance = HigherLevelGuidance(subsidy=row["higher_level_guidance.subsidy"], penalty=2, detection=row["higher_level_guidance.detection"])
        report = stability(apply(game, guidance, BindingContract(enforcement=0.5)), basin=False)
        assert row["level"] == report.level
        assert row["equilibria"] == len(report.equilibria)
        s = minimal_strength(game, BindingContract(enforcement=0.5), "breach_penalty", "strict", others=(guidance,))
        if s.feasible:
            assert row["min:binding_contract.breach_penalty"] == pytest.approx(s.value, abs=1e-9)
        else:
            assert np.isnan(row["min:binding_contract.breach_penalty"])
    assert set(frame["payer:binding_contract.breach_penalty"]) == {"members"}


def test_executors_give_identical_frames(spec):
    from distributed import LocalCluster

    serial = run_sweep(spec, executor="serial", chunk_size=40)
    processes = run_sweep(spec, executor="processes", workers=2, chunk_size=40)
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None, processes=True) as cluster:
        dask = run_sweep(spec, executor="dask", scheduler=cluster.scheduler_address, chunk_size=40)
    pd.testing.assert_frame_equal(serial, processes)
    pd.testing.assert_frame_equal(serial, dask)
    pd.testing.assert_frame_equal(serial, run_sweep(spec, executor="serial", chunk_size=1000))


def test_random_sample_is_seeded():
    doc = {**BASE, "sweep": {"mode": "random", "samples": 50, "seed": 3}}
    a, b = sweep_points(parse_sweep(doc)), sweep_points(parse_sweep(doc))
    pd.testing.assert_frame_equal(a, b)
    c = sweep_points(parse_sweep({**doc, "sweep": {"mode": "random", "samples": 50, "seed": 4}}))
    assert not a.equals(c)
    assert a["higher_level_guidance.subsidy"].between(0, 3).all()


def test_phase_diagram_from_a_sweep_matches_phase_grid():
    doc = {**BASE, "parameters": {"higher_level_guidance.subsidy": {"from": 0, "to": 3, "points": 7}, "higher_level_guidance.detection": [0, 0.5, 1]}}
    frame = run_sweep(parse_sweep(doc), executor="serial")
    grid = phase_from_table(frame, "higher_level_guidance.subsidy", "higher_level_guidance.detection")
    expected = phase_grid(
        stage_game({"R": 3, "S": -1, "T": 4, "P": 0}),
        [HigherLevelGuidance(penalty=2), BindingContract(enforcement=0.5)],
        ("subsidy", np.linspace(0, 3, 7)),
        ("detection", [0, 0.5, 1]),
    )
    assert grid.levels.tolist() == expected.levels.tolist()
    with pytest.raises(SweepError, match="varies too"):
        phase_from_table(run_sweep(parse_sweep(BASE), executor="serial"), "higher_level_guidance.subsidy", "higher_level_guidance.detection")


@pytest.mark.parametrize("ext", ["csv", "parquet"])
def test_save_round_trip(tmp_path, spec, ext):
    frame = run_sweep(spec, executor="serial")
    path = save_table(frame, tmp_path / f"out.{ext}")
    back = pd.read_csv(path) if ext == "csv" else pd.read_parquet(path)
    assert back["level"].tolist() == frame["level"].tolist()
    with pytest.raises(SweepError, match="use --force"):
        save_table(frame, path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"parameters": {"higher_level_guidance.subsidi": [1]}},
            "field 'higher_level_guidance.subsidi': unknown parameter \\(did you mean 'higher_level_guidance.subsidy'\\?\\)",
        ),
        ({"parameters": {"higher_level_guidance.subsidy": {"from": 2, "to": 1, "points": 3}}}, "field 'higher_level_guidance.subsidy': the range is empty"),
        ({"parameters": {"higher_level_guidance.subsidy": []}}, "the list of values is empty"),
        ({"parameters": {}}, "\\[parameters\\]: is missing or empty"),
        ({"parameters": {"higher_level_guidance.detection": [0.5, 1.5]}}, "values must lie in the parameter's range"),
        ({"sweep": {"mode": "lattice"}}, "field 'mode': must be 'grid' or 'random'"),
        ({"sweep": {"mode": "random"}}, "a random sweep needs samples"),
        ({"design": [{"mechanism": "repeated_play", "parameter": "discount"}]}, "is not one of the sweep's mechanisms"),
        ({"game": {"payoffs": {"R": 3, "S": -1, "T": 4}}}, "\\[game\\]: .*payoffs.P"),
        ({"extra": 1}, "unknown table 'extra'"),
    ],
)
def test_bad_specs(change, message):
    with pytest.raises(SweepError, match=message) as info:
        parse_sweep({**BASE, **change}, "s.toml")
    assert str(info.value).startswith("s.toml: ") and "\n" not in str(info.value)


def write_spec(tmp_path, doc):
    import tomli_w

    path = tmp_path / "spec.toml"
    path.write_text(tomli_w.dumps(doc), encoding="utf-8")
    return path


def test_cli_sweep(tmp_path, capsys):
    spec_path = write_spec(tmp_path, BASE)
    out = tmp_path / "out.csv"
    assert main(["sweep", str(spec_path), "--out", str(out), "--executor", "serial"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"wrote {out}: 195 points")
    assert len(pd.read_csv(out)) == 195
    assert load_sweep(spec_path).name == "test"
    bad = write_spec(tmp_path, {**BASE, "parameters": {"game.Q": [1]}})
    code = main(["sweep", str(bad), "--out", str(tmp_path / "x.csv")])
    err = capsys.readouterr().err
    assert code == 2 and "field 'game.Q': unknown parameter" in err and err.count("\n") == 1
    assert not (tmp_path / "x.csv").exists()


def test_an_unreachable_dask_scheduler_is_one_line(tmp_path, capsys):
    # A fresh clone's run of the README's dask line gave "internal error … MemoryError".
    spec_path = write_spec(tmp_path, BASE)
    code = main(["sweep", str(spec_path), "--out", str(tmp_path / "o.csv"), "--executor", "dask", "--scheduler", "nonsense://x"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("intergov: error: cannot reach the dask scheduler at nonsense://x") and err.count("\n") == 1
    assert not (tmp_path / "o.csv").exists()


def test_interrupted_sweep_leaves_no_file(tmp_path, capsys, monkeypatch):
    import solver.sweep as sweep_module

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sweep_module, "evaluate", interrupted)
    spec_path = write_spec(tmp_path, BASE)
    out = tmp_path / "out.csv"
    code = main(["sweep", str(spec_path), "--out", str(out), "--executor", "serial"])
    assert code == 130 and "interrupted" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["spec.toml"]


def test_cli_plot_from_sweep(tmp_path, capsys):
    doc = {**BASE, "parameters": {"higher_level_guidance.subsidy": {"from": 0, "to": 3, "points": 7}, "higher_level_guidance.detection": [0, 0.5, 1]}}
    table = tmp_path / "t.parquet"
    assert main(["sweep", str(write_spec(tmp_path, doc)), "--out", str(table), "--executor", "serial"]) == 0
    figure = tmp_path / "phase.png"
    code = main(
        ["plot", "phase-diagram", "--sweep", str(table), "--x", "higher_level_guidance.subsidy", "--y", "higher_level_guidance.detection", "--out", str(figure)]
    )
    assert code == 0 and figure.read_bytes().startswith(b"\x89PNG")
    capsys.readouterr()
    assert json.dumps(1)


# Issue 16 (fuzzing): bad sweep values are refused in one line (exit 2), naming the field,
# before any point is built; each case was an internal error, a numpy warning or a huge allocation.
def run_sweep_cli(tmp_path, doc):
    import os
    import subprocess
    import sys

    write_spec(tmp_path, doc)
    env = dict(os.environ, PYTHONWARNINGS="default")
    # the timeout only guards against a hang: today's code allocated gigabytes here
    return subprocess.run(
        [sys.executable, "-m", "solver", "sweep", "spec.toml", "-o", "out.csv", "--executor", "serial"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=env,
    )


GUIDANCE = {"game": {"payoffs": {"R": 3, "S": -1, "T": 4, "P": 0}}, "mechanisms": [{"kind": "higher_level_guidance"}]}
REPEATED = {"game": {"economics": {"b": 4, "c": 1, "g": 4, "l": 0, "w": 0}}, "mechanisms": [{"kind": "repeated_play", "discount": 0.7, "noise": 0.02}]}


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        pytest.param(  # TypeError: unhashable type: 'list'
            {**GUIDANCE, "parameters": {"higher_level_guidance.subsidy": [0, 1]}, "design": [{"mechanism": "higher_level_guidance", "parameter": [1, 2]}]},
            "[[design]] #1, field 'parameter': must be a string naming a parameter of higher_level_guidance (subsidy, ",
            id="design-parameter-list",
        ),
        pytest.param(
            {**GUIDANCE, "parameters": {"higher_level_guidance.subsidy": [0, 1]}, "design": [{"mechanism": "higher_level_guidance", "parameter": {"a": 1}}]},
            "[[design]] #1, field 'parameter': must be a string naming a parameter",
            id="design-parameter-table",
        ),
        pytest.param(  # numpy: Maximum allowed size exceeded
            {**GUIDANCE, "parameters": {"higher_level_guidance.subsidy": {"from": 0, "to": 1, "points": 10**20}}},
            "[parameters], field 'higher_level_guidance.subsidy': points = 10000000000… (21 digits) is more than the limit of 5,000,000 points",
            id="points-1e20",
        ),
        pytest.param(  # MemoryError: 7.28 TiB
            {**GUIDANCE, "parameters": {"higher_level_guidance.subsidy": {"from": 0, "to": 1, "points": 10**12 + 1}}},
            "field 'higher_level_guidance.subsidy': points = 1,000,000,000,001 is more than the limit",
            id="points-1e12",
        ),
        pytest.param(  # 8 GB for the one axis before the point count was checked
            {**GUIDANCE, "parameters": {"higher_level_guidance.subsidy": {"from": 0, "to": 1, "points": 10**9}}},
            "field 'higher_level_guidance.subsidy': points = 1,000,000,000 is more than the limit",
            id="points-1e9",
        ),
        pytest.param(  # numpy: expected non-negative integer
            {**GUIDANCE, "sweep": {"mode": "random", "samples": 50, "seed": -1}, "parameters": {"higher_level_guidance.subsidy": [0, 1, 2]}},
            "[sweep], field 'seed': must be a whole number ≥ 0, got -1",
            id="seed-negative",
        ),
        pytest.param(  # two numpy RuntimeWarnings, then the error: three lines
            {**GUIDANCE, "parameters": {"game.P": {"from": -1e308, "to": 1e308, "points": 3}}},
            "[parameters], field 'game.P': from: -1e+308 is out of range",
            id="range-overflow",
        ),
        pytest.param(  # a RuntimeWarning from the design's gaps, then exit 0
            {**GUIDANCE, "parameters": {"higher_level_guidance.subsidy": {"from": 0, "to": 1e16, "points": 7}}},
            "field 'higher_level_guidance.subsidy': to: 1e+16 is out of range",
            id="range-end-1e16",
        ),
        pytest.param(  # OverflowError: int too large to convert to float (exact rationals of 1e308)
            {**REPEATED, "parameters": {"repeated_play.discount": [0.5, 0.9], "game.row.T": [4, -1e308]}},
            "[parameters], field 'game.row.T': -1e+308 is out of range",
            id="listed-value-1e308",
        ),
        pytest.param(  # OverflowError
            {**REPEATED, "parameters": {"game.row.T": [4, 10**400]}},
            "field 'game.row.T': 10000000000… (401 digits) is out of range",
            id="listed-value-10-400",
        ),
        pytest.param(
            {**REPEATED, "mechanisms": [{"kind": "repeated_play", "noise": 10**400}], "parameters": {"repeated_play.discount": [0.5, 0.9]}},
            "[[mechanisms]] #1, field 'noise': 10000000000… (401 digits) is out of range",
            id="mechanism-10-400",
        ),
    ],
)
def test_bad_sweep_values_are_one_line(tmp_path, doc, message):
    done = run_sweep_cli(tmp_path, doc)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("intergov: error: spec.toml: ") and message in done.stderr
    assert done.stderr.count("\n") == 1 and not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"parameters": {"game.P": [0, "1"]}}, "field 'game.P': values must be numbers, got str '1'"),
        ({"parameters": {"game.P": [0, True]}}, "field 'game.P': values must be numbers, got bool True"),
        ({"parameters": {"game.P": {"from": 0, "to": 10**400}}}, "field 'game.P': to: 10000000000… \\(401 digits\\) is out of range"),
        ({"parameters": {"game.P": {"from": 0, "to": 1, "points": -(10**400)}}}, "points must be a whole number ≥ 1, got -10000000000… \\(401 digits\\)"),
        ({"parameters": {"game.P": [float("nan")]}}, "field 'game.P': nan is out of range"),
        (
            {"parameters": {"game.P": {"from": 0, "to": 1, "points": 4000}, "game.R": {"from": 3, "to": 4, "points": 4000}}},
            "\\[parameters\\]: 4,000 × 4,000 = 16,000,000 points is more than the limit of 5,000,000",
        ),
        ({"sweep": {"mode": "random", "samples": 10**30}}, "field 'samples': 10000000000… \\(31 digits\\) points is more than the limit"),
        ({"sweep": 3}, "\\[sweep\\]: must be a table"),
        ({"design": {"mechanism": "binding_contract"}}, "\\[\\[design\\]\\]: must be an array of tables"),
        ({"mechanisms": "binding_contract"}, "\\[\\[mechanisms\\]\\]: must be an array of tables"),
    ],
)
def test_bad_sweep_values(change, message):
    with pytest.raises(SweepError, match=message) as info:
        parse_sweep({**BASE, **change}, "s.toml")
    assert str(info.value).startswith("s.toml: ") and "\n" not in str(info.value)


def test_a_random_sweep_with_a_long_range_is_not_built_point_by_point():
    # A random sweep draws within the range: 5,000,000 values on the axis are the limit too.
    doc = {**BASE, "sweep": {"mode": "random", "samples": 10, "seed": 2**70}, "parameters": {"game.P": {"from": 0, "to": 1, "points": 5_000_000}}}
    frame = run_sweep(parse_sweep(doc), executor="serial")
    assert len(frame) == 10 and frame["game.P"].between(0, 1).all()
