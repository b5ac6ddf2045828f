"""The reference code, run unmodified: INM-6/multi-area-model at 355d940 (the data set's commit) on NEST.

Fetched by zoo.originals (pinned commit, checksums) and run by validation/originals.py in a process
of its own, as benchmarks/schmidt2018.py runs it. Its data pipeline writes into its own package
directory, so it runs from a scratch copy (:func:`scratch_copy`) with the ``config.py`` it asks
its user to write. The driver gives it only its own parameter dictionaries (:func:`network_spec`,
:func:`sim_spec`): every parameter of the zoo variant under the reference's name (scaling, chi and
chi_I as ``cc_weights_factor`` / ``cc_weights_I_factor``, the stabilised K' as ``K_stable``, the
full-scale rates for down-scaling), the seed as ``rng_seed``, one thread, and the variant's
warm-up + recorded time as ``t_sim``; then ``MultiAreaModel(...).simulation.simulate()``. The
reference knows no warm-up: it records from t = 0, and the zoo keeps the spikes in the variant's
window. Two shims of the environment, not of its code (:func:`shim_environment`): NumPy 2 removed
the ``np.Inf``/``np.NINF`` its ``simulation.py`` uses, and NEST 3.10 has no SLI, which its
``memory()`` asks for ``memory_thisjob``.

Its spikes are read from what it writes (:func:`read_spikes`): the ASCII files of its spike
recorder (``<label>-spikes-<id>-<vp>.dat``: sender, time in ms) and ``network_gids.txt`` (area,
population, first and last node id), named as the zoo names populations (``V1-23E``).
"""

import contextlib
import importlib
import importlib.metadata
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

from zoo import progress

DESCRIPTION = ("INM-6/multi-area-model 355d940 on NEST (one thread), unmodified, with the variant's parameters; "
               "it draws connectivity, weights, delays and V(0) with NEST's generators (the zoo: NumPy, delays also "
               "cut above mean + 6 SD) and records from t = 0 (its spikes are kept from the end of the warm-up)")
VARIANTS = ("tiny", "default")
REQUIRES = {"nested_dict": "nested_dict", "dicthash": "dicthash"}  # its imports, not the zoo's
FULLSCALE_RATES = "tests/fullscale_rates.json"  # in the repository: the rates its down-scaling needs
K_PRIME = "figures/SchueckerSchmidt2017/K_prime_original.npy"


def network_spec(params, base):
    """The reference's network dictionary for the zoo parameters `params` (code copy at `base`)."""
    p = params
    replaced = {"replace_non_simulated_areas": p.replacement}
    if p.replacement == "het_poisson_stat":
        replaced["replace_cc_input_source"] = str(Path(base) / FULLSCALE_RATES)
    return {
        "N_scaling": p.N_scaling, "K_scaling": p.K_scaling, "surface": p.surface,
        "fullscale_rates": str(Path(base) / FULLSCALE_RATES),
        "neuron_params": {
            "single_neuron_dict": {name: getattr(p, name) for name in
                                   ("E_L", "V_th", "V_reset", "C_m", "tau_m", "tau_syn_ex", "tau_syn_in", "t_ref")},
            "V0_mean": p.V0_mean, "V0_sd": p.V0_sd},
        "connection_params": {
            "K_stable": str(Path(base) / K_PRIME) if p.K_stable else None,
            "g": p.g, "av_indegree_V1": p.av_indegree_V1, "fac_nu_ext_5E": p.fac_nu_ext_5E,
            "fac_nu_ext_6E": p.fac_nu_ext_6E, "fac_nu_ext_TH": p.fac_nu_ext_TH, "PSP_e": p.PSP_e,
            "PSP_e_23_4": p.PSP_e_23_4, "PSP_ext": p.PSP_ext, "PSC_rel_sd_normal": p.PSC_rel_sd,
            "cc_weights_factor": p.chi, "cc_weights_I_factor": p.chi_I, **replaced},
        "delay_params": {"delay_e": p.delay_e, "delay_i": p.delay_i, "delay_rel": p.delay_rel, "interarea_speed": p.v_cc},
        "input_params": {"rate_ext": p.rate_ext, "poisson_input": p.poisson_input},
    }


def sim_spec(params, seed, threads=1, t_sim=None):
    """The reference's simulation dictionary: seed, threads, dt, simulated areas, t_sim (default:
    the variant's warm-up + recorded time)."""
    return {"t_sim": params.warmup + params.simtime if t_sim is None else t_sim, "dt": params.dt,
            "num_processes": 1, "local_num_threads": int(threads), "rng_seed": int(seed),
            "areas_simulated": list(params.scaling.area_list())}


