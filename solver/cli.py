"""The ``intergov`` command line: thin runners over the Python API.

Each command loads its input, calls the library and prints; errors become one line on stderr
and exit status 2 here, at the boundary, and nowhere else.

Examples
--------
>>> main(["solve", "--row", "3,0;5,1", "--col", "3,5;0,1", "--format", "json", "--no-basin"])
{
  "equilibria": [
    {
      "row": [
        0.0,
        1.0
      ],
...
0
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from contextvars import ContextVar
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from games import Game, UserInputError, stage_payoffs
from regions import EntryError, RegionNetwork, builtin_scenarios, builtin_text, load_scenario

from .__main__ import INTERRUPTED
from .basin import DEFAULT_SAMPLES
from .cooperation import LEVELS, stability
from .design import allocate, compare, shapley_surplus, side_payment_reports
from .network import analyze as analyze_network
from .network import link_game
from .progress import reporting, stage
from .stack import parse_mechanism
from .tables import allocation_rows, analysis_rows, budget_line, design_rows, equilibrium_rows, render, render_corner_table, transfer_rows
from .terminal import reporter_for

__all__ = ["app", "main", "parse_matrix"]

# Usage errors are click's ClickException, which newer typer versions vendor: find the class
# through a public typer name so that both kinds of installation work.
_ClickException = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")

app = typer.Typer(
    name="intergov",
    help="Game-theory solver for cooperation between local governments.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def _root(
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress display (shown on a terminal's stderr for work longer than 1.5 s).")
    ] = False,
) -> None:
    """Game-theory solver for cooperation between local governments."""
    # --quiet is read by main() before the command runs (it chooses the progress reporter).


scenarios_app = typer.Typer(help="List the built-in scenarios, or show one as TOML.", invoke_without_command=True)
app.add_typer(scenarios_app, name="scenarios")


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    latex = "latex"


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
NamesOption = Annotated[str, typer.Option("--names", help="Region names in figures and tables: latin, zh (Chinese) or both.")]
FontOption = Annotated[str | None, typer.Option("--font", help="The font (family name or file) for Chinese text; default: an installed CJK font.")]
BasinOption = Annotated[bool, typer.Option("--basin/--no-basin", help="Compute the replicator basin of cooperation.")]
#: The most quasi-Monte-Carlo starts of one basin (10¹² asked for 8 TiB).
MAX_BASIN_SAMPLES = 2**20
BasinSamplesOption = Annotated[
    int, typer.Option("--basin-samples", min=8, max=MAX_BASIN_SAMPLES, help="Quasi-Monte-Carlo starts of each basin of a game larger than 2×2 (2×2: exact).")
]


class InputError(UserInputError):
    """Bad command-line input (reported as one line, exit status 2)."""


def parse_matrix(text: str, option: str) -> list[list[float]]:
    """Parse ``"3,0;5,1"`` (rows separated by ``;``, entries by ``,``) into a matrix.

    >>> parse_matrix("3,0;5,1", "--row")
    [[3.0, 0.0], [5.0, 1.0]]
    >>> parse_matrix("3,x;5,1", "--row")
    Traceback (most recent call last):
    ...
    solver.cli.InputError: --row: row 1, entry 2: 'x' is not a number
    """
    rows = []
    for r, row in enumerate(text.split(";"), 1):
        values = []
        for c, cell in enumerate(row.split(","), 1):
            cell = cell.strip()
            try:
                value = float(cell)
            except ValueError:
                raise InputError(f"{option}: row {r}, entry {c}: {cell!r} is not a number") from None
            if value != value or value in (float("inf"), float("-inf")):
                raise InputError(f"{option}: row {r}, entry {c}: {cell!r} is not a finite number")
            values.append(value)
        rows.append(values)
    if len({len(r) for r in rows}) != 1:
        raise InputError(f"{option}: rows have different lengths {[len(r) for r in rows]}")
    return rows


@scenarios_app.callback()
def scenarios(ctx: typer.Context) -> None:
    """List the built-in scenarios."""
    if ctx.invoked_subcommand is None:
        for name in builtin_scenarios():
            net = load_scenario(name)
            print(f"{name}\t{net.name}: {len(net.regions)} regions, {len(net.links)} links")


@scenarios_app.command("show")
def scenarios_show(name: Annotated[str, typer.Argument(help="Name of a built-in scenario.")]) -> None:
    """Print a built-in scenario's TOML."""
    print(builtin_text(name), end="")


@app.command()
def solve(
    nfg: Annotated[str | None, typer.Argument(help="A Gambit .nfg file (or give --row and --col).")] = None,
    row: Annotated[str | None, typer.Option("--row", help='Row player\'s payoffs, e.g. "3,0;5,1".')] = None,
    col: Annotated[str | None, typer.Option("--col", help='Column player\'s payoffs, e.g. "3,5;0,1".')] = None,
    format: FormatOption = Format.table,
    basin: BasinOption = True,
    basin_samples: BasinSamplesOption = DEFAULT_SAMPLES,
) -> None:
    """Equilibria and cooperation report of one game: from its matrices or a Gambit .nfg file."""
    from games import NfgError, read_nfg

    if nfg is not None:
        if row is not None or col is not None:
            raise InputError("give an .nfg file or --row and --col, not both")
        try:
            game = read_nfg(Path(nfg))
        except NfgError as err:
            raise InputError(str(err)) from err
    else:
        if row is None or col is None:
            raise InputError("give both --row and --col (or an .nfg file)")
        a, b = parse_matrix(row, "--row"), parse_matrix(col, "--col")
        try:
            game = Game(a, b)
        except UserInputError as err:
            raise InputError(f"--row/--col: {err}") from err
    report = stability(game, basin=basin, basin_samples=basin_samples)
    if format is Format.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False, allow_nan=False))
        return
    print(render(equilibrium_rows(report), format.value))
    if format is Format.table:
        c = report.to_dict()["cooperation"]
        basin_text = "" if report.basin is None else f", basin {report.basin.text}"
        print(
            f"\ncooperation: level {c['level']} (nash {c['nash']}, strict {c['strict']}, unique {c['unique']}, "
            f"dominant {c['dominant']}, risk-dominant {c['risk_dominant']}{basin_text}); game type: {report.game_type}"
        )
        for note in report.notes:
            print(f"note: {note}")


def _with_mechanisms(network: RegionNetwork, texts: list[str]) -> RegionNetwork:
    """The network with the command line's ``--mechanism`` entries added (checked)."""
    for text in texts:
        try:
            network = network.with_mechanisms(parse_mechanism(text))
        except EntryError as err:
            raise InputError(f"--mechanism {text!r}: field '{err.field}': {err.detail}") from err
    return network


MechanismOption = Annotated[
    list[str] | None,
    typer.Option("--mechanism", "-m", help='Add a mechanism: "higher_level_guidance subsidy=1 by=zhejiang" (repeatable).'),
]


@app.command()
def analyze(
    scenario: Annotated[str, typer.Argument(help="A scenario file or the name of a built-in scenario.")],
    format: FormatOption = Format.table,
    basin: BasinOption = True,
    mechanism: MechanismOption = None,
    basin_samples: BasinSamplesOption = DEFAULT_SAMPLES,
) -> None:
    """Equilibria and cooperation level of every cluster link, in the status quo and with mechanisms."""
    network = _with_mechanisms(_load(scenario), mechanism or [])
    result = analyze_network(network, basin=basin, basin_samples=basin_samples)
    if format is Format.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False, allow_nan=False))
        return
    print(render(analysis_rows(result), format.value))
    if format is Format.table:
        s, quo = result.summary, result.status_quo()
        print(
            f"\n{result.scenario}: cooperation stable on {s['stable_share']:.0%} of link weight in the status quo "
            f"({sum(r.report.stable for r in quo)} of {s['links']} links), "
            f"on {s['with_mechanisms']['stable_share']:.0%} with all of the scenario's mechanisms"
        )


