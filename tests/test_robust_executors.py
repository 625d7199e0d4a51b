"""robustness() on the serial, processes and dask executors: the same bytes of JSON.

Reference: the serial run in this process on the network object itself; the other executors
receive the scenario as text (regions.dumps_scenario) and the sampled worlds, in other processes.
"""

from __future__ import annotations

import json

import pytest
from scenarios import one_link as link_text

from regions import dumps_scenario, load_scenario, loads_scenario
from solver.robust.scenario import _labels, robustness

CORRELATED = link_text("named and correlated", "{ R = { uniform = [2.5, 3.5], name = \"joint return\" }, S = 0, T = { triangular = [4, 4.5, 6] }, P = 1 }") + """
[[mechanisms]]
kind = "higher_level_guidance"
name = "Guide"
by = "p"
subsidy = 1
penalty = 2
detection = { normal = [0.5, 0.1], bounds = [0, 1] }
[uncertainty]
correlation = [["joint return", "a-b.T", 0.6]]
"""


def _bytes(result) -> str:
    return json.dumps(result.to_dict(), sort_keys=True)


def test_the_text_round_trip_keeps_distributions_names_and_correlation():
    for net in (load_scenario("henan-uncertain"), loads_scenario(CORRELATED)):
        back = loads_scenario(dumps_scenario(net))
        assert back == net and back.uncertainty == net.uncertainty
        assert back.uncertainty.pairs == net.uncertainty.pairs and _labels(back) == _labels(net)
        assert [m.label for m in back.mechanisms] == [m.label for m in net.mechanisms]


def test_serial_processes_and_dask_give_identical_json():
    from distributed import LocalCluster

    net = load_scenario("henan-uncertain")
    serial = _bytes(robustness(net, samples=512, seed=3))
    assert serial == _bytes(robustness(net, samples=512, seed=3))  # the bootstrap is seeded too (seed 0 was not)
    assert _bytes(robustness(net, samples=512, seed=0)) == _bytes(robustness(net, samples=512, seed=0))
    assert serial == _bytes(robustness(net, samples=512, seed=3, executor="processes", workers=2))
    correlated = loads_scenario(CORRELATED)
    assert _bytes(robustness(correlated, samples=256, seed=1)) == _bytes(robustness(correlated, samples=256, seed=1, executor="processes", workers=2))
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None, processes=True) as cluster:
        dask = _bytes(robustness(net, samples=512, seed=3, executor="dask", scheduler=cluster.scheduler_address))
    assert serial == dask
    assert serial != _bytes(robustness(net, samples=512, seed=4))  # the seed matters (the test can fail)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"executor": "threads"}, r"^executor must be one of serial, processes, dask, got 'threads'$"),
        ({"executor": "dask"}, r"^the dask executor needs a scheduler address \(e\.g\. tcp://127\.0\.0\.1:8786\)$"),
        ({"executor": "dask", "scheduler": "nonsense://x"}, r"^cannot reach the dask scheduler at nonsense://x: "),
    ],
)
def test_bad_executors_are_one_line(kwargs, message):
    with pytest.raises(ValueError, match=message) as err:
        robustness(load_scenario("henan-uncertain"), samples=64, **kwargs)
    assert "\n" not in str(err.value)
