"""A report folder for a scenario: Markdown with the figures inline, tables, figures, metadata.

:func:`write_report` analyzes a city group (status quo and the scenario's mechanisms), sizes the
mechanisms (:func:`solver.design.compare`), and writes::

    DIR/report.md              the scenario, the status quo, each mechanism, the design, figures
    DIR/report.tex             the same as a XeLaTeX document (``xelatex report.tex`` in DIR)
    DIR/tables/*.md|.tex|.csv  analysis.*, design.* and, with budgets, allocation.* (Markdown,
                               LaTeX booktabs longtable, CSV)
    DIR/figures/*.pdf|.png     every figure in vector and raster form
    DIR/metadata.json          intergov version, scenario file hash, every parameter, seed

Regions appear by the names asked for (``names``: ``latin``, ``zh`` or ``both``, see
:meth:`regions.RegionNetwork.named`) in tables, captions and figures. The LaTeX has symbols in
math mode and escaped text (:func:`solver.latex.escape_latex`); with Chinese names it loads
``xeCJK`` with the CJK font (``Noto Serif CJK SC``, Debian's ``fonts-noto-cjk``, unless ``font``
names another). The table fragments need ``booktabs``, ``longtable`` and ``array``.

Like any Unix tool, files get the mode the umask gives (0644 under umask 022) and folders 0755.
``DIR`` must be a folder: a name with a file extension (``report.pdf``) is refused. It refuses a
non-empty ``DIR`` unless ``force``, and ``force`` replaces only a folder intergov wrote (it holds
the ``.intergov`` marker, or a ``metadata.json`` naming intergov), never the current folder. It
writes atomically: everything goes to a temporary folder beside ``DIR`` that takes its place only
when complete (on Linux by exchanging the two, so there is no moment without a report), so a
failed or killed run leaves no half report and an existing report intact.

Examples
--------
>>> import tempfile, pathlib
>>> from regions import load_scenario
>>> out = pathlib.Path(tempfile.mkdtemp()) / "report"
>>> path = write_report(load_scenario("yongkang-wuyi-jinyun"), out, scenario_text="x", figures=False)
>>> sorted(p.name for p in path.iterdir())
['.intergov', 'metadata.json', 'report.md', 'report.tex', 'tables']
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from games import RepeatedPlay, stage_payoffs
from games.errors import UserInputError
from regions import RegionNetwork
from regions.scenario import atomic_folder, replace_refusal

from .basin import DEFAULT_SAMPLES, basin_of_cooperation, default_starts, trajectories
from .design import Option, allocate, compare, shapley_surplus
from .design.phase import link_phase, link_threshold
from .latex import CJK_FONT, escape_latex, needs_cjk, preamble, unsettable
from .network import analyze, link_game
from .progress import stage as progress_stage
from .tables import allocation_rows, analysis_rows, budget_line, design_rows, region_names, render, transfer_rows

__all__ = ["FILE_EXTENSIONS", "ReportError", "design_rows", "version", "write_report"]

#: Extensions that make ``--out`` look like a file: the report is a folder.
FILE_EXTENSIONS = frozenset(".pdf .md .tex .html .htm .txt .csv .json .png .svg .jpg .jpeg .docx .odt .zip .tar .gz .xlsx".split())


class ReportError(UserInputError):
    """The report cannot be written where asked (a one-line message for the CLI)."""


def _link_name(network: RegionNetwork, between: Sequence[str]) -> str:
    """``Yongkang–Wuyi``: a link by its regions' display names."""
    return "–".join(network.region(r).name for r in between)


def _slug(text: str, most: int = 40) -> str:
    """A file-name piece: ASCII letters, digits, ``-`` and ``_`` only (``"../a b"`` → ``"a-b"``)."""
    slug = re.sub(r"[^A-Za-z0-9_]+", "-", text).strip("-")[:most].strip("-")
    return slug or "link"


def _check_out(out: Path, force: bool) -> None:
    if out.suffix.lower() in FILE_EXTENSIONS and not out.is_dir():
        raise ReportError(f"--out {out}: --out takes a folder (the report is report.md, report.tex, tables/ and figures/), not a {out.suffix} file")
    if out.exists() and not out.is_dir():
        raise ReportError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise ReportError(f"{out} exists and is not empty; use --force to replace it")
    refusal = replace_refusal(out) if force else None
    if refusal:
        raise ReportError(f"--out {out}: --force will not replace it: {refusal}")


