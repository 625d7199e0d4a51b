"""solver.report and the report/plot commands."""

import csv
import json
import os
import re
import stat

import pytest

from regions import builtin_text, load_scenario
from regions.scenario import current_umask
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
    assert {"report.md", "report.tex", "metadata.json", "tables/analysis.md", "tables/analysis.tex", "tables/analysis.csv", "tables/design.csv"} <= names
    figures = {n for n in names if n.startswith("figures/")}
    for kind in (
        "network-map-status-quo",
        "payoff-matrix-01-yongkang-wuyi",
        "best-responses-01-yongkang-wuyi",
        "replicator-flow-01-yongkang-wuyi",
        "phase-diagram-01-yongkang-wuyi",
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
    assert ".intergov" in names  # the marker that lets a later --force replace the folder
    assert sorted(meta["files"]) == sorted(names - {".intergov"})
    tex = (report_dir / "tables/analysis.tex").read_text()
    assert r"\toprule" in tex and r"\bottomrule" in tex


def test_tables_agree_with_analyze_json(report_dir, capsys):
    code, out, _ = run(capsys, "analyze", "yongkang-wuyi-jinyun", "--format", "json")
    assert code == 0
    entries = json.loads(out)["links"]
    # The report names regions by their names, the JSON by their ids.
    name = {rid: r.name for rid, r in load_scenario("yongkang-wuyi-jinyun").regions.items()}
    expected = [("–".join(name[r] for r in e["between"]), e["mechanism"], e["cooperation"]["level"], e["basin"]["text"]) for e in entries]
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


def test_captions_start_with_names_not_ids(report_dir):
    text = (report_dir / "report.md").read_text(encoding="utf-8")
    captions = re.findall(r"^\*(.+)\* \(\[PDF\]", text, flags=re.M)
    assert len(captions) == len(list((report_dir / "figures").glob("*.pdf")))
    assert all(c[0].isupper() for c in captions), [c for c in captions if not c[0].isupper()]
    assert "Yongkang–Wuyi: payoffs" in text and "under status quo" not in text
    for region in ("yongkang", "wuyi", "jinyun", "jinhua", "lishui", "zhejiang"):
        # Ids live on only in file names (figures/payoff-matrix-01-yongkang-wuyi.png), never in prose or tables.
        assert not re.search(rf"(?<![-/\w]){region}(?![-\w])", text.replace(".png", "").replace(".pdf", "")), region
    design = (report_dir / "tables/design.md").read_text(encoding="utf-8")
    assert "breach penalty" in design and "breach_penalty" not in design
    assert not re.search(r"\d\.\d{5,}", design)


@pytest.fixture(scope="module")
def zh_report(tmp_path_factory):
    """A report with Chinese names written under umask 022, and what its folder held mid-write."""
    import solver.report as report_module

    parent = tmp_path_factory.mktemp("zh")
    seen = []
    real = report_module.compare

    def spy(*args, **kwargs):
        seen.append(sorted(p.name for p in parent.iterdir()))
        return real(*args, **kwargs)

    old = os.umask(0o022)
    report_module.compare = spy
    try:
        out = write_report(load_scenario("yongkang-wuyi-jinyun"), parent / "r", names="zh", figures=False, basin_samples=64)
    finally:
        report_module.compare = real
        os.umask(old)
    return out, seen


def test_chinese_names_in_tables(zh_report):
    out, _ = zh_report
    with open(out / "tables/analysis.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # name_zh of each region in regions/data/yongkang-wuyi-jinyun.toml
    assert rows[0]["link"] == "永康市–武义县" and rows[0]["superior"] == "金华市"
    assert {r["link"] for r in rows} == {"永康市–武义县", "永康市–缙云县", "武义县–缙云县"}
    assert json.loads((out / "metadata.json").read_text(encoding="utf-8"))["parameters"]["names"] == "zh"


def test_modes_follow_the_umask(zh_report):
    out, _ = zh_report
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    assert stat.S_IMODE((out / "report.md").stat().st_mode) == 0o644
    for path in out.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o755 if path.is_dir() else 0o644), path


def test_figure_files_follow_the_umask(report_dir):
    mask = current_umask()
    for path in (report_dir / "figures").iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask, path


@pytest.mark.parametrize("name", ["report.pdf", "out.md", "r.tex", "R.PDF"])
def test_out_with_a_file_extension_is_refused(tmp_path, capsys, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "report", "yongkang-wuyi-jinyun", "--out", name)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "--out takes a folder" in err and name in err
    assert list(tmp_path.iterdir()) == []


def test_written_beside_the_folder_and_moved_into_place_when_complete(zh_report):
    out, seen = zh_report
    # Mid-write the target did not exist yet; a hidden temporary folder beside it did.
    assert len(seen) == 1 and len(seen[0]) == 1 and seen[0][0].startswith(".r.") and seen[0][0].endswith(".tmp")
    assert [p.name for p in out.parent.iterdir()] == ["r"] and (out / "report.md").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--names", "cyrillic"), "--names 'cyrillic'"),
        (("--font", "No Such Font 123"), "--font 'No Such Font 123'"),
    ],
)
def test_report_names_and_font_errors_are_one_line_before_any_work(tmp_path, capsys, args, message):
    code, out, err = run(capsys, "report", "yongkang-wuyi-jinyun", "--out", tmp_path / "r", *args)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err, err
    assert not (tmp_path / "r").exists() and list(tmp_path.iterdir()) == []


