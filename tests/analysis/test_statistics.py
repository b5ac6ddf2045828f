"""analysis.statistics: expectations from theory, never from earlier runs; every error path."""

import neo
import numpy as np
import pytest
import quantities as pq

from zoo.analysis import statistics
from zoo.analysis.summary import format_table, population_summary

T0, T1 = 0 * pq.ms, 100_000 * pq.ms


def _train(times_ms):
    return neo.SpikeTrain(np.asarray(times_ms, dtype=float), units="ms", t_start=T0, t_stop=T1)


def _poisson(rate_hz, seed, t_ms=100_000.0):
    rng = np.random.default_rng(seed)
    times = np.sort(rng.uniform(0, t_ms, rng.poisson(rate_hz * t_ms / 1000.0)))
    return _train(times)


class TestFiringRates:
    def test_poisson_rate_within_three_sigma(self):
        rates = statistics.firing_rates([_poisson(5.0, s) for s in range(5)], T0, T1)
        assert np.all(np.abs(rates - 5.0) < 3 * np.sqrt(5.0 / 100.0))

    def test_silent_train_has_rate_zero_and_window_is_half_open(self):
        rates = statistics.firing_rates([_train([]), _train([10.0, 20.0, 1000.0])], 10 * pq.ms, 1000 * pq.ms)
        assert rates[0] == 0.0 and rates[1] == pytest.approx(2 / 0.99)

    def test_units_are_respected(self):
        st = neo.SpikeTrain([0.5, 1.5], units="s", t_start=0 * pq.s, t_stop=2 * pq.s)
        assert statistics.firing_rates([st], 0 * pq.ms, 2000 * pq.ms)[0] == pytest.approx(1.0)

    @pytest.mark.parametrize("window", [(10, 5), (5, 5)])
    def test_empty_window_raises(self, window):
        with pytest.raises(ValueError):
            statistics.firing_rates([_train([1.0])], window[0] * pq.ms, window[1] * pq.ms)

    def test_window_must_be_quantities(self):
        with pytest.raises(TypeError):
            statistics.firing_rates([_train([1.0])], 0, 10)


class TestCvIsi:
    def test_regular_train_has_cv_zero(self):
        assert statistics.cv_isi([_train(np.arange(10, 1000, 10.0))])[0] == pytest.approx(0.0, abs=1e-12)

    def test_poisson_train_has_cv_one(self):
        st = _poisson(20.0, 1)
        assert statistics.cv_isi([st])[0] == pytest.approx(1.0, abs=3 / np.sqrt(len(st)))

    def test_too_few_spikes_give_nan(self):
        assert np.isnan(statistics.cv_isi([_train([1.0, 2.0])])[0])

    def test_min_spikes_below_three_rejected(self):
        with pytest.raises(ValueError):
            statistics.cv_isi([_train([1.0])], min_spikes=2)


class TestFanoFactors:
    def test_poisson_counts_have_fano_one(self):
        ff = statistics.fano_factors([_poisson(10.0, s) for s in range(20)], 400 * pq.ms, T0, T1)
        assert np.mean(ff) == pytest.approx(1.0, abs=0.1)

    def test_regular_train_with_whole_periods_per_window_has_fano_zero(self):
        ff = statistics.fano_factors([_train(np.arange(5, 100_000, 100.0))], 400 * pq.ms, T0, T1)
        assert ff[0] == pytest.approx(0.0)

    def test_silent_train_and_single_window_give_nan(self):
        assert np.isnan(statistics.fano_factors([_train([])], 400 * pq.ms, T0, T1)[0])
        assert np.isnan(statistics.fano_factors([_poisson(10, 1)], 400 * pq.ms, T0, 500 * pq.ms)[0])


class TestPairwiseCorrelations:
    def test_identical_trains_correlate_fully(self):
        st = _poisson(10.0, 1)
        values = statistics.pairwise_correlations([st, st.copy()], 10 * pq.ms, T0, T1)
        assert values == pytest.approx([1.0])

    def test_independent_trains_are_uncorrelated(self):
        values = statistics.pairwise_correlations([_poisson(10.0, s) for s in range(10)], 10 * pq.ms, T0, T1)
        assert values.size == 45
        assert abs(values.mean()) < 3 / np.sqrt(10_000)  # bins per train

    def test_silent_trains_are_left_out_and_subsample_is_capped(self):
        trains = [_poisson(10.0, s) for s in range(30)] + [_train([])]
        assert statistics.pairwise_correlations(trains, 10 * pq.ms, T0, T1, max_trains=5).size == 10
        assert statistics.pairwise_correlations([_train([])], 10 * pq.ms, T0, T1).size == 0


class TestPopulationRate:
    def test_mean_of_population_rate_is_the_mean_rate(self):
        trains = [_poisson(5.0, s) for s in range(10)]
        edges, rate = statistics.population_rate(trains, 100 * pq.ms, T0, T1)
        assert edges.size == rate.size == 1000
        assert rate.mean() == pytest.approx(statistics.firing_rates(trains, T0, T1).mean())


def test_summary_table_lists_every_statistic():
    row = population_summary([_poisson(5.0, s) for s in range(8)], T0, T1)
    assert row["neurons"] == 8 and row["mean_rate_hz"] == pytest.approx(5.0, abs=0.3)
    assert row["mean_cv_isi"] == pytest.approx(1.0, abs=0.1)
    table = format_table({"populations": {"E": row}})
    assert table.splitlines()[2].startswith("E") and "5." in table


class TestLvR:
    def test_a_regular_train_has_lvr_zero(self):
        regular = neo.SpikeTrain(np.arange(1, 101) * 10.0, units="ms", t_stop=1001 * pq.ms)
        assert statistics.lvr([regular]) == pytest.approx([0.0], abs=1e-12)

    def test_poisson_intervals_give_lvr_near_one_without_refractoriness(self):
        rng = np.random.default_rng(3)
        times = np.cumsum(rng.exponential(20.0, 20000))
        poisson = neo.SpikeTrain(times, units="ms", t_stop=times[-1] + 1)
        # Shinomoto et al. 2009: LvR = 1 for a Poisson process when R = 0; the sd of the mean is ~ 1/sqrt(n)
        assert statistics.lvr([poisson], refractory=0 * pq.ms)[0] == pytest.approx(1.0, abs=5 / np.sqrt(times.size))

    def test_too_few_spikes_give_nan(self):
        two = neo.SpikeTrain([1.0, 5.0], units="ms", t_stop=10 * pq.ms)
        assert np.isnan(statistics.lvr([two])[0])
        with pytest.raises(ValueError):
            statistics.lvr([two], min_spikes=2)
