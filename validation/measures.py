"""What the validation compares, measured on one run: per-neuron distributions, spectra, observables.

Per population (computed with :mod:`analysis.statistics`, settings in :data:`SETTINGS`):

- ``rate_hz``: firing rate of every neuron in the recorded window;
- ``cv_isi``: CV of the inter-spike intervals, neurons with at least ``cv_min_spikes`` spikes;
- ``lvr``: revised local variation of the intervals (Shinomoto et al. 2009; Elephant's ``lvr``, with
  refractoriness constant ``lvr_refractory_ms``), the irregularity measure of Schmidt et al. (2018),
  same neurons as the CV;
- ``fano_factor``: Fano factor of spike counts in consecutive ``fano_window_ms`` windows;
- ``correlation``: Pearson correlation of spike counts in ``correlation_bin_ms`` bins, all pairs of
  a fixed subsample (``correlation_neurons`` neurons evenly spaced by index, the same neurons in
  every run; silent ones drop out);
- the spectrum of the population rate (``psd_bin_ms`` bins, Welch, ``psd_segment_ms`` segments),
  also as mean power in log-spaced bands (``psd_bands_hz``), which is what runs are compared on.

The model's own observables come from the run's summary.json: numbers become scalar observables,
and dicts of numbers (e.g. the rate of every cluster) become distributions.

Measures are cached beside the run as ``<run>.measures-<hash of SETTINGS>.npz``.
"""

import concurrent.futures
import hashlib
import json
import logging
from pathlib import Path

import numpy as np
import quantities as pq

import elephant.utils
from elephant.spectral import welch_psd
from zoo.analysis import statistics
from zoo import io

# Elephant warns each time it moves a spike that sits a rounding error before a bin edge into the
# next bin: thousands of lines per run, no effect on the statistics.
elephant.utils.logger.setLevel(logging.ERROR)

SETTINGS = {
    "cv_min_spikes": 3,
    "lvr_refractory_ms": 2.0,  # R of the multi-area model's analysis (Schmidt et al. 2018)
    "fano_window_ms": 400.0,  # Rostami et al. 2024 count windows
    "correlation_bin_ms": 10.0,
    "correlation_neurons": 200,
    "psd_bin_ms": 1.0,
    "psd_segment_ms": 1024.0,
    "psd_bands_hz": [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0],
}

DISTRIBUTIONS = ("rate_hz", "cv_isi", "lvr", "fano_factor", "correlation")
LABELS = {
    "rate_hz": "firing rate (spikes/s)",
    "cv_isi": "CV of ISIs",
    "lvr": "LvR of ISIs",
    "fano_factor": "Fano factor",
    "correlation": "pairwise correlation",
    "psd_slow": "population-rate spectrum, 1-16 Hz",
    "psd_fast": "population-rate spectrum, 16-256 Hz",
    "coincident_spikes": "spikes shared at the start (same neuron, within one time step)",
}


def settings_hash(settings=SETTINGS):
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:8]


def fixed_subsample(size, count):
    """Indices of `count` neurons evenly spaced through a population of `size` (all if fewer)."""
    return np.unique(np.linspace(0, size - 1, min(size, count)).astype(int)) if size else np.array([], dtype=int)


def spectrum(trains, t_start, t_stop, settings=SETTINGS):
    """(frequencies in Hz, PSD of the population rate in (spikes/s)^2/Hz) by Welch's method.

    Elephant's ``welch_psd`` with half-overlapping Hann segments of ``psd_segment_ms``.
    """
    bin_ms = settings["psd_bin_ms"]
    _, rate = statistics.population_rate(trains, bin_ms * pq.ms, t_start, t_stop)
    fs = 1000.0 / bin_ms
    nperseg = int(min(len(rate), settings["psd_segment_ms"] / bin_ms))
    if nperseg < 8:
        return np.array([]), np.array([])
    return welch_psd(rate - rate.mean(), len_segment=nperseg, fs=fs)


def band_power(freqs, power, edges):
    """Mean PSD in each band [edges[k], edges[k+1]); NaN for a band without frequency bins."""
    out = np.full(len(edges) - 1, np.nan)
    for k, (lo, hi) in enumerate(zip(edges[:-1], edges[1:])):
        inside = (freqs >= lo) & (freqs < hi)
        if inside.any():
            out[k] = float(np.mean(power[inside]))
    return out