def version() -> str:
    """The installed intergov version."""
    try:
        return metadata.version("intergov")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in ("nashpy", "numpy", "scipy", "networkx", "matplotlib"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:  # pragma: no cover
            out[name] = "unknown"
    return out


def _figures(network: RegionNetwork, analysis, comparison, folder: Path, seed: int, basin_samples: int, advance=lambda n=1: None) -> list[tuple[str, str]]:
    from .nash import equilibria
    from .plots import (
        best_responses,
        mechanism_comparison,
        network_map,
        payoff_matrix,
        phase_diagram,
        replicator_flow,
        save_figure,
    )
    from .plots import threshold_curve as plot_threshold

    made: list[tuple[str, str]] = []

    def keep(fig, name: str, caption: str) -> None:
        for ext in ("pdf", "png"):
            save_figure(fig, folder / f"{name}.{ext}")
        made.append((name, caption))

    keep(network_map(network, analysis, seed=seed), "network-map-status-quo", "Cooperation on each link in the status quo.")
    if network.mechanisms:
        keep(
            network_map(network, analysis, mechanism="all together", seed=seed),
            "network-map-mechanisms",
            "Cooperation with all of the scenario's mechanisms.",
        )
    pairs = [frozenset(k.between) for k in network.links]
    for index, link in enumerate(network.links, start=1):
        if index > 1:
            advance()  # the previous link's figures are written
        # File names from a safe slug and the link's number (ids may hold any character, and two
        # clusters of one pair are two links); the caption names the cluster when a pair has two.
        tag = f"{index:02d}-" + _slug("-".join(link.between))
        pair = _link_name(network, link.between) + (f" ({link.cluster})" if pairs.count(frozenset(link.between)) > 1 else "")
        game = link_game(network, link)
        rows = [r for r in analysis.links if r.link is link]
        stage = [r for r in rows if len(r.mechanisms) == 1 and not isinstance(r.mechanisms[0], RepeatedPlay) and r.mechanism != "status quo"]
        if stage:
            after = stage[0]
            fig = payoff_matrix(
                game,
                equilibria(game),
                other=after.game,
                other_equilibria=after.report.equilibria,
                titles=("status quo", after.mechanism),
            )
            keep(
                fig,
                f"payoff-matrix-{tag}",
                f"{pair}: payoffs in the status quo and under {after.mechanism}; pure equilibria shaded.",
            )
            target_game = after.game
            label = after.mechanism
            where = f"under {label}"
            basin = after.report.basin
        else:
            keep(
                payoff_matrix(game, equilibria(game), titles=("status quo", "")),
                f"payoff-matrix-{tag}",
                f"{pair}: payoffs.",
            )
            target_game, label = game, "status quo"
            where = "in the status quo"
            basin = next((r.report.basin for r in rows if r.mechanism == "status quo"), None)
        # The figure shades, and its caption prints, the basin of the analysis table's row.
        basin = basin if basin is not None else basin_of_cooperation(target_game, samples=basin_samples)
        keep(
            best_responses(target_game, equilibria(target_game)),
            f"best-responses-{tag}",
            f"{pair} {where}: best responses and equilibria.",
        )
        fig = replicator_flow(
            target_game,
            basin=basin,
            trajectories=trajectories(target_game, default_starts(target_game)),
            equilibria=equilibria(target_game),
        )
        keep(
            fig,
            f"replicator-flow-{tag}",
            f"{pair} {where}: replicator dynamics; basin of (C, C) {basin.text}"
            + (f" ({basin.reason})." if basin.value is None else ", shaded."),
        )
        # The link's own guidance (its subsidy and detection starred, its penalty in the title),
        # else a hypothetical one with no operating point (solver.design.phase.link_phase).
        grid = link_phase(network, link)
        keep(
            phase_diagram(grid),
            f"phase-diagram-{tag}",
            f"{grid.title}: cooperation level over subsidy and detection"
            + (" (the star: the scenario's values)." if grid.operating is not None else "."),
        )
    advance()
    first = link_game(network, network.links[0])
    row, _ = stage_payoffs(first)
    if row.T > row.R > row.P:
        curve = link_threshold(network, network.links[0])
        keep(
            plot_threshold(curve),
            "threshold-curve",
            f"{_link_name(network, network.links[0].between)}: least discount factor for strict cooperation as the temptation T varies.",
        )
    keep(mechanism_comparison(comparison, names=network), "mechanism-comparison", "Minimal strength and cost of each mechanism on each link.")
    return made


def _robustness(network: RegionNetwork, work: Path, *, target: str, seed: int, samples: int, figures: bool, font: str | None) -> list[tuple]:
    """The robustness section of a scenario with distributions: its tables into ``work/tables``,
    its figures into ``work/figures``, and its blocks."""
    from .robust.scenario import robustness
    from .robust_report import robustness_blocks, robustness_figures, robustness_tables

    result = robustness(network, samples=samples, seed=seed, target=target)
    for name, rows in robustness_tables(network, result).items():
        for fmt, ext in (("markdown", "md"), ("latex", "tex"), ("csv", "csv")):
            text = render(rows, fmt, long=True) if fmt == "latex" else render(rows, fmt)
            (work / "tables" / f"{name}.{ext}").write_text(text + "\n", encoding="utf-8")
    made: list[tuple[str, str]] = []
    if figures:
        import matplotlib.pyplot as plt

        from .plots import save_figure
        from .plots.fonts import use_font

        def keep(fig, name: str, caption: str) -> None:
            try:
                for ext in ("pdf", "png"):
                    save_figure(fig, work / "figures" / f"{name}.{ext}")
            finally:
                plt.close(fig)
            made.append((name, caption))

        with use_font(font):
            robustness_figures(network, result, keep, seed=seed)
    return robustness_blocks(network, result, made)


def _md(text: str) -> str:
    """Text for report.md: ``<``, ``>`` and ``&`` as entities, so that a name such as ``<a&b>``
    is shown, not taken for an HTML tag by Markdown renderers.

    >>> _md("<a&b> and R&D")
    '&lt;a&amp;b&gt; and R&amp;D'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _blocks_md(blocks: list[tuple]) -> str:
    lines: list[str] = []
    for kind, *args in blocks:
        if kind == "title":
            lines += [f"# {_md(args[0])}", "", f"*{_md(args[1])}*", ""]
        elif kind == "section":
            lines += [f"## {_md(args[0])}", ""]
        elif kind == "text":
            lines += [_md(args[0]), ""]
        elif kind == "table":
            lines += [render(args[0], "markdown"), ""]
        elif kind == "figure":
            name, caption = args
            lines += [f"![{_md(caption)}](figures/{name}.png)", "", f"*{_md(caption)}* ([PDF](figures/{name}.pdf))", ""]
    return "\n".join(lines)


def _blocks_tex(blocks: list[tuple], *, cjk_font: str) -> str:
    """The report as a XeLaTeX document: tables written to tables/ are \\input, figures included as PDF."""
    texts = [str(a) for _, *args in blocks for a in args if isinstance(a, str)]
    texts += [str(v) for _, *args in blocks for a in args if isinstance(a, list) for row in a for v in (*row, *row.values())]
    title = next(args for kind, *args in blocks if kind == "title")
    lines = preamble(escape_latex(title[0]), needs_cjk(*texts), cjk_font=cjk_font, graphics=True, landscape=True)
    lines.insert(lines.index(r"\begin{document}"), r"\renewcommand{\arraystretch}{1.15}")
    lines.append(rf"\begin{{center}}\emph{{{escape_latex(title[1])}}}\end{{center}}")
    for kind, *args in blocks:
        if kind == "section":
            lines.append(rf"\section*{{{escape_latex(args[0])}}}")
        elif kind == "text":
            lines += [escape_latex(args[0]), ""]
        elif kind == "table":
            rows, name = args
            table = rf"\input{{tables/{name}.tex}}" if name else render(rows, "latex", long=True)
            lines += [r"{\footnotesize", table, "}", ""]
        elif kind == "figure":
            name, caption = args
            lines += [
                r"\begin{figure}[!htbp]",
                r"\centering",
                rf"\includegraphics[width=0.9\linewidth,height=0.72\textheight,keepaspectratio]{{figures/{name}.pdf}}",
                rf"\caption{{{escape_latex(caption)}}}",
                r"\end{figure}",
                r"\clearpage",
            ]
    lines.append(r"\end{document}")
    return "\n".join(lines) + "\n"


def created() -> datetime:
    """When the report is made: now, or ``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC) when set,
    the reproducible-builds convention that matplotlib's PDF and SVG metadata honour too, so two
    runs give the same bytes.

    >>> import os
    >>> os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    >>> created().isoformat()
    '2023-11-14T22:13:20+00:00'
    >>> del os.environ["SOURCE_DATE_EPOCH"]
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise ReportError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, got {epoch[:40]!r}") from None
    return datetime.now(timezone.utc)


