"""A rough cost estimate of a run from its size, for --dry-run and for checks before a run.

Linear in neurons, synapses and simulated time, with coefficients measured for rostami2020 at
full size on a 2-core machine (NEST 3.10 and Brian2 2.9, one thread). They are guides to the
order of magnitude, not promises: spike rates and connectivity rules change the costs.
"""

import os
from pathlib import Path

# Per backend: fixed memory, bytes per neuron and per synapse; build seconds per synapse (NumPy
# drawing included); fixed seconds before simulating (Brian2 solves the neuron ODEs symbolically
# and generates code); simulate seconds per neuron and per synapse for each biological second,
# at rostami2020's ~3 spikes/s (the synapse term grows with the rate).
# Measured: NEST 3.6 s build, 18.3 s for 11 s, 1.04 GB; Brian2 7.1 s, 52 s, 1.0 GB (7.7 M synapses).
COEFFICIENTS = {
    "nest": {"base_bytes": 125e6, "bytes_per_neuron": 2e3, "bytes_per_synapse": 118.0,
             "build_s_per_synapse": 4.7e-7, "fixed_s": 0.0, "sim_s_per_neuron_s": 1e-4, "sim_s_per_synapse_s": 1.5e-7},
    "brian2": {"base_bytes": 250e6, "bytes_per_neuron": 4e3, "bytes_per_synapse": 95.0,
               "build_s_per_synapse": 9.2e-7, "fixed_s": 10.0, "sim_s_per_neuron_s": 6e-5, "sim_s_per_synapse_s": 4.5e-7},
}


def estimate(structure, model, simulator):
    """Estimated peak memory (bytes) and build/simulate times (s) of running `model` on `simulator`."""
    return cost(structure["totals"]["neurons"], structure["totals"]["synapses"], model, simulator)


def cost(neurons, synapses, model, simulator):
    """:func:`estimate` from the network's size alone (e.g. ``model.expected_size()``, before drawing)."""
    c = COEFFICIENTS[simulator]
    seconds = (model.warmup_ms + model.duration_ms) / 1000.0
    return {
        "simulator": simulator,
        "peak_memory_bytes": c["base_bytes"] + c["bytes_per_neuron"] * neurons + c["bytes_per_synapse"] * synapses,
        "build_s": c["build_s_per_synapse"] * synapses,
        "simulate_s": c["fixed_s"] + seconds * (c["sim_s_per_neuron_s"] * neurons + c["sim_s_per_synapse_s"] * synapses),
        "basis": __doc__.split("\n\n")[1].replace("\n", " "),
    }


def machine_memory_bytes():
    """The memory this process may use, in bytes: the machine's physical memory, or its control
    group's limit where that is lower; None where neither can be read."""
    found = []
    try:
        found.append(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        pass
    for limit in (Path("/sys/fs/cgroup/memory.max"), Path("/sys/fs/cgroup/memory/memory.limit_in_bytes")):
        try:
            text = limit.read_text().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < 2**60:
            found.append(int(text))
    return min(found) if found else None
