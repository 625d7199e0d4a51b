"""Names in Latin or Chinese, the CJK font, and figures without tofu boxes (issue 13).

References: poppler's ``pdftotext``/``pdffonts`` read the PDFs matplotlib writes (an extractor
independent of matplotlib); fontTools' own pens measure the glyphs of the original CFF font
against the TrueType copy :func:`solver.plots.fonts.pdf_safe` embeds.
"""

from __future__ import annotations

import os
import subprocess

import pytest
from matplotlib.figure import Figure

from regions import load_scenario
from solver.cli import main
from solver.network import analyze, link_game
from solver.plots import fonts, save_figure
from solver.plots.fonts import FontMissing, cjk_family, require_font, uncovered, use_font
from tests.tools import require_tool

NET = load_scenario("yongkang-wuyi-jinyun")
HAS_CJK = cjk_family() is not None
needs_cjk = pytest.mark.skipif(not HAS_CJK and not os.environ.get("CI"), reason="no CJK font installed (CI installs fonts-noto-cjk)")


_poppler = require_tool


def test_named_changes_labels_only():
    zh, both = NET.named("zh"), NET.named("both")
    assert zh.region("yongkang").name == "永康市" and both.region("wuyi").name == "Wuyi 武义县"
    assert NET.named("latin") is NET and NET.named("en") is NET
    assert [k.between for k in zh.links] == [k.between for k in NET.links]
    # The analysis of the renamed network is the same, link by link.
    a, b = analyze(NET, basin=False), analyze(zh, basin=False)
    assert [(r.mechanism, r.report.level) for r in a.links] == [(r.mechanism, r.report.level) for r in b.links]
    assert a.summary == b.summary
    assert link_game(zh, zh.links[0]).players == ("永康市", "武义县")
    with pytest.raises(ValueError, match="names must be one of latin, zh, both"):
        NET.named("cn")


def test_region_without_chinese_name_keeps_its_latin_name():
    from regions import Region, RegionNetwork

    net = RegionNetwork([Region("p", "Province", "province", name_zh="省"), Region("a", "Alpha", "county", parent="p")])
    assert [r.name for r in net.named("zh").regions.values()] == ["省", "Alpha"]
    assert [r.name for r in net.named("both").regions.values()] == ["Province 省", "Alpha"]


@pytest.fixture
def no_cjk_font(monkeypatch):
    """A machine without any CJK font: only the fonts matplotlib ships."""
    import matplotlib

    shipped = tuple(str(p) for p in (os.path.join(matplotlib.get_data_path(), "fonts", "ttf", f) for f in ("DejaVuSans.ttf", "STIXGeneral.ttf")))
    fonts.cjk_family.cache_clear()
    monkeypatch.setattr(fonts, "_system_fonts", lambda: shipped)
    yield
    fonts.cjk_family.cache_clear()


def test_missing_font_is_one_line_naming_glyphs_and_the_package(no_cjk_font, capsys):
    with pytest.raises(FontMissing) as err:
        require_font(["永康市"])
    message = str(err.value)
    assert "永 (U+6C38), 康 (U+5EB7), 市 (U+5E02)" in message and "fonts-noto-cjk" in message and "--font" in message and "\n" not in message
    assert require_font(["Yongkang"]) is None  # Latin needs nothing
    assert main(["plot", "network-map", "yongkang-wuyi-jinyun", "--names", "zh", "--out", "/tmp/never-written.png"]) == 2
    line = capsys.readouterr().err
    assert line.count("\n") == 1 and "fonts-noto-cjk" in line and "Traceback" not in line
    assert not os.path.exists("/tmp/never-written.png")


