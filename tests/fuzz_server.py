"""Fuzz server for the ``intergov`` command line (issue 16): mutated inputs, one forked child a case.

Run as a script, never imported by pytest's worker::

    python tests/fuzz_server.py --corpus scenario --cases 40 --seed 0 --out DIR [--report FILE]

It imports :mod:`solver.cli` and everything the commands use (matplotlib on Agg, the numba
kernels), warms every command up once on a small valid case (so that no child compiles), then
for each case writes the mutated input files into a fresh folder ``DIR/<corpus>-<index>`` and
runs each step of the case in a forked child:

* the child sets ``RLIMIT_AS`` to its current address space plus ``--mem-mib`` (default 1 GiB;
  measured: after the warm-up the server maps about 2 GB of address space for 0.4 GB resident,
  and RLIMIT_AS relative to the current size works with numba/llvmlite, so RLIMIT_DATA is not
  needed), ``RLIMIT_FSIZE`` to 256 MiB (SIGXFSZ ignored: a too-large write fails with an
  OSError) and ``RLIMIT_CORE`` to 0;
* stdin is /dev/null, stdout and stderr go to ``stdout.txt``/``stderr.txt`` in the folder (UTF-8,
  strict, like a UTF-8 terminal), the working directory, ``tempfile.tempdir``, ``TMPDIR``, ``HOME``
  and the XDG folders are the folder and every path in argv is relative, so nothing is written
  outside it by accident (the numba cache is warm, so no child writes to ``__pycache__``);
* it runs ``solver.cli.main(argv)`` and ``os._exit(status)`` (an exception escaping ``main`` is
  printed with its traceback and gives status 1).

The parent waits at most ``--timeout`` seconds of wall clock (default 20 s: the slowest valid
case here, a basin analysis of the largest built-in scenario, takes about 2 s on this machine,
so 20 s leaves a 10x margin for a loaded 2-core machine while still catching a hang quickly),
then SIGKILLs the child and records a hang; a child killed by a signal (SIGKILL, SIGSEGV, …) is
recorded too. Checks per step: exit status 0 or 2; on 2, stderr is exactly one line starting
``intergov: error: `` of at most 2,000 characters (a ``note:`` line before it counts as a second
line); no ``Traceback`` and no Python warning (``file:line: XWarning: …``) in stderr; on 0 with
``--format json`` stdout parses with ``json.loads`` refusing NaN and Infinity; every ``.json``
or ``.geojson`` file the step wrote parses the same way. A step runs only if the one before it
exited 0 (``import`` then ``analyze`` of the imported file).

Cases are deterministic: case ``i`` of corpus ``c`` with seed ``s`` draws from
``random.Random(f"{s}:{c}:{i}")``. The report (JSON) lists every case's steps; folders of passing
cases are deleted, failing ones are kept (the input files, ``argv.json``, stdout, stderr).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import csv
import io
import json
import os
import random
import re
import resource
import shutil
import signal
import sys
import time
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ["MPLBACKEND"] = "Agg"

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import tomli_w  # noqa: E402
import tomllib  # noqa: E402
from scenarios import two_links  # noqa: E402  (tests/scenarios.py: this script's folder is on sys.path)

import games  # noqa: E402
import regions  # noqa: E402
from solver.cli import main  # noqa: E402

CORPORA = ("scenario", "sweep", "nfg", "csv", "graphml", "model")
ERROR_PREFIX = "intergov: error: "
MAX_ERROR_CHARS = 2000

# ---------------------------------------------------------------------------------------------
# generic byte-level mutations

SPECIAL_NUMBERS = [
    "1e308",
    "-1e308",
    "5e-324",
    "1e12+1",
    "1000000000001",
    "1e309",
    "-0.0",
    "nan",
    "inf",
    "-inf",
    "9223372036854775808",
    "-9223372036854775809",
    "1" + "0" * 400,
    "0",
    "1e-400",
    "0x10",
    "1_000",
    "1/0",
    "2.2250738585072014e-308",
    "1.7976931348623157e308",
    "0.9999999999999999",
    "1e16",
    "-5e-324",
]
EDGE_NUMBERS = [
    1e308,
    -1e308,
    5e-324,
    -5e-324,
    2.2250738585072014e-308,
    1.7976931348623157e308,
    1e12 + 1,
    10**12 + 1,
    0,
    -0.0,
    -1,
    1e-12,
    2**63 - 1,
    -(2**63),
    0.9999999999999999,
    1.0000000000000002,
    1e16,
    1e-300,
    1e100,
    1e101,
    0.1 + 0.2,
]
INVALID_UTF8 = [b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\x80"]
BOMS = [b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf\xef\xbb\xbf"]


def _span(rng: random.Random, n: int) -> tuple[int, int]:
    i = rng.randrange(n + 1)
    return i, min(n, i + rng.choice([1, 1, 2, 4, 16, 64, 256]))


def mutate_bytes(data: bytes, rng: random.Random, rounds: int | None = None) -> bytes:
    """1–4 byte-level mutations: flip, insert, delete, duplicate, truncate, NUL, invalid UTF-8, BOM, numbers."""
    buf = bytearray(data)
    for _ in range(rounds or rng.choice([1, 1, 2, 3, 4])):
        op = rng.randrange(11)
        n = len(buf)
        if op == 0 and n:  # flip a bit
            i = rng.randrange(n)
            buf[i] ^= 1 << rng.randrange(8)
        elif op == 1:  # insert random bytes
            i = rng.randrange(n + 1)
            buf[i:i] = bytes(rng.randrange(256) for _ in range(rng.choice([1, 2, 8])))
        elif op == 2 and n:  # delete a span
            i, j = _span(rng, n)
            del buf[i:j]
        elif op == 3 and n:  # duplicate a span (sometimes many times)
            i, j = _span(rng, n)
            buf[j:j] = bytes(buf[i:j]) * rng.choice([1, 2, 100])
        elif op == 4 and n:  # truncate
            del buf[rng.randrange(n) :]
        elif op == 5:  # NUL
            i = rng.randrange(n + 1)
            buf[i:i] = b"\x00"
        elif op == 6:  # invalid UTF-8
            i = rng.randrange(n + 1)
            buf[i:i] = rng.choice(INVALID_UTF8)
        elif op == 7:  # BOM at the start
            buf[0:0] = rng.choice(BOMS)
        elif op == 8:  # a number replaced by a special one
            spans = [m.span() for m in re.finditer(rb"-?\d+(\.\d+)?([eE][-+]?\d+)?", bytes(buf))]
            if spans:
                i, j = rng.choice(spans)
                buf[i:j] = rng.choice(SPECIAL_NUMBERS).encode()
        elif op == 9:  # control characters / odd line endings
            i = rng.randrange(n + 1)
            buf[i:i] = rng.choice([b"\r", b"\r\n", b"\x1b[31m", b"\x0c", b"\x7f", b"\t", "\u2028".encode()])
        elif op == 10 and n:  # swap two spans' bytes
            i, j = sorted(rng.randrange(n) for _ in range(2))
            buf[i], buf[j] = buf[j], buf[i]
    return bytes(buf)


# ---------------------------------------------------------------------------------------------
# structural TOML mutations


def _paths(node, path=()):
    """Every (path, value) in a parsed TOML tree."""
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*path, i))


def _get(tree, path):
    for p in path:
        tree = tree[p]
    return tree


def _odd_value(rng: random.Random):
    """A value of a random, often wrong, type."""
    choice = rng.randrange(16)
    if choice == 0:
        return rng.choice([1e308, -1e308, 5e-324, 1e12 + 1, -0.0, float("nan"), float("inf"), float("-inf"), 1e-300])
    if choice == 1:
        return rng.choice([0, -1, 1, 2**63 - 1, -(2**63), 10**12 + 1, 200_000, 200_001, 3, 1000])
    if choice == 2:
        return rng.choice([True, False])
    if choice == 3:
        return rng.choice(
            ["", "x", "a" * 100_000, "é" * 5000, "line\nbreak", "tab\there", "nul\x00", "\x1b[2J", "\u202e", "\ud7ff", "名" * 300, "1", "nan", "-", " "]
        )
    if choice == 4:
        return []
    if choice == 5:
        return {}
    if choice == 6:
        return [rng.choice([1, "a", 1.5, True]) for _ in range(rng.randrange(5))]
    if choice == 7:
        import datetime

        return rng.choice([datetime.date(2020, 1, 1), datetime.datetime(2020, 1, 1, 12), datetime.time(12, 0)])
    if choice == 8:  # deep nesting
        v: object = 1
        for _ in range(rng.choice([10, 100, 400])):
            v = [v] if rng.random() < 0.5 else {"k": v}
        return v
    if choice == 9:
        return _distribution(rng)
    if choice == 10:
        return [[1, 2]] * rng.choice([1, 100, 10_000])
    if choice == 11:
        return {"R": rng.choice([3, 1e308, "3"]), "S": -1, "T": rng.choice([4, -1e308]), "P": 0}
    if choice == 12:
        return {"row": {"R": 3, "S": -1, "T": 4, "P": 0}, "col": rng.choice([{}, {"R": 1}, 5])}
    if choice == 13:
        return {"b": rng.choice([4, 1e308]), "c": 1, "g": rng.choice([4, -1e308]), "l": 0, "w": rng.choice([0, 5e-324])}
    if choice == 14:
        return rng.choice([0.5, 0.999999999, 1.0, 1.000001, -0.5, 0.0])
    return rng.uniform(-10, 10)


def _distribution(rng: random.Random):
    law = rng.choice(["uniform", "triangular", "normal", "lognormal", "choice", "beta", "uniform"])
    nums = [rng.choice([0, 1, 2, -1, 1e308, -1e308, 5e-324, 1e12 + 1, 0.5, 3, float("nan")]) for _ in range(rng.choice([0, 1, 2, 3, 4]))]
    if rng.random() < 0.6:  # mostly well-formed
        nums = {
            "uniform": [0.5, 1.5],
            "triangular": [0, 1, 2],
            "normal": [1, 0.5],
            "lognormal": [0, rng.choice([0.5, 50, 700])],
            "choice": [1, 2, 3],
            "beta": [1, 1],
        }[law]
    dist: dict = {law: nums}
    if law == "normal" and rng.random() < 0.5:
        dist["bounds"] = rng.choice([[0, 2], [2, 0], [5, 6], [-1e308, 1e308]])
    if law == "choice" and rng.random() < 0.7:
        dist["weights"] = rng.choice([[0.3, 0.3, 0.4], [1, 0, 0], [0, 0, 0], [-1, 1, 1], [0.5]])
    if rng.random() < 0.3:
        dist["name"] = rng.choice(["q", "q", "shared", "", "a.b", 5])
    return dist


def mutate_tree(doc: dict, rng: random.Random, extra=None) -> dict:
    """1–3 structural mutations of a parsed TOML tree (in place; returns it)."""
    for _ in range(rng.choice([1, 1, 2, 3])):
        nodes = list(_paths(doc))
        op = rng.choice([0, 1, 2, 3, 4, 4, 4, 5, 6, 7, 8, 9])
        containers = [(p, v) for p, v in nodes if isinstance(v, dict | list)]
        leaves = [(p, v) for p, v in nodes if p and not isinstance(v, dict | list)]
        if op == 0:  # drop a key or item
            cands = [(p, v) for p, v in nodes if p]
            if cands:
                path, _ = rng.choice(cands)
                parent = _get(doc, path[:-1])
                del parent[path[-1]]
        elif op == 1:  # add an unknown key
            dicts = [v for _, v in containers if isinstance(v, dict)]
            rng.choice(dicts)[rng.choice(["unknown", "Name", "ID", "payofs", "x" * 300, "名字", "", " "])] = _odd_value(rng)
        elif op in (2, 3) and leaves:  # swap a leaf's type / value
            path, _ = rng.choice(leaves)
            _get(doc, path[:-1])[path[-1]] = _odd_value(rng)
        elif op == 4 and leaves:  # a number made huge or tiny
            nums = [(p, v) for p, v in leaves if isinstance(v, int | float) and not isinstance(v, bool)]
            if nums:
                path, _ = rng.choice(nums)
                _get(doc, path[:-1])[path[-1]] = rng.choice(EDGE_NUMBERS)
        elif op == 5:  # duplicate an item of an array
            lists = [v for _, v in containers if isinstance(v, list) and v]
            if lists:
                lst = rng.choice(lists)
                lst.extend(copy.deepcopy(rng.choice(lst)) for _ in range(rng.choice([1, 1, 50])))
        elif op == 6:  # empty an array or a table
            if containers:
                _, v = rng.choice(containers)
                v.clear()
        elif op == 7:  # a long or odd string
            strs = [(p, v) for p, v in leaves if isinstance(v, str)]
            if strs:
                path, v = rng.choice(strs)
                _get(doc, path[:-1])[path[-1]] = rng.choice([v * 1000, v + "\x00", v + "\n" + v, v.upper(), " " + v, v + "\u0301", "\x7f", v[:1]])
        elif op == 8:  # a number replaced by a distribution
            nums = [(p, v) for p, v in leaves if isinstance(v, int | float) and not isinstance(v, bool)]
            if nums:
                path, _ = rng.choice(nums)
                _get(doc, path[:-1])[path[-1]] = _distribution(rng)
        elif op == 9 and extra is not None:
            extra(doc, rng)
    return doc


def _scenario_extra(doc: dict, rng: random.Random) -> None:
    """Scenario-specific structural mutations: self-links, duplicates, [generate], uncertainty, mechanisms."""
    regs = doc.get("regions") if isinstance(doc.get("regions"), list) else []
    links = doc.get("links") if isinstance(doc.get("links"), list) else []
    ids = [r.get("id") for r in regs if isinstance(r, dict)] or ["x"]
    op = rng.randrange(9)
    if op == 0 and links and isinstance(links[0], dict):  # self-link
        a = rng.choice(ids)
        rng.choice(links)["between"] = [a, a]
    elif op == 1 and regs:  # duplicate region id, parent cycle or unknown parent
        r = copy.deepcopy(rng.choice(regs))
        regs.append(r)
        if isinstance(r, dict) and rng.random() < 0.5:
            r["parent"] = r.get("id")
    elif op == 2:  # a [generate] table
        gen = {}
        for key in ("regions", "links", "prefectures", "seed", "within"):
            if rng.random() < 0.7:
                gen[key] = rng.choice([1, 2, 3, 10, 50, 0, -1, 1.5, "x", 200_000, 200_001, 10**12 + 1, 0.5, 1e308])
        doc["generate"] = gen
        if rng.random() < 0.7:
            for key in ("regions", "links", "uncertainty", "mechanisms"):
                doc.pop(key, None)
    elif op == 3:  # correlations
        doc["uncertainty"] = {
            "correlation": rng.choice(
                [
                    [["a", "b", 0.5]],
                    [["q", "q", 1.0]],
                    [["x", "y", 2]],
                    [],
                    [[1, 2, 3]],
                    "x",
                    [["yongkang-jinyun.T", "wuyi-jinyun.row.T", 0.99], ["yongkang-jinyun.T", "wuyi-jinyun.row.T", -0.99]],
                ]
            )
        }
    elif op == 4:  # a mechanism of a random kind with odd parameters
        kinds = ["higher_level_guidance", "binding_contract", "third_party_organization", "side_payment", "repeated_play", "unknown"]
        mech = {"kind": rng.choice(kinds)}
        for key in rng.sample(
            [
                "subsidy",
                "penalty",
                "detection",
                "inspection_cost",
                "breach_penalty",
                "enforcement",
                "signing_cost",
                "fee",
                "transfer",
                "discount",
                "noise",
                "payer",
                "strategies",
                "by",
                "links",
                "name",
            ],
            rng.randrange(5),
        ):
            mech[key] = rng.choice(
                [_odd_value(rng), 0.5, 1, rng.choice(ids), [[rng.choice(ids), rng.choice(ids)]], ["AllD", "Grim", "TFT", "WSLS", "Nope"], 0.999999, 1e-9]
            )
        doc.setdefault("mechanisms", []) if isinstance(doc.get("mechanisms"), list) else doc.__setitem__("mechanisms", [])
        doc["mechanisms"].append(mech)
    elif op == 5 and links:  # many duplicate links
        links.extend(copy.deepcopy(links[0]) for _ in range(rng.choice([1, 200])))
    elif op == 6 and regs:  # coordinates and attributes
        r = rng.choice(regs)
        if isinstance(r, dict):
            r[rng.choice(["lon", "lat"])] = rng.choice([1e308, -181, 91, float("nan"), "120"])
            r["attributes"] = rng.choice([{"gdp": 1e308}, {"": 1}, {"a": [1]}, {"a": {"b": 1}}, "x", {"k" * 1000: "v" * 10_000}])
    elif op == 7 and regs:  # level
        r = rng.choice(regs)
        if isinstance(r, dict):
            r["level"] = rng.choice(["country", "province", "prefecture", "county", "township", "village", "", 3])
    elif op == 8:  # the repeated play mechanism on everything (slow path)
        doc["mechanisms"] = [{"kind": "repeated_play", "discount": rng.choice([0.7, 0.99, 0.999999]), "noise": rng.choice([0, 0.02, 0.49, 0.5])}]


def dump_toml(doc: dict, rng: random.Random, fallback: bytes) -> bytes:
    try:
        return tomli_w.dumps(doc).encode("utf-8", "surrogatepass")
    except Exception:  # tomli_w refuses a value (e.g. a too-deep tree): a byte mutation instead
        return mutate_bytes(fallback, rng)


# ---------------------------------------------------------------------------------------------
# corpora: each case is (files {name: bytes}, steps [argv, ...])

BUILTINS = sorted(regions.builtin_scenarios())


MENU = {
    "options": [
        {"link": ["yongkang", "jinyun"], "name": "provincial inspection", "kind": "higher_level_guidance", "subsidy": 0.3, "penalty": 2, "detection": 0.5},
        {"link": ["wuyi", "jinyun"], "kind": "binding_contract", "breach_penalty": 3, "enforcement": 0.8, "cost": 1.5, "government": "zhejiang"},
        {"link": ["yongkang", "wuyi"], "kind": "third_party_organization", "fee": 0.1, "detection": 0.6, "with": ["Jinhua guidance"]},
        {"link": ["yongkang", "jinyun"], "kind": "side_payment", "transfer": 0.5, "payer": "jinyun", "with": ["Repeated interaction"]},
    ]
}


def case_menu(rng: random.Random):
    """A design menu file (docs/tutorial.md, "Your own menu of options") on a valid scenario."""
    doc = copy.deepcopy(MENU)
    text = tomli_w.dumps(doc).encode()
    data = mutate_bytes(text, rng) if rng.random() < 0.3 else dump_toml(mutate_tree(doc, rng, _scenario_extra), rng, text)
    budgets = rng.choice(
        [
            ["--budget", "zhejiang=3", "--budget", "jinhua=1", "--budget", "jinyun=1", "--budget", "yongkang=1", "--budget", "wuyi=1"],
            ["--budget", "zhejiang=1e308"],
            ["--budget", "lishui=5e-324"],
        ]
    )
    return {"s.toml": regions.builtin_text("yongkang-wuyi-jinyun").encode(), "menu.toml": data}, [
        ["design", "s.toml", "--menu", "menu.toml", *budgets, "--format", "json"]
    ]


def case_scenario(rng: random.Random):
    if rng.random() < 0.08:
        return case_menu(rng)
    if rng.random() < 0.03:  # `scenarios show` with an odd name
        name = rng.choice(BUILTINS)
        odd = rng.choice([name.upper(), name + "\x00", "../" + name, "", "x" * 10_000, name + ".toml", "s.toml", "/etc/passwd", "名", " " + name])
        return {"s.toml": b""}, [["scenarios", "show", odd]]
    name = rng.choice(BUILTINS)
    text = regions.builtin_text(name)
    base = text.encode("utf-8")
    kind = rng.random()
    if kind < 0.35:
        data = mutate_bytes(base, rng)
    else:
        data = dump_toml(mutate_tree(tomllib.loads(text), rng, _scenario_extra), rng, base)
    # design and robustness of the valid 600-link synthetic province take 15 s: not drawn for it
    r = rng.random() * (0.35 if name == "synthetic-province" else 1.0)
    if r < 0.35:
        steps = [["analyze", "s.toml", "--no-basin", "--format", "json"]]
    elif r < 0.6:
        steps = [["design", "s.toml", "--format", "json"]]
    elif r < 0.67:
        steps = [["analyze", "s.toml", "--basin-samples", "8"]]
    elif r < 0.72:
        steps = [["analyze", "s.toml", "--format", "json"]]
    elif r < 0.82:
        steps = [["robustness", "s.toml", "-n", "64", "--format", "json"]]
    elif r < 0.84:
        steps = [["robustness", "s.toml", "-n", "64", "-o", "rob"]]
    elif r < 0.9:
        steps = [["export", "s.toml", "-o", rng.choice(["out.geojson", "out.graphml", "out.csv", "out.toml"])]]
    elif r < 0.93:
        steps = [
            ["design", "s.toml", "--format", "json", "--budget", "zhejiang=1", "--budget", "henan=2", "--target", rng.choice(["dominant", "unique", "weak"])]
        ]
    else:
        steps = [["export", "s.toml", "-o", "back.toml"], ["analyze", "back.toml", "--no-basin", "--format", "json"]]
    return {"s.toml": data}, steps


SWEEP_BASES = [
    {
        "game": {"payoffs": {"R": 3, "S": -1, "T": 4, "P": 0}},
        "mechanisms": [{"kind": "higher_level_guidance", "penalty": 2}],
        "parameters": {
            "higher_level_guidance.subsidy": {"from": 0, "to": 3, "points": 7},
            "higher_level_guidance.detection": {"from": 0, "to": 1, "points": 5},
        },
        "design": [{"mechanism": "higher_level_guidance", "parameter": "penalty", "target": "strict"}],
    },
    {
        "sweep": {"name": "g", "mode": "random", "samples": 50, "seed": 1},
        "game": {"scenario": "yongkang-wuyi-jinyun", "link": "yongkang-jinyun"},
        "mechanisms": [{"kind": "binding_contract"}],
        "parameters": {"binding_contract.breach_penalty": [0, 1, 2, 3], "game.T": {"from": 3.5, "to": 6, "points": 6}},
    },
    {
        "game": {"economics": {"b": 4, "c": 1, "g": 4, "l": 0, "w": 0}},
        "mechanisms": [{"kind": "repeated_play", "discount": 0.7, "noise": 0.02}],
        "parameters": {"repeated_play.discount": [0.5, 0.9], "game.row.T": [4, 5]},
    },
]


def _sweep_extra(doc: dict, rng: random.Random) -> None:
    params = doc.setdefault("parameters", {}) if isinstance(doc.get("parameters", {}), dict) else {}
    op = rng.randrange(4)
    if op == 0:
        params[rng.choice(["game.R", "game.col.P", "higher_level_guidance.subsidy", "game.X", "repeated_play.noise"])] = rng.choice(
            [
                {"from": 0, "to": 1, "points": rng.choice([0, 1, 2, 1000, 5_000_001, 10**12 + 1])},
                {"from": 1, "to": 0, "points": 3},
                {"from": -1e308, "to": 1e308, "points": 3},
                [],
                [1e308, -1e308],
                {"from": 0, "to": 1},
                [float("nan")],
            ]
        )
    elif op == 1:
        doc["sweep"] = {
            "mode": rng.choice(["random", "grid", "x"]),
            "samples": rng.choice([0, 1, 5, -1, 5_000_001, 1.5]),
            "seed": rng.choice([0, -1, 2**70, "x"]),
        }
    elif op == 2:
        doc["game"] = rng.choice(
            [
                {"scenario": "s.toml", "link": "yongkang-jinyun"},
                {"scenario": "nope", "link": "a-b"},
                {"scenario": "henan-uncertain", "link": "xinxiang-luoyang"},
                {"payoffs": {"R": 3}},
                {},
            ]
        )
    else:
        doc["design"] = [
            {
                "mechanism": rng.choice(["higher_level_guidance", "repeated_play", "x"]),
                "parameter": rng.choice(["penalty", "discount", "y"]),
                "target": rng.choice(["strict", "dominant", "none", "weak"]),
            }
        ]


def case_sweep(rng: random.Random):
    base = copy.deepcopy(rng.choice(SWEEP_BASES))
    text = tomli_w.dumps(base)
    files = {}
    if rng.random() < 0.3:
        files["s.toml"] = regions.builtin_text("yongkang-wuyi-jinyun").encode()
        base["game"] = {"scenario": "s.toml", "link": "yongkang-jinyun"}
        text = tomli_w.dumps(base)
    if rng.random() < 0.3:
        data = mutate_bytes(text.encode(), rng)
    else:
        data = dump_toml(mutate_tree(base, rng, _sweep_extra), rng, text.encode())
    files["spec.toml"] = data
    return files, [["sweep", "spec.toml", "-o", rng.choice(["out.csv", "out.parquet"]), "--executor", "serial"]]


def _nfg_base(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return 'NFG 1 R "x" { "1" "2" } { { "a" "b" } { "c" } } "" { { "o1" 1, 2 } { "o2" 3, 4 } } 2 0'
    m, n = rng.choice([(2, 2), (2, 2), (2, 3), (3, 3), (3, 2), (4, 4)])
    high = rng.choice([3, 20, 1000])
    a = [[rng.randrange(high) for _ in range(n)] for _ in range(m)]
    b = [[rng.randrange(high) for _ in range(n)] for _ in range(m)]
    return games.write_nfg(games.Game(a, b))


def _nfg_tokens(text: str, rng: random.Random) -> str:
    toks = re.findall(r'"(?:[^"\\]|\\.)*"|\S+', text)
    for _ in range(rng.choice([1, 1, 2, 3])):
        op = rng.randrange(10)
        nums = [i for i, t in enumerate(toks) if re.fullmatch(r"-?[\d./eE+-]+", t)]
        if op == 0 and nums:  # a number made odd
            toks[rng.choice(nums)] = rng.choice(
                [*SPECIAL_NUMBERS, "1e100", "1e101", "-1e100", "1/3", "0/0", "1" * 101, "1/" + "0" * 50, "2/-3", "1.", ".5", "+1"]
            )
        elif op == 1:  # the strategy counts
            text2 = " ".join(toks)
            m = re.search(r"\{ (\d+) (\d+) \}", text2)
            if m:
                new = rng.choice(
                    [
                        "{ 1000 1000 }",
                        "{ 1000000000 1000000000 }",
                        "{ 0 2 }",
                        "{ 2 }",
                        "{ 2 2 2 }",
                        "{ -1 2 }",
                        "{ 1 1 }",
                        "{ 30 30 }",
                        "{ 2.5 2 }",
                        "{ 99999999999999999999 1 }",
                    ]
                )
                toks = re.findall(r'"(?:[^"\\]|\\.)*"|\S+', text2[: m.start()] + new + text2[m.end() :])
        elif op == 2:  # a brace removed or added
            braces = [i for i, t in enumerate(toks) if t in "{}"]
            if braces and rng.random() < 0.6:
                del toks[rng.choice(braces)]
            else:
                toks.insert(rng.randrange(len(toks) + 1), rng.choice(["{", "}", "{ {", "} }"]))
        elif op == 3:  # a long or odd name
            names = [i for i, t in enumerate(toks) if t.startswith('"')]
            if names:
                toks[rng.choice(names)] = rng.choice(
                    ['"' + "n" * 100_000 + '"', '"unterminated', '"a\\"b"', '""', '"\x00"', '"名字"', '"\\\\"', '"' + "\\" + '"']
                )
        elif op == 4 and toks:  # drop tokens
            i = rng.randrange(len(toks))
            del toks[i : i + rng.choice([1, 1, 3])]
        elif op == 5 and toks:  # duplicate tokens
            i = rng.randrange(len(toks))
            toks[i:i] = toks[i : i + rng.choice([1, 4])] * rng.choice([1, 10, 1000])
        elif op == 6:  # header
            toks[0:3] = rng.choice([["NFG", "2", "R"], ["NFG", "1", "D"], ["NFG"], ["nfg", "1", "R"], ["NFG", "1.0", "R"], ["NFG", "1", "R", "R"]])
        elif op == 7:  # many payoffs
            toks.extend(rng.choice(["1", "1e100", "0"]) for _ in range(rng.choice([1, 100, 100_000])))
        elif op == 8:  # three players
            text2 = " ".join(toks).replace("} {", "} {", 1)
            toks = re.findall(r'"(?:[^"\\]|\\.)*"|\S+', text2.replace('{ "', '{ "p3" "', 1))
        elif op == 9 and nums:  # outcome indices out of range
            toks[rng.choice(nums)] = rng.choice(["0", "-1", "3", "99", "1000000"])
    return " ".join(toks)


def case_nfg(rng: random.Random):
    text = _nfg_base(rng)
    data = mutate_bytes(text.encode(), rng) if rng.random() < 0.4 else _nfg_tokens(text, rng).encode("utf-8", "surrogatepass")
    r = rng.random()
    if r < 0.8:
        argv = ["solve", "g.nfg", "--format", "json", "--no-basin"]
    elif r < 0.9:
        argv = ["solve", "g.nfg", "--format", "json", "--basin-samples", "8"]
    else:
        argv = ["solve", "g.nfg", "--format", rng.choice(["table", "csv", "markdown", "latex"]), "--no-basin"]
    return {"g.nfg": data}, [argv]


def _csv_tables(name: str) -> dict[str, str]:
    net = regions.load_scenario(name)
    r, li, m = regions.to_csv(net)
    return {"regions.csv": r, "links.csv": li, "mechanisms.csv": m}


_CSV_CACHE: dict[str, dict[str, str]] = {}


def _mutate_csv(text: str, rng: random.Random) -> bytes:
    rows = list(csv.reader(io.StringIO(text)))
    encoding = "utf-8"
    lineterminator = "\n"
    for _ in range(rng.choice([1, 1, 2, 3])):
        op = rng.randrange(12)
        if not rows:
            rows = [[]]
        width = max(len(r) for r in rows) or 1
        if op == 0 and len(rows) > 1:  # drop a row
            del rows[rng.randrange(len(rows))]
        elif op == 1:  # duplicate a row
            i = rng.randrange(len(rows))
            rows[i:i] = [list(rows[i])] * rng.choice([1, 1, 500])
        elif op == 2 and len(rows) > 2:  # shuffle the data rows
            body = rows[1:]
            rng.shuffle(body)
            rows[1:] = body
        elif op == 3:  # drop a column
            j = rng.randrange(width)
            rows = [r[:j] + r[j + 1 :] for r in rows]
        elif op == 4:  # duplicate a column
            j = rng.randrange(width)
            rows = [r[: j + 1] + r[j : j + 1] + r[j + 1 :] for r in rows]
        elif op == 5:  # rename a header / add an unknown column
            if rng.random() < 0.5 and rows[0]:
                rows[0][rng.randrange(len(rows[0]))] = rng.choice(["", "ID", "id ", "unknown", "名", "a" * 1000, "R", "weight"])
            else:
                rows = [[*r, rng.choice(["extra", "1"]) if i else "extra"] for i, r in enumerate(rows)]
        elif op in (6, 7):  # a cell replaced
            i = rng.randrange(len(rows))
            if rows[i]:
                rows[i][rng.randrange(len(rows[i]))] = rng.choice(
                    [
                        *SPECIAL_NUMBERS,
                        "",
                        "x",
                        "a" * 100000,
                        'q"uote',
                        "multi\nline",
                        "\x00",
                        " 1 ",
                        "1,5",
                        "TRUE",
                        "名字",
                        "\ufeff1",
                        "-",
                        "1e308",
                        "-1e308",
                        "5e-324",
                    ]
                )
        elif op == 8:  # ragged rows
            i = rng.randrange(len(rows))
            rows[i] = rows[i][: rng.randrange(len(rows[i]) + 1)] if rng.random() < 0.5 else rows[i] + ["x"] * rng.choice([1, 50])
        elif op == 9:
            encoding = rng.choice(["utf-8-sig", "utf-16", "gbk", "latin-1", "utf-8"])
        elif op == 10:
            lineterminator = rng.choice(["\r\n", "\r", "\n"])
        elif op == 11:  # only the header, or nothing
            rows = rows[: rng.choice([0, 1])]
    out = io.StringIO()
    quoting = rng.choice([csv.QUOTE_MINIMAL, csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC])
    writer = csv.writer(out, lineterminator=lineterminator, quoting=quoting if quoting != csv.QUOTE_NONNUMERIC else csv.QUOTE_ALL)
    writer.writerows(rows)
    text = out.getvalue()
    if rng.random() < 0.1:
        text = text.replace(",", ";")
    return text.encode(encoding, "replace")


def case_csv(rng: random.Random):
    name = rng.choice(BUILTINS)
    if name not in _CSV_CACHE:
        _CSV_CACHE[name] = _csv_tables(name)
    tables = dict(_CSV_CACHE[name])
    files = {k: v.encode("utf-8") for k, v in tables.items()}
    for key in rng.sample(sorted(files), rng.choice([1, 1, 2, 3])):
        files[key] = mutate_bytes(files[key], rng) if rng.random() < 0.35 else _mutate_csv(tables[key], rng)
    sources = ["regions.csv", "links.csv"] + (["mechanisms.csv"] if rng.random() < 0.7 else [])
    if rng.random() < 0.05:
        sources = rng.choice(
            [["regions.csv"], ["links.csv", "regions.csv"], ["regions.csv", "links.csv", "mechanisms.csv", "regions.csv"], ["regions.csv", "missing.csv"]]
        )
    return files, [["import", *sources, "-o", "out.toml"], ["analyze", "out.toml", "--no-basin", "--format", "json"]]


_GRAPHML_CACHE: dict[str, str] = {}


def _graphml_text(name: str) -> str:
    if name not in _GRAPHML_CACHE:
        import tempfile

        from solver.export import write_export

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "g.graphml"
            write_export(regions.load_scenario(name), path)
            _GRAPHML_CACHE[name] = path.read_text(encoding="utf-8")
    return _GRAPHML_CACHE[name]


LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE graphml [\n<!ENTITY a "aaaaaaaaaa">\n'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n' for i in range(9))
    + "]>\n"
)


def _mutate_graphml(text: str, rng: random.Random) -> str:
    import xml.etree.ElementTree as ET

    ns = "http://graphml.graphdrawing.org/xmlns"
    ET.register_namespace("", ns)
    root = ET.fromstring(text)
    q = f"{{{ns}}}"
    graph = root.find(q + "graph")
    keys = root.findall(q + "key")
    nodes = graph.findall(q + "node")
    edges = graph.findall(q + "edge")
    prefix = entity = ""
    for _ in range(rng.choice([1, 1, 2, 3])):
        op = rng.randrange(13)
        if op == 0 and nodes:  # duplicate node
            graph.append(copy.deepcopy(rng.choice(nodes)))
        elif op == 1 and edges:  # duplicate edge (many times)
            for _ in range(rng.choice([1, 1, 300])):
                graph.append(copy.deepcopy(rng.choice(edges)))
        elif op == 2 and keys:  # duplicate key / data key
            k = copy.deepcopy(rng.choice(keys))
            if rng.random() < 0.5:
                k.set("id", "dup")
            root.insert(0, k)
        elif op == 3 and keys:  # bad key type or domain
            k = rng.choice(keys)
            if rng.random() < 0.6:
                k.set("attr.type", rng.choice(["int", "long", "float", "boolean", "string", "complex", ""]))
            else:
                k.set("for", rng.choice(["node", "edge", "graph", "all", "port", "x"]))
        elif op == 4:  # data values
            datas = root.findall(f".//{q}data")
            if datas:
                d = rng.choice(datas)
                d.text = rng.choice([*SPECIAL_NUMBERS, "", "x", "a" * 100000, "true", "名", "NaN", " 3 ", "\x01"[:0] + "3;4", "[1, 2]"])
        elif op == 5 and keys:  # key removed
            root.remove(rng.choice(keys))
            keys = root.findall(q + "key")
        elif op == 6 and edges:  # edge endpoints
            e = rng.choice(edges)
            e.set(rng.choice(["source", "target"]), rng.choice(["nowhere", e.get("source"), e.get("target"), "", "名"]))
        elif op == 7 and nodes:  # node removed
            n = rng.choice(nodes)
            if n in list(graph):
                graph.remove(n)
        elif op == 8:  # a DOCTYPE: entity expansion (billion laughs), an external entity, another encoding
            choice = rng.randrange(3)
            prefix = [
                LAUGHS,
                '<?xml version="1.0"?>\n<!DOCTYPE graphml [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n',
                '<?xml version="1.0" encoding="latin-1"?>\n',
            ][choice]
            entity = ["&j;", "&x;", ""][choice]
            datas = root.findall(f".//{q}data")
            if entity and datas:
                rng.choice(datas).text = "ENTITYREF"
        elif op == 9:  # data with an unknown key, or on the graph
            el = rng.choice([graph, *nodes, *edges])
            d = ET.SubElement(el, q + "data", key=rng.choice(["nokey", "d0", "dup"]))
            d.text = rng.choice(["1", "x", "1e308"])
        elif op == 10:
            graph.set("edgedefault", rng.choice(["directed", "undirected", "x"]))
        elif op == 11 and nodes:  # nested graph / hyperedge / port
            sub = ET.SubElement(rng.choice(nodes), q + "graph", id="g2", edgedefault="undirected")
            ET.SubElement(sub, q + "node", id="inner")
            if rng.random() < 0.5:
                ET.SubElement(graph, q + "hyperedge")
        elif op == 12:  # mechanisms graph attribute (JSON-ish text)
            for d in graph.findall(q + "data"):
                if d.text and d.text.lstrip().startswith(("[", "{")):
                    d.text = rng.choice(
                        [
                            "[",
                            "{}",
                            "[{}]",
                            '[{"kind": "higher_level_guidance", "subsidy": 1e999}]',
                            "[" * 100_000,
                            "null",
                            "NaN",
                            '[{"kind": "repeated_play", "discount": 0.9999999, "noise": 0.5}]',
                            d.text[: len(d.text) // 2],
                        ]
                    )
    out = ET.tostring(root, encoding="unicode")
    return prefix + out.replace(">ENTITYREF<", f">{entity}<")


def case_graphml(rng: random.Random):
    text = _graphml_text(rng.choice(BUILTINS))
    r = rng.random()
    if r < 0.35:
        data = mutate_bytes(text.encode(), rng)
    else:
        data = _mutate_graphml(text, rng).encode("utf-8", "surrogatepass")
    argv = ["import", "g.graphml", "-o", "out.toml"] + (["--name", rng.choice(["", "x" * 10_000, "a\nb", "名"])] if rng.random() < 0.1 else [])
    return {"g.graphml": data}, [argv, ["analyze", "out.toml", "--no-basin", "--format", "json"]]


EXPRESSIONS = [
    "__import__('os').system('true')",
    "9**9**9",
    "9^9^9",
    "(s+1)**64",
    "(s+1)**65",
    "2**64",
    "10**10000",
    "s**s**s",
    "(" * 500 + "s" + ")" * 500,
    "(" * 50 + "s" + ")" * 50,
    "1/0",
    "s/0",
    "log(0)",
    "log(-s)",
    "sqrt(-1)",
    "exp(1e6)",
    "exp(700)*exp(700)",
    "exp(exp(exp(10)))",
    "1e309",
    "1e-400",
    "0**-1",
    "(-1)**0.5",
    "x/(x-x)",
    "1/x",
    "1/(x-0.5)",
    "x*y*z",
    "x1",
    "lambda: 1",
    "s.real",
    "s[0]",
    "'a'",
    "1 if 1 else 2",
    "max()",
    "min(1)",
    "max(s, f, C_A, 1e308)",
    "factorial(5)",
    "E",
    "I",
    "pi",
    "oo",
    "zoo",
    "nan",
    "Symbol('x')",
    "С_A",
    "ｓ",
    "s\u200b",
    "١٢",
    "0x10",
    "1_000",
    "s" + " + s" * 3000,
    "s" + " * s" * 600,
    "2**0.5**0.5",
    "s ** -65",
    "s ** -64",
    "(-s) ** (1/3)",
    "",
    " ",
    "s,",
    "s;f",
    "s\nf",
    "s # c",
    "@",
    "s := 1",
    "f(s)",
    "exp",
    "exp()",
    "exp(s, f)",
    "--s",
    "+-+s",
    "s!",
    "s %% f",
    "s // f",
    "abs(s)",
    "1e308*10",
    "-1e308 - 1e308",
    "1" * 10_001,
    "x**x**x**x",
]


def _model_extra(doc: dict, rng: random.Random) -> None:
    pays = doc.get("payoffs") if isinstance(doc.get("payoffs"), list) else []
    params = doc.get("parameters") if isinstance(doc.get("parameters"), dict) else {}
    op = rng.randrange(5)
    if op in (0, 1) and pays:
        p = rng.choice(pays)
        if isinstance(p, dict) and isinstance(p.get("values"), list) and p["values"]:
            p["values"][rng.randrange(len(p["values"]))] = rng.choice(EXPRESSIONS)
    elif op == 2 and params:
        k = rng.choice(sorted(params))
        params[k] = rng.choice(
            [
                {"value": 1e308},
                {"value": "1/0"},
                {"value": "1/3", "range": [5, 1]},
                {"uniform": [3, 1]},
                {"uniform": [0, 3], "note": "x"},
                {"value": {"triangular": [1, 2, 4]}, "range": [0, 5]},
                {"value": 10**301},
                "1e300",
                "x",
                {"lognormal": [0, 700]},
                {"value": True},
                _distribution(rng),
                10**400 if False else 1e-300,
            ]
        )
    elif op == 3:
        name = rng.choice(["x", "lambda", "exp", "s", "ok_name", "_x", "1a", "名", "a" * 1000, "x1"])
        params[name] = 1
    elif op == 4:
        m = doc.get("model")
        if isinstance(m, dict):
            key = rng.choice(["populations", "strategies", "shares"])
            m[key] = rng.choice(
                [
                    [],
                    ["a"],
                    ["a", "a", "b"],
                    [["a", "b"], ["a", "b"], ["a", "b", "c"]],
                    ["x", "y", "y"],
                    ["s", "f", "W"],
                    "x",
                    [["c", "d"]] * 3,
                    [["c"] * 2] * 3,
                    [f"p{i}" for i in range(13)],
                ]
            )
    doc["payoffs"] = pays if "payoffs" in doc else doc.get("payoffs", [])


def _generated_model(rng: random.Random) -> str:
    """A model of K populations with S strategies each, every profile given (sizes within the documented limits)."""
    import itertools

    k, n = rng.choice([(2, 2), (2, 3), (3, 2), (2, 4), (2, 8), (3, 6), (2, 64), (11, 2)])
    shares = n == 2 and rng.random() < 0.5
    doc = {
        "model": {"populations": [f"p{i}" for i in range(k)], "strategies": [[f"s{j}" for j in range(n)] for _ in range(k)]},
        "parameters": {"a": rng.choice([1.5, 1e300, "1/3"]), "b": {"value": 2, "range": [0, 4]}},
        "payoffs": [
            {"profile": [f"s{j}" for j in prof], "values": [f"a*{sum(prof)} - b*{prof[i]}" + (f" + x{i + 1}" if shares else "") for i in range(k)]}
            for prof in itertools.product(range(n), repeat=k)
        ],
    }
    return tomli_w.dumps(doc)


def case_model(rng: random.Random):
    from importlib.resources import files as res

    if rng.random() < 0.06:
        return {"m.toml": _generated_model(rng).encode()}, [["evolve", "model", "m.toml", "--format", "json"]]

    name = rng.choice(["three-party", "three-party-dynamic"])
    text = (res("games") / "data" / f"{name}.toml").read_text(encoding="utf-8")
    if rng.random() < 0.3:
        data = mutate_bytes(text.encode(), rng)
    else:
        doc = tomllib.loads(text)
        for _ in range(rng.choice([1, 1, 2])):
            _model_extra(doc, rng)
        if rng.random() < 0.5:
            mutate_tree(doc, rng, _model_extra)
        data = dump_toml(doc, rng, text.encode())
    r = rng.random()
    argv = ["evolve", "model", "m.toml", "--format", "json"]
    if r < 0.1:
        argv += ["--samples", "64"]
    elif r < 0.2:
        argv += ["--sweep", rng.choice(["s=0:3:5", "f=1:1:1", "s=1e308:-1e308:3", "C_A=0:5:3"])]
    elif r < 0.28:
        argv += ["--set", rng.choice(["s=1/3", "s=1e308", "s=0", "f=-1e-300", "C_H=1/0", "W=nan"])]
    elif r < 0.33:
        argv += ["-o", "deriv"]
    elif r < 0.36:
        argv += ["--t-end", rng.choice(["1e308", "0", "-1", "1e-300", "nan"])]
    return {"m.toml": data}, [argv]


CASES = {"scenario": case_scenario, "sweep": case_sweep, "nfg": case_nfg, "csv": case_csv, "graphml": case_graphml, "model": case_model}

# ---------------------------------------------------------------------------------------------
# issue 16's reproductions, each under the same limits: (name, files, argv, exit, stderr pattern)

_NFG = 'NFG 1 R "c" { "A" "B" } '
def _two_links(weight: str = "1", subsidy: str = "1", region_id: str = "a") -> bytes:
    return two_links(weight, subsidy, region_id).encode()


def _graphml_twice() -> bytes:
    text = _graphml_text("yongkang-wuyi-jinyun")
    head, node, rest = text.partition('<node id="wuyi">')
    return (head + '<node id="yongkang" />\n' + node + rest).encode()


REPRODUCTIONS = [
    ("1 nfg memory bomb", {"b.nfg": (_NFG + '{ 1000000000 1000000000 }\n""\n1 1\n').encode()}, ["solve", "b.nfg"], 2, r"out of range"),
    ("2 nfg huge exponent", {"b.nfg": (_NFG + '{ 2 2 }\n""\n1e99999999 0 0 0 0 0 0 0\n').encode()}, ["solve", "b.nfg"], 2, r"'1e99999999' is out of range"),
    ("2 nfg 1e400", {"b.nfg": (_NFG + '{ 2 2 }\n""\n1e400 0 0 0 0 0 0 0\n').encode()}, ["solve", "b.nfg"], 2, r"'1e400' is out of range"),
    ("2 nfg 2 MB of tokens", {"b.nfg": (_NFG + '{ 2 2 }\n""\n' + "1 " * 1_000_000).encode()}, ["solve", "b.nfg", "--no-basin"], 2, r"b\.nfg"),
    ("3 nfg count 2.9", {"b.nfg": (_NFG + '{ 2.9 2 }\n""\n1 0 0 0 0 0 0 0\n').encode()}, ["solve", "b.nfg"], 2, r"'2\.9' is not a whole number"),
    ("3 nfg index 1.7", {"b.nfg": (_NFG + '{ 2 1 }\n""\n{ { "" 1 2 } }\n1 1.7\n').encode()}, ["solve", "b.nfg"], 2, r"'1\.7' is not a whole number"),
    ("4 weight 1e308", {"s.toml": _two_links(weight="1e308")}, ["analyze", "s.toml", "--format", "json"], 2, r"field 'weight': 1e\+308 is out of range"),
    ("4 subsidy 1.797e308", {"s.toml": _two_links(subsidy="1.797e308")}, ["design", "s.toml", "--format", "json"], 2, r"field 'subsidy'.* is out of range"),
    (
        "5 generate with mechanisms",
        {"s.toml": b'[scenario]\nname = "g"\n[generate]\nregions = 30\nlinks = 20\n[[mechanisms]]\nkind = "bogus"\n'},
        ["analyze", "s.toml", "--no-basin"],
        2,
        r"mechanisms",
    ),
    ("6 nested arrays", {"s.toml": b'[scenario]\nname = "n"\nx = ' + b"[" * 600 + b"]" * 600 + b"\n"}, ["analyze", "s.toml"], 2, r"nested too deeply"),
    ("6 escape in an id", {"s.toml": _two_links(region_id="a\u001b[2J")}, ["analyze", "s.toml", "--no-basin"], 2, r"control character"),
    ("6 slash in an id", {"s.toml": _two_links(region_id="../../a/b")}, ["report", "s.toml", "--out", "r", "--basin-samples", "8"], 0, r""),
    (
        "7 csv Weight column",
        {"r.csv": b"id,level,parent\np,prefecture,\na,county,p\nb,county,p\n", "l.csv": b"a,b,Weight,R,S,T,P\na,b,0.25,3,0,5,1\n"},
        ["import", "r.csv", "l.csv", "-o", "out.toml"],
        2,
        r"'Weight'.*did you mean 'weight'",
    ),
    (
        "7 csv with a byte-order mark",
        {"r.csv": b"\xef\xbb\xbfid,level,parent\np,prefecture,\na,county,p\nb,county,p\n", "l.csv": b"\xef\xbb\xbfa,b,weight,R,S,T,P\na,b,0.25,3,0,5,1\n"},
        ["import", "r.csv", "l.csv", "-o", "out.toml"],
        0,
        r"",
    ),
    ("8 graphml node twice", {"g.graphml": _graphml_twice()}, ["import", "g.graphml", "-o", "out.toml"], 2, r"node 'yongkang': appears twice"),
    (
        "9 force over a thesis",
        {"mythesis/thesis.tex": b"\\documentclass{article}"},
        ["report", "yongkang-wuyi-jinyun", "--out", "mythesis", "--force"],
        2,
        r"did not write",
    ),
    (
        "10 a 2 MB value",
        {"s.toml": _two_links().replace(b'level = "county"', b'level = "' + b"x" * 2_000_000 + b'"', 1)},
        ["analyze", "s.toml"],
        2,
        r"field 'level': .*'x{60}…' \(2,000,000 characters\)",
    ),
]


def case_reproduction(index: int) -> tuple[dict[str, bytes], list[list[str]]]:
    _name, files, argv, _code, _pattern = REPRODUCTIONS[index]
    return files, [argv]


def expectation_problems(index: int, step: dict) -> list[str]:
    """How a reproduction's step differs from what issue 16 asks (exit status, message)."""
    name, _files, _argv, code, pattern = REPRODUCTIONS[index]
    problems = []
    if step["exit"] != code:
        problems.append(f"{name}: exit {step['exit']}, expected {code}")
    if pattern and not re.search(pattern, step["stderr"]):
        problems.append(f"{name}: stderr does not match {pattern!r}")
    return problems