def _parse_budget(text: str) -> tuple[str, float]:
    gov, sep, amount = text.partition("=")
    try:
        value = float(amount)
    except ValueError:
        value = float("nan")
    if not sep or not gov or value != value or value < 0 or value == float("inf"):
        raise InputError(f"--budget {text!r}: expected GOV=AMOUNT with a non-negative number, e.g. zhejiang=2.5")
    return gov, value


TargetOption = Annotated[str, typer.Option("--target", "-t", help="Level to reach: dominant, unique, risk-dominant, strict, weak.")]
BudgetOption = Annotated[list[str] | None, typer.Option("--budget", "-b", help="GOV=AMOUNT, a government's budget (repeatable).")]
MenuOption = Annotated[
    str | None, typer.Option("--menu", help="A TOML file of options to fund (see docs/tutorial.md); default: the scenario's mechanisms and a subsidy.")
]


def _budgets(network, budget: list[str] | None, menu: str | None) -> tuple[dict[str, float], dict | None]:
    """The budgets and the menu (None: the default menu) given by --budget and --menu."""
    from .design.menu import read_menu

    budgets = dict(_parse_budget(b) for b in budget or [])
    for gov in budgets:
        if gov not in network.regions:
            raise InputError(f"--budget: '{gov}' is not a region of {network.name}")
    if menu is not None and not budgets:
        raise InputError("--menu needs at least one --budget GOV=AMOUNT")
    return budgets, (read_menu(menu, network) if menu is not None else None)


def _plan(network, budget: list[str] | None, menu: str | None, target: str):
    """The budget allocation asked for on the command line, or None without --budget."""
    budgets, options = _budgets(network, budget, menu)
    return allocate(network, budgets, options, target=target) if budgets else None


@app.command()
def design(
    scenario: Annotated[str, typer.Argument(help="A scenario file or the name of a built-in scenario.")],
    target: Annotated[str, typer.Option("--target", "-t", help="Level to reach: dominant, unique, risk-dominant, strict, weak.")] = "strict",
    budget: BudgetOption = None,
    menu: MenuOption = None,
    format: FormatOption = Format.table,
) -> None:
    """Each mechanism's minimal strength, cost and payer on every link; with budgets, what to fund."""
    if target not in LEVELS[:-1]:
        raise InputError(f"--target: '{target}' is not one of {', '.join(LEVELS[:-1])}")
    network = _load(scenario)
    plan = _plan(network, budget, menu, target)
    comparison = compare(network, target=target)
    transfers = side_payment_reports(network)
    surplus = shapley_surplus(network)
    if format is Format.json:
        out = comparison.to_dict()
        out["side_payments"] = [
            {
                "between": list(link.between),
                "fair": {"transfer": r.fair.transfer, "payer": link.between[r.fair.payer]},
                "stabilizing": {"transfer": r.stabilizing.transfer, "payer": link.between[r.stabilizing.payer]},
                "thresholds": r.thresholds,
                "common_threshold": r.common_threshold,
                "conflict": r.conflict,
            }
            for link, r in transfers
        ]
        out["surplus"] = {"shapley": surplus.values, "total": surplus.total, "in_core": surplus.in_core}
        if plan is not None:
            out["allocation"] = plan.to_dict()
        print(json.dumps(out, indent=2, ensure_ascii=False, allow_nan=False))
        return
    rows = design_rows(comparison)
    print(f"{network.name}: minimal strength of each mechanism for cooperation at least {target}\n")
    print(render(rows, format.value))
    side = transfer_rows(network)
    if side:
        print("\nSide payments on asymmetric links (Nash bargaining vs threshold balancing):\n")
        print(render(side, format.value))
    core = {True: "in the core", False: "not in the core", None: "core membership undecided"}[surplus.in_core]
    shares = ", ".join(f"{k} {v:.4g}" for k, v in surplus.values.items())
    print(f"\nShapley division of the cooperative surplus ({surplus.total:.4g}): {shares}; {core}.")
    if plan is not None:
        print("\nBudget allocation (maximize the weight of links at the target, then minimize spend):\n")
        print(render(allocation_rows(plan), format.value))
        print(f"\n{budget_line(plan)}")


class Kind(str, Enum):
    payoff_matrix = "payoff-matrix"
    best_responses = "best-responses"
    replicator_flow = "replicator-flow"
    phase_diagram = "phase-diagram"
    network_map = "network-map"
    mechanism_comparison = "mechanism-comparison"
    threshold_curve = "threshold-curve"


def _span(text: str, option: str) -> tuple[str, float, float]:
    name, _, rest = text.partition(":")
    low, _, high = rest.partition(":")
    try:
        lo, hi = float(low), float(high)
    except ValueError:
        raise InputError(f"{option} {text!r}: expected NAME:LOW:HIGH, e.g. subsidy:0:4") from None
    if not name or not (lo < hi) or lo != lo or hi != hi:
        raise InputError(f"{option} {text!r}: expected NAME:LOW:HIGH with LOW < HIGH")
    return name, lo, hi


#: Notes for stderr, said once the command has succeeded: a refusal stays one line.
_NOTES: ContextVar[list[str] | None] = ContextVar("intergov_notes", default=None)


def _note(text: str) -> None:
    """A note on stderr: held until the command succeeds (printed at once outside :func:`main`)."""
    held = _NOTES.get()
    if held is None:
        print(text, file=sys.stderr)
    else:
        held.append(text)


def _load(scenario: str, sampled_by: str = "`intergov robustness` samples them") -> RegionNetwork:
    """A scenario for a command that computes at one point: with distributions, their central
    values, said once on stderr (only `intergov robustness` and the report's robustness section
    sample them)."""
    with stage(f"reading {scenario}"):
        network = load_scenario(scenario)
    if network.uncertainty is not None:
        from .design.gaps import fmt

        central = network.uncertainty.central
        shown = ", ".join(f"{name} = {fmt(value)}" for name, value in list(central.items())[:4]) + (" …" if len(central) > 4 else "")
        _note(f"note: {len(central)} uncertain quantities at their central values ({shown}); {sampled_by}")
    return network


def _check_font(font: str | None) -> None:
    """A --font that names no installed font is an error before any work."""
    if font:
        from .plots.fonts import use_font

        with use_font(font):
            pass


def _named(network: RegionNetwork, names: str, font: str | None = None) -> RegionNetwork:
    """The network with the display names asked for; a missing CJK font is an error before any work."""
    from regions import NAME_STYLES

    from .plots.fonts import require_font

    if names not in (*NAME_STYLES, "en"):
        raise InputError(f"--names {names!r}: use one of {', '.join(NAME_STYLES)}")
    named = network.named(names)
    require_font([r.name for r in named.regions.values()], font)
    return named


def _pick_link(network: RegionNetwork, text: str) -> Any:
    """The link named ``A-B`` (or ``A–B``, either order): every place of a hyphen is tried, so
    ids holding hyphens work; a name that fits two links is refused, not guessed."""
    dash = "–" if "–" in text else "-"  # an en dash, when given, is the one place to cut
    cuts = [i for i, ch in enumerate(text) if ch == dash]
    pairs = {frozenset((text[:i], text[i + 1 :])) for i in cuts}
    found = [k for k in network.links if frozenset(k.between) in pairs]
    distinct = list(dict.fromkeys(frozenset(k.between) for k in found))
    if not found:
        raise InputError(f"--link {text!r}: no such link in {network.name}")
    if len(distinct) > 1:
        shown = " and ".join("–".join(next(k.between for k in found if frozenset(k.between) == pair)) for pair in distinct)
        raise InputError(f"--link {text!r}: fits {shown}; write it with an en dash between the two ids (A–B)")
    return found[0]