@contextlib.contextmanager
def scratch_copy(code_dir):
    """A copy of the code at `code_dir` with the ``config.py`` and folders its README asks for,
    importable and the working directory while in use; removed afterwards."""
    work = Path(tempfile.mkdtemp(prefix="multiarea-"))
    cwd, path = os.getcwd(), list(sys.path)
    try:
        base = work / "code"
        shutil.copytree(code_dir, base)
        for folder in ("config_files", "simulations", "multiarea_model/data_multiarea/custom_data_files"):
            (base / folder).mkdir(parents=True, exist_ok=True)
        (base / "config.py").write_text(f"base_path = {str(base)!r}\ndata_path = {str(base / 'simulations')!r}\n"
                                        "jobscript_template = ''\nsubmit_cmd = None\n")
        sys.path.insert(0, str(base))
        os.chdir(base)
        yield base
    finally:
        os.chdir(cwd)
        sys.path[:] = path
        shutil.rmtree(work, ignore_errors=True)


def _memory_thisjob(name):
    """What NEST's SLI ``memory_thisjob`` returned (VmSize in kB), for the reference's memory log."""
    if name != "memory_thisjob":
        raise NotImplementedError(name)
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))


def reference_nest():
    """The NEST module the reference code imported (this driver imports no simulator itself)."""
    return importlib.import_module("multiarea_model.simulation").nest


def shim_environment(nest):
    """Give NumPy 2 the aliases and NEST 3.10 the SLI call the reference code uses; its code stays as it is."""
    np.Inf, np.NINF = np.inf, -np.inf  # its simulation.py uses these aliases, removed in NumPy 2.0
    if not hasattr(nest.ll_api, "sli_func"):  # NEST 3.10 has no SLI: its memory() asks SLI for memory_thisjob
        nest.ll_api.sli_func = _memory_thisjob


def build(params, base, seed, threads=1, t_sim=None):
    """``MultiAreaModel`` of the reference code at `base` (see :func:`scratch_copy`) for `params`,
    with its Simulation member; nothing simulated yet."""
    from multiarea_model import MultiAreaModel

    shim_environment(reference_nest())
    return MultiAreaModel(network_spec(params, base), simulation=True, theory=False,
                          sim_spec=sim_spec(params, seed, threads, t_sim))


def _columns(path):
    """(senders, times in ms) of one ASCII file of NEST's spike recorder."""
    with open(path, encoding="ascii") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    names = lines[0].split() if lines else ["sender", "time_ms"]
    if names[:2] != ["sender", "time_ms"]:
        raise ValueError(f"{path}: columns {names}, expected sender and time_ms")
    data = np.loadtxt(lines[1:], ndmin=2) if len(lines) > 1 else np.empty((0, 2))
    return data[:, 0].astype(np.int64), data[:, 1].astype(float)


def read_spikes(recordings):
    """{"V1-23E": (times in ms, indices from 0, size)} from a reference run's ``recordings`` folder,
    in the order of its ``network_gids.txt`` (the model's order)."""
    recordings = Path(recordings)
    files = sorted(recordings.glob("*-spikes-*.dat"))
    if not files:
        raise FileNotFoundError(f"no spike files (*-spikes-*.dat) in {recordings}")
    senders, times = (np.concatenate(parts) for parts in zip(*(_columns(f) for f in files)))
    populations = {}
    for line in (recordings / "network_gids.txt").read_text().split():
        area, pop, first, last = line.split(",")
        first, last = int(first), int(last)
        mine = (senders >= first) & (senders <= last)
        populations[f"{area}-{pop}"] = (times[mine], senders[mine] - first, last - first + 1)
    return populations


def simulate(code_dir, variant, seed, threads=1):
    """Run the reference code for the zoo variant `variant` with seed `seed`; spikes per population."""
    from zoo import registry

    model = registry.create_model(f"schmidt2018.{variant}")
    params = model.params
    net = model.simulated_network()
    sizes = dict(zip(net.names, (int(n) for n in net.sizes)))
    clock = progress.Laps()
    with scratch_copy(code_dir) as base:
        M = build(params, base, seed, threads)
        clock.lap("model")
        M.simulation.simulate()
        recordings = Path(M.simulation.data_dir) / "recordings"
        spikes = read_spikes(recordings)
        logged = json.loads(next(recordings.glob("*_logfile_0")).read_text())
        connections = int(reference_nest().GetKernelStatus("num_connections"))
    found = {name: size for name, (_, _, size) in spikes.items()}
    if found != {name: n for name, n in sizes.items() if n > 0}:
        raise RuntimeError(f"the reference created other populations than the zoo's {variant} "
                           f"(e.g. {sorted(set(found.items()) ^ set(sizes.items()))[:3]})")
    populations = {name: (*spikes[name], {}) for name in sizes if name in spikes}
    versions = {name: _version(name) for name in ("nest-simulator", "numpy", "dicthash", "nested_dict")}
    timing = {"model": clock.laps["model"], "whole": clock.since_start(),
              "logged_wall": {key: round(logged[key], 2) for key in
                              ("time_prepare", "time_network_local", "time_network_global", "time_simulate")}}
    return {"populations": populations, "window_ms": (params.warmup, params.warmup + params.simtime),
            "facts": {"versions": versions, "label": M.simulation.label, "network_label": M.label,
                      "t_sim_ms": M.simulation.T, "neurons": sum(found.values()), "connections_nest": connections,
                      "spikes_from_t0": int(logged["local_spike_counter"]), "timing_s": timing}}


def _version(package):
    """The installed version of `package`, or None (a stand-in of the reference code may not need it)."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None
