"""Trial-segmented analysis of runs whose trials were simulated back to back.

A run of n trials of length T holds trial k in [k T, (k + 1) T). These functions cut recorded
spike trains into trial-aligned pieces and compute per-neuron spike probabilities across trials,
as in Fore et al. (2020): the fraction of trials with at least one spike in each bin.
"""

import neo
import numpy as np
import quantities as pq

from zoo.io import times_ms


def _check(trial_ms, n_trials):
    if trial_ms <= 0 or n_trials < 1 or int(n_trials) != n_trials:
        raise ValueError(f"trial_ms must be positive and n_trials a positive integer, got {trial_ms}, {n_trials}")


def spike_table(spiketrains):
    """(neuron position, spike time in ms) arrays of a list of spike trains."""
    times = [times_ms(st) for st in spiketrains]
    cells = np.repeat(np.arange(len(times)), [t.size for t in times])
    return cells, (np.concatenate(times) if times else np.array([]))


def spike_probability(spiketrains, trial_ms, n_trials, window=None, bin_ms=1.0):
    """Per-neuron spike probability in trial-aligned bins.

    .. math:: P_{i,b} = \\frac{1}{n} \\#\\{k : \\text{neuron } i \\text{ spikes in bin } b \\text{ of trial } k\\}

    Parameters
    ----------
    spiketrains : list of neo.SpikeTrain
        One train per neuron, covering trials 0..n_trials-1 back to back from t = 0.
    trial_ms : float
        Trial length in ms.
    n_trials : int
    window : (float, float), optional
        Trial-relative window [start, stop) in ms. Default: the whole trial.
    bin_ms : float, optional
        Bin width in ms. Default: 1.0.

    Returns
    -------
    np.ndarray, shape (len(spiketrains), n_bins)
        Fractions in [0, 1]. Spikes after the last trial are ignored.
    """
    _check(trial_ms, n_trials)
    start, stop = window if window is not None else (0.0, trial_ms)
    if not 0 <= start < stop <= trial_ms or bin_ms <= 0:
        raise ValueError(f"window must lie within the trial and bin_ms be positive, got {window}, {bin_ms}")
    n_bins = int(round((stop - start) / bin_ms))
    cells, times = spike_table(spiketrains)
    trial = np.floor(times / trial_ms).astype(np.int64)
    relative = times - trial * trial_ms
    bins = np.floor((relative - start) / bin_ms + 1e-9).astype(np.int64)
    keep = (trial >= 0) & (trial < n_trials) & (relative >= start) & (bins < n_bins)
    key = (cells[keep] * n_trials + trial[keep]) * n_bins + bins[keep]
    key = np.unique(key)  # a bin of a trial counts once, however many spikes fall in it
    cell_bin = (key // (n_trials * n_bins)) * n_bins + key % n_bins
    counts = np.bincount(cell_bin, minlength=len(spiketrains) * n_bins)
    return counts.reshape(len(spiketrains), n_bins) / n_trials


def trial_segments(segment, trial_ms, n_trials):
    """A neo.Block with one segment per trial, spike times shifted to trial time [0, trial_ms), cut with
    Neo's own ``add_epoch`` / ``cut_segment_by_epoch``. Each train keeps its annotations and gains
    ``trial``."""
    from neo.utils import add_epoch, cut_segment_by_epoch

    _check(trial_ms, n_trials)
    starts = neo.Event(np.arange(int(n_trials)) * trial_ms * pq.ms, labels=[f"trial {k}" for k in range(int(n_trials))])
    epoch = add_epoch(segment, starts, pre=0 * pq.ms, post=trial_ms * pq.ms, name="trials")
    block = neo.Block(name=segment.name)
    for k, piece in enumerate(cut_segment_by_epoch(segment, epoch, reset_time=True)):
        piece.name, piece.index = f"trial {k}", k
        # Neo's slice keeps a spike at the trial's end time: it is the next trial's first
        trains = [st[times_ms(st) < trial_ms] for st in piece.spiketrains]
        for train in trains:
            train.annotate(trial=k)
        piece.spiketrains = trains
        block.segments.append(piece)
    segment.epochs.remove(epoch)  # the segment is left as it was given
    return block


def mean_rate_hz(spiketrains, duration_ms):
    """Mean firing rate over neurons and time, in spikes/s."""
    if not spiketrains or duration_ms <= 0:
        return float("nan")
    return 1000.0 * sum(len(st) for st in spiketrains) / (len(spiketrains) * duration_ms)
