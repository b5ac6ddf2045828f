"""rostami2020 at full size against the native NEST example's seed spread (slow: minutes).

Run with: python -m pytest -m slow tests/test_rostami2020_reference.py

Rule: the mean rate over K seeds passes when it lies within 2 standard errors of the reference
mean, the standard error combining both samples, sigma * sqrt(1/K + 1/n) with the reference's
seed-to-seed SD sigma and run count n (reference.toml). For a correct model the false-alarm rate
is about 5 % per statistic.
"""

import math

import pytest

from zoo.models.rostami2020 import Rostami2020
from zoo import references as reference
from zoo.run import runner

SEEDS = (1, 2, 3)


@pytest.fixture(scope="module", params=["nest", "brian2"])
def full_size_runs(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(request.param)
    return [runner.run(Rostami2020(), request.param, seed, out=out / f"seed{seed}", make_plots=False)[1] for seed in SEEDS]


@pytest.mark.slow
@pytest.mark.parametrize("population", ["E", "I"])
def test_mean_rate_within_the_reference_seed_spread(full_size_runs, population):
    ref = next(r for r in reference.load("models.rostami2020") if r.variant == "default" and r.population == population)
    rates = [summary["populations"][population]["mean_rate_hz"] for summary in full_size_runs]
    mean = sum(rates) / len(rates)
    tolerance = 2 * ref.spread * math.sqrt(1 / len(rates) + 1 / ref.n)
    assert abs(mean - ref.value) <= tolerance, f"{population} rates {rates}, reference {ref.value} +/- {tolerance:.3f}"


@pytest.mark.slow
def test_stimulated_clusters_light_up(full_size_runs):
    for summary in full_size_runs:
        observed = summary["observables"]
        assert observed["stimulated_E_rate_in_stimulus_hz"] > 2 * observed["stimulated_E_rate_outside_stimulus_hz"]
