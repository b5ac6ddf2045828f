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


def plan(size, model, simulator, ranks, threads):
    """Memory per rank and times of running `model` as `ranks` MPI processes of `threads` threads,
    from its :class:`zoo.model.Size` alone (nothing drawn), with the coefficients above.

    Assumptions, stated in the result's ``basis``: the simulator's memory per neuron and synapse
    divides over the ranks, its fixed part is paid by every rank; the connection lists are drawn
    whole on every rank (as the zoo does today), so ``size.drawn_bytes`` is paid by every rank;
    building (drawing and connecting, serial within a rank) divides over the ranks, simulating
    over the ranks x threads virtual processes, both with perfect scaling (a lower bound).
    """
    c = COEFFICIENTS[simulator]
    seconds = (model.warmup_ms + model.duration_ms) / 1000.0
    vps = ranks * threads
    simulator_bytes = c["bytes_per_neuron"] * size.neurons + c["bytes_per_synapse"] * size.synapses
    per_rank = c["base_bytes"] + simulator_bytes / ranks + size.drawn_bytes
    return {
        "simulator": simulator,
        "ranks": ranks,
        "threads_per_rank": threads,
        "virtual_processes": vps,
        "neurons": size.neurons,
        "synapses": size.synapses,
        "memory_per_rank_bytes": per_rank,
        "memory_total_bytes": per_rank * ranks,
        "memory_parts_bytes": {"fixed_per_rank": c["base_bytes"], "simulator_per_rank": simulator_bytes / ranks,
                               "drawn_lists_per_rank": size.drawn_bytes},
        "build_s": c["build_s_per_synapse"] * size.synapses / ranks,
        "simulate_s": c["fixed_s"] + seconds * (c["sim_s_per_neuron_s"] * size.neurons
                                               + c["sim_s_per_synapse_s"] * size.synapses) / vps,
        "biological_s": seconds,
        "basis": " ".join(plan.__doc__.split("\n\n")[1].split()) + " Coefficients: " + __doc__.split("\n\n")[1].replace("\n", " "),
    }


def slurm_script(plan_, command, job_name, margin=2.0):
    """A SLURM batch script that runs `command` (a list of words: python -m zoo.run ...) as the
    plan's ranks and threads, asking for `margin` times the planned memory and time."""
    import shlex

    memory_mb = int(margin * plan_["memory_per_rank_bytes"] / plan_["threads_per_rank"] / 2**20) + 1
    seconds = int(margin * (plan_["build_s"] + plan_["simulate_s"])) + 600
    hours, rest = divmod(seconds, 3600)
    return "\n".join([
        "#!/bin/bash",
        f"# Written by the zoo's dry run: {plan_['ranks']} MPI processes x {plan_['threads_per_rank']} threads,",
        f"# planned ~{plan_['memory_per_rank_bytes'] / 1e9:.1f} GB per rank and ~{plan_['build_s'] + plan_['simulate_s']:.0f} s; "
        f"asked for {margin:g}x that (+10 min).",
        "# Needs NEST with MPI and mpi4py in the job's Python (tools/install-nest-mpi).",
        f"#SBATCH --job-name={job_name}",
        f"#SBATCH --ntasks={plan_['ranks']}",
        f"#SBATCH --cpus-per-task={plan_['threads_per_rank']}",
        f"#SBATCH --mem-per-cpu={memory_mb}M",
        f"#SBATCH --time={hours:02d}:{rest // 60:02d}:{rest % 60:02d}",
        "set -euo pipefail",
        f"export OMP_NUM_THREADS={plan_['threads_per_rank']}",
        "srun " + shlex.join(command),
        "",
    ])
