"""One style for every figure: journal sizes, serif fonts with mathtext, colour-blind-safe colours.

The style is a small :func:`matplotlib.rc_context`, entered by each plotting function, so the
user's own matplotlib settings are never changed. Colours come from the Okabe–Ito palette
(Okabe and Ito 2008), safe for the common colour-vision deficiencies; each cooperation level
has the same colour in every figure (:data:`LEVEL_COLORS`).

Region names are often Chinese (永康, 武义, 缙云): the style's font list ends with a CJK font
found among the installed ones (:mod:`solver.plots.fonts`), and :func:`save_figure` refuses a
figure with a character no font draws, so a figure never shows empty boxes.

Examples
--------
>>> LEVEL_COLORS["none"], LEVEL_COLORS["dominant"]
('#666666', '#0072B2')
>>> with plot_style():
...     import matplotlib.pyplot as plt
...     plt.rcParams["font.family"][:2]
['STIXGeneral', 'DejaVu Serif']
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure

from games.errors import UserInputError

__all__ = [
    "DOUBLE_COLUMN",
    "FORMATS",
    "LEVEL_COLORS",
    "OKABE_ITO",
    "SINGLE_COLUMN",
    "literal",
    "new_figure",
    "plot_style",
    "save_figure",
    "text_width",
    "wrap_text",
]

#: Okabe–Ito colours: black, orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple.
OKABE_ITO = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
#: The colour of each cooperation level, the same in every figure: six Okabe–Ito hues (dark grey,
#: not black, for "none", so black threshold lines stay visible on it). Every pair differs by
#: ΔE*ab ≥ 20 in CIELAB, also under simulated deuteranopia, protanopia and tritanopia
#: (colorspacious, severity 100); the earlier orange "strict" and vermillion "none" were 18 apart
#: under deuteranopia and looked alike.
LEVEL_COLORS = {
    "dominant": "#0072B2",
    "unique": "#56B4E9",
    "risk-dominant": "#CC79A7",
    "strict": "#F0E442",
    "weak": "#D55E00",
    "none": "#666666",
}
#: Figure widths in inches: one journal column, a full page width.
SINGLE_COLUMN = 3.5
DOUBLE_COLUMN = 7.0
#: File formats a figure is saved in, by extension.
FORMATS = ("pdf", "svg", "png")

_RC = {
    "font.family": "serif",
    "font.serif": ["STIXGeneral", "DejaVu Serif", "Times New Roman", "serif"],
    "mathtext.fontset": "stix",
    "font.size": 8,
    "axes.titlesize": 8,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.linewidth": 0.6,
    "lines.linewidth": 1.0,
    "figure.dpi": 150,
    "savefig.dpi": 300,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.03,
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.fonttype": "path",
}


@contextlib.contextmanager
def plot_style() -> Iterator[None]:
    """The project's rc settings, for the duration of a ``with`` block only.

    The font family is the Latin serif with a CJK font as fallback (:mod:`solver.plots.fonts`),
    so names in Chinese are drawn wherever they appear.
    """
    from .fonts import font_families

    with matplotlib.rc_context({**_RC, "font.family": font_families()}):
        yield


def new_figure(width: float = SINGLE_COLUMN, height: float | None = None, ncols: int = 1) -> tuple[Figure, list]:
    """A figure (not registered with pyplot, so nothing is shown) and its axes."""
    fig = Figure(figsize=(width, height if height is not None else width * 0.8), layout="constrained")
    axes = [fig.add_subplot(1, ncols, k + 1) for k in range(ncols)]
    return fig, axes


def text_width(text: str, fontsize: float) -> float:
    """The width in inches of ``text`` (its widest line) in the style's font at ``fontsize`` points.

    Used to size figures from their labels before drawing them.

    >>> round(text_width("breach penalty", 6), 2), round(text_width("a\\nbreach penalty", 6), 2)
    (0.49, 0.49)
    """
    from matplotlib.textpath import TextToPath

    with plot_style():
        prop = font_manager.FontProperties(size=fontsize)
        measure = TextToPath()
        return max((measure.get_text_width_height_descent(line, prop, ismath=False)[0] for line in text.split("\n")), default=0.0) / 72


def literal(text: str) -> str:
    """User text (a region or mechanism name) drawn as written: a ``$`` in it is escaped, so that
    "US$5 subsidy" is not set as mathtext.

    >>> print(literal("US$5 subsidy, US$10 fine"))
    US\\$5 subsidy, US\\$10 fine
    """
    return str(text).replace("\\$", "$").replace("$", "\\$")


def wrap_text(text: str, width: float, fontsize: float) -> str:
    """``text`` broken at spaces into lines no wider than ``width`` inches at ``fontsize`` points
    (a single word wider than that stays whole).

    >>> wrap_text("Guangdong guidance + Bay Area investment-attraction agreement", 1.5, 8).count("\\n") >= 1
    True
    """
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", fontsize) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Save a figure; the format follows the extension (``.pdf``, ``.svg`` or ``.png``). The file
    is written atomically (a failure leaves no partial file) and its folder made if missing.

    Raises
    ------
    UserInputError
        For another extension.
    """
    path = Path(path)
    ext = path.suffix.lower().lstrip(".")
    if ext not in FORMATS:
        raise UserInputError(f"{path}: unsupported figure format '{path.suffix}'; use .pdf, .svg or .png")
    from regions import atomic_write

    from .fonts import INSTALL_HINT, FontMissing, _glyphs, pdf_safe, uncovered

    # Never a tofu box: refuse to save text no installed font can draw.
    lacking = uncovered(fig)
    if lacking:
        glyphs = "".join(dict.fromkeys("".join(lacking.values())))
        hint = INSTALL_HINT if any(ord(ch) >= 0x2E80 for ch in glyphs) else "change the text or name a font that has them with --font"
        raise FontMissing(f"figure {path.name}: no font of it has the glyphs {_glyphs(glyphs)}; {hint}")

    def write(tmp: Path) -> None:
        # A CFF-outline CJK font (Noto CJK) goes into a PDF as a TrueType copy of its glyphs.
        with plot_style(), pdf_safe(fig) if ext == "pdf" else contextlib.nullcontext():
            fig.savefig(tmp, format=ext, metadata=None if ext == "png" else {"Creator": "intergov"})

    # Atomically, into a folder made if missing: `--plot out/x.pdf` used to end in a traceback.
    return atomic_write(path, write)