# ---------------------------------------------------------------------------------------------
# running one step in a forked child


def _refuse_constant(name: str):
    raise ValueError(f"non-standard JSON constant {name}")


def strict_json(text: str):
    return json.loads(text, parse_constant=_refuse_constant)


def _vm_size() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _child(argv: list[str], folder: Path, mem: int) -> None:  # pragma: no cover - runs in the fork
    status = 1
    try:
        os.chdir(folder)
        import tempfile

        tempfile.tempdir = str(folder)
        for var in ("TMPDIR", "HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
            os.environ[var] = str(folder)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 2**20, 256 * 2**20))
        resource.setrlimit(resource.RLIMIT_AS, (_vm_size() + mem, resource.RLIM_INFINITY))
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        out = os.open("stdout.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        err = os.open("stderr.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(out, 1)
        os.dup2(err, 2)
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", errors="strict")
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="backslashreplace", line_buffering=True)
        try:
            status = main(argv)
        except BaseException:
            import traceback

            sys.stderr.write("fuzz_server: exception escaped main:\n" + traceback.format_exc())
            status = 1
        try:
            sys.stdout.flush()
        except BaseException:
            import traceback

            sys.stderr.write("fuzz_server: stdout flush failed:\n" + traceback.format_exc())
            status = 1
        sys.stderr.flush()
    finally:
        os._exit(status if isinstance(status, int) and 0 <= status < 256 else 1)


