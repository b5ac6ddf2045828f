"""Multi-area statistics: rates of the network, of each area and of each population, beside the
mean-field prediction of the ground state.

The reference code's down-scaled numbers (reference.toml) are of this kind (neuron-weighted mean over all 254
populations; per population type, the median over areas of the population rates). For the ground
state (chi = chi_I = 1) the observables also hold the stationary mean-field rates of the simulated
network (meanfield.py), so that reports show them beside the simulated ones; the metastable state
has no stable low-rate mean-field solution (the fixed-point iteration runs away from it), so it
gets none.
"""

import numpy as np

from zoo.io import segment_window

from .anatomy import AREAS, POPULATIONS


def _type_medians(rates):
    medians = {}
    for pop in POPULATIONS:
        values = [rate for name, rate in rates.items() if name.split("-")[1] == pop]
        if values:
            medians[pop] = float(np.median(values))
    return medians


def multi_area_observables(model, segment):
    t0, t1 = (float(t) for t in segment_window(segment))
    seconds = (t1 - t0) / 1000.0
    spikes, neurons = {}, {}
    for st in segment.spiketrains:
        name = st.annotations["source_population"]
        spikes[name] = spikes.get(name, 0) + len(st)
        neurons[name] = neurons.get(name, 0) + 1
    if not neurons or seconds <= 0:
        return {}
    rate = {name: spikes[name] / (neurons[name] * seconds) for name in neurons}
    area_rates = {}
    for area in AREAS:
        members = [name for name in neurons if name.split("-")[0] == area]
        if members:
            area_rates[area] = sum(spikes[m] for m in members) / (sum(neurons[m] for m in members) * seconds)
    observables = {
        "network_mean_rate_hz": sum(spikes.values()) / (sum(neurons.values()) * seconds),
        "area_mean_rate_hz": area_rates,
        "population_type_median_rate_hz": _type_medians(rate),
        "population_rate_hz": rate,
    }
    p = model.params
    if p.chi == 1.0 and p.chi_I == 1.0:
        net = model.simulated_network()
        predicted = dict(zip(net.names, (float(r) for r in model.mean_field_rates())))
        sizes = dict(zip(net.names, net.sizes))
        observables["mean_field_network_mean_rate_hz"] = float(
            sum(predicted[n] * sizes[n] for n in neurons) / sum(sizes[n] for n in neurons))
        observables["mean_field_population_type_median_rate_hz"] = _type_medians({n: predicted[n] for n in neurons})
        observables["mean_field_population_rate_hz"] = {n: predicted[n] for n in rate}
    return observables
