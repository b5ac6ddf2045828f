"""Head-direction tuning of spike trains: tuning curves, head-direction index, preferred direction.

Definitions (spec 4.1, [A]):

- tuning curve: r_j(theta_k) = spike count of cell j in the window of direction k / window length,
  with Elephant's ``mean_firing_rate`` on the Neo train, window k = [k T + discard, (k + 1) T);
- head-direction index, the mean resultant length of the tuning curve,

  .. math:: \\mathrm{HDI}_j = \\left| \\sum_k r_j(\\theta_k) e^{i\\theta_k} \\right| / \\sum_k r_j(\\theta_k)

  in [0, 1]: 0 for a flat curve, 1 for a cell that fires in one direction only. NaN for a cell
  that never fires in any window (it has no tuning);
- preferred direction: arg of the same sum, in [0, 2 pi); NaN where HDI is NaN;
- direction error: the signed circular difference preferred - input phi, in (-pi, pi].
"""

import numpy as np
import quantities as pq


def directions(n):
    """The n head directions stepped through: 2 pi k / n, k = 0..n-1 (rad)."""
    return 2 * np.pi * np.arange(n) / n


def windows(n_directions, step_ms, discard_ms, t0_ms=0.0):
    """(start, stop) in ms of the analysed window of each direction."""
    starts = t0_ms + np.arange(n_directions) * step_ms
    return np.column_stack((starts + discard_ms, starts + step_ms))


def tuning_curves(spiketrains, window_ms):
    """(n_cells, n_directions) rates in spikes/s of Neo spike trains in the given windows.

    Counted with Elephant's ``BinnedSpikeTrain`` in one pass over all trains: the bins are as long
    as the largest time that divides every window edge (e.g. 200 ms for 1000-ms steps with 200 ms
    left out), and a window's count is the sum of its bins. :func:`tuning_curves_by_window` gives
    the same numbers with ``mean_firing_rate`` per train and window (slow; used by the tests).
    """
    import elephant.conversion
    import elephant.utils

    window_ms = np.asarray(window_ms, dtype=float)
    if len(spiketrains) == 0:
        return np.zeros((0, len(window_ms)))
    start = min(float(st.t_start.rescale(pq.ms).magnitude) for st in spiketrains)
    stop = max(float(st.t_stop.rescale(pq.ms).magnitude) for st in spiketrains)
    if window_ms.min() < start or window_ms.max() > stop:
        raise ValueError(f"windows [{window_ms.min():g}, {window_ms.max():g}] ms exceed the trains' [{start:g}, {stop:g}] ms")
    bin_ms = _common_divisor(np.diff(np.unique(np.concatenate(([start, stop], window_ms.ravel())))))
    trains = spiketrains
    level = elephant.utils.logger.level
    elephant.utils.logger.setLevel(40)  # a spike a rounding error before a bin edge moves on: no message
    try:
        binned = elephant.conversion.BinnedSpikeTrain(trains, bin_size=bin_ms * pq.ms, t_start=start * pq.ms,
                                                      t_stop=stop * pq.ms)
    finally:
        elephant.utils.logger.setLevel(level)
    counts = binned.to_array()
    first = np.round((window_ms[:, 0] - start) / bin_ms).astype(int)
    last = np.round((window_ms[:, 1] - start) / bin_ms).astype(int)
    cumulative = np.concatenate((np.zeros((counts.shape[0], 1)), np.cumsum(counts, axis=1)), axis=1)
    per_window = cumulative[:, last] - cumulative[:, first]
    return per_window / ((window_ms[:, 1] - window_ms[:, 0]) / 1000.0)[None, :]


def tuning_curves_by_window(spiketrains, window_ms):
    """:func:`tuning_curves` with Elephant's ``mean_firing_rate``, one call per train and window."""
    from elephant.statistics import mean_firing_rate

    rates = np.empty((len(spiketrains), len(window_ms)))
    for j, train in enumerate(spiketrains):
        for k, (start, stop) in enumerate(window_ms):
            if len(train) == 0:  # Elephant refuses empty trains
                rates[j, k] = 0.0
                continue
            rate = mean_firing_rate(train, t_start=start * pq.ms, t_stop=stop * pq.ms)
            rates[j, k] = float(rate.rescale(pq.Hz).magnitude) if isinstance(rate, pq.Quantity) else 1000.0 * rate
    return rates


def _common_divisor(lengths_ms, resolution_ms=1e-3):
    """Largest multiple of `resolution_ms` that divides every length (ms)."""
    units = [int(round(v / resolution_ms)) for v in lengths_ms if v > 0]
    return float(np.gcd.reduce(units)) * resolution_ms if units else 1.0


def resultant(rates, theta):
    """Complex mean resultant sum_k r_k e^{i theta_k} / sum_k r_k per row (NaN where sum_k r_k = 0)."""
    rates = np.atleast_2d(np.asarray(rates, dtype=float))
    total = rates.sum(axis=1)
    z = rates @ np.exp(1j * np.asarray(theta))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, z / np.where(total > 0, total, 1), np.nan + 0j)


def hdi(rates, theta):
    """Head-direction index per cell (module docstring)."""
    return np.abs(resultant(rates, theta))


def preferred_direction(rates, theta):
    """Preferred direction per cell in [0, 2 pi); NaN for silent cells."""
    z = resultant(rates, theta)
    angle = np.mod(np.angle(z), 2 * np.pi)
    angle = np.where(angle >= 2 * np.pi, 0.0, angle)  # mod of a tiny negative angle rounds up to 2 pi
    return np.where(np.isnan(z), np.nan, angle)


def circular_difference(a, b):
    """a - b wrapped into (-pi, pi]."""
    d = np.mod(np.asarray(a) - np.asarray(b) + np.pi, 2 * np.pi) - np.pi
    return np.where(d == -np.pi, np.pi, d)


def von_mises_resultant(kappa, baseline_fraction=0.0):
    """Expected HDI of a tuning curve b + exp(kappa (cos(theta - phi) - 1)) sampled densely:
    I_1(kappa) / (I_0(kappa) + b e^kappa) (modified Bessel functions); the analytic check of :func:`hdi`."""
    from scipy.special import iv

    return iv(1, kappa) / (iv(0, kappa) + baseline_fraction * np.exp(kappa))