def run_step(argv: list[str], folder: Path, timeout: float, mem: int) -> dict:
    sys.stdout.flush()
    sys.stderr.flush()
    before = {str(p.relative_to(folder)) for p in folder.rglob("*")}
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # pragma: no cover
        _child(argv, folder, mem)
    hang = False
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - start > timeout:
            os.kill(pid, signal.SIGKILL)
            done, status, usage = os.wait4(pid, 0)
            hang = True
            break
        time.sleep(0.005)
    elapsed = time.monotonic() - start
    result = {
        "argv": argv,
        "elapsed": round(elapsed, 3),
        "maxrss_mib": round(usage.ru_maxrss / 1024, 1),
        "hang": hang,
        "exit": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
    }
    result["problems"] = check_step(result, folder, before)
    return result


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", "backslashreplace")
    except FileNotFoundError:
        return ""


def check_step(result: dict, folder: Path, before: set[str]) -> list[str]:
    problems = []
    stderr = _read(folder / "stderr.txt")
    stdout = _read(folder / "stdout.txt")
    result["stderr"] = stderr[:4000]
    if result["hang"]:
        problems.append("hang")
    elif result["signal"] is not None:
        problems.append(f"killed by signal {signal.Signals(result['signal']).name}")
    elif result["exit"] not in (0, 2):
        problems.append(f"exit status {result['exit']}")
    if "Traceback" in stderr:
        problems.append("traceback on stderr")
    warning = re.search(r"^\S*:\d+: \w*Warning: .*$", stderr, re.MULTILINE)
    if warning:
        problems.append(f"Python warning on stderr: {warning.group(0)[:200]}")
    if result["exit"] == 2:
        lines = stderr.splitlines()
        if len(lines) != 1:
            notes = sum(line.startswith("note: ") for line in lines)
            problems.append(f"exit 2 with {len(lines)} lines on stderr, {notes} of them notes (exactly one expected)")
        if not lines or not lines[-1].startswith(ERROR_PREFIX):
            problems.append("exit 2 without an 'intergov: error: ' line")
        if any(len(line) > MAX_ERROR_CHARS for line in lines):
            problems.append(f"error line longer than {MAX_ERROR_CHARS} characters ({max(map(len, lines))})")
    argv = result["argv"]
    if result["exit"] == 0 and any(argv[i] in ("--format", "-f") and argv[i + 1] == "json" for i in range(len(argv) - 1)):
        try:
            strict_json(stdout)
        except ValueError as err:
            problems.append(f"stdout is not standard JSON: {err}")
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in (".json", ".geojson") and path.name != "argv.json" and str(path.relative_to(folder)) not in before:
            try:
                strict_json(path.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError) as err:
                problems.append(f"{path.relative_to(folder)} is not standard JSON: {err}")
    return problems


