"""Gambit strategic-form files (``.nfg``): read both versions, write the payoff version.

Any stage or induced game can be opened in Gambit, and a game from Gambit solved here. The
format (Gambit's documentation, "The strategic game (.nfg) file format")::

    NFG 1 R "title" { "Player 1" "Player 2" } { { "C" "D" } { "C" "D" } }
    ""
    3 3 0 5 5 0 1 1          <- payoff version: each profile's payoffs, player 1 varying fastest

or, in the outcome version, a list of outcomes ``{ "name" 3, 3 }`` followed by the outcome
index (1-based; 0 for the null outcome) of each profile in the same order. Numbers may be
integers, decimals or fractions (``1/3``). Only two-player games are read.

Examples
--------
>>> from games import prisoners_dilemma
>>> text = write_nfg(prisoners_dilemma(T=5, R=3, P=1, S=0))
>>> print(text.splitlines()[0])
NFG 1 R "prisoner's dilemma" { "row" "col" } { { "C" "D" } { "C" "D" } }
>>> read_nfg(text).row_payoffs.tolist()
[[3.0, 0.0], [5.0, 1.0]]
"""

from __future__ import annotations

import math
import os
import re
from fractions import Fraction
from pathlib import Path

import numpy as np

from .errors import UserInputError
from .game import Game

__all__ = ["MAX_NFG_BYTES", "MAX_NFG_NUMBER", "MAX_NFG_PROFILES", "MIN_NFG_NUMBER", "NfgError", "read_nfg", "write_nfg"]

#: Largest .nfg file read, in bytes.
MAX_NFG_BYTES = 20 * 1024 * 1024
#: Most strategy profiles (rows × columns) a game read from .nfg may have.
MAX_NFG_PROFILES = 10**6
#: Largest payoff magnitude read; a number is a decimal (optionally with an exponent) or a
#: fraction p/q, of at most :data:`_MAX_CHARS` characters.
MAX_NFG_NUMBER = 1e100
#: Smallest nonzero |payoff| (a subnormal 5e-324 made exact rationals too large for the kernels).
MIN_NFG_NUMBER = 1e-100
_MAX_CHARS = 100
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+))?(?:/(\d+))?")
_INTEGER = re.compile(r"[+-]?\d+")
_REST = re.compile(r"\s*\Z")
_RANGE = "a payoff is 0, or 1e-100 ≤ |payoff| ≤ 1e+100"
_TOKEN = re.compile(r'\s*(?:(\{)|(\})|"((?:[^"\\]|\\.)*)"|([^\s{}"]+))', re.S)


class NfgError(UserInputError):
    """A malformed .nfg file; the message names the file and where it went wrong (one line)."""

    def __init__(self, message: str) -> None:
        super().__init__("".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in message))