def test_unknown_font_and_font_without_the_glyphs(capsys):
    assert main(["plot", "payoff-matrix", "yongkang-wuyi-jinyun", "--names", "zh", "--font", "No Such Font", "--out", "/tmp/x-never.png"]) == 2
    assert "no installed font has this name" in capsys.readouterr().err
    assert main(["plot", "payoff-matrix", "yongkang-wuyi-jinyun", "--names", "zh", "--font", "DejaVu Sans", "--out", "/tmp/x-never.png"]) == 2
    assert "has no glyph for" in capsys.readouterr().err
    assert main(["plot", "payoff-matrix", "yongkang-wuyi-jinyun", "--names", "cn", "--out", "/tmp/x-never.png"]) == 2
    assert "use one of latin, zh, both" in capsys.readouterr().err


def test_save_refuses_tofu_and_writes_nothing(tmp_path):
    with use_font("DejaVu Sans"):  # a font without CJK glyphs: the names would be boxes
        fig = Figure()
        fig.text(0.1, 0.5, "永康市")
    assert uncovered(fig) == {"永康市": "永康市"}
    with pytest.raises(FontMissing, match=r"永 \(U\+6C38\), 康 \(U\+5EB7\), 市"):
        save_figure(fig, tmp_path / "tofu.png")
    assert list(tmp_path.iterdir()) == []


def test_mathtext_string_with_chinese_is_flagged():
    from solver.plots import plot_style

    with plot_style():  # the style's fonts: STIX with the CJK fallback
        fig = Figure()
        fig.text(0.1, 0.5, "share of 永康市 cooperating, $x$")
        fig.text(0.1, 0.2, "share of 永康市 cooperating")
    assert list(uncovered(fig)) == (["share of 永康市 cooperating, $x$"] if HAS_CJK else ["share of 永康市 cooperating, $x$", "share of 永康市 cooperating"])


@needs_cjk
def test_pdf_with_chinese_names_is_well_formed_and_searchable(tmp_path):
    pdftotext, pdffonts = _poppler("pdftotext"), _poppler("pdffonts")
    out = tmp_path / "matrix.pdf"
    assert main(["plot", "payoff-matrix", "yongkang-wuyi-jinyun", "--names", "both", "--out", str(out)]) == 0
    text = subprocess.run([pdftotext, str(out), "-"], capture_output=True, text=True, check=True)
    assert "永康市" in text.stdout and "武义县" in text.stdout
    # A CFF font written as TrueType makes poppler warn "Mismatch between font type and embedded font file".
    assert "Mismatch" not in text.stderr
    table = subprocess.run([pdffonts, str(out)], capture_output=True, text=True, check=True).stdout
    assert "Type 3" not in table and all(" yes " in line for line in table.splitlines()[2:])


@needs_cjk
def test_truetype_copy_keeps_every_glyph():
    """The TrueType copy of a CFF font's glyphs has the same advances and, within 2 units in
    1,000, the same outline bounds (fontTools' BoundsPen on both fonts)."""
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont
    from matplotlib import font_manager

    family = cjk_family()
    entry = next(f for f in font_manager.fontManager.ttflist if f.name == family)
    if not fonts._is_cff(entry.fname):
        pytest.skip(f"{family} has TrueType outlines already")
    index = next(int(getattr(p, "face_index", 0)) for p in font_manager.fontManager._find_fonts_by_props(font_manager.FontProperties(family=[family])))
    chars = "永康市武义县缙云金华丽水省"
    copy = fonts._truetype_subset(entry.fname, index, chars)
    copy_path = next(f.fname for f in font_manager.fontManager.ttflist if f.name == copy)
    with TTFont(entry.fname, fontNumber=index, lazy=True) as original, TTFont(copy_path) as converted:
        assert "glyf" in converted and "CFF " not in converted
        for ch in chars:
            a, b = original.getBestCmap()[ord(ch)], converted.getBestCmap()[ord(ch)]
            assert original["hmtx"][a][0] == converted["hmtx"][b][0]
            pa, pb = BoundsPen(original.getGlyphSet()), BoundsPen(converted.getGlyphSet())
            original.getGlyphSet()[a].draw(pa)
            converted.getGlyphSet()[b].draw(pb)
            assert max(abs(x - y) for x, y in zip(pa.bounds, pb.bounds)) <= 2


