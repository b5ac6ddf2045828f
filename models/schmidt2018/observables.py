"""Multi-area statistics: neuron-weighted mean rates of the network and of each area, layer medians.

The spec's down-scaled reference numbers are of this kind (neuron-weighted mean over all 254
populations; per population type, the median over areas of the population rates).
"""

import numpy as np
import quantities as pq

from .anatomy import AREAS, POPULATIONS


def multi_area_observables(model, segment):
    t0, t1 = float(segment.t_start.rescale(pq.ms)), float(segment.t_stop.rescale(pq.ms))
    seconds = (t1 - t0) / 1000.0
    spikes, neurons = {}, {}
    for st in segment.spiketrains:
        name = st.annotations["population"]
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
    layer_medians = {}
    for pop in POPULATIONS:
        values = [rate[name] for name in rate if name.split("-")[1] == pop]
        if values:
            layer_medians[pop] = float(np.median(values))
    return {
        "network_mean_rate_hz": sum(spikes.values()) / (sum(neurons.values()) * seconds),
        "area_mean_rate_hz": area_rates,
        "population_type_median_rate_hz": layer_medians,
    }
