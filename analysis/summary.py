"""The per-population summary table of a run: rate, CV of ISIs, Fano factor, correlation."""

import numpy as np
import quantities as pq

from zoo.io import segment_window, trains_by_population

from . import statistics

# Choices of the summary; recorded with it so numbers are never read without their settings.
SETTINGS = {
    "fano_window_ms": 400.0,  # Rostami et al. 2024 count windows
    "correlation_bin_ms": 10.0,
    "correlation_max_neurons": 200,
    "cv_min_spikes": 3,
}


def _mean(values):
    values = np.asarray(values, dtype=float)
    return float(np.nanmean(values)) if np.isfinite(values).any() else None


def population_summary(spiketrains, t_start, t_stop, settings=SETTINGS):
    """Statistics of one population's spike trains, which span [t_start, t_stop) (Quantities)."""
    rates = statistics.firing_rates(spiketrains, t_start, t_stop)
    cvs = statistics.cv_isi(spiketrains, settings["cv_min_spikes"])
    fanos = statistics.fano_factors(spiketrains, settings["fano_window_ms"] * pq.ms, t_start, t_stop)
    correlations = statistics.pairwise_correlations(
        spiketrains, settings["correlation_bin_ms"] * pq.ms, t_start, t_stop, settings["correlation_max_neurons"]
    )
    return {
        "neurons": len(spiketrains),
        "mean_rate_hz": float(np.mean(rates)) if len(rates) else None,
        "median_rate_hz": float(np.median(rates)) if len(rates) else None,
        "sd_rate_hz": float(np.std(rates)) if len(rates) else None,
        "mean_cv_isi": _mean(cvs),
        "neurons_with_cv": int(np.isfinite(cvs).sum()),
        "mean_fano_factor": _mean(fanos),
        "mean_pairwise_correlation": _mean(correlations),
        "correlation_pairs": int(np.isfinite(correlations).sum()),
    }


def summarize(segment, settings=SETTINGS):
    """Summary per population of a segment whose spike trains carry a 'population' annotation."""
    by_population = trains_by_population(segment)
    t_start, t_stop = segment_window(segment)
    return {
        "window_ms": [float(t_start), float(t_stop)],
        "settings": dict(settings),
        "populations": {name: population_summary(trains, t_start, t_stop, settings) for name, trains in by_population.items()},
    }


def format_table(summary):
    """The summary as a fixed-width text table."""
    header = f"{'population':<12}{'neurons':>8}{'rate (1/s)':>12}{'CV ISI':>9}{'Fano':>8}{'corr':>9}"
    lines = [header, "-" * len(header)]

    def fmt(value, spec):
        return format(value, spec) if value is not None else "-".rjust(int(spec.split(".")[0]))

    for name, row in summary["populations"].items():
        lines.append(
            f"{name:<12}{row['neurons']:>8d}{fmt(row['mean_rate_hz'], '12.3f')}{fmt(row['mean_cv_isi'], '9.3f')}"
            f"{fmt(row['mean_fano_factor'], '8.3f')}{fmt(row['mean_pairwise_correlation'], '9.4f')}"
        )
    return "\n".join(lines)