def run_case(corpus: str, index: int, seed: int, out: Path, timeout: float, mem: int) -> dict:
    rng = random.Random(f"{seed}:{corpus}:{index}")
    files, steps = case_reproduction(index) if corpus == "issue16" else CASES[corpus](rng)
    folder = out / f"{corpus}-{index}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    (folder / "argv.json").write_text(json.dumps(steps, ensure_ascii=False), encoding="utf-8")
    record = {"corpus": corpus, "index": index, "seed": seed, "folder": str(folder), "files": sorted(files), "steps": []}
    for argv in steps:
        step = run_step(argv, folder, timeout, mem)
        if corpus == "issue16":
            step["problems"] += expectation_problems(index, step)
        if step["problems"]:
            # keep this step's output next to the input
            for stream in ("stdout", "stderr"):
                src = folder / f"{stream}.txt"
                if src.exists():
                    shutil.copyfile(src, folder / f"step{len(record['steps'])}.{stream}.txt")
        record["steps"].append(step)
        if step["exit"] != 0:
            break
    record["failed"] = any(s["problems"] for s in record["steps"])
    if not record["failed"]:
        shutil.rmtree(folder, ignore_errors=True)
    return record


# ---------------------------------------------------------------------------------------------
# warm-up: every command once on a small valid case, in this process, so children never compile