def measure_segment(segment, settings=SETTINGS):
    """Distributions and spectra of every population of a per-neuron segment."""
    t_start, t_stop = io.segment_window(segment)
    by_population = io.trains_by_population(segment)
    distributions, spectra = {}, {}
    for name, trains in by_population.items():
        trains = sorted(trains, key=lambda st: int(st.annotations["source_index"]))
        cvs = statistics.cv_isi(trains, settings["cv_min_spikes"])
        lvrs = statistics.lvr(trains, settings["lvr_refractory_ms"] * pq.ms, settings["cv_min_spikes"])
        fanos = statistics.fano_factors(trains, settings["fano_window_ms"] * pq.ms, t_start, t_stop)
        subsample = [trains[k] for k in fixed_subsample(len(trains), settings["correlation_neurons"])]
        correlations = statistics.pairwise_correlations(
            subsample, settings["correlation_bin_ms"] * pq.ms, t_start, t_stop, max_trains=len(subsample)
        )
        distributions[name] = {
            "rate_hz": statistics.firing_rates(trains, t_start, t_stop),
            "cv_isi": cvs[np.isfinite(cvs)],
            "lvr": lvrs[np.isfinite(lvrs)],
            "fano_factor": fanos[np.isfinite(fanos)],
            "correlation": correlations[np.isfinite(correlations)],
        }
        freqs, power = spectrum(trains, t_start, t_stop, settings)
        spectra[name] = {"freqs": freqs, "power": power, "bands": band_power(freqs, power, settings["psd_bands_hz"])}
    return distributions, spectra


def observables_of(summary):
    """(scalars, distributions) of the model's own observables in a run summary."""
    scalars, distributions = {}, {}
    for name, value in summary.get("observables", {}).items():
        if isinstance(value, bool):
            continue
        if isinstance(value, (int, float)) or value is None:
            scalars[name] = np.nan if value is None else float(value)
        elif isinstance(value, dict) and value and all(isinstance(v, (int, float)) or v is None for v in value.values()):
            distributions[name] = np.array([np.nan if v is None else float(v) for v in value.values()])
    return scalars, distributions


class RunMeasures:
    """Everything the comparison needs from one run; see the module docstring."""

    def __init__(self, distributions, spectra, scalars, observable_distributions, summary):
        self.distributions = distributions  # population -> statistic -> array
        self.spectra = spectra  # population -> {"freqs", "power", "bands"}
        self.scalars = scalars  # observable -> float
        self.observable_distributions = observable_distributions  # observable -> array
        self.summary = summary

    def save(self, path):
        arrays = {}
        for pop, stats in self.distributions.items():
            for stat, values in stats.items():
                arrays[f"distribution|{pop}|{stat}"] = values
        for pop, spec in self.spectra.items():
            for key, values in spec.items():
                arrays[f"spectrum|{pop}|{key}"] = values
        for name, values in self.observable_distributions.items():
            arrays[f"observable|{name}"] = values
        arrays["scalars_json"] = np.array(json.dumps(self.scalars))
        arrays["summary_json"] = np.array(json.dumps(self.summary))
        tmp = Path(str(path) + ".tmp.npz")
        np.savez_compressed(tmp, **arrays)
        tmp.rename(path)

    @classmethod
    def load(cls, path):
        distributions, spectra, observable_distributions = {}, {}, {}
        with np.load(path) as data:
            for key in data.files:
                parts = key.split("|")
                if parts[0] == "distribution":
                    distributions.setdefault(parts[1], {})[parts[2]] = data[key]
                elif parts[0] == "spectrum":
                    spectra.setdefault(parts[1], {})[parts[2]] = data[key]
                elif parts[0] == "observable":
                    observable_distributions[parts[1]] = data[key]
            scalars = json.loads(str(data["scalars_json"]))
            summary = json.loads(str(data["summary_json"]))
        return cls(distributions, spectra, scalars, observable_distributions, summary)


def measures_path(run_path, settings=SETTINGS):
    run_path = Path(run_path)
    return run_path.parent / f"{run_path.name}.measures-{settings_hash(settings)}.npz"


def measure_run(run_path, settings=SETTINGS, use_cache=True):
    """RunMeasures of the results directory `run_path`, computed once and cached beside it."""
    cached = measures_path(run_path, settings)
    if use_cache and cached.is_file() and cached.stat().st_mtime >= (Path(run_path) / "spikes.nix").stat().st_mtime:
        return RunMeasures.load(cached)
    segment, _ = io.load_segment(Path(run_path) / "spikes.nix")
    summary = json.loads((Path(run_path) / "summary.json").read_text())
    distributions, spectra = measure_segment(segment, settings)
    scalars, observable_distributions = observables_of(summary)
    measures = RunMeasures(distributions, spectra, scalars, observable_distributions, summary)
    if use_cache:
        measures.save(cached)
    return measures


def measure_all(paths, jobs=1):
    """{key: RunMeasures} for {key: run path}, `jobs` runs at a time in worker processes."""
    if jobs <= 1 or len(paths) <= 1:
        return {key: measure_run(path) for key, path in paths.items()}
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {key: pool.submit(measure_run, path) for key, path in paths.items()}
        return {key: future.result() for key, future in futures.items()}
