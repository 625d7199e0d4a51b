"""What people read of a robustness result: rounding, the --out folder, the report section (issue 14).

The rounding is checked against Python's decimal module (a ceiling context of 4 significant
digits); the files against the JSON the same run prints, so every number has one source.
"""

import csv
import io
import json
import math
from decimal import ROUND_CEILING, Context

from hypothesis import given, settings
from hypothesis import strategies as st
from scenarios import one_link as link_text

from regions import load_scenario
from solver.cli import main
from solver.report import write_report
from solver.robust.estimate import Estimate
from solver.robust.rounding import up4
from solver.robust_tables import estimate_text


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=1e-6, max_value=1e6) | st.floats(min_value=-1e6, max_value=-1e-6))
def test_up4_is_the_decimal_ceiling_at_four_significant_digits(x):
    shown = float(up4(x))
    reference = float(Context(prec=4, rounding=ROUND_CEILING).create_decimal(repr(x)))
    grid = float(Context(prec=4).create_decimal(repr(x)))
    if abs(x - grid) <= 1e-9 * abs(x):  # float noise on a 4-digit number reads as that number
        assert shown == grid
    else:
        assert shown == reference
    assert shown >= x * (1 - 1e-9) if x > 0 else shown >= x * (1 + 1e-9)
    assert len(up4(x).lstrip("-").replace(".", "").strip("0")) <= 4


@settings(max_examples=200, deadline=None)
@given(st.floats(0, 1), st.floats(1e-7, 0.5), st.floats(0, 1))
def test_estimate_text_shows_the_interval_to_two_significant_digits_of_its_width(p, width, where):
    low = max(0.0, p - where * width)
    high = min(1.0, low + width)
    p = min(max(p, low), high)
    shown = estimate_text(Estimate(p, low, high, 1000, "qmc"))
    centre, interval = shown.split(" [")
    lo, hi = (float(v) for v in interval.rstrip("]").split(", "))
    decimals = max(2, min(6, 1 - math.floor(math.log10(high - low)))) if high > low else 4
    for value, text in ((p, centre), (low, lo), (high, hi)):
        assert abs(float(text) - value) <= 0.5 * 10.0**-decimals + 1e-15


def test_out_folder_holds_the_json_the_command_prints_and_its_tables_and_figures(tmp_path, capsys):
    args = ["robustness", "henan-uncertain", "--samples", "256", "--seed", "3"]
    assert main([*args, "--format", "json"]) == 0
    printed = capsys.readouterr().out
    assert main([*args, "--format", "csv", "--out", str(tmp_path / "r")]) == 0
    out = capsys.readouterr()
    folder = tmp_path / "r"
    assert (folder / "robustness.json").read_text(encoding="utf-8") == printed
    document = json.loads(printed)
    rows = list(csv.DictReader(io.StringIO((folder / "robustness.csv").read_text(encoding="utf-8"))))
    assert out.out.strip() == (folder / "robustness.csv").read_text(encoding="utf-8").strip()
    options = [(k, o) for k in document["links"] for o in k["options"]]
    assert len(rows) == len(options)
    for row, (_, option) in zip(rows, options):
        target = option["target"]
        assert row["P(≥ strict)"] == estimate_text(Estimate(target["probability"], *target["ci"], 256, "qmc"))
    for kind in ("robust-map", "tornado", "probability-surface", "strength-distribution"):
        assert (folder / "figures" / f"{kind}.pdf").stat().st_size > 1000
        assert (folder / "figures" / f"{kind}.png").stat().st_size > 1000
    md = (folder / "robustness.md").read_text(encoding="utf-8")
    assert "## Robustness under uncertain payoffs" in md and "(figures/tornado.png)" in md


def test_out_refuses_a_file_name_or_a_non_empty_folder_before_any_work(tmp_path, capsys):
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "thesis.tex").write_text("mine", encoding="utf-8")
    assert main(["robustness", "henan-uncertain", "--out", str(kept)]) == 2
    assert main(["robustness", "henan-uncertain", "--out", str(tmp_path / "x.pdf")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "not empty" in err[0] and "folder" in err[1]
    assert (kept / "thesis.tex").read_text(encoding="utf-8") == "mine"
    assert not (tmp_path / "x.pdf").exists()


def test_report_has_a_robustness_section_only_with_distributions(tmp_path):
    plain = write_report(load_scenario("henan-clusters"), tmp_path / "plain", figures=False, basin_samples=64)
    assert "Robustness" not in (plain / "report.md").read_text(encoding="utf-8")
    uncertain = write_report(load_scenario("henan-uncertain"), tmp_path / "u", figures=False, basin_samples=64, robust_samples=256)
    md = (uncertain / "report.md").read_text(encoding="utf-8")
    assert "## Robustness under uncertain payoffs" in md and "256 worlds" in md
    assert {"robustness.csv", "robustness.tex", "sobol.md"} <= {p.name for p in (uncertain / "tables").iterdir()}
    meta = json.loads((uncertain / "metadata.json").read_text(encoding="utf-8"))
    assert meta["parameters"]["robust_samples"] == 256


SIDE = link_text("bounded transfer", "{ row = { R = 3, S = 0, T = { choice = [4.123456, 4.5], weights = [0.97, 0.03], name = \"x\" }, P = 1 }, col = { R = { choice = [4.123456, 4.5], weights = [0.97, 0.03], name = \"x\" }, S = 0, T = 2.9999, P = 1 } }") + """
[[mechanisms]]
kind = "side_payment"
name = "Tr"
payer = "b"
transfer = 1
"""


def test_a_printed_strength_is_a_value_where_the_target_holds():
    """The transfers that work in 97 % of these worlds lie in (1.123456, 1.123556): rounding the
    threshold up to 1.124 would leave them, so the table prints more digits. Checked on the exact
    single-game path at the printed value (and the rounded-up one, where it fails)."""
    from fractions import Fraction

    from games import Game, SidePayment, apply
    from regions import loads_scenario
    from solver.cooperation import stability
    from solver.robust.scenario import robustness

    s = robustness(loads_scenario(SIDE), samples=64, seed=0).links[0].strengths["Tr"]
    printed = s.text.split("> ")[1]
    assert printed == "1.123456" and s.closed is False

    def level(transfer, x=4.123456):
        game = Game([[3, 0], [x, 1]], [[x, 2.9999], [0, 1]])
        return stability(apply(game, SidePayment(transfer=transfer, payer=1)), basin=False, method="exact").level

    just_above = float(Fraction(printed) + Fraction(1, 10**9))
    assert level(just_above) == "strict" and level(1.124) == "none"
