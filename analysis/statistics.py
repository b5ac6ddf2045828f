"""Spike-train statistics on Neo objects, one measure per function, computed with Elephant.

Rate estimation: :func:`firing_rates`, :func:`population_rate`.
Interval statistics: :func:`cv_isi`, :func:`lvr`.
Count statistics across windows: :func:`fano_factors`.
Across trains: :func:`pairwise_correlations`.

Every function takes a list of ``neo.SpikeTrain`` and explicit Quantity time windows, and
returns per-train NumPy arrays (NaN where the measure is undefined, as each docstring says).
Windows are cut from the trains' time arrays with NumPy before Elephant sees them:
``SpikeTrain.time_slice`` deep-copies the train and its annotations, which made a summary of
5000 neurons take minutes.
"""

import logging

import elephant.utils
import neo
import numpy as np
import quantities as pq
from elephant import statistics as es
from elephant.conversion import BinnedSpikeTrain
from elephant.spike_train_correlation import correlation_coefficient

from zoo.io import as_ms, times_ms

# On-grid spike times that fall on a bin edge make Elephant log a (correct, harmless) shift into the
# next bin on every call; its logger is named after its file.
logging.getLogger(elephant.utils.__file__).setLevel(logging.ERROR)

__all__ = ["times_ms", "firing_rates", "cv_isi", "lvr", "fano_factors", "pairwise_correlations", "population_rate"]


def _check_window(t_start, t_stop):
    if not (isinstance(t_start, pq.Quantity) and isinstance(t_stop, pq.Quantity)):
        raise TypeError("t_start and t_stop must be time Quantities")
    if t_stop <= t_start:
        raise ValueError(f"empty window: t_stop ({t_stop}) <= t_start ({t_start})")


def firing_rates(spiketrains, t_start, t_stop):
    """Mean firing rate of each train in [t_start, t_stop), in spikes/s (array); 0 for a silent train."""
    _check_window(t_start, t_stop)
    t0_ms, t1_ms = as_ms(t_start), as_ms(t_stop)
    t0, t1 = t0_ms / 1000.0, t1_ms / 1000.0
    rates = np.zeros(len(spiketrains))
    for index, st in enumerate(spiketrains):
        window = times_ms(st, t0_ms, t1_ms) / 1000.0
        if window.size:  # Elephant rejects empty trains; their rate is 0 by definition
            rates[index] = float(es.mean_firing_rate(window, t_start=t0, t_stop=t1))
    return rates


def cv_isi(spiketrains, min_spikes=3):
    """Coefficient of variation of the inter-spike intervals of each train.

    .. math:: CV = \\sigma_{ISI} / \\mu_{ISI}

    Trains with fewer than `min_spikes` spikes give NaN (two intervals are the fewest that
    define a spread). The squared CV that Rostami et al. call "CV2" is this value squared;
    Elephant's ``cv2`` is Holt's local measure, a different statistic.
    """
    if min_spikes < 3:
        raise ValueError("min_spikes must be at least 3")
    return np.array(
        [float(es.cv(es.isi(times_ms(st)))) if len(st) >= min_spikes else np.nan for st in spiketrains]
    )


def lvr(spiketrains, refractory=2.0 * pq.ms, min_spikes=3):
    """Revised local variation of the inter-spike intervals of each train (Shinomoto et al. 2009),
    Elephant's ``lvr``, as Schmidt et al. (2018) use it.

    .. math:: LvR = \\frac{3}{n-1} \\sum_{i=1}^{n-1} \\left(1 - \\frac{4 I_i I_{i+1}}{(I_i + I_{i+1})^2}\\right)
              \\left(1 + \\frac{4 R}{I_i + I_{i+1}}\\right)

    with the intervals I and the refractoriness constant R (`refractory`, 2 ms as in the multi-area
    model's analysis). Trains with fewer than `min_spikes` spikes give NaN (two intervals are the
    fewest the measure needs).
    """
    if min_spikes < 3:
        raise ValueError("min_spikes must be at least 3")
    R = float(refractory.rescale(pq.ms))
    return np.array([float(es.lvr(es.isi(times_ms(st)) * pq.ms, R=R * pq.ms, with_nan=True)) if len(st) >= min_spikes
                     else np.nan for st in spiketrains])


def fano_factors(spiketrains, window, t_start, t_stop):
    """Fano factor of each train's spike counts in consecutive windows of length `window`.

    .. math:: FF = \\mathrm{Var}(N) / \\mathrm{E}(N)

    The train is cut into the windows that fit in [t_start, t_stop) (pseudo-trials, as for the
    spontaneous FF of Rostami et al. 2024); Elephant's ``fanofactor`` then works across them.
    NaN for a silent train or fewer than two windows.
    """
    _check_window(t_start, t_stop)
    n_windows = int(((t_stop - t_start) / window).simplified.magnitude)
    if n_windows < 2:
        return np.full(len(spiketrains), np.nan)
    edges = float(t_start.rescale(pq.ms)) + np.arange(n_windows + 1) * float(window.rescale(pq.ms))
    result = np.full(len(spiketrains), np.nan)
    for index, st in enumerate(spiketrains):
        times = times_ms(st)
        bounds = np.searchsorted(times, edges)
        if bounds[-1] == bounds[0]:
            continue
        result[index] = es.fanofactor([times[a:b] for a, b in zip(bounds[:-1], bounds[1:])])
    return result


def pairwise_correlations(spiketrains, bin_size, t_start, t_stop, max_trains=200):
    """Pearson correlations of binned spike counts for a fixed subsample of active trains.

    The subsample is up to `max_trains` trains, evenly spaced through the list (so it covers
    every cluster or layer in order), taken among the trains with at least one spike in the
    window: silent trains have no defined correlation. Returns the upper-triangle coefficients
    (empty when fewer than two trains are active); a train whose counts do not vary (all its
    spikes in one bin of a short window) gives NaN, without NumPy's warning.
    """
    _check_window(t_start, t_stop)
    active = [st for st in spiketrains if times_ms(st, t_start, t_stop).size > 0]
    if len(active) < 2:
        return np.array([])
    picks = np.unique(np.linspace(0, len(active) - 1, min(max_trains, len(active))).astype(int))
    binned = BinnedSpikeTrain([active[k] for k in picks], bin_size=bin_size, t_start=t_start, t_stop=t_stop)
    with np.errstate(invalid="ignore", divide="ignore"):
        matrix = correlation_coefficient(binned)
    return matrix[np.triu_indices_from(matrix, k=1)]


def population_rate(spiketrains, bin_size, t_start, t_stop):
    """Population-averaged rate in bins of `bin_size`: (bin left edges in ms, rate in spikes/s)."""
    _check_window(t_start, t_stop)
    # One merged train has the same histogram; Elephant checks every train it is given (~0.1 ms each).
    times = np.sort(np.concatenate([times_ms(st, t_start, t_stop) for st in spiketrains] or [np.array([])]))
    merged = neo.SpikeTrain(times, units="ms", t_start=t_start, t_stop=t_stop)
    histogram = es.time_histogram([merged], bin_size, t_start=t_start, t_stop=t_stop, output="counts")
    seconds = float(bin_size.rescale(pq.s))
    return histogram.times.rescale(pq.ms).magnitude, histogram.magnitude.ravel().astype(float) / (len(spiketrains) * seconds)