def _plot_game(scenario: str | None, row: str | None, col: str | None, link: str | None, mechanism: list[str], names: str = "latin") -> tuple:
    """The game to plot, its mechanisms, and the network (None for --row/--col)."""
    from games import Game as _Game
    from games import mechanism_from_dict

    if (row is None) != (col is None):
        raise InputError("give both --row and --col, or a scenario")
    if row is not None:
        if scenario:
            raise InputError("give a scenario or --row/--col, not both")
        game = _Game(parse_matrix(row, "--row"), parse_matrix(col, "--col"))
        mechs = []
        for text in mechanism:
            spec = parse_mechanism(text)
            params = dict(spec.parameters)
            if "payer" in params:
                raise InputError(f"--mechanism {text!r}: with --row/--col a side payment's payer is 0 or 1; use a scenario")
            mechs.append(mechanism_from_dict(spec.kind, params))
        return game, mechs, None, None
    if not scenario:
        raise InputError("give a scenario (a file or a built-in name) or --row and --col")
    network = _named(_with_mechanisms(_load(scenario), mechanism), names)
    chosen = network.links[0] if network.links else None
    if link:
        chosen = _pick_link(network, link)
    if chosen is None:
        raise InputError(f"{scenario}: the scenario has no links")
    from .stack import to_mechanism

    specs = [network.mechanisms[-k] for k in range(len(mechanism), 0, -1)] if mechanism else []
    mechs = [to_mechanism(spec, chosen) for spec in specs]
    return link_game(network, chosen), mechs, network, chosen


@app.command()
def plot(
    kind: Annotated[Kind, typer.Argument(help="The figure.")],
    scenario: Annotated[str | None, typer.Argument(help="A scenario file or a built-in name (or give --row/--col).")] = None,
    out: Annotated[str, typer.Option("--out", "-o", help="Output file; .pdf, .svg or .png.")] = "figure.pdf",
    row: Annotated[str | None, typer.Option("--row", help='Row payoffs, e.g. "3,0;5,1".')] = None,
    col: Annotated[str | None, typer.Option("--col", help='Column payoffs, e.g. "3,5;0,1".')] = None,
    link: Annotated[str | None, typer.Option("--link", help="Which link of the scenario, e.g. yongkang-jinyun.")] = None,
    mechanism: MechanismOption = None,
    x: Annotated[str, typer.Option("--x", help="Phase diagram: NAME:LOW:HIGH.")] = "",
    y: Annotated[str, typer.Option("--y", help="Phase diagram: NAME:LOW:HIGH.")] = "detection:0:1",
    points: Annotated[int, typer.Option("--points", help="Grid points per axis (phase diagram, threshold curve).")] = 41,
    vary: Annotated[str, typer.Option("--vary", help="Threshold curve: PAYOFF:LOW:HIGH, e.g. T:3.5:8.")] = "",
    parameter: Annotated[str, typer.Option("--parameter", help="Threshold curve: the mechanism parameter.")] = "discount",
    target: TargetOption = "strict",
    names: NamesOption = "latin",
    font: FontOption = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    sweep_file: Annotated[str | None, typer.Option("--sweep", help="Phase diagram: draw from a sweep table (.csv/.parquet) over --x and --y.")] = None,
) -> None:
    """Draw one figure; the format follows the file extension."""
    import numpy as np

    from games import HigherLevelGuidance, RepeatedPlay, apply

    from .basin import basin_of_cooperation, default_starts, trajectories
    from .design.phase import phase_grid, threshold_sweep
    from .nash import equilibria
    from .plots import (
        best_responses,
        mechanism_comparison,
        network_map,
        payoff_matrix,
        phase_diagram,
        replicator_flow,
        save_figure,
        threshold_curve,
    )

    target_path = Path(out)
    if target_path.suffix.lower() not in (".pdf", ".svg", ".png"):
        raise InputError(f"--out {out!r}: the format follows the extension; use .pdf, .svg or .png")
    if target_path.exists() and not force:
        raise InputError(f"--out {out!r}: the file exists; use --force to overwrite it")
    if target not in LEVELS[:-1]:
        raise InputError(f"--target: '{target}' is not one of {', '.join(LEVELS[:-1])}")
    if points < 3 or points > 401:
        raise InputError(f"--points {points}: use 3 to 401")
    from .plots.fonts import use_font

    with use_font(font):
        if sweep_file is not None:
            if kind is not Kind.phase_diagram:
                raise InputError("--sweep draws a phase-diagram")
            from .sweep import SweepError, phase_from_table

            xn, yn = x.split(":")[0], y.split(":")[0]
            try:
                fig = phase_diagram(phase_from_table(sweep_file, xn, yn))
            except SweepError as err:
                raise InputError(str(err)) from err
        elif kind in (Kind.network_map, Kind.mechanism_comparison):
            if not scenario or row is not None:
                raise InputError(f"{kind.value} needs a scenario")
            network = _named(_with_mechanisms(_load(scenario), mechanism or []), names)
            if kind is Kind.network_map:
                fig = network_map(
                    network,
                    analyze_network(network, basin=False),
                    mechanism="all together" if network.mechanisms else "status quo",
                )
            else:
                fig = mechanism_comparison(compare(network, target=target), names=network)
        else:
            game, mechs, _network, _link = _plot_game(scenario, row, col, link, mechanism or [], names)
            shown = apply(game, *mechs) if mechs else game
            if kind is Kind.payoff_matrix:
                if mechs:
                    fig = payoff_matrix(
                        game,
                        equilibria(game),
                        other=shown,
                        other_equilibria=equilibria(shown),
                        titles=("status quo", " + ".join(m.describe() for m in mechs)),
                    )
                else:
                    fig = payoff_matrix(game, equilibria(game))
            elif kind in (Kind.best_responses, Kind.replicator_flow):
                if shown.shape != (2, 2):
                    raise InputError(f"{kind.value} needs a 2×2 game; this one is {shown.shape[0]}×{shown.shape[1]}")
                if kind is Kind.best_responses:
                    fig = best_responses(shown, equilibria(shown))
                else:
                    starts = default_starts(shown)
                    fig = replicator_flow(shown, basin=basin_of_cooperation(shown), trajectories=trajectories(shown, starts), equilibria=equilibria(shown))
            elif kind is Kind.phase_diagram:
                if game.shape != (2, 2):
                    raise InputError("phase-diagram needs a 2×2 stage game")
                if not mechs and not x and y == "detection:0:1":
                    # The link's own guidance (operating point starred), else a hypothetical one: as the report and gallery.
                    from .design.phase import guided_phase, link_phase

                    grid = link_phase(_network, _link, points=points) if _network is not None else guided_phase(game, None, points=points)
                else:
                    rows, cols = stage_payoffs(game)
                    gap = max(rows.T - rows.R, cols.T - cols.R, rows.P - rows.S, cols.P - cols.S, 1e-9)
                    stack = mechs or [HigherLevelGuidance(penalty=gap)]
                    xn, xl, xh = _span(x or f"subsidy:0:{1.5 * gap:g}", "--x")
                    yn, yl, yh = _span(y, "--y")
                    for name, option in ((xn, "--x"), (yn, "--y")):
                        if not any(name in type(m).RANGES for m in stack):
                            known = sorted({p for m in stack for p in type(m).RANGES})
                            raise InputError(f"{option}: no mechanism here has a parameter {name!r}; parameters: {', '.join(known)}")
                    try:
                        grid = phase_grid(game, stack, (xn, np.linspace(xl, xh, points)), (yn, np.linspace(yl, yh, points)))
                    except UserInputError as err:
                        raise InputError(f"phase-diagram: {err}") from err
                    if not mechs:  # a stand-in guidance: no operating point of the scenario to mark
                        grid = dataclasses.replace(grid, operating=None, title="a hypothetical guidance, penalty the largest payoff gap")
                fig = phase_diagram(grid)
            else:
                if game.shape != (2, 2):
                    raise InputError("threshold-curve needs a 2×2 stage game")
                from .design.phase import temptation_values

                if vary:
                    payoff, lo, hi = _span(vary, "--vary")
                    sampled = np.linspace(lo, hi, points)
                else:  # round values of T from the reward up (solver.design.phase.temptation_values)
                    payoff, sampled = "T", temptation_values(game)
                if payoff not in ("R", "S", "T", "P"):
                    raise InputError(f"--vary: '{payoff}' is not one of R, S, T, P")
                template = mechs[-1] if mechs else RepeatedPlay()
                if parameter not in type(template).RANGES:
                    raise InputError(f"--parameter: {type(template).__name__} has no parameter {parameter!r}; parameters: {', '.join(type(template).RANGES)}")
                try:
                    curve = threshold_sweep(game, template, parameter, payoff, sampled, target=target, others=tuple(mechs[:-1]))
                except UserInputError as err:
                    raise InputError(f"threshold-curve: {err}") from err
                fig = threshold_curve(curve)
    from regions import atomic_write

    atomic_write(target_path, lambda tmp: save_figure(fig, tmp))
    print(f"wrote {target_path}")