def _tokens(text: str, source: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        if _REST.match(text, pos):  # only white space left (checked in time linear in it)
            break
        m = _TOKEN.match(text, pos)
        if not m:
            line = text.count("\n", 0, pos) + 1
            raise NfgError(f"{source}: line {line}: cannot read {text[pos : pos + 20]!r}")
        if m.group(1):
            out.append(("{", "{"))
        elif m.group(2):
            out.append(("}", "}"))
        elif m.group(3) is not None:
            out.append(("str", m.group(3).replace('\\"', '"')))
        else:
            out.append(("word", m.group(4)))
        pos = m.end()
    return out


def _shown(word: str) -> str:
    """A token for a message: at most 40 characters, with its length when cut."""
    return repr(word) if len(word) <= 40 else f"{word[:40]!r}… ({len(word):,} characters)"


def _number(word: str, source: str, what: str) -> float:
    """A payoff: a decimal or a fraction, checked for its form and size BEFORE any exact value
    is built (``1e99999999`` would otherwise build a 100-million-digit integer)."""
    word = word.rstrip(",")
    m = _NUMBER.fullmatch(word) if len(word) <= _MAX_CHARS else None
    if m is None:
        raise NfgError(f"{source}: {what}: {_shown(word)} is not a number (a decimal or a fraction p/q of at most {_MAX_CHARS} characters)")
    if m.group(1) is not None and abs(int(m.group(1))) > 400:
        raise NfgError(f"{source}: {what}: {_shown(word)} is out of range ({_RANGE})")
    try:
        value = float(Fraction(word))
    except ZeroDivisionError:
        raise NfgError(f"{source}: {what}: {_shown(word)} divides by zero") from None
    except ValueError:  # a fraction needs whole numbers (1.5/2 is not one)
        raise NfgError(f"{source}: {what}: {_shown(word)} is not a number (a decimal or a fraction p/q of at most {_MAX_CHARS} characters)") from None
    except OverflowError:
        value = math.inf
    if not (abs(value) <= MAX_NFG_NUMBER and (value == 0 or abs(value) >= MIN_NFG_NUMBER)):
        raise NfgError(f"{source}: {what}: {_shown(word)} is out of range ({_RANGE})")
    return value


def _integer(word: str, source: str, what: str) -> int:
    """A count or an index: digits only (``2.9`` is refused, not truncated to 2)."""
    if len(word) > 12 or not _INTEGER.fullmatch(word):
        raise NfgError(f"{source}: {what}: {_shown(word)} is not a whole number")
    return int(word)


def read_nfg(source: str | os.PathLike[str]) -> Game:
    """A two-player :class:`Game` from a .nfg file's path or its text.

    Raises
    ------
    NfgError
        For anything malformed, a game with other than two players, or a file too large.
    """
    name = "<nfg>"
    text = str(source)
    if isinstance(source, os.PathLike) or (isinstance(source, str) and not source.lstrip().startswith("NFG") and Path(source).is_file()):
        path = Path(source)
        name = str(path)
        try:
            if path.stat().st_size > MAX_NFG_BYTES:
                raise NfgError(f"{name}: the file is larger than {MAX_NFG_BYTES // 2**20} MiB")
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as err:
            raise NfgError(f"{name}: not UTF-8 text") from err
        except OSError as err:
            raise NfgError(f"{name}: cannot read: {err.strerror or err}") from err
    tokens = _tokens(text, name)
    k = 0

    def take(kind: str, what: str) -> str:
        nonlocal k
        if k >= len(tokens):
            raise NfgError(f"{name}: the file ends early, expected {what}")
        t, v = tokens[k]
        if t != kind:
            raise NfgError(f"{name}: expected {what}, got {v!r} (token {k + 1})")
        k += 1
        return v

    def group_of_strings(what: str) -> list[str]:
        nonlocal k
        take("{", f"'{{' opening {what}")
        items = []
        while k < len(tokens) and tokens[k][0] == "str":
            items.append(tokens[k][1])
            k += 1
        take("}", f"'}}' closing {what}")
        return items

    if take("word", "NFG") != "NFG":
        raise NfgError(f"{name}: not an .nfg file (it must start with NFG 1 R)")
    if take("word", "the version 1") != "1" or take("word", "R (or D)") not in ("R", "D"):
        raise NfgError(f"{name}: only version 1 .nfg files are read (NFG 1 R …)")
    title = take("str", "the game's title")
    players = group_of_strings("the player names")
    if len(players) != 2:
        raise NfgError(f"{name}: only two-player games are read; this one has {len(players)} players")
    take("{", "the strategies")
    if k < len(tokens) and tokens[k][0] == "{":
        strategies = [group_of_strings("a player's strategy names") for _ in range(2)]
        sizes = [len(s) for s in strategies]
    else:
        sizes = [_integer(take("word", "a number of strategies"), name, "number of strategies") for _ in range(2)]
        strategies = None  # numbered once the counts are known to be in range
    take("}", "'}' closing the strategies")
    if min(sizes) < 1 or sizes[0] * sizes[1] > MAX_NFG_PROFILES:
        raise NfgError(f"{name}: strategy counts {sizes} are out of range (1 to {MAX_NFG_PROFILES:,} profiles)")
    if strategies is None:
        strategies = [[str(i + 1) for i in range(n)] for n in sizes]
    if k < len(tokens) and tokens[k][0] == "str":
        k += 1  # the comment
    m, n = sizes
    a, b = np.zeros((m, n)), np.zeros((m, n))
    if k < len(tokens) and tokens[k][0] == "{":  # outcome version
        take("{", "the outcome list")
        outcomes = []
        while k < len(tokens) and tokens[k][0] == "{":
            take("{", "an outcome")
            if k < len(tokens) and tokens[k][0] == "str":
                k += 1
            values = []
            while k < len(tokens) and tokens[k][0] == "word":
                values.append(_number(tokens[k][1], name, f"outcome {len(outcomes) + 1}"))
                k += 1
            if len(values) != 2:
                raise NfgError(f"{name}: outcome {len(outcomes) + 1} has {len(values)} payoffs, expected 2")
            take("}", "'}' closing an outcome")
            outcomes.append(values)
        take("}", "'}' closing the outcome list")
        for profile in range(m * n):
            index = _integer(take("word", f"the outcome of profile {profile + 1}"), name, f"profile {profile + 1}")
            if not 0 <= index <= len(outcomes):
                raise NfgError(f"{name}: profile {profile + 1} names outcome {index}, but there are {len(outcomes)}")
            if index:
                i, j = profile % m, profile // m
                a[i, j], b[i, j] = outcomes[index - 1]
    else:
        values = []
        while k < len(tokens) and tokens[k][0] == "word":
            values.append(_number(tokens[k][1], name, f"payoff {len(values) + 1}"))
            k += 1
        if len(values) != 2 * m * n:
            raise NfgError(f"{name}: {len(values)} payoffs for {m * n} profiles of two players (expected {2 * m * n})")
        for profile in range(m * n):
            i, j = profile % m, profile // m
            a[i, j], b[i, j] = values[2 * profile], values[2 * profile + 1]
    if k != len(tokens):
        raise NfgError(f"{name}: unexpected {tokens[k][1]!r} after the payoffs (token {k + 1})")
    if len(set(strategies[0])) != m or len(set(strategies[1])) != n or "" in strategies[0] + strategies[1]:
        strategies = [[str(i + 1) for i in range(m)], [str(j + 1) for j in range(n)]]
    return Game(a, b, players=(players[0] or "row", players[1] or "col"), strategies=(tuple(strategies[0]), tuple(strategies[1])), name=title)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _fmt(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    frac = Fraction(float(value)).limit_denominator(10**9)
    return f"{frac.numerator}/{frac.denominator}" if float(frac) == value else repr(float(value))


def write_nfg(game: Game, path: str | os.PathLike[str] | None = None) -> str:
    """The payoff-version .nfg text of a game; also written to ``path`` (atomically) if given."""
    m, n = game.shape
    head = f"NFG 1 R {_quote(game.name)} {{ {_quote(game.players[0])} {_quote(game.players[1])} }} "
    head += "{ " + " ".join("{ " + " ".join(_quote(s) for s in labels) + " }" for labels in game.strategies) + " }"
    values = []
    for j in range(n):
        for i in range(m):
            values += [_fmt(game.row_payoffs[i, j]), _fmt(game.col_payoffs[i, j])]
    text = f'{head}\n"written by intergov"\n\n{" ".join(values)}\n'
    if path is not None:
        import tempfile

        target = Path(path)
        fd, tmp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".", prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        mask = os.umask(0o022)  # mkstemp's file is private: give it the mode open() would
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, target)
    return text
