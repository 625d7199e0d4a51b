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

import json
import sys
from enum import Enum
from typing import Annotated

import typer

from games import Game
from regions import ScenarioError, builtin_scenarios, builtin_text, load_scenario

from .cooperation import stability
from .network import analyze as analyze_network
from .tables import analysis_rows, equilibrium_rows, render

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
scenarios_app = typer.Typer(help="List the built-in scenarios, or show one as TOML.", invoke_without_command=True)
app.add_typer(scenarios_app, name="scenarios")


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    latex = "latex"


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
BasinOption = Annotated[bool, typer.Option("--basin/--no-basin", help="Compute the replicator basin of cooperation.")]


class InputError(ValueError):
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
    row: Annotated[str, typer.Option("--row", help='Row player\'s payoffs, e.g. "3,0;5,1".')],
    col: Annotated[str, typer.Option("--col", help='Column player\'s payoffs, e.g. "3,5;0,1".')],
    format: FormatOption = Format.table,
    basin: BasinOption = True,
) -> None:
    """Equilibria and cooperation report of one game given by its matrices."""
    a, b = parse_matrix(row, "--row"), parse_matrix(col, "--col")
    try:
        game = Game(a, b)
    except ValueError as err:
        raise InputError(f"--row/--col: {err}") from err
    report = stability(game, basin=basin)
    if format is Format.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        return
    print(render(equilibrium_rows(report), format.value))
    if format is Format.table:
        c = report.to_dict()["cooperation"]
        basin_text = "" if c["basin"] is None else f", basin {c['basin']:.2f}"
        print(
            f"\ncooperation: level {c['level']} (nash {c['nash']}, strict {c['strict']}, unique {c['unique']}, "
            f"dominant {c['dominant']}, risk-dominant {c['risk_dominant']}{basin_text}); game type: {report.game_type}"
        )
        for note in report.notes:
            print(f"note: {note}")


@app.command()
def analyze(
    scenario: Annotated[str, typer.Argument(help="A scenario file or the name of a built-in scenario.")],
    format: FormatOption = Format.table,
    basin: BasinOption = True,
) -> None:
    """Equilibria and cooperation level of every cluster link of a scenario."""
    result = analyze_network(load_scenario(scenario), basin=basin)
    if format is Format.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    print(render(analysis_rows(result), format.value))
    if format is Format.table:
        s = result.summary
        print(
            f"\n{result.scenario}: cooperation stable on {s['stable_share']:.0%} of link weight "
            f"({sum(r.report.stable for r in result.links)} of {s['links']} links)"
        )


def _one_line(message: str) -> str:
    return " ".join(str(message).split())


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0, or 2 for bad input)."""
    command = typer.main.get_command(app)
    try:
        result = command.main(args=argv, prog_name="intergov", standalone_mode=False)
    except typer.Exit as exit_:
        return exit_.exit_code
    except _ClickException as err:
        if type(err).__name__ == "NoArgsIsHelpError":  # plain `intergov`: the help, on stdout
            print(err.format_message())
            return 0
        print(f"intergov: error: {_one_line(err.format_message())}", file=sys.stderr)
        return 2
    except (ScenarioError, InputError, ValueError) as err:
        print(f"intergov: error: {_one_line(str(err))}", file=sys.stderr)
        return 2
    except (typer.Abort, KeyboardInterrupt):
        print("intergov: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as err:  # a bug: still one line, but say so
        print(f"intergov: internal error, please report it: {type(err).__name__}: {_one_line(str(err))}", file=sys.stderr)
        return 1
    return result if isinstance(result, int) else 0