@app.command()
def report(
    scenario: Annotated[str, typer.Argument(help="A scenario file or the name of a built-in scenario.")],
    out: Annotated[str, typer.Option("--out", "-o", help="The report folder (must be new or empty).")],
    force: Annotated[bool, typer.Option("--force", help="Replace a non-empty folder.")] = False,
    target: TargetOption = "strict",
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of every random choice.")] = 0,
    budget: BudgetOption = None,
    menu: MenuOption = None,
    basin_samples: BasinSamplesOption = DEFAULT_SAMPLES,
    names: NamesOption = "latin",
    font: FontOption = None,
    robust_samples: Annotated[
        int, typer.Option("--robust-samples", help="With distributions in the scenario: sampled worlds of the robustness section.")
    ] = 4096,
) -> None:
    """Write a report folder: report.md with figures inline, report.tex, tables, figures, metadata.json."""
    from .report import ReportError, write_report

    if target not in LEVELS[:-1]:
        raise InputError(f"--target: '{target}' is not one of {', '.join(LEVELS[:-1])}")
    if not 64 <= robust_samples <= MAX_SAMPLES:
        raise InputError(f"--robust-samples {robust_samples}: use 64 to {MAX_SAMPLES:,}")
    network = _load(scenario, "the report's robustness section samples them (--robust-samples)")
    budgets, options = _budgets(network, budget, menu)
    path = Path(scenario)
    text = path.read_text(encoding="utf-8") if path.is_file() else builtin_text(scenario)
    try:
        folder = write_report(
            network, out, force=force, target=target, seed=seed, scenario_text=text, scenario_ref=scenario, budgets=budgets, menu=options,
            basin_samples=basin_samples, names=names, font=font, robust_samples=robust_samples,
        )
    except ReportError as err:
        raise InputError(str(err)) from err
    print(f"wrote {folder}/report.md")


evolve_app = typer.Typer(help="Evolutionary dynamics: the three-party game, or imitation on a graph.", no_args_is_help=True)
app.add_typer(evolve_app, name="evolve")

_THREE_PARTY_KEYS = ("synergy", "cost", "spillover", "subsidy", "fine", "supervision_cost", "accountability", "dynamic")


def _three_party_file(path: str) -> dict:
    """Parameters of the three-party game from a TOML file's [three_party] table."""
    from regions import read_toml
    from regions.network import did_you_mean

    doc = read_toml(path, InputError)
    table = doc.get("three_party")
    if not isinstance(table, dict):
        raise InputError(f"{path}: [three_party] is missing (a table with {', '.join(_THREE_PARTY_KEYS)})")
    for key in table:
        if key not in _THREE_PARTY_KEYS:
            raise InputError(f"{path}: [three_party], field '{key}': unknown key{did_you_mean(key, _THREE_PARTY_KEYS)}")
    return dict(table)


def _numbers(text: str, option: str, count: int) -> tuple[float, ...]:
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        raise InputError(f"{option} {text!r}: expected {count} comma-separated numbers") from None
    if len(values) != count:
        raise InputError(f"{option} {text!r}: expected {count} comma-separated numbers")
    return values


@evolve_app.command("three-party")
def evolve_three_party(
    params: Annotated[str | None, typer.Option("--params", help="A TOML file with a [three_party] table.")] = None,
    synergy: Annotated[str | None, typer.Option("--synergy", help="αΔR of A and B, e.g. 6,6.")] = None,
    cost: Annotated[str | None, typer.Option("--cost", help="C of A and B, e.g. 3,3.")] = None,
    spillover: Annotated[str | None, typer.Option("--spillover", help="E of A and B, e.g. 2,2.")] = None,
    subsidy: Annotated[float | None, typer.Option("--subsidy", help="s: H's subsidy to a cooperating region under strict supervision.")] = None,
    fine: Annotated[float | None, typer.Option("--fine", help="f: H's fine on a defecting region under strict supervision.")] = None,
    supervision_cost: Annotated[float | None, typer.Option("--supervision-cost", help="C_H: H's cost of strict supervision.")] = None,
    accountability: Annotated[float | None, typer.Option("--accountability", help="W: H's loss per defecting region left unpunished.")] = None,
    dynamic: Annotated[bool, typer.Option("--dynamic", help="Subsidy and fine falling with cooperation.")] = False,
    start: Annotated[list[str] | None, typer.Option("--start", help="x,y,z of a trajectory (repeatable).")] = None,
    t_end: Annotated[float, typer.Option("--t-end", min=1e-3, max=1e6, help="Integration time of each trajectory.")] = 200.0,
    format: FormatOption = Format.table,
    plot: Annotated[str | None, typer.Option("--plot", help="Also draw the trajectories in the cube to this file.")] = None,
    font: FontOption = None,
) -> None:
    """The corner table of the three-party game and where trajectories end."""
    _check_font(font)
    from games import ThreeParty

    from .dynamics import corner_table, trajectory

    values = _three_party_file(params) if params else {}
    for name, text in (("synergy", synergy), ("cost", cost), ("spillover", spillover)):
        if text is not None:
            values[name] = _numbers(text, f"--{name}", 2)
    for name, value in (("subsidy", subsidy), ("fine", fine), ("supervision_cost", supervision_cost), ("accountability", accountability)):
        if value is not None:
            values[name] = value
    if dynamic:
        values["dynamic"] = True
    try:
        model = ThreeParty(**values)
    except UserInputError as err:
        raise InputError(f"{params + ': ' if params else ''}{err}") from err
    starts = [_numbers(s, "--start", 3) for s in start or ["0.2,0.2,0.2", "0.5,0.5,0.5", "0.8,0.3,0.1"]]
    table = corner_table(model)
    try:
        runs = [(s, trajectory(model, s, t_end)) for s in starts]
    except UserInputError as err:
        raise InputError(f"--start: {err}") from err
    if format is Format.json:
        out = {
            "model": {k: getattr(model, k) for k in _THREE_PARTY_KEYS},
            "rest_points": [row.to_dict() for row in table],
            "trajectories": [
                {"start": list(s), "outcome": r.outcome, "final": r.final, "cycling": r.cycling, "cycle": [list(c) for c in r.cycle], "note": r.note}
                for s, r in runs
            ],
        }
        print(json.dumps(out, indent=2, ensure_ascii=False, allow_nan=False))
    else:
        print(render_corner_table(table, format.value))
        if format is Format.table:
            print()
            for s, r in runs:
                end = "(" + ", ".join(f"{v:.4g}" for v in r.final) + ")" if r.final else r.note
                print(f"from ({', '.join(f'{v:g}' for v in s)}): {end}")
    if plot:
        from .plots import cube_trajectories, save_figure
        from .plots.fonts import use_font

        with use_font(font):
            figure = cube_trajectories([r for _, r in runs], stable=[row.corner for row in table.stable])
        save_figure(figure, plot)