def test_placeholder_font_is_refused():
    """matplotlib's Last Resort font maps every character to a box (found by the adversarial review)."""
    with pytest.raises(FontMissing, match="placeholder"):
        with use_font("Last Resort High-Efficiency"):
            pass


@needs_cjk
@pytest.mark.parametrize("text", ["Zhou 😀", "ﻣﺪﻳﻨﺔ", "𠀀县"])
def test_the_check_before_work_uses_the_figure_fonts(text, tmp_path):
    """A character no font of the figures' chain draws (emoji, Arabic presentation forms, a CJK
    Extension B character) is refused before any work, naming it with its code point, and a
    figure drawn anyway is refused by save_figure: the two checks agree."""
    from solver.plots import plot_style

    with pytest.raises(FontMissing, match=r"U\+"):
        require_font([text])
    with plot_style():
        fig = Figure()
        fig.text(0.1, 0.5, text)
    assert uncovered(fig)
    with pytest.raises(FontMissing):
        save_figure(fig, tmp_path / "x.png")


def test_scripts_the_figure_fonts_draw_pass_both_checks(tmp_path):
    """Greek, Cyrillic and accented Latin are in STIX/DejaVu Serif: no error, no box."""
    from solver.plots import plot_style

    text = "Δx ≥ 0 · Moskva Москва · Zürich · Ελλάδα"
    require_font([text])
    with plot_style():
        fig = Figure()
        fig.text(0.1, 0.5, text)
    assert uncovered(fig) == {}
    save_figure(fig, tmp_path / "x.png")


@needs_cjk
def test_network_map_names_are_searchable_text(tmp_path):
    """Map labels keep their white halo as a separate outline twin: the names themselves stay
    text in the PDF (a path effect on the label turned them into outlines; adversarial review)."""
    pdftotext = _poppler("pdftotext")
    out = tmp_path / "map.pdf"
    assert main(["plot", "network-map", "yongkang-wuyi-jinyun", "--names", "both", "--out", str(out)]) == 0
    text = subprocess.run([pdftotext, str(out), "-"], capture_output=True, text=True, check=True).stdout
    for name in ("Yongkang 永康市", "Wuyi 武义县", "Jinyun 缙云县", "Jinhua 金华市"):
        assert name in text


def test_dollar_signs_in_user_text_are_drawn_as_written():
    """A mechanism or region name with $ is not mathtext: "US$5 subsidy, US$10 fine" used to be
    set as "US5*subsidy, US*10 fine", and "\\x$" aborted the figure (adversarial review)."""
    import matplotlib.text as mtext

    from regions import loads_scenario
    from solver.design import compare
    from solver.plots import mechanism_comparison, payoff_matrix

    toml = NET_TOML.replace('name = "Wuyi"', 'name = "Wu$yi$"').replace('name = "Jinhua guidance"', 'name = "US$5 subsidy, US$10 fine"')
    net = loads_scenario(toml)
    game = link_game(net, net.links[0])
    figs = [
        network_map_of(net),
        payoff_matrix(game, titles=("status quo", "US$5 subsidy, US$10 fine")),
        mechanism_comparison(compare(net), names=net),
    ]
    shown = set()
    for fig in figs:
        for t in fig.findobj(mtext.Text):
            text, math = t._preprocess_math(t.get_text())
            assert not math, t.get_text()
            shown.add(text)
    assert any("Wu$yi$" in t for t in shown) and any("US$5 subsidy, US$10 fine" in t.replace("\n", " ") for t in shown)


def network_map_of(net):
    from solver.plots import network_map

    return network_map(net, analyze(net, basin=False))


NET_TOML = __import__("regions").builtin_text("yongkang-wuyi-jinyun")
