"""A rough cost estimate of a run from its size, for --dry-run and for checks before a run.

Linear in neurons, synapses, projections, neurons x longest delay, and simulated time, with
coefficients fitted to measured runs of rostami2020 (1-8 x its neurons at equal in-degrees) and
schmidt2018 (N_scaling 0.001-0.016, K_scaling 0.01) on a 2-core machine (NEST 3.10, one thread; Brian2 2.9, Cython cache
warm), on huge memory pages as ``python -m zoo.run`` runs: ``benchmarks/growth.py``, measurements in
benchmarks/results/growth-2026-12-07-huge.json, checked by tests/test_estimate_growth.py (memory
within 25 %, time within 2x at every measured size).
They are guides to the order of magnitude, not promises: spike rates and connectivity rules change
the costs, and a first Brian2 run compiles its code for about a minute more.
"""

import os
from pathlib import Path

# Per backend: fixed memory, bytes per neuron, synapse, projection and neuron-delay slot; build
# seconds per synapse and per projection (NumPy drawing included); fixed seconds of every run
# (Brian2 prepares its code, here from its cache); simulate seconds per neuron, synapse, projection
# and neuron-delay slot for each biological second. A neuron-delay slot is one neuron times one
# time step of the longest delay (max_delay / dt): NEST sizes every neuron's input buffers by the
# longest delay (4 buffers of 8 B per step for iaf_psc_exp). Projections have their own terms
# (schmidt2018 has 4-6 thousand). Both backends: fitted by ``python benchmarks/growth.py --fit
# benchmarks/results/growth-2026-12-06.json benchmarks/results/growth-2026-12-06-b.json
# benchmarks/results/growth-2026-12-07-huge.json``, whose last file (every point again, on huge
# pages) supersedes the others. NEST's ~36 kB per neuron are mostly its container of each neuron's
# connections to a device (the spike recorder), which starts with room for 1,024 connections. On
# huge pages NEST's builds took 1.3-3.3x the CPU seconds of those on 4 kB pages (four paired runs; more in the
# kernel), hence the build cost per synapse three times that of the fit before. An estimate made
# before drawing (--dry-run) uses the model's bound on the longest delay: above the measured memory on NEST.
COEFFICIENTS = {
    "nest": {"base_bytes": 1.69e+08, "bytes_per_neuron": 3.65e+04, "bytes_per_synapse": 49.0,
           "bytes_per_projection": 1.54e+04, "bytes_per_delay_slot": 33.7, "build_s_per_synapse": 8.12e-07,
           "build_s_per_projection": 0.000534, "fixed_s": 0, "sim_s_per_neuron_s": 0,
           "sim_s_per_synapse_s": 9.39e-07, "sim_s_per_projection_s": 0, "sim_s_per_delay_slot_s": 4.33e-06},
    "brian2": {"base_bytes": 1.92e+08, "bytes_per_neuron": 7.04e+03, "bytes_per_synapse": 18.4,
             "bytes_per_projection": 9.18e+03, "bytes_per_delay_slot": 0, "build_s_per_synapse": 9.36e-08,
             "build_s_per_projection": 0.000551, "fixed_s": 3.51, "sim_s_per_neuron_s": 0,
             "sim_s_per_synapse_s": 1.12e-07, "sim_s_per_projection_s": 0, "sim_s_per_delay_slot_s": 4.13e-07},
}


def delay_slots(neurons, model):
    """Neurons x the longest delay in time steps (model.simulation_settings), or 0 where unknown."""
    try:
        settings = model.simulation_settings(max_delay=0.0)
        return neurons * max(1.0, settings["max_delay"] / settings["timestep"])
    except (AttributeError, KeyError, TypeError, ZeroDivisionError):
        return 0.0


def estimate(structure, model, simulator):
    """Estimated peak memory (bytes) and build/simulate times (s) of running `model` on `simulator`."""
    return cost(structure["totals"]["neurons"], structure["totals"]["synapses"], model, simulator,
                projections=len(structure.get("projections", ())))


def cost(neurons, synapses, model, simulator, projections=0):
    """:func:`estimate` from the network's size alone (e.g. ``model.expected_size()``, before drawing,
    where the number of projections is not known yet: 0 leaves their terms out)."""
    c = COEFFICIENTS[simulator]
    seconds = (model.warmup_ms + model.duration_ms) / 1000.0
    slots = delay_slots(neurons, model)
    return {
        "simulator": simulator,
        "peak_memory_bytes": c["base_bytes"] + c["bytes_per_neuron"] * neurons + c["bytes_per_synapse"] * synapses
        + c["bytes_per_projection"] * projections + c["bytes_per_delay_slot"] * slots,
        "build_s": c["build_s_per_synapse"] * synapses + c["build_s_per_projection"] * projections,
        "simulate_s": c["fixed_s"] + seconds * (c["sim_s_per_neuron_s"] * neurons + c["sim_s_per_synapse_s"] * synapses
                                                + c["sim_s_per_projection_s"] * projections
                                                + c["sim_s_per_delay_slot_s"] * slots),
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

    Assumptions, stated in the result's ``basis``: the simulator's memory per neuron, synapse and
    neuron-delay slot (the model's bound on its longest delay: nothing is drawn) divides over the
    ranks, its fixed part is paid by every rank; the connection lists drawn during the build
    (``size.build_drawn``) divide over the ranks, up to the model's ``size.drawn_split`` (1 for a
    model that draws them whole on every rank);
    building (drawing and connecting, serial within a rank) divides over the ranks, simulating
    over the ranks x threads virtual processes, both with perfect scaling (a lower bound).
    """
    c = COEFFICIENTS[simulator]
    seconds = (model.warmup_ms + model.duration_ms) / 1000.0
    vps = ranks * threads
    slots = delay_slots(size.neurons, model)
    simulator_bytes = (c["bytes_per_neuron"] * size.neurons + c["bytes_per_synapse"] * size.synapses
                       + c["bytes_per_delay_slot"] * slots)
    drawn = size.build_drawn / min(ranks, size.drawn_split)
    per_rank = c["base_bytes"] + simulator_bytes / ranks + drawn
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
                               "drawn_lists_per_rank": drawn},
        "build_s": c["build_s_per_synapse"] * size.synapses / ranks,
        "simulate_s": c["fixed_s"] + seconds * (c["sim_s_per_neuron_s"] * size.neurons
                                               + c["sim_s_per_synapse_s"] * size.synapses
                                               + c["sim_s_per_delay_slot_s"] * slots) / vps,
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