WARMUP = [
    ["analyze", "yongkang-wuyi-jinyun", "--format", "json"],
    ["analyze", "henan-clusters", "--basin-samples", "8"],
    ["analyze", "gba-nev", "--no-basin", "--format", "json"],
    ["design", "yongkang-wuyi-jinyun", "--format", "json"],
    ["design", "yongkang-wuyi-jinyun", "--format", "json", "--budget", "zhejiang=1"],
    ["robustness", "henan-uncertain", "-n", "64", "--format", "json"],
    ["solve", "--row", "3,0;5,1", "--col", "3,5;0,1", "--format", "json"],
    ["solve", "--row", "3,0,1;5,1,2;1,1,1", "--col", "3,5,1;0,1,2;1,1,1", "--format", "json", "--basin-samples", "8"],
    ["evolve", "model", "--builtin", "three-party", "--format", "json"],
    ["evolve", "model", "u.toml", "--format", "json", "--samples", "64"],
]


def warm_up(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    here = os.getcwd()
    os.chdir(folder)
    try:
        steps = list(WARMUP)
        (folder / "spec.toml").write_text(tomli_w.dumps(SWEEP_BASES[2]), encoding="utf-8")
        steps += [
            ["sweep", "spec.toml", "-o", "w.csv", "--executor", "serial", "--force"],
            ["export", "yongkang-wuyi-jinyun", "-o", "w.graphml", "--force"],
            ["import", "w.graphml", "-o", "w.toml", "--force"],
        ]
        from importlib.resources import files as res

        text = (res("games") / "data" / "three-party.toml").read_text(encoding="utf-8")
        (folder / "u.toml").write_text(text.replace("s = { value = 1.5,", "s = { value = { uniform = [0, 3] },"), encoding="utf-8")
        sink = io.StringIO()
        for argv in steps:
            t = time.monotonic()
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                status = main(argv)
            if status != 0:
                raise SystemExit(f"warm-up failed: {argv}: {status}\n{sink.getvalue()[-2000:]}")
            sink.seek(0)
            sink.truncate()
            if os.environ.get("FUZZ_VERBOSE"):
                print(f"warm-up {argv[:2]}: {time.monotonic() - t:.2f}s", file=sys.__stderr__)
    finally:
        os.chdir(here)
        shutil.rmtree(folder, ignore_errors=True)


def main_server(args: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append", choices=(*CORPORA, "issue16"), help="repeatable; default: all (issue16: the issue's reproductions, all of them)")
    parser.add_argument("--cases", type=int, default=10, help="cases per corpus")
    parser.add_argument("--start", type=int, default=0, help="first case index")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="folder for the cases (failing ones are kept)")
    parser.add_argument("--report", type=Path, help="JSON report (default: OUT/report.json)")
    parser.add_argument("--timeout", type=float, default=20.0, help="wall-clock seconds per step")
    parser.add_argument("--mem-mib", type=int, default=1024, help="address space allowed above the child's current size")
    parser.add_argument("--progress", action="store_true", help="one line per case on stderr")
    opts = parser.parse_args(args)
    out = opts.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    warm_up(out / "warm-up")
    warm = time.monotonic() - t0
    records = []
    for corpus in opts.corpus or CORPORA:
        indices = range(len(REPRODUCTIONS)) if corpus == "issue16" else range(opts.start, opts.start + opts.cases)
        for index in indices:
            rec = run_case(corpus, index, opts.seed, out, opts.timeout, opts.mem_mib * 2**20)
            records.append(rec)
            if opts.progress:
                last = rec["steps"][-1]
                print(
                    f"{corpus}-{index}: exit {last['exit']} {last['elapsed']:.2f}s {'FAIL ' + '; '.join(p for s in rec['steps'] for p in s['problems']) if rec['failed'] else ''}",
                    file=sys.stderr,
                    flush=True,
                )
    report = {
        "warm_up_seconds": round(warm, 2),
        "seconds": round(time.monotonic() - t0, 2),
        "timeout": opts.timeout,
        "mem_mib": opts.mem_mib,
        "cases": len(records),
        "failures": [r for r in records if r["failed"]],
        "per_corpus": {c: sum(r["corpus"] == c for r in records) for c in (opts.corpus or CORPORA)},
        "max_elapsed": {c: max((s["elapsed"] for r in records if r["corpus"] == c for s in r["steps"]), default=0.0) for c in (opts.corpus or CORPORA)},
        "reproductions": len(REPRODUCTIONS),
        "slowest": sorted(({"case": f"{r['corpus']}-{r['index']}", "elapsed": s["elapsed"]} for r in records for s in r["steps"]), key=lambda x: -x["elapsed"])[
            :5
        ],
    }
    path = opts.report or out / "report.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps({k: report[k] for k in ("cases", "seconds", "warm_up_seconds")} | {"failures": len(report["failures"])}))
    return 0


if __name__ == "__main__":
    sys.exit(main_server())