def _graph(spec: str):
    """A generated graph: lattice:WxH, random-regular:N:D, scale-free:N:M, complete:N, small-world:N:K:P."""
    import networkx as nx

    kind, _, rest = spec.partition(":")
    parts = rest.replace("x", ":").split(":") if rest else []
    try:
        if kind == "lattice" and len(parts) == 2:
            return nx.grid_2d_graph(int(parts[0]), int(parts[1]), periodic=True)
        if kind == "random-regular" and len(parts) == 2:
            return nx.random_regular_graph(int(parts[1]), int(parts[0]), seed=0)
        if kind == "scale-free" and len(parts) == 2:
            return nx.barabasi_albert_graph(int(parts[0]), int(parts[1]), seed=0)
        if kind == "complete" and len(parts) == 1:
            return nx.complete_graph(int(parts[0]))
        if kind == "small-world" and len(parts) == 3:
            return nx.watts_strogatz_graph(int(parts[0]), int(parts[1]), float(parts[2]), seed=0)
    except (ValueError, nx.NetworkXError) as err:
        raise InputError(f"--graph {spec!r}: {err}") from err
    raise InputError(f"--graph {spec!r}: use lattice:WxH, random-regular:N:D, scale-free:N:M, complete:N or small-world:N:K:P")


@evolve_app.command("network")
def evolve_network(
    scenario: Annotated[str | None, typer.Argument(help="A scenario (each link plays its own game) — or give --graph.")] = None,
    graph: Annotated[str | None, typer.Option("--graph", help="lattice:WxH, random-regular:N:D, scale-free:N:M, complete:N, small-world:N:K:P.")] = None,
    game_text: Annotated[str, typer.Option("--game", help="R,S,T,P of the game on a generated graph.")] = "3,0,5,1",
    payoffs: Annotated[
        str, typer.Option("--payoffs", help="accumulated (sum over links; Santos–Pacheco) or average (per unit of link weight; Szolnoki, Maciejewski).")
    ] = "accumulated",
    rule: Annotated[str, typer.Option("--rule", help="fermi, death-birth or best-neighbour.")] = "fermi",
    steps: Annotated[int, typer.Option("--steps")] = 1000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the first run (the others follow).")] = 0,
    seeds: Annotated[int, typer.Option("--seeds", help="Runs to average (seeds seed … seed+N−1).")] = 1,
    beta: Annotated[float, typer.Option("--beta", min=0.0, max=1e6, help="Selection strength (0 to 10⁶; beyond, imitation is a step function).")] = 1.0,
    asynchronous: Annotated[bool, typer.Option("--async", help="A random 10% of regions revise per step.")] = False,
    self_interaction: Annotated[bool, typer.Option("--self-interaction", help="Each region also plays against itself (Nowak and May 1992).")] = False,
    initial: Annotated[float, typer.Option("--initial", help="Initial share cooperating.")] = 0.5,
    plot: Annotated[str | None, typer.Option("--plot", help="Draw the cooperation share over time to this file.")] = None,
    format: FormatOption = Format.table,
    font: FontOption = None,
) -> None:
    """Imitation dynamics of cooperation on the region graph or a generated graph."""
    _check_font(font)
    from games import stage_game

    from .dynamics import PAYOFFS, RULES, cooperation_dominant, evolve_many

    if (scenario is None) == (graph is None):
        raise InputError("give a scenario or --graph (one of them)")
    if rule not in RULES:
        raise InputError(f"--rule: '{rule}' is not one of {', '.join(RULES)}")
    if payoffs not in PAYOFFS:
        if payoffs.count(",") == 3:  # the former spelling of --game R,S,T,P
            game_text, payoffs = payoffs, "accumulated"
        else:
            raise InputError(f"--payoffs: '{payoffs}' is not one of {', '.join(PAYOFFS)}")
    if seeds < 1 or steps < 0:
        raise InputError("--seeds must be ≥ 1 and --steps ≥ 0")
    if scenario is not None:
        G, game = _load(scenario), None
    else:
        G = _graph(graph)
        r, s, t, p = _numbers(game_text, "--game", 4)
        game = stage_game({"R": r, "S": s, "T": t, "P": p})
    try:
        result = evolve_many(
            G,
            game,
            seeds=range(seed, seed + seeds),
            rule=rule,
            steps=steps,
            beta=beta,
            synchronous=not asynchronous,
            self_interaction=self_interaction,
            initial=initial,
            payoffs=payoffs,
        )
        dominant = cooperation_dominant(G, game)
    except UserInputError as err:
        raise InputError(str(err)) from err
    marks = sorted({0, steps // 4, steps // 2, 3 * steps // 4, steps})
    ci = f"{result.confidence:.0%} CI"  # Student-t interval of the mean over seeds, cut to [0, 1]
    rows = [
        {"step": k, "share cooperating": f"{result.mean[k]:.4f}", f"{ci} low": f"{result.low[k]:.4f}", f"{ci} high": f"{result.high[k]:.4f}"}
        for k in marks
    ]
    if format is Format.json:
        out = {"rule": rule, "payoffs": payoffs, "seeds": list(result.seeds), "mean": result.mean.tolist(), "final_shares": result.final_shares.tolist()}
        print(json.dumps(out, indent=2, allow_nan=False))
    else:
        print(render(rows, format.value))
        if dominant and result.mean[-1] < 0.5:
            if payoffs == "accumulated":
                reason = "accumulated payoffs: high-degree defectors out-earn cooperators; try --payoffs average"
            else:
                reason = "imitation compares payoffs with neighbours', not with switching: a defector among cooperators earns T, a cooperator among defectors S"
            print(f"note: cooperation is dominant on every link, yet {result.mean[-1]:.0%} cooperate at the end — {reason}")
        repeated = [m.name or m.kind for m in G.mechanisms if m.kind == "repeated_play"] if scenario is not None else []
        if repeated and result.mean[-1] < 0.5:
            print(
                f"note: {result.mean[-1]:.0%} cooperate at the end, while `analyze` counts {', '.join(repeated)}: imitation plays each"
                " link's one-shot stage game with the stage mechanisms only — repeated play is not part of it"
            )
    if plot:
        from .plots import cooperation_over_time, save_figure
        from .plots.fonts import use_font

        with use_font(font):
            figure = cooperation_over_time(result)
        save_figure(figure, plot)


class ModelFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"
    latex = "latex"


#: Largest number of populations whose rest points off the corners are searched (3^K − 2^K faces).
_MODEL_REST_POINTS_K = 4


def _model_source(file: str | None, builtin: str | None, scenario: str | None, link: str | None, names: str = "latin") -> tuple:
    """The model to derive and notes on what it leaves out."""
    from games.model import Model, builtin_model

    if sum(x is not None for x in (file, builtin, scenario)) != 1:
        raise InputError("give one model: a FILE, --builtin NAME, or --scenario S --link A-B")
    if link is not None and scenario is None:
        raise InputError("--link needs --scenario")
    if file is not None:
        return Model.from_toml(file), []
    if builtin is not None:
        return builtin_model(builtin), []
    from .dynamics.link_model import left_out, link_model

    network = _named(_load(scenario), names)
    if link is None:
        raise InputError(f"--scenario {scenario}: give --link A-B, one of {', '.join('-'.join(k.between) for k in network.links[:10])}")
    chosen = _pick_link(network, link)
    notes = [f"note: {label} is not a stage mechanism and is not part of this model" for label in left_out(network, chosen)]
    return link_model(network, chosen), notes


def _assignments(texts: list[str]) -> dict[str, str]:
    out = {}
    for text in texts:
        name, sep, value = text.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise InputError(f"--set {text!r}: expected NAME=VALUE, e.g. C=5")
        out[name.strip()] = value.strip()
    return out


def _sweep_spec(text: str, model) -> tuple[str, list[float]]:
    import numpy as np

    from games.expr import did_you_mean

    name, sep, rest = text.partition("=")
    parts = rest.split(":")
    if not sep or len(parts) != 3:
        raise InputError(f"--sweep {text!r}: expected NAME=LO:HI:N, e.g. s=0:4:41")
    name = name.strip()
    if name not in model.parameters:
        raise InputError(f"--sweep {text!r}: no parameter {name!r}{did_you_mean(name, model.parameters)}")
    try:
        lo, hi, n = float(parts[0]), float(parts[1]), int(parts[2])
    except ValueError:
        raise InputError(f"--sweep {text!r}: LO and HI must be numbers and N a whole number") from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi) or not 2 <= n <= 1000:
        raise InputError(f"--sweep {text!r}: need finite LO < HI and 2 ≤ N ≤ 1000")
    return name, [float(v) for v in np.linspace(lo, hi, n)]


def _write_folder(out: str, force: bool, texts: dict[str, str], figures: dict) -> Path:
    """Write the files and figures into a new folder, atomically: a temporary folder beside
    ``out`` that replaces it in one step; on failure nothing changes."""
    from regions.scenario import atomic_folder

    from .plots import save_figure

    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"--out {out}: exists and is not a folder")
    _check_out_folder(out, force)
    with atomic_folder(folder) as work:
        for name, text in texts.items():
            (work / name).write_text(text, encoding="utf-8")
        if figures:
            (work / "figures").mkdir()
            for name, fig in figures.items():
                for ext in ("pdf", "png"):
                    save_figure(fig, work / "figures" / f"{name}.{ext}")
    return folder


