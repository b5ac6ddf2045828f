"""The reference implementation, run unmodified: NEST's PyNEST example EI_clustered_network (v3.10).

Fetched by zoo.originals (pinned tag, checksums) and run by validation/originals.py in a process
of its own. The example's own modules build and simulate the network
(``network.ClusteredNetwork(sim_dict, net_dict, stim_dict).get_simulation()``, as its
``run_simulation.py`` does); the only values changed are the example's own arguments: the seed
(``sim_dict["randseed"]``) and the thread count (``sim_dict["n_vp"]``, 1 here: NEST draws the
network per thread, so a seed means the same network only at the same thread count). Its network
parameters, stimulus and protocol (1 s warm-up, 10 s recorded) are those of the zoo's default variant.

Its spikes come back as the example returns them (times after the warm-up, neuron ids from 0: E
cells first, then I cells, each cluster a block of N/Q ids) and are put on the zoo's clock and
numbering: populations E and I, the label ``cluster`` as the zoo's model labels its cells.
"""

import importlib
import importlib.metadata
import sys

import numpy as np

DESCRIPTION = "NEST's PyNEST example EI_clustered_network at the v3.10 tag, unmodified (one thread)"
VARIANTS = ("default",)


def simulate(code_dir, variant, seed, threads=1):
    """Run the example with master seed `seed`; spikes per population on the zoo's clock."""
    sys.path.insert(0, str(code_dir))
    network = importlib.import_module("network")
    net_dict = importlib.import_module("network_params").net_dict
    sim_dict = importlib.import_module("sim_params").sim_dict
    stim_dict = importlib.import_module("stimulus_params").stim_dict
    result = network.ClusteredNetwork({**sim_dict, "randseed": int(seed), "n_vp": int(threads)}, net_dict, stim_dict).get_simulation()
    times, ids = result["spiketimes"]
    times = np.asarray(times, float) + sim_dict["warmup"]
    ids = np.asarray(ids).astype(np.int64)
    n_e, n_i, q = int(net_dict["N_E"]), int(net_dict["N_I"]), int(net_dict["n_clusters"])
    is_e = ids < n_e
    populations = {
        "E": (times[is_e], ids[is_e], n_e, {"cluster": np.arange(n_e) // (n_e // q)}),
        "I": (times[~is_e], ids[~is_e] - n_e, n_i, {"cluster": np.arange(n_i) // (n_i // q)}),
    }
    versions = {name: importlib.metadata.version(name) for name in ("nest-simulator", "numpy")}
    return {"populations": populations, "window_ms": (sim_dict["warmup"], sim_dict["warmup"] + sim_dict["simtime"]),
            "facts": {"versions": versions, "printed_rates_hz": {"E": result["e_rate"], "I": result["i_rate"]}}}
