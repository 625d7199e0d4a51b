"""Fonts for names in any script: a CJK font found among the installed ones, and no tofu boxes.

Every figure's text uses the style's Latin serif (STIX) with a CJK font as *fallback*: a
character STIX lacks (永, 康) is drawn from the fallback font, so Chinese region names can sit in
any label, title or legend. The fallback font is the one the user names (:func:`use_font`, the
CLI's ``--font``), else the first installed CJK font matplotlib's font manager can find (Noto
Serif/Sans CJK, Source Han, WenQuanYi, AR PL, …; a font installed after matplotlib built its
cache is found too).

A figure never shows a tofu box: :func:`uncovered` lists, for each text artist, the characters
no font of its fallback chain can draw, and :func:`solver.plots.save_figure` refuses to save a
figure with any, raising :class:`FontMissing` with one line naming the glyphs and how to install
a font. :func:`require_font` makes the same check before any work is done (the CLI calls it when
``--names zh|both`` is asked for).

Examples
--------
>>> from solver.plots.fonts import FontMissing, require_font
>>> require_font(["Yongkang"]) is None          # Latin text needs no extra font
True
>>> isinstance(FontMissing("x"), ValueError)
True
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import matplotlib
from matplotlib import font_manager

from games.errors import UserInputError

__all__ = ["LATIN_FAMILIES", "FontMissing", "cjk_family", "family_name", "font_families", "pdf_safe", "require_font", "uncovered", "use_font"]

#: The style's own fonts, in fallback order: STIX (matches mathtext), then DejaVu Serif.
LATIN_FAMILIES = ("STIXGeneral", "DejaVu Serif")
#: Where to get a CJK font, said in every error about a missing one.
INSTALL_HINT = "install a CJK font (Debian/Ubuntu: apt install fonts-noto-cjk) or name one with --font"
#: File-name fragments of CJK fonts, most wanted first (serif to match the style, regular weight).
_PRIORITY = ("NotoSerifCJK", "SourceHanSerif", "NotoSansCJK", "SourceHanSans", "wqy", "WenQuanYi", "uming", "ukai", "Droid", "AR PL")
#: A sample of common Chinese characters a CJK font must cover to be chosen without a text.
_SAMPLE = "永康武义缙云市县省"

_CHOSEN: contextvars.ContextVar[str | None] = contextvars.ContextVar("intergov_font", default=None)


class FontMissing(UserInputError):
    """No installed font can draw some characters (a one-line message naming them)."""


def _needs_font(ch: str) -> bool:
    return not ch.isspace() and ord(ch) >= 0x2E80  # CJK radicals and beyond


def _glyphs(chars: str) -> str:
    """``"永 (U+6C38), 😀 (U+1F600)"``: characters with their code points, for messages."""
    shown = [f"{ch} (U+{ord(ch):04X})" for ch in chars[:8]]
    return ", ".join(shown) + (" …" if len(chars) > 8 else "")


def _placeholder(path: str) -> bool:
    """matplotlib's Last Resort font maps every character to a box: it draws nothing."""
    return "lastresort" in Path(path).name.lower().replace(" ", "").replace("-", "")


@lru_cache(maxsize=512)
def _charmap(path: str) -> frozenset[int]:
    try:
        return frozenset(matplotlib.ft2font.FT2Font(path).get_charmap())
    except (OSError, RuntimeError, ValueError):
        return frozenset()