@evolve_app.command("model")
def evolve_model(
    file: Annotated[str | None, typer.Argument(help="A model file (TOML; docs/models.md).")] = None,
    builtin: Annotated[str | None, typer.Option("--builtin", help="A bundled model, e.g. three-party.")] = None,
    scenario: Annotated[str | None, typer.Option("--scenario", help="A scenario: the model of one of its links (with --link).")] = None,
    link: Annotated[str | None, typer.Option("--link", help="The scenario's link, e.g. wuyi-jinyun.")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="NAME=VALUE: change a parameter (repeatable).")] = None,
    sweep_: Annotated[str | None, typer.Option("--sweep", help="NAME=LO:HI:N: each corner's verdict and the long-run shares over N values.")] = None,
    t_end: Annotated[float, typer.Option("--t-end", min=1e-3, max=1e6, help="Integration time of each trajectory.")] = 200.0,
    format: Annotated[ModelFormat, typer.Option("--format", "-f", help="Output format.")] = ModelFormat.text,
    out: Annotated[str | None, typer.Option("--out", "-o", help="Write derivation.md/.tex/.json and figures to this new folder.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace a non-empty --out folder.")] = False,
    plot: Annotated[str | None, typer.Option("--plot", help="Draw a figure (.pdf, .svg, .png): the sweep, the cube (K = 3) or the shares over time.")] = None,
    names: NamesOption = "latin",
    font: FontOption = None,
    samples: Annotated[
        str | None,
        typer.Option("--samples", help="With parameters given as distributions: sampled parameter sets for each corner's P(stable) (QMC: 8 scramblings)."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the --samples draws.")] = 0,
) -> None:
    """The derivation of an evolutionary model: replicator equations, corner eigenvalues, stability conditions, rest points."""
    from .dynamics import ModelDynamics, derive, trajectory
    from .dynamics.derive import MAX_REST_FACES, check_derivable
    from .dynamics.model_sweep import default_starts, sweep_model
    from .tables import model_json, render_model

    if samples is not None:
        text = samples.strip().replace("_", "")
        if not text.isdigit() or not 64 <= int(text) <= MAX_SAMPLES:
            raise InputError(f"--samples {samples}: use a whole number from 64 to {MAX_SAMPLES:,}")

    if not (t_end > 0 and t_end < 1e6):
        raise InputError("--t-end must be a positive number below 1e6")
    if out is not None:
        _check_out_folder(out, force)  # before any work (a second run found the folder after it)
    from .plots.fonts import use_font

    with use_font(font):
        model, notes = _model_source(file, builtin, scenario, link, names)
    check_derivable(model, file)
    overrides = _assignments(set_ or [])
    if overrides:
        model = model.with_values(**overrides)
    uncertain = getattr(model, "uncertainty", None)
    robust = None
    if samples is not None and uncertain is None:
        raise InputError(f"--samples {samples}: the model has no uncertain parameter; give one as a distribution, e.g. s = {{ uniform = [1, 3] }}")
    if samples is not None:
        from .dynamics.model_robust import model_robustness

        robust = model_robustness(model, int(samples.strip().replace("_", "")), seed=seed)
    elif uncertain is not None:
        values = {n: model.parameters[n].value for n in uncertain.names}
        shown = {n: str(v) if v.denominator == 1 else f"{float(v):.6g}" for n, v in values.items()}
        laws = "; ".join(f"{q.name} = {shown[q.name]}: {q.distribution.describe()}" for q in uncertain.quantities)
        many = len(values) != 1
        at = f"{len(values)} uncertain parameter{'s' if many else ''} at {'their central values' if many else 'its central value'}"
        _note(f"note: {at} ({laws}); --samples N samples them")
    k_count = len(model.populations)
    derivation = derive(model, rest_points=k_count <= _MODEL_REST_POINTS_K)
    if k_count > _MODEL_REST_POINTS_K:
        notes.append(f"note: rest points off the corners are searched for at most {_MODEL_REST_POINTS_K} populations")
    elif derivation.unsearched_faces:
        notes.append(f"note: rest points off the corners were not searched: {derivation.unsearched_faces:,} faces, more than {MAX_REST_FACES:,}")
    swept = None
    if sweep_ is not None:
        name, values = _sweep_spec(sweep_, model)
        swept = sweep_model(model, name, values, t_end=t_end)
    payload = model_json(derivation, model, swept)
    robust_text = {}
    if robust is not None:
        # docs/models.md: corners[i].p_stable, corners[i].p_stable_ci and the robustness object
        payload["robustness"] = robust.to_dict()
        for entry, c in zip(payload["corners"], robust.corners):
            entry["p_stable"], entry["p_stable_ci"] = c.stable.p, [c.stable.low, c.stable.high]

        import math

        def share(x: float) -> str:
            # 3 decimals, more near 0 or 1 so that 0.0003 is not shown as 0.000
            if not 0 < x < 1:
                return f"{x:.0f}"
            return f"{x:.{min(8, max(3, 1 - math.floor(math.log10(min(x, 1 - x)))))}f}"

        rows = []
        for c in robust.corners:
            row = {"corner": "(" + ", ".join(map(str, c.corner)) + ")", "profile": c.label, "verdict at central values": c.verdict}
            row["P(stable) [interval]"] = f"{share(c.stable.p)} [{share(c.stable.low)}, {share(c.stable.high)}]"
            ranked = sorted(((i.ST, n) for n, i in c.sobol.items() if i.ST == i.ST), reverse=True)
            row["largest total Sobol' index"] = f"{ranked[0][1]} ({ranked[0][0]:.2f})" if ranked else "—"
            rows.append(row)
        interval = "spread over 8 scramblings" if robust.method == "sobol" else "Wilson"
        head = f"Probability that each corner is stable over {robust.samples:,} sampled parameter sets (seed {robust.seed}; 95 % interval: {interval})"
        laws = "; ".join(f"{n}: {law}" for n, law in robust.parameters.items())
        for fmt in ("text", "markdown"):
            title = f"## {head}" if fmt == "markdown" else head
            table = render(rows, "table" if fmt == "text" else "markdown")
            robust_text[fmt] = "\n".join([title, "", table, "", f"uncertain: {laws}", f"Sobol' indices: {robust.sobol_note}"])
    if format is ModelFormat.json:
        print(json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False))
    elif format is ModelFormat.latex:
        from .latex import derivation_document

        print(derivation_document(derivation, model=model), end="")
        if robust is not None:
            notes.append("note: the corners' P(stable) (--samples) is in the text, markdown and json formats")
    else:
        print(render_model(derivation, model, format.value, swept))
        if robust is not None:
            print("\n" + robust_text[format.value])
    for note in notes:
        if format in (ModelFormat.json, ModelFormat.latex):
            _note(note)  # on stderr, once the command has succeeded
        else:
            print(note)
    if out is None and plot is None:
        return
    from .plots.model import phase_portrait, shares_over_time, sweep_figure

    dynamics = ModelDynamics(model, derivation.payoff_differences)
    runs = [trajectory(dynamics, s, t_end) for s in default_starts(k_count)]
    with use_font(font):
        figures = {"shares": shares_over_time(runs, model)}
        if k_count == 3:
            figures["phase_portrait"] = phase_portrait(dynamics, runs, derivation)
        if swept is not None:
            figures["sweep"] = sweep_figure(swept, model)
    if plot:
        from .plots import save_figure

        save_figure(figures.get("sweep") or figures.get("phase_portrait") or figures["shares"], plot)
    if out:
        from .latex import derivation_document

        texts = {
            "derivation.md": render_model(derivation, model, "markdown", swept) + ("\n\n" + robust_text["markdown"] if robust is not None else "") + "\n",
            "derivation.tex": derivation_document(derivation, model=model),
            "derivation.json": json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False) + "\n",
        }
        folder = _write_folder(out, force, texts, figures)
        print(f"wrote {folder}/derivation.md", file=sys.stderr if format in (ModelFormat.json, ModelFormat.latex) else sys.stdout)


