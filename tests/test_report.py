"""solver.report and the report/plot commands."""

import csv
import json

import pytest

from regions import load_scenario
from solver.cli import main
from solver.report import ReportError, write_report


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def markdown_rows(text, header_start="| link |"):
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    header = [c.strip() for c in lines[start].strip("|").split("|")]
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append(dict(zip(header, (c.strip() for c in line.strip().strip("|").split(" | ")))))
    return rows


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("r") / "report"
    assert main(["report", "yongkang-wuyi-jinyun", "--out", str(out)]) == 0
    return out


def test_report_folder(report_dir):
    names = {p.relative_to(report_dir).as_posix() for p in report_dir.rglob("*") if p.is_file()}
    assert {"report.md", "metadata.json", "tables/analysis.md", "tables/analysis.tex", "tables/analysis.csv", "tables/design.csv"} <= names
    figures = {n for n in names if n.startswith("figures/")}
    for kind in (
        "network-map-status-quo",
        "payoff-matrix-yongkang-wuyi",
        "best-responses-yongkang-wuyi",
        "replicator-flow-yongkang-wuyi",
        "phase-diagram-yongkang-wuyi",
        "threshold-curve",
        "mechanism-comparison",
    ):
        assert {f"figures/{kind}.pdf", f"figures/{kind}.png"} <= figures
    text = (report_dir / "report.md").read_text(encoding="utf-8")
    for section in ("## Scenario", "## Status quo", "## Each mechanism", "## Design", "## Figures"):
        assert section in text
    for name in figures:
        if name.endswith(".png"):
            assert f"]({name})" in text
    meta = json.loads((report_dir / "metadata.json").read_text())
    assert meta["intergov"] and len(meta["scenario"]["sha256"]) == 64
    assert meta["parameters"]["seed"] == 0 and meta["parameters"]["target"] == "strict"
    assert sorted(meta["files"]) == sorted(names)
    tex = (report_dir / "tables/analysis.tex").read_text()
    assert r"\toprule" in tex and r"\bottomrule" in tex


def test_tables_agree_with_analyze_json(report_dir, capsys):
    code, out, _ = run(capsys, "analyze", "yongkang-wuyi-jinyun", "--format", "json")
    assert code == 0
    entries = json.loads(out)["links"]
    expected = [("–".join(e["between"]), e["mechanism"], e["cooperation"]["level"], e["basin"]["text"]) for e in entries]
    with open(report_dir / "tables/analysis.csv", newline="", encoding="utf-8") as handle:
        from_csv = [(r["link"], r["mechanism"], r["level"], r["basin"]) for r in csv.DictReader(handle)]
    assert from_csv == expected
    md = markdown_rows((report_dir / "tables/analysis.md").read_text(encoding="utf-8"))
    assert [(r["link"], r["mechanism"], r["level"], r["basin"]) for r in md] == expected
    in_report = markdown_rows((report_dir / "report.md").read_text(encoding="utf-8").split("## Each mechanism")[1])
    assert [(r["link"], r["mechanism"], r["level"], r["basin"]) for r in in_report] == expected


def test_second_run_without_force_fails_and_keeps_the_first(report_dir, capsys):
    before = {p: p.read_bytes() for p in report_dir.rglob("*") if p.is_file()}
    code, out, err = run(capsys, "report", "yongkang-wuyi-jinyun", "--out", report_dir)
    assert code == 2 and out == ""
    assert err == f"intergov: error: {report_dir} exists and is not empty; use --force to replace it\n"
    assert {p: p.read_bytes() for p in report_dir.rglob("*") if p.is_file()} == before


def test_force_replaces_atomically_and_a_failure_leaves_the_old_report(tmp_path, monkeypatch):
    net = load_scenario("yongkang-wuyi-jinyun")
    out = write_report(net, tmp_path / "r", figures=False, scenario_text="a")
    (out / "marker").write_text("old")
    import solver.report as report_module

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(report_module, "compare", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        write_report(net, out, force=True, figures=False)
    assert (out / "marker").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r"]  # no temporary folder left behind
    monkeypatch.undo()
    write_report(net, out, force=True, figures=False)
    assert not (out / "marker").exists() and (out / "report.md").exists()
    with pytest.raises(ReportError, match="is not a folder"):
        (tmp_path / "file").write_text("x")
        write_report(net, tmp_path / "file")


@pytest.mark.parametrize(
    "args",
    [
        ("payoff-matrix", "yongkang-wuyi-jinyun", "--link", "yongkang-jinyun", "-m", "binding_contract breach_penalty=2 links=yongkang-jinyun"),
        ("best-responses", "--row", "4,0;3,2", "--col", "4,3;0,2"),
        ("replicator-flow", "yongkang-wuyi-jinyun", "-m", "higher_level_guidance subsidy=1.5 by=jinhua", "--points", "21"),
        ("phase-diagram", "--row", "3,0;5,1", "--col", "3,5;0,1", "--x", "subsidy:0:4", "--y", "detection:0:1", "--points", "11"),
        ("network-map", "yongkang-wuyi-jinyun"),
        ("mechanism-comparison", "yongkang-wuyi-jinyun"),
        ("threshold-curve", "yongkang-wuyi-jinyun", "--vary", "T:4:8", "--points", "5"),
    ],
)
@pytest.mark.parametrize("ext", ["pdf", "svg", "png"])
def test_plot_command(tmp_path, capsys, args, ext):
    out = tmp_path / f"fig.{ext}"
    code, stdout, err = run(capsys, "plot", *args, "--out", out)
    assert code == 0, err
    assert stdout == f"wrote {out}\n" and out.stat().st_size > 1000
    assert not list(tmp_path.glob(".*"))  # no temporary file left


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("plot", "network-map", "yongkang-wuyi-jinyun", "--out", "x.jpg"), "use .pdf, .svg or .png"),
        (("plot", "best-responses", "--row", "1,2,3;4,5,6", "--col", "1,2,3;4,5,6", "--out", "x.png"), "needs a 2×2 game"),
        (("plot", "phase-diagram", "yongkang-wuyi-jinyun", "--x", "bribe:0:1", "--out", "x.png"), "no mechanism here has a parameter 'bribe'"),
        (("plot", "phase-diagram", "yongkang-wuyi-jinyun", "--x", "subsidy:2:1", "--out", "x.png"), "LOW < HIGH"),
        (("plot", "payoff-matrix", "yongkang-wuyi-jinyun", "--link", "wuyi-lishui", "--out", "x.png"), "no such link"),
        (("plot", "network-map", "--row", "1", "--col", "1", "--out", "x.png"), "needs a scenario"),
        (("plot", "payoff-matrix", "--out", "x.png"), "give a scenario"),
        (("report", "yongkang-wuyi-jinyun", "--out", "r", "--target", "best"), "is not one of"),
    ],
)
def test_plot_bad_input(tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, *args)
    assert code == 2 and message in err and err.count("\n") == 1, err


def test_plot_refuses_to_overwrite(tmp_path, capsys):
    out = tmp_path / "map.png"
    out.write_bytes(b"keep")
    code, _, err = run(capsys, "plot", "network-map", "yongkang-wuyi-jinyun", "--out", out)
    assert code == 2 and "use --force" in err and out.read_bytes() == b"keep"
    assert run(capsys, "plot", "network-map", "yongkang-wuyi-jinyun", "--out", out, "--force")[0] == 0
    assert out.read_bytes().startswith(b"\x89PNG")