def test_two_clusters_of_one_pair_keep_their_own_figures(tmp_path):
    """Two links between the same regions (two clusters) used to write the same figure files, the
    second overwriting the first, and report.tex showed one link's figures under the other's
    captions (adversarial review). File names are a safe slug of the ids with the link's number."""
    from regions import loads_scenario

    toml = builtin_text("yongkang-wuyi-jinyun")
    extra = '\n[[links]]\nbetween = ["yongkang", "wuyi"]\ncluster = "logistics"\nweight = 0.5\npayoffs = { R = 3, S = 0, T = 4, P = 1 }\n'
    net = loads_scenario(toml + extra)
    folder = write_report(net, tmp_path / "r", scenario_text="x", basin_samples=64)
    matrices = sorted(p.name for p in (folder / "figures").glob("payoff-matrix-*.pdf"))
    assert matrices == ["payoff-matrix-01-yongkang-wuyi.pdf", "payoff-matrix-02-yongkang-jinyun.pdf", "payoff-matrix-03-wuyi-jinyun.pdf", "payoff-matrix-04-yongkang-wuyi.pdf"]
    text = (folder / "report.md").read_text(encoding="utf-8")
    assert "Yongkang–Wuyi (hardware)" in text and "Yongkang–Wuyi (logistics)" in text
    assert text.count("figures/payoff-matrix-01-yongkang-wuyi.png") == 1 and text.count("figures/payoff-matrix-04-yongkang-wuyi.png") == 1


def test_two_reports_with_source_date_epoch_are_identical_bytes(tmp_path, monkeypatch):
    # Issue 16, defect 12: metadata "created" and the PDFs' /CreationDate changed run to run.
    # With SOURCE_DATE_EPOCH (the reproducible-builds convention) every file is the same bytes.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = write_report(load_scenario("henan-clusters"), tmp_path / "a", basin_samples=64)
    second = write_report(load_scenario("henan-clusters"), tmp_path / "b", basin_samples=64)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert any(f.suffix == ".pdf" for f in files) and len(files) > 20
    assert [f for f in files if (first / f).read_bytes() != (second / f).read_bytes()] == []
    assert json.loads((first / "metadata.json").read_text(encoding="utf-8"))["created"] == "2023-11-14T22:13:20+00:00"


# Issue 16, defect 9: --force replaces only an earlier intergov output folder, atomically.
def test_force_refuses_a_folder_holding_a_users_files(capsys, tmp_path):
    mine = tmp_path / "mythesis"
    mine.mkdir()
    (mine / "thesis.tex").write_text("three years of work", encoding="utf-8")
    code, _, err = run(capsys, "report", "henan-clusters", "--out", mine, "--force")
    assert code == 2 and err.count("\n") == 1 and "intergov did not write (thesis.tex)" in err
    assert (mine / "thesis.tex").read_text(encoding="utf-8") == "three years of work"


def test_force_replaces_an_earlier_report_and_refuses_the_current_folder(capsys, tmp_path, monkeypatch):
    out = tmp_path / "r"
    assert run(capsys, "report", "henan-clusters", "--out", out, "--basin-samples", "64")[0] == 0
    assert (out / ".intergov").is_file()
    assert run(capsys, "report", "henan-clusters", "--out", out, "--force", "--basin-samples", "64")[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]  # no temporary folder left beside it
    monkeypatch.chdir(out)
    code, _, err = run(capsys, "report", "henan-clusters", "--out", ".", "--force")
    assert code == 2 and "current folder" in err


def test_a_killed_report_leaves_the_old_or_the_new_report_never_neither(tmp_path):
    # SIGKILL at several moments of `report --force` over an earlier report: the final path always
    # holds a whole report (the old one, seed 1, or the new one, seed 2); the next run removes
    # the temporary folder the killed one left.
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "r"
    command = [sys.executable, "-m", "solver", "report", "henan-clusters", "--out", str(out), "--basin-samples", "64"]
    subprocess.run([*command, "--seed", "1"], check=True, capture_output=True, timeout=300)
    for delay in (0.5, 2.0, 4.0, 6.0):
        child = subprocess.Popen([*command, "--seed", "2", "--force"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
        assert meta["parameters"]["seed"] in (1, 2) and (out / "report.md").is_file() and (out / "report.tex").is_file()
    subprocess.run([*command, "--seed", "3", "--force"], check=True, capture_output=True, timeout=300)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]
