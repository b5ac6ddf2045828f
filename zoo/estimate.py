"""A rough cost estimate of a run from its structure, for --dry-run.

Linear in neurons, synapses and simulated time, with coefficients measured for rostami2020 at
full size on a 2-core machine (zoo benchmarks, NEST 3.10 and Brian2 2.9, one thread). They are
order-of-magnitude guides, not promises: spike rates and connectivity rules change the costs.
"""

# Per backend: fixed memory, bytes per neuron and per synapse; build seconds per synapse;
# simulate seconds per neuron and per synapse for each second of biological time.
COEFFICIENTS = {
    "nest": {"base_bytes": 450e6, "bytes_per_neuron": 2e3, "bytes_per_synapse": 75.0,
             "build_s_per_synapse": 1.5e-6, "sim_s_per_neuron_s": 2e-4, "sim_s_per_synapse_s": 3.5e-7},
    "brian2": {"base_bytes": 600e6, "bytes_per_neuron": 4e3, "bytes_per_synapse": 110.0,
               "build_s_per_synapse": 2.5e-6, "sim_s_per_neuron_s": 6e-4, "sim_s_per_synapse_s": 6e-7},
}


def estimate(structure, model, simulator):
    """Estimated peak memory (bytes) and build/simulate times (s) of running `model` on `simulator`."""
    c = COEFFICIENTS[simulator]
    neurons = structure["totals"]["neurons"]
    synapses = structure["totals"]["synapses"]
    seconds = (model.warmup_ms + model.duration_ms) / 1000.0
    return {
        "simulator": simulator,
        "peak_memory_bytes": c["base_bytes"] + c["bytes_per_neuron"] * neurons + c["bytes_per_synapse"] * synapses,
        "build_s": c["build_s_per_synapse"] * synapses,
        "simulate_s": seconds * (c["sim_s_per_neuron_s"] * neurons + c["sim_s_per_synapse_s"] * synapses),
        "basis": __doc__.split("\n\n")[1].replace("\n", " "),
    }