@app.command()
def sweep(
    spec: Annotated[str, typer.Argument(help="The sweep specification (TOML).")],
    out: Annotated[str, typer.Option("--out", "-o", help="Result table: .csv or .parquet.")],
    executor: Annotated[str, typer.Option("--executor", help="processes (all cores), serial, or dask.")] = "processes",
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="dask.distributed scheduler address.")] = None,
    workers: Annotated[int | None, typer.Option("--workers", help="Processes (default: all cores).")] = None,
    chunk_size: Annotated[int, typer.Option("--chunk-size", help="Points per task.")] = 20_000,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Evaluate a parameter sweep into a tidy table, one row per point."""
    from .sweep import EXECUTORS, SweepError, load_sweep, run_sweep, save_table

    if executor not in EXECUTORS:
        raise InputError(f"--executor: '{executor}' is not one of {', '.join(EXECUTORS)}")
    if executor == "dask" and not scheduler:
        raise InputError("--executor dask needs --scheduler ADDRESS (e.g. tcp://127.0.0.1:8786)")
    path = Path(out)
    if path.suffix.lower() not in (".csv", ".parquet"):
        raise InputError(f"--out {out!r}: use .csv or .parquet")
    if path.exists() and not force:
        raise InputError(f"--out {out!r}: the file exists; use --force to overwrite it")
    try:
        parsed = load_sweep(spec)
        frame = run_sweep(parsed, executor=executor, workers=workers, scheduler=scheduler, chunk_size=chunk_size)
        save_table(frame, path, force=force)
    except SweepError as err:
        raise InputError(str(err)) from err
    counts = frame["level"].value_counts().to_dict()
    summary = ", ".join(f"{level} {counts[level]}" for level in LEVELS if level in counts)
    print(f"wrote {path}: {len(frame)} points ({summary})")


@app.command()
def robustness(
    scenario: Annotated[str, typer.Argument(help="A scenario file with distributions (or a built-in name, e.g. henan-uncertain).")],
    samples: Annotated[int, typer.Option("--samples", "-n", help="Sampled worlds (QMC: 8 scramblings of samples/8 Sobol' points).")] = 1024,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the sample.")] = 0,
    target: TargetOption = "strict",
    confidence: Annotated[
        float, typer.Option("--confidence", min=0.5, max=0.999, help="Share of worlds a robust strength must reach the target in (0.5 to 0.999).")
    ] = 0.95,
    method: Annotated[str, typer.Option("--method", help="sobol (scrambled Sobol' points) or random (plain Monte Carlo).")] = "sobol",
    format: FormatOption = Format.table,
    out: Annotated[str | None, typer.Option("--out", "-o", help="Also write robustness.json/.md/.csv/.tex, sobol.* and figures to this new folder.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace a non-empty --out folder.")] = False,
    executor: Annotated[str, typer.Option("--executor", help="serial, processes (all cores) or dask; the same numbers on each.")] = "serial",
    workers: Annotated[int | None, typer.Option("--workers", help="Processes (default: all cores).")] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="dask.distributed scheduler address (with --executor dask).")] = None,
    names: NamesOption = "latin",
    font: FontOption = None,
) -> None:
    """Probability of each cooperation level over the scenario's uncertain payoffs, robust mechanism strengths, Sobol' indices."""
    from .robust.scenario import robustness as run
    from .robust_report import robustness_blocks, robustness_figures, robustness_tables
    from .robust_tables import robustness_lines
    from .sweep import EXECUTORS

    if target not in LEVELS[:-1]:
        raise InputError(f"--target: '{target}' is not one of {', '.join(LEVELS[:-1])}")
    least = 64 if method == "sobol" else 16
    if not least <= samples <= MAX_SAMPLES:
        raise InputError(f"--samples {samples}: use {least} to {MAX_SAMPLES:,} (memory grows by about 2 GB per million worlds)")
    if not 0 < confidence < 1:
        raise InputError(f"--confidence {confidence}: use a share in (0, 1), e.g. 0.95")
    if method not in ("sobol", "random"):
        raise InputError(f"--method: '{method}' is not one of sobol, random")
    if executor not in EXECUTORS:
        raise InputError(f"--executor: '{executor}' is not one of {', '.join(EXECUTORS)}")
    if executor == "dask" and not scheduler:
        raise InputError("--executor dask needs --scheduler ADDRESS (e.g. tcp://127.0.0.1:8786)")
    if out is not None:
        _check_out_folder(out, force)
    network = load_scenario(scenario)
    try:
        named = network.named(names)
    except UserInputError as err:
        raise InputError(f"--names {names!r}: use latin, zh or both") from err
    if out is not None:
        _check_font(font)
    options = {"executor": executor, "workers": workers, "scheduler": scheduler}
    result = run(named, samples=samples, seed=seed, target=target, confidence=confidence, method=method, **options)
    document = json.dumps(result.to_dict(), indent=2, ensure_ascii=False, allow_nan=False, sort_keys=True) + "\n"
    tables = robustness_tables(named, result)
    if format is Format.json:
        print(document, end="")
    else:
        print(render(tables["robustness"], format.value, long=format is Format.latex))
        if format is Format.table:
            print()
            for line in robustness_lines(result):
                print(line)
    if out is None:
        return
    from .plots.fonts import use_font

    made: list[tuple[str, str]] = []
    drawn: dict = {}

    def keep(fig, name: str, caption: str) -> None:
        drawn[name] = fig
        made.append((name, caption))

    with use_font(font):
        robustness_figures(named, result, keep, seed=seed)
        from .report import _blocks_md

        blocks = [("title", named.name, f"intergov robustness — {result.samples:,} sampled worlds, seed {seed}"), *robustness_blocks(named, result, made)]
        texts = {"robustness.json": document, "robustness.md": _blocks_md(blocks) + "\n"}
        for name, rows in tables.items():
            texts[f"{name}.csv"] = render(rows, "csv") + "\n"
            texts[f"{name}.tex"] = render(rows, "latex", long=True) + "\n"
        try:
            folder = _write_folder(out, force, texts, drawn)
        finally:
            import matplotlib.pyplot as plt

            for fig in drawn.values():
                plt.close(fig)
    print(f"wrote {folder}/robustness.md, robustness.json, {len(tables)} tables and {len(drawn)} figures", file=sys.stderr)


#: The most sampled worlds one run takes (a million worlds of a four-link scenario use about 2 GB).
MAX_SAMPLES = 2_000_000


def _check_out_folder(out: str, force: bool) -> None:
    """An --out folder that cannot be written is an error before any work."""
    from regions.scenario import replace_refusal

    from .report import FILE_EXTENSIONS

    folder = Path(out)
    if folder.suffix.lower() in FILE_EXTENSIONS and not folder.is_dir():
        raise InputError(f"--out {out}: --out takes a folder, not a {folder.suffix} file")
    if folder.exists() and not folder.is_dir():
        raise InputError(f"--out {out}: exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise InputError(f"--out {out}: exists and is not empty; use --force to replace it")
    refusal = replace_refusal(folder) if force else None
    if refusal:
        raise InputError(f"--out {out}: --force will not replace it: {refusal}")


@app.command("export")
def export_command(
    scenario: Annotated[str, typer.Argument(help="A scenario file or a built-in name.")],
    out: Annotated[
        str, typer.Option("--out", "-o", help="Output: .graphml, .geojson, .toml, or X.csv for X.regions.csv, X.links.csv, X.mechanisms.csv.")
    ],
    target: TargetOption = "strict",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """The network with its analysis, for graph tools (GraphML) or GIS (GeoJSON); or the scenario as CSV tables or TOML."""
    from .export import write_export

    if target not in LEVELS[:-1]:
        raise InputError(f"--target: '{target}' is not one of {', '.join(LEVELS[:-1])}")
    paths = write_export(_load(scenario), out, force=force, target=target)
    print(f"wrote {', '.join(map(str, paths))}")


@app.command("import")
def import_command(
    sources: Annotated[list[str], typer.Argument(help="REGIONS.csv LINKS.csv [MECHANISMS.csv], or one .graphml file.")],
    out: Annotated[str, typer.Option("--out", "-o", help="The scenario file to write (.toml).")],
    name: Annotated[str | None, typer.Option("--name", help="The scenario's name (default: the GraphML graph's name, else 'imported city group').")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Region data from CSV or GraphML into a scenario file (validated like any scenario)."""
    from regions import read_csv, read_graphml, save_scenario

    path = Path(out)
    if path.suffix.lower() != ".toml":
        raise InputError(f"--out {out!r}: a scenario file ends in .toml")
    if path.exists() and not force:
        raise InputError(f"--out {out!r}: the file exists; use --force to overwrite it")
    if len(sources) == 1 and sources[0].lower().endswith(".graphml"):
        network = read_graphml(sources[0], name=name)
    elif len(sources) in (2, 3):
        network = read_csv(*sources, name=name or "imported city group")
    else:
        raise InputError("give REGIONS.csv LINKS.csv [MECHANISMS.csv], or one .graphml file")
    save_scenario(network, path)
    print(f"wrote {path}: {len(network.regions)} regions, {len(network.links)} links, {len(network.mechanisms)} mechanisms")


