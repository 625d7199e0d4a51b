"""Benchmark (c) of the scale issue: 1,000 steps of imitation dynamics on a 10,000-node graph.

Prints the seconds per rule and update scheme; the bound is 10 s on the 2-core development
machine. Timings live here, never in tests. Run with ``make bench``.
"""

from __future__ import annotations

import time

import networkx as nx

from games import donation_game
from solver.dynamics import RULES, evolve_on_graph

BOUND = 10.0


def main() -> None:
    graph = nx.random_regular_graph(4, 10_000, seed=1)
    game = donation_game(3, 1)
    print("(c) 1,000 steps of imitation dynamics, random 4-regular graph of 10,000 regions")
    for rule in RULES:
        for synchronous in (True, False):
            start = time.perf_counter()
            result = evolve_on_graph(graph, game, rule=rule, steps=1000, seed=0, synchronous=synchronous)
            seconds = time.perf_counter() - start
            scheme = "synchronous" if synchronous else "asynchronous (10% per step)"
            verdict = "ok" if seconds < BOUND else f"OVER the {BOUND:g} s bound"
            print(f"  {rule:15s} {scheme:28s} {seconds:6.2f} s   final cooperation {result.cooperation[-1]:.3f}   {verdict}")


if __name__ == "__main__":
    main()
