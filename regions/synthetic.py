"""A generated province-like city group, for experiments and benchmarks (illustrative, not data).

One province over ``prefectures`` prefectures over counties; counties sit around their
prefecture's seat; cluster links join counties, most of them inside a prefecture; each link's
stage game comes from random cluster economics (b, c, g, l, w per government) drawn so that most
links are prisoner's dilemmas. Everything is drawn from ``numpy.random.default_rng(seed)``: the
same arguments give the same network. Each region also has a made-up Chinese name (``name_zh``,
"安平县"), drawn from its own stream of the same seed, so figures and reports can be tried with
``names="zh"`` on any size of network.

Examples
--------
>>> net = synthetic_province(regions=60, links=150, seed=1)
>>> len(net.regions), len(net.links)
(60, 150)
>>> net == synthetic_province(regions=60, links=150, seed=1)
True
>>> net.region("c0").name, len(net.region("c0").name_zh), net.region("c0").name_zh[-1]
('County 0', 3, '县')
"""

from __future__ import annotations

import numpy as np

from .network import EntryError, GameSpec, Link, Region, RegionNetwork

__all__ = ["MAX_REGIONS", "synthetic_province"]

#: Characters of the made-up Chinese names (common in real place names; every CJK font has them).
_HANZI = "安平康宁永和兴长乐清泰丰华阳山水江河湖海金银石林松竹梅兰新东西南北中广昌盛德仁义信达通远定武文明光庆福寿云溪浦城桥田"
#: The most regions a synthetic province can have: each has its own made-up name of at most three
#: of the characters above (58³ = 195,112).
MAX_REGIONS = len(_HANZI) ** 3


def _chinese_names(count: int, seed: int) -> list[str]:
    """``count`` distinct two- or three-character names, from a stream of ``seed`` separate from
    the network's own draws (so adding names changed no generated number)."""
    rng = np.random.default_rng([seed, 0x7A68])
    n = len(_HANZI)
    width = 2 if count <= n * n else 3
    picks = rng.choice(n**width, size=count, replace=False)
    return ["".join(_HANZI[(int(p) // n**k) % n] for k in range(width)) for p in picks]


def synthetic_province(regions: int = 3000, links: int = 15000, prefectures: int | None = None, seed: int = 0, within: float = 0.7) -> RegionNetwork:
    """A random province: ``regions`` governments in all (province, prefectures, counties) and
    ``links`` cluster links between counties.

    Links are drawn pair by pair: a county, then with probability ``within`` a county of its own
    prefecture, else any county; a pair drawn twice is drawn again. With ``within = 1`` only the
    pairs inside a prefecture, and those of a county alone in its prefecture, can be drawn.

    Raises
    ------
    EntryError
        A :class:`~games.UserInputError` naming the argument: more than :data:`MAX_REGIONS`
        regions, too few regions for the prefectures, more links than the county pairs that can
        be drawn (checked before any link is), ``within`` outside [0, 1], a negative seed.

    >>> synthetic_province(regions=20, links=136, prefectures=2, within=1)
    Traceback (most recent call last):
    ...
    regions.network.EntryError: field 'links': 136 links is more than the 84 county pairs that within = 1 can draw (...)
    """
    if regions > MAX_REGIONS:
        raise EntryError(None, "regions", f"{regions:,} regions is more than {MAX_REGIONS:,} (the regions' made-up Chinese names, name_zh, must differ)")
    given, prefectures = prefectures is not None, prefectures if prefectures is not None else max(1, regions // 100)
    counties = regions - 1 - prefectures
    if prefectures < 1:
        raise EntryError(None, "prefectures", f"must be ≥ 1, got {prefectures}")
    if counties < 2:
        field = "prefectures" if given and regions >= 4 else "regions"
        raise EntryError(None, field, f"{regions} regions leave {counties} counties for {prefectures} prefectures; need at least 2 (regions ≥ prefectures + 3)")
    if links > counties * (counties - 1) // 2:
        raise EntryError(None, "links", f"{links} links is more than the {counties * (counties - 1) // 2} county pairs")
    if not 0 <= within <= 1:
        raise EntryError(None, "within", f"must lie in [0, 1], got {within}")
    if seed < 0:
        raise EntryError(None, "seed", f"must be a whole number ≥ 0, got {seed}")
    rng = np.random.default_rng(seed)
    zh = _chinese_names(regions, seed)
    out = [Region("province", "Province", "province", lon=120.0, lat=29.0, name_zh=zh[0] + "省")]
    seats = rng.uniform([117.5, 27.0], [122.5, 31.0], (prefectures, 2))
    for k, (lon, lat) in enumerate(seats):
        out.append(
            Region(f"pref{k}", f"Prefecture {k}", "prefecture", parent="province", lon=round(float(lon), 4), lat=round(float(lat), 4), name_zh=zh[1 + k] + "市")
        )
    home = rng.integers(0, prefectures, counties)
    offsets = rng.normal(0, 0.25, (counties, 2))
    for k in range(counties):
        lon, lat = seats[home[k]] + offsets[k]
        out.append(
            Region(
                f"c{k}",
                f"County {k}",
                "county",
                parent=f"pref{home[k]}",
                lon=round(float(np.clip(lon, -180, 180)), 4),
                lat=round(float(np.clip(lat, -90, 90)), 4),
                name_zh=zh[1 + prefectures + k] + "县",
            )
        )
    members = [np.flatnonzero(home == p) for p in range(prefectures)]
    if within == 1:  # the loop below would never end
        sizes = np.bincount(home, minlength=prefectures).tolist()
        alone = sizes.count(1)
        reachable = sum(n * (n - 1) // 2 for n in sizes) + alone * (counties - 1) - alone * (alone - 1) // 2
        if links > reachable:
            where = "inside a prefecture, or with a county alone in its prefecture"
            raise EntryError(None, "links", f"{links} links is more than the {reachable} county pairs that within = 1 can draw ({where})")
    seen: set[tuple[int, int]] = set()
    made = []
    while len(made) < links:
        a = int(rng.integers(counties))
        group = members[home[a]]
        b = int(rng.choice(group)) if rng.random() < within and len(group) > 1 else int(rng.integers(counties))
        key = (min(a, b), max(a, b))
        if a == b or key in seen:
            continue
        seen.add(key)

        def economics() -> dict[str, float]:
            b_, c_ = rng.uniform(3, 8), rng.uniform(1, 3)
            return {
                "b": round(b_, 3),
                "c": round(c_, 3),
                "g": round(b_ - c_ + rng.uniform(0.2, 3), 3),
                "l": round(rng.uniform(0, 2), 3),
                "w": round(rng.uniform(0, 1), 3),
            }

        made.append(Link((f"c{a}", f"c{b}"), "industry", round(float(rng.uniform(0.2, 1.5)), 3), GameSpec("economics", economics(), economics())))
    note = f"Synthetic province (seed {seed}): illustrative random numbers for experiments and benchmarks, not data."
    return RegionNetwork(out, made, name=f"synthetic province ({regions} regions, {links} links)", note=note, sources="generated by regions.synthetic_province")