#: The longest quoted value an error line repeats; longer ones are cut, with their length.
QUOTE_LIMIT = 60
_LONG = QUOTE_LIMIT + 1
# A quoted value: an opening quote not preceded by a letter (so the closing quote of a short
# name is not taken for an opening one) and a closing quote not followed by one.
_QUOTED = re.compile(f"(?<!\\w)'([^'\\n]{{{_LONG},}})'(?!\\w)|(?<!\\w)\"([^\"\\n]{{{_LONG},}})\"(?!\\w)")
#: The longest error line printed, whatever it quotes.
LINE_LIMIT = 2000


def _one_line(message: str) -> str:
    """An error as one line of bounded length: white space collapsed, quoted values longer than
    :data:`QUOTE_LIMIT` characters cut to their start and their length (a 2 MB value made a 2 MB
    error line).

    >>> _one_line("field 'x': " + repr("a" * 100) + " is not a number")
    "field 'x': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…' (100 characters) is not a number"
    """

    def cut(m: re.Match) -> str:
        text = m.group(1) if m.group(1) is not None else m.group(2)
        quote = "'" if m.group(1) is not None else '"'
        return f"{quote}{text[:QUOTE_LIMIT]}…{quote} ({len(text):,} characters)"

    line = " ".join(_QUOTED.sub(cut, str(message)).split())
    return line if len(line) <= LINE_LIMIT else f"{line[: LINE_LIMIT // 2]}… ({len(line):,} characters)"


def _internal(err: BaseException) -> int:
    """An exception that is not a :class:`~games.UserInputError`: a bug, in one line, exit 1."""
    message = f"{type(err).__name__}: {err}"
    print(f"intergov: internal error (a bug; please report it with the command and its input files): {_one_line(message)}", file=sys.stderr)
    return 1


#: What Ctrl-C prints (:data:`solver.__main__.INTERRUPTED`): every file is written beside its
#: destination and renamed into place (several files of one output together, with the
#: interrupt held back for the renames).


def _quiet(args: list[str]) -> bool:
    """Whether ``--quiet``/``-q`` is among the options before the command's name."""
    for arg in args:
        if arg in ("--quiet", "-q"):
            return True
        if not arg.startswith("-"):
            return False
    return False


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status: 0 done, 2 bad input (a
    :class:`~games.UserInputError` or a file the machine refused, one line on stderr), 1 an
    internal error (any other exception: a bug), 130 interrupted (Ctrl-C; every file is
    written beside its destination and renamed into place, so nothing is half-written).

    Long work shows progress on a terminal's stderr unless ``--quiet`` (:mod:`solver.terminal`).
    """
    args = sys.argv[1:] if argv is None else list(argv)
    reporter = reporter_for(quiet=_quiet(args))
    try:
        with reporting(reporter):
            return _run(args)
    finally:
        reporter.close()


def _run(argv: list[str]) -> int:
    notes: list[str] = []
    token = _NOTES.set(notes)
    try:
        status = _run_command(argv)
    finally:
        _NOTES.reset(token)
    if status == 0:
        for text in notes:
            print(text, file=sys.stderr)
    return status


def _run_command(argv: list[str]) -> int:
    command = typer.main.get_command(app)
    try:
        result = command.main(args=argv, prog_name="intergov", standalone_mode=False)
    except typer.Exit as exit_:
        if exit_.exit_code == 130:  # typer turns Ctrl-C into Exit(130)
            print(INTERRUPTED, file=sys.stderr)
        return exit_.exit_code
    except _ClickException as err:
        if type(err).__name__ == "NoArgsIsHelpError":  # plain `intergov`: the help, on stdout
            print(err.format_message())
            return 0
        print(f"intergov: error: {_one_line(err.format_message())}", file=sys.stderr)
        return 2
    except UserInputError as err:  # every reader's error is one (games.errors)
        print(f"intergov: error: {_one_line(str(err))}", file=sys.stderr)
        return 2
    except (typer.Abort, KeyboardInterrupt):
        print(INTERRUPTED, file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as err:  # the machine refused a file (permissions, a full disk): not a bug
        if err.filename is None:
            return _internal(err)
        print(f"intergov: error: {_one_line(f'{err.filename}: {err.strerror or err}')}", file=sys.stderr)
        return 2
    except Exception as err:  # a bug: still one line, but say so
        return _internal(err)
    if result == 130:  # typer returns Ctrl-C as status 130 outside standalone mode
        print(INTERRUPTED, file=sys.stderr)
        return 130
    return result if isinstance(result, int) else 0
