"""docs/limits.md states the limits the code enforces: each constant, as the page writes it."""

import math
from pathlib import Path

from games.expr import MAX_DIGITS, MAX_EXPONENT, MAX_LENGTH, MAX_LITERAL_EXPONENT
from games.game import MAX_PAYOFF
from games.limits import MAX_NESTING
from games.model import _LARGEST, _LARGEST_PAYOFF, _SMALLEST, MAX_MODEL_BYTES, MAX_PROFILES
from games.nfg import _MAX_CHARS, MAX_NFG_BYTES, MAX_NFG_NUMBER, MAX_NFG_PROFILES, MIN_NFG_NUMBER
from games.threeparty import MAX_PARAMETER as THREE_PARTY_MAX
from regions.io import MAX_TABLE_BYTES
from regions.network import MAX_MAGNITUDE, MIN_MAGNITUDE
from regions.scenario import MAX_BYTES
from regions.synthetic import MAX_REGIONS
from solver.cli import LINE_LIMIT, MAX_BASIN_SAMPLES, MAX_SAMPLES, QUOTE_LIMIT
from solver.dynamics.derive import MAX_REST_FACES, MAX_SHARES
from solver.sweep import MAX_POINTS
from solver.terminal import DELAY

PAGE = (Path(__file__).resolve().parents[1] / "docs" / "limits.md").read_text(encoding="utf-8")
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _power(x: float) -> str:
    """10ⁿ as the page writes it, for x a power of ten."""
    exponent = round(math.log10(x))
    assert float(10**exponent) == float(x)
    return "10" + str(exponent).translate(SUPERSCRIPT)


def test_every_limit_on_the_page_is_the_code_s():
    expected = [
        f"scenario and sweep files (TOML) | at most {MAX_BYTES // 2**20} MiB",
        f"nested at most {MAX_NESTING} levels deep",
        f"0 or {_power(MIN_MAGNITUDE)} ≤ \\|x\\| ≤ {_power(MAX_MAGNITUDE)} (weights",
        f"\\|x\\| ≤ {_power(MAX_PAYOFF)} (no smallest",
        f"parameter values 0 or {_power(float(_SMALLEST))} ≤ \\|x\\| ≤ {_power(float(_LARGEST))}",
        f"\\|x\\| ≤ {_power(_LARGEST_PAYOFF)};",
        f"CSV tables | at most {MAX_TABLE_BYTES // 2**20} MiB",
        f"GraphML files | at most {MAX_TABLE_BYTES // 2**20} MiB",
        f"model files | at most {MAX_MODEL_BYTES // 2**20} MiB and {MAX_PROFILES:,} pure profiles",
        f"expressions of at most {MAX_LENGTH:,} characters",
        f"numeric exponent of at most {MAX_EXPONENT}",
        f"number literals with a decimal exponent of at most {MAX_LITERAL_EXPONENT}",
        f"numbers of at most {MAX_DIGITS:,} digits",
        f"takes at most {MAX_SHARES} share variables",
        f"on at most {MAX_REST_FACES:,} faces",
        f"at most {MAX_NFG_BYTES // 2**20} MiB and {_power(MAX_NFG_PROFILES)} strategy profiles",
        f"of at most {_MAX_CHARS} characters, 0 or {_power(MIN_NFG_NUMBER)} ≤ \\|x\\| ≤ {_power(MAX_NFG_NUMBER)}",
        f"| 64 to {MAX_SAMPLES:,} |",
        f"longer than {QUOTE_LIMIT} characters is cut",
        f"no line is longer than {LINE_LIMIT:,} characters",
        f"Work longer than {DELAY:g} seconds",
        f"regions 4 to {MAX_REGIONS:,}",
        f"`--basin-samples` 8 to {MAX_BASIN_SAMPLES:,}",
        f"the three-party game's parameters 0 to {_power(THREE_PARTY_MAX)}",
        f"at most {MAX_POINTS:,} points",
    ]
    missing = [text for text in expected if text not in PAGE]
    assert not missing, missing
