"""Fore-specific statistics of one condition's run (the authors' figures.py measures)."""

import numpy as np

from zoo.analysis.trials import mean_rate_hz, spike_probability

# Analysis window of figures.py: 60 ms from 10 ms before the first MF spike, 1-ms bins.
WINDOW_MS = (1000.0, 1060.0)


def fore2020_observables(model, segment):
    p = model.params
    duration = p.n_trials * p.trial_ms
    trains = {name: [st for st in segment.spiketrains if st.annotations["source_population"] == name] for name in ("GrC", "GoC")}
    granule = trains["GrC"]
    active = np.array([int(st.annotations.get("active_inputs", 0)) for st in granule])
    probability = spike_probability(granule, p.trial_ms, p.n_trials, window=WINDOW_MS)
    with_input = probability[active > 0]
    population_mean = with_input.mean(axis=0) if with_input.size else np.zeros(probability.shape[1])
    # GoC rate outside the stimulus: the 1 s before each burst (spontaneous, noise-driven)
    goc = trains["GoC"]
    goc_spont = spike_probability(goc, p.trial_ms, p.n_trials, window=(0.0, 1000.0)) if goc else np.zeros((0, 1))
    return {
        "GoC_rate_hz": mean_rate_hz(goc, duration),
        "GoC_spontaneous_rate_hz": float(goc_spont.sum(axis=1).mean() if goc else np.nan),  # <= 1 spike per ms bin
        "GrC_rate_hz": mean_rate_hz(granule, duration),
        "GrC_with_active_input": int((active > 0).sum()),
        "GrC_responsive": int((with_input.max(axis=1) > 0).sum()) if with_input.size else 0,
        "mean_peak_probability_active_input": float(with_input.max(axis=1).mean()) if with_input.size else np.nan,
        "population_peak_probability": float(population_mean.max()),
        "population_peak_time_ms": float(WINDOW_MS[0] + np.argmax(population_mean) + 0.5),
        "window_ms": list(WINDOW_MS),
        "n_trials": p.n_trials,
    }