def write_report(
    network: RegionNetwork,
    out: str | os.PathLike[str],
    *,
    force: bool = False,
    target: str = "strict",
    seed: int = 0,
    scenario_text: str | None = None,
    scenario_ref: str | None = None,
    figures: bool = True,
    basin_samples: int = DEFAULT_SAMPLES,
    budgets: Mapping[str, float] | None = None,
    menu: Mapping[str, Sequence[Option]] | None = None,
    names: str = "latin",
    font: str | None = None,
    robust_samples: int = 4096,
) -> Path:
    """Write the report folder of a scenario (see the module notes).

    Parameters
    ----------
    network : RegionNetwork
    out : path
        The report folder; must not exist or be empty, unless ``force``.
    force : bool
        Replace an existing non-empty folder (atomically).
    target : str
        The cooperation level the design aims at.
    seed : int
        Seed of every random choice (the layout of regions without coordinates).
    scenario_text, scenario_ref : str, optional
        The scenario's TOML text (hashed into the metadata) and how it was named.
    figures : bool
        Whether to draw the figures.
    basin_samples : int
        Quasi-Monte-Carlo starts of each basin of a game larger than 2×2.
    budgets, menu : mapping, optional
        Budgets per government and options per link: with budgets, the report has an
        "Allocation" section (:func:`solver.design.allocate`; by default the scenario's menu).
    names : {"latin", "zh", "both"}
        The region names in tables, captions and figures.
    font : str, optional
        The font (family name or file) for Chinese text in figures, and in ``report.tex``
        when it is a family name; by default an installed CJK font (figures) and
        ``Noto Serif CJK SC`` (LaTeX).
    robust_samples : int
        For a scenario with distributions, the sampled worlds of its "Robustness under
        uncertain payoffs" section (:func:`solver.robust.scenario.robustness`, seeded with
        ``seed``); the rest of the report uses the central values.

    Raises
    ------
    ReportError
        If ``out`` has a file's extension, is a non-empty folder and ``force`` is false, or is
        not a folder; or ``names`` is unknown.
    solver.plots.fonts.FontMissing
        If the figures need a CJK font and none (or not ``font``) is installed; raised before
        any work.
    """
    out = Path(out)
    _check_out(out, force)
    try:
        named = network.named(names)
    except ValueError as err:
        raise ReportError(f"--names {names!r}: use latin, zh or both") from err
    # What LaTeX cannot set would vanish from report.tex with only a line in its log: refuse it
    # now, naming the text, before any work.
    texts = {"the scenario's name": named.name, "its note": named.note, "its sources": named.sources}
    texts.update({f"region '{r.id}'": r.name for r in named.regions.values()})
    texts.update({f"link {'–'.join(k.between)}'s cluster": k.cluster for k in named.links})
    texts.update({f"mechanism '{m.label}'": m.label for m in named.mechanisms})
    for where, text in texts.items():
        lost = unsettable(escape_latex(text))
        if lost:
            shown = ", ".join(f"{ch} (U+{ord(ch):04X})" for ch in lost[:6])
            raise ReportError(f"{where}: report.tex cannot set {shown} (Latin Modern and xeCJK); write it in Latin or Chinese characters")
    if figures or font:
        from .plots.fonts import require_font, use_font

        # Everything the figures draw from the scenario: a font that is not installed, or a
        # character no figure font has, is one line before any work.
        drawn = [named.name, *(r.name for r in named.regions.values()), *(k.cluster for k in named.links), *(m.label for m in named.mechanisms)]
        with use_font(font):
            require_font(drawn, font)
    labels = region_names(named)
    cjk_font = CJK_FONT
    if font:
        from .plots.fonts import family_name

        # The family's own name (fontspec is case-sensitive; "noto serif cjk sc" is not found).
        cjk_font = family_name(font)
    with atomic_folder(out) as work:
        with progress_stage("report: analysis and design"):
            analysis = analyze(named, basin_samples=basin_samples)
            comparison = compare(named, target=target)
        tables = work / "tables"
        tables.mkdir()
        a_rows, d_rows = analysis_rows(analysis, labels), design_rows(comparison, labels)
        plan = allocate(named, budgets, menu, target=target) if budgets else None
        written = [("analysis", a_rows), ("design", d_rows)]
        if plan is not None:
            written.append(("allocation", allocation_rows(plan, labels)))
        for name, rows in written:
            for fmt, ext in (("markdown", "md"), ("latex", "tex"), ("csv", "csv")):
                text = render(rows, fmt, long=True) if fmt == "latex" else render(rows, fmt)
                (tables / f"{name}.{ext}").write_text(text + "\n", encoding="utf-8")
        made = []
        if figures:
            (work / "figures").mkdir()
            with use_font(font), progress_stage(f"report: figures of {len(named.links):,} links", total=len(named.links)) as advance:
                made = _figures(named, analysis, comparison, work / "figures", seed, basin_samples, advance)
        robust_blocks: list[tuple] = []
        if network.uncertainty is not None:
            robust_blocks = _robustness(named, work, target=target, seed=seed, samples=robust_samples, figures=figures, font=font)
        transfers = transfer_rows(named, labels)
        surplus = shapley_surplus(named)
        s = analysis.summary
        quo = [row for row, r in zip(a_rows, analysis.links) if r.mechanism == "status quo"]
        blocks: list[tuple] = [
            ("title", network.name, f"intergov {version()} — target level: {target}"),
            ("section", "Scenario"),
            ("text", network.note or "(no note)"),
            ("text", f"Sources: {network.sources}" if network.sources else "Sources: not given."),
            ("text", f"{len(network.regions)} regions, {len(network.links)} cluster links, {len(network.mechanisms)} mechanisms."),
            ("section", "Status quo"),
            ("table", quo, None),
            (
                "text",
                f"Cooperation is stable on {s['stable_share']:.0%} of the link weight in the status quo and on "
                f"{s['with_mechanisms']['stable_share']:.0%} with all of the scenario's mechanisms.",
            ),
            ("section", "Each mechanism"),
            ("table", a_rows, "analysis"),
            ("section", "Design: the minimal strength of each mechanism"),
            ("table", d_rows, "design"),
        ]
        if plan is not None:
            line = budget_line(plan, labels)
            blocks += [
                ("section", "Allocation"),
                ("text", "At most one option per link; the most link weight at the target within every budget, then the least spend."),
                ("table", allocation_rows(plan, labels), "allocation"),
                ("text", line[0].upper() + line[1:] + "."),
            ]
        if transfers:
            blocks += [("section", "Side payments on asymmetric links"), ("table", transfers, None)]
        blocks += robust_blocks
        shares = ", ".join(f"{labels.get(k, k)} {v:.4g}" for k, v in surplus.values.items())
        core = {True: "lies in the core", False: "does not lie in the core", None: "core membership undecided"}[surplus.in_core]
        blocks += [
            ("section", "Dividing the surplus"),
            ("text", f"Shapley value of the cooperative surplus ({surplus.total:.4g}): {shares}; it {core}."),
        ]
        if made:
            blocks.append(("section", "Figures"))
            blocks += [("figure", name, caption) for name, caption in made]
        (work / "report.md").write_text(_blocks_md(blocks), encoding="utf-8")
        document = _blocks_tex(blocks, cjk_font=cjk_font)
        lost = unsettable(document)
        if lost:  # a character the check above did not see (a bug): never a silently short report
            raise ReportError(f"report.tex cannot set {', '.join(f'{ch} (U+{ord(ch):04X})' for ch in lost[:6])}")
        (work / "report.tex").write_text(document, encoding="utf-8")
        meta = {
            "intergov": version(),
            "created": created().isoformat(timespec="seconds"),
            "scenario": {
                "name": network.name,
                "ref": scenario_ref,
                "sha256": hashlib.sha256(scenario_text.encode("utf-8")).hexdigest() if scenario_text is not None else None,
            },
            "parameters": {
                "target": target,
                "seed": seed,
                "basin_samples": basin_samples,
                "figures": figures,
                "budgets": dict(budgets or {}),
                "names": names,
                "font": font,
                "robust_samples": robust_samples if network.uncertainty is not None else None,
            },
            "versions": _versions(),
            "files": [*sorted(str(p.relative_to(work)) for p in work.rglob("*") if p.is_file()), "metadata.json"],
        }
        (work / "metadata.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")
    return out