@lru_cache(maxsize=512)
def _is_cff(path: str) -> bool:
    """Whether a font file holds PostScript (CFF) outlines rather than TrueType ones."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(path, fontNumber=0, lazy=True) as font:
            return "CFF " in font or "CFF2" in font
    except Exception:  # an unreadable font is treated as TrueType; FT2Font decides coverage
        return False


@lru_cache(maxsize=1)
def _system_fonts() -> tuple[str, ...]:
    fonts = set(font_manager.findSystemFonts())
    fonts.update(f.fname for f in font_manager.fontManager.ttflist)
    fonts = {f for f in fonts if not _placeholder(f)}

    def rank(path: str) -> tuple:
        name = Path(path).name.lower()
        hit = next((k for k, key in enumerate(_PRIORITY) if key.lower() in name), len(_PRIORITY))
        weight = any(w in name for w in ("bold", "black", "heavy", "light", "thin", "medium", "semibold"))
        return (hit, weight, name)

    return tuple(sorted(fonts, key=rank))


def _families(path: str) -> list[str]:
    """The family names matplotlib knows a font file by, registering the file if needed."""
    names = [f.name for f in font_manager.fontManager.ttflist if f.fname == path]
    if not names:
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError):
            return []
        names = [f.name for f in font_manager.fontManager.ttflist if f.fname == path]
    # A collection (.ttc) holds several faces; Simplified Chinese first.
    return sorted(dict.fromkeys(names), key=lambda n: (not n.endswith(" SC"), n))


def _covers(path: str, text: str) -> bool:
    charmap = _charmap(path)
    return bool(charmap) and all(ord(ch) in charmap for ch in text if _needs_font(ch))


@lru_cache(maxsize=64)
def _named(name: str) -> str:
    """The file of the font the user named: a file path or an installed family name."""
    if Path(name).is_file():
        path = str(Path(name).resolve())
    else:
        wanted = name.strip().lower()
        path = next((f.fname for f in font_manager.fontManager.ttflist if f.name.lower() == wanted), "")
    if path and _placeholder(path):
        raise FontMissing(f"--font {name!r} is matplotlib's placeholder font (every glyph a box); name a real font")
    if path:
        return path
    for path in _system_fonts():  # installed after matplotlib built its cache
        if any(n.lower() == wanted for n in _families(path)):
            return path
    raise FontMissing(f"--font {name!r}: no installed font has this name or path; {INSTALL_HINT.split(' or ')[0]}")


@lru_cache(maxsize=64)
def cjk_family(text: str = _SAMPLE, preferred: str | None = None) -> str | None:
    """The family name of an installed font that draws every CJK character of ``text``.

    ``preferred`` (a family name or a font file) is used if it covers the text; otherwise the
    installed fonts are searched, CJK serif fonts first. None when no installed font covers it.

    Raises
    ------
    FontMissing
        If ``preferred`` names no installed font, or one that lacks some of the characters.
    """
    if preferred:
        path = _named(preferred)
        if not _covers(path, text):
            lacking = "".join(dict.fromkeys(ch for ch in text if _needs_font(ch) and ord(ch) not in _charmap(path)))
            raise FontMissing(f"--font {preferred!r} has no glyph for {', '.join(lacking)}; choose another font")
        families = _families(path)
        return families[0] if families else None
    # Best-looking first (Noto Serif CJK, Source Han, …). A CFF-outline font like these is
    # embedded in PDF as Type 3 (see :func:`needs_type3`); name a TrueType CJK font with
    # --font for Type 42.
    for path in _system_fonts():
        if not _covers(path, text):
            continue
        families = _families(path)
        if families:
            return families[0]
    return None


def family_name(font: str) -> str:
    """The installed family's own name for a font given by family (any capitals) or file.

    Raises
    ------
    FontMissing
        If no installed font has that name.
    """
    families = _families(_named(font))
    if not families:
        raise FontMissing(f"--font {font!r}: matplotlib cannot read this font")
    return families[0]


@contextlib.contextmanager
def use_font(name: str | None) -> Iterator[None]:
    """Figures made inside the block draw non-Latin characters in font ``name`` (a family or a file).

    Raises
    ------
    FontMissing
        If no installed font has that name.
    """
    if name:
        _named(name)
    token = _CHOSEN.set(name or None)
    try:
        yield
    finally:
        _CHOSEN.reset(token)


def font_families() -> list[str]:
    """The ``font.family`` list of the style: the Latin fonts, then the CJK fallback if any."""
    chosen = _CHOSEN.get()
    if chosen:
        families = _families(_named(chosen))
        extra = families[:1]
    else:
        found = cjk_family()
        extra = [found] if found else []
    return [*LATIN_FAMILIES, *extra]


def _family_files(families: Iterable[str]) -> list[str]:
    """The font files matplotlib uses for a list of family names (unknown names are skipped)."""
    files = []
    for family in families:
        try:
            path = font_manager.findfont(font_manager.FontProperties(family=[family]), fallback_to_default=False)
        except ValueError:
            continue
        if path not in files:
            files.append(path)
    return files


def require_font(texts: Iterable[str], preferred: str | None = None) -> str | None:
    """The CJK fallback family that will draw ``texts`` (None if they need none), checked against
    exactly the fonts the figures use: the style's Latin fonts and that fallback.

    Raises
    ------
    FontMissing
        Naming the characters (with their code points) none of those fonts draws, and how to
        install a CJK font when they are CJK.
    """
    chars = "".join(dict.fromkeys(ch for t in texts for ch in str(t) if not ch.isspace()))
    latin = _family_files(LATIN_FAMILIES)
    needed = "".join(ch for ch in chars if not any(ord(ch) in _charmap(p) for p in latin))
    if not needed:
        return None
    preferred = preferred or _CHOSEN.get()
    family = cjk_family(_SAMPLE, preferred) if preferred else cjk_family()
    if family is None and any(_needs_font(ch) for ch in needed):
        raise FontMissing(f"no installed font has the glyphs {_glyphs(''.join(ch for ch in needed if _needs_font(ch)))}; {INSTALL_HINT}")
    chain = latin + _family_files([family] if family else [])
    lacking = "".join(ch for ch in needed if not any(ord(ch) in _charmap(p) for p in chain))
    if lacking:
        fonts = ", ".join([*LATIN_FAMILIES, *([family] if family else [])])
        raise FontMissing(f"the figure fonts ({fonts}) have no glyph for {_glyphs(lacking)}; change the text or name a font that has them with --font")
    return family


def _drawn_fonts(artist) -> list[str]:
    """The font files that draw the characters of a (non-mathtext) text artist."""
    paths = [str(getattr(p, "path", p)) for p in font_manager.fontManager._find_fonts_by_props(artist.get_fontproperties())]
    used = []
    for ch in set(artist.get_text()):
        if ch.isspace():
            continue
        first = next((p for p in paths if ord(ch) in _charmap(p)), None)
        if first is not None and first not in used:
            used.append(first)
    return used


def _truetype_subset(path: str, index: int, chars: str) -> str:
    """A TrueType-outline font holding only ``chars`` of the CFF font ``path`` (face ``index``),
    registered with matplotlib; its family name.

    The cubic CFF outlines become quadratic TrueType ones (fontTools' cu2qu, error ≤ 1 font
    unit in 1,000), so the PDF embeds a well-formed Type 42 font with the same glyphs.
    """
    import hashlib
    import tempfile

    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    key = hashlib.sha1(f"{path}|{index}|{chars}".encode()).hexdigest()[:12]
    family = f"intergov subset {key}"
    if any(f.name == family for f in font_manager.fontManager.ttflist):
        return family
    options = subset.Options()
    options.font_number = index
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(path, options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    order = font.getGlyphOrder()
    outlines = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(outlines)
        outlines[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, glyphs
    for tag in ("CFF ", "CFF2", "VORG"):
        if tag in font:
            del font[tag]
    hmtx = font["hmtx"]
    for name, glyph in glyphs.items():
        glyph.recalcBounds(glyf)
        hmtx.metrics[name] = (hmtx.metrics[name][0], getattr(glyph, "xMin", 0))
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions", "maxComponentElements",
                  "maxTwilightPoints", "maxComponentDepth"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    maxp.recalc(font)
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 3.0, [], {}
    font["head"].indexToLocFormat = font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = family
        elif record.nameID == 4:
            record.string = f"{family} Regular"
        elif record.nameID == 6:
            record.string = family.replace(" ", "-")
    global _SUBSETS
    if _SUBSETS is None:
        _SUBSETS = tempfile.TemporaryDirectory(prefix="intergov-fonts-")
    out = Path(_SUBSETS.name) / f"{key}.ttf"
    font.save(str(out))
    font_manager.fontManager.addfont(str(out))
    return family


_SUBSETS = None


@contextlib.contextmanager
def pdf_safe(fig) -> Iterator[None]:
    """Inside the block, text drawn from a CFF-outline font (Noto CJK, Source Han) uses a
    TrueType copy of just its glyphs, so a PDF embeds it as a well-formed Type 42 font.

    matplotlib writes a CFF font into a PDF as if it were TrueType (matplotlib issue #20870): the
    file opens in some viewers and is rejected by others. Outside the block nothing changes.
    """
    users: dict[tuple[str, int], list] = {}
    for artist in fig.findobj(matplotlib.text.Text):
        text = artist.get_text()
        if not text or not artist.get_visible() or _MATH.search(text) or not any(_needs_font(ch) for ch in text):
            continue
        found = font_manager.fontManager._find_fonts_by_props(artist.get_fontproperties())
        paths = [(str(getattr(p, "path", p)), int(getattr(p, "face_index", 0))) for p in found]
        for ch in set(text):
            first = next((p for p in paths if not ch.isspace() and ord(ch) in _charmap(p[0])), None)
            if first is not None and _is_cff(first[0]):
                users.setdefault(first, []).append((artist, ch))
    saved = []
    try:
        for (path, index), uses in users.items():
            family = _truetype_subset(path, index, "".join(sorted({ch for _, ch in uses})))
            cff_names = {f.name for f in font_manager.fontManager.ttflist if f.fname == path}
            for artist in dict.fromkeys(a for a, _ in uses):
                prop = artist.get_fontproperties()
                saved.append((artist, prop))
                new = prop.copy()
                new.set_family([f for f in prop.get_family() if f not in cff_names] + [family])
                artist.set_fontproperties(new)
        yield
    finally:
        for artist, prop in reversed(saved):
            artist.set_fontproperties(prop)


_MATH = re.compile(r"(?<!\\)\$.*?(?<!\\)\$")


def uncovered(fig) -> dict[str, str]:
    """For each visible text of ``fig`` with characters no font of its fallback chain has, those characters.

    The fonts are the ones matplotlib resolves for the artist when it draws (its family list
    with fallback). A string holding ``$…$`` is set whole by mathtext, which has no fallback and
    no CJK glyphs, so a Chinese name must not share a string with mathtext.

    >>> from matplotlib.figure import Figure
    >>> fig = Figure(); _ = fig.text(0.5, 0.5, "share of 永康, $x$")
    >>> uncovered(fig)
    {'share of 永康, $x$': '永康'}
    """
    missing: dict[str, str] = {}
    stix = _family_files(["STIXGeneral"])
    for artist in fig.findobj(matplotlib.text.Text):
        text = artist.get_text()
        if not text or not artist.get_visible() or text.isascii():
            continue
        if _MATH.search(text):
            # A string with $…$ anywhere is set whole by mathtext, whose (STIX) fonts have no
            # fallback and no CJK glyphs: such a character of it becomes a box.
            lacking = [ch for ch in text if not ch.isascii() and not ch.isspace() and not any(ord(ch) in _charmap(p) for p in stix)]
        else:
            paths = [str(getattr(p, "path", p)) for p in font_manager.fontManager._find_fonts_by_props(artist.get_fontproperties())]
            paths = [p for p in paths if not _placeholder(p)]
            lacking = [ch for ch in text if not ch.isspace() and not any(ord(ch) in _charmap(p) for p in paths)]
        if lacking:
            missing[text] = "".join(dict.fromkeys(lacking))
    return missing
