"""The schmidt2018 original arm: the multi-area-model code's parameter dictionaries made from the
zoo variant, and its spike files read back under the zoo's population names. The driver runs on a
fixture copy of the reference's interface (a ``multiarea_model`` package of a few lines that writes
spike files as NEST's ASCII recorder does), never on the real code (half a minute per seed)."""

import json
import re
import sys
import textwrap

import numpy as np
import pytest

from zoo import io, originals, registry
from zoo.models.schmidt2018 import original

HEADER = "# NEST version: 3.10.0\n# RecordingBackendASCII version: 2\nsender\ttime_ms\n"


def _recordings(folder, layout, files):
    """A reference run's recordings folder: network_gids.txt from `layout` [(area, pop, first, last)],
    spike files {name: [(sender, time)]}."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "network_gids.txt").write_text("".join(f"{a},{p},{f},{l}\n" for a, p, f, l in layout))
    for name, rows in files.items():
        (folder / name).write_text(HEADER + "".join(f"{s}\t{t:.3f}\n" for s, t in rows))
    return folder


def test_spike_files_are_read_per_population_with_indices_from_zero(tmp_path):
    layout = [("V1", "23E", 1, 3), ("V1", "23I", 4, 5), ("TH", "6I", 6, 6)]
    folder = _recordings(tmp_path / "rec", layout, {
        "abc-spikes-4003-0.dat": [(2, 150.0), (4, 120.5), (2, 101.0)],
        "abc-spikes-4003-1.dat": [(6, 299.9), (3, 50.0)],
        "abc-spikes-4003-2.dat": [],  # a thread whose neurons never fired: the header alone
        "abc-vm-4004-0.dat": [(1, 7.0)],  # not a spike file
    })
    spikes = original.read_spikes(folder)
    assert list(spikes) == ["V1-23E", "V1-23I", "TH-6I"]  # the zoo's names, in the reference's order
    times, ids, size = spikes["V1-23E"]
    assert size == 3 and sorted(zip(ids.tolist(), times.tolist())) == [(1, 101.0), (1, 150.0), (2, 50.0)]
    assert spikes["V1-23I"][2] == 2 and list(spikes["V1-23I"][1]) == [0]
    assert list(spikes["TH-6I"][0]) == [299.9] and list(spikes["TH-6I"][1]) == [0]


def test_other_columns_or_no_spike_files_are_errors(tmp_path):
    folder = _recordings(tmp_path / "rec", [("V1", "23E", 1, 2)], {})
    with pytest.raises(FileNotFoundError, match="no spike files"):
        original.read_spikes(folder)
    (folder / "x-spikes-9-0.dat").write_text("# NEST\nsender\ttime_step\toffset\n1\t5\t0.0\n")
    with pytest.raises(ValueError, match="expected sender and time_ms"):
        original.read_spikes(folder)


def test_the_variants_parameters_go_into_the_reference_dictionaries_under_its_names(tmp_path):
    params = registry.create_model("schmidt2018.tiny").params
    spec = original.network_spec(params, tmp_path)
    assert (spec["N_scaling"], spec["K_scaling"]) == (params.N_scaling, params.K_scaling) == (0.001, 0.01)
    conn = spec["connection_params"]
    assert (conn["cc_weights_factor"], conn["cc_weights_I_factor"]) == (1.0, 1.0)  # ground state
    assert conn["K_stable"] == str(tmp_path / original.K_PRIME) and spec["fullscale_rates"] == str(tmp_path / original.FULLSCALE_RATES)
    assert conn["PSC_rel_sd_normal"] == params.PSC_rel_sd and conn["g"] == params.g
    assert spec["neuron_params"]["single_neuron_dict"]["tau_m"] == params.tau_m and spec["delay_params"]["interarea_speed"] == params.v_cc
    sim = original.sim_spec(params, seed=4)
    assert sim["t_sim"] == params.warmup + params.simtime == 300.0 and sim["rng_seed"] == 4 and sim["local_num_threads"] == 1
    assert len(sim["areas_simulated"]) == 32
    changed = params.replace(chi=1.9, chi_I=2.0, K_stable=False, areas="V1,V2", replacement="hom_poisson_stat")
    spec, sim = original.network_spec(changed, tmp_path), original.sim_spec(changed, seed=1)
    assert (spec["connection_params"]["cc_weights_factor"], spec["connection_params"]["cc_weights_I_factor"]) == (1.9, 2.0)
    assert spec["connection_params"]["K_stable"] is None and "replace_cc_input_source" not in spec["connection_params"]
    assert sim["areas_simulated"] == ["V1", "V2"] and spec["connection_params"]["replace_non_simulated_areas"] == "hom_poisson_stat"


def _keys(spec):
    for key, value in spec.items():
        yield key
        if isinstance(value, dict):
            yield from _keys(value)


def test_every_key_given_is_one_the_reference_defines():
    """Where this machine has fetched the code (python -m zoo.originals schmidt2018): the reference
    refuses unknown keys at run time; this finds them without NEST."""
    directory = originals.cache_root() / "schmidt2018"
    if not directory.is_dir():
        pytest.skip(f"the original code of schmidt2018 was not fetched on this machine ({directory})")
    text = (directory / "multiarea_model" / "default_params.py").read_text()
    defined = set(re.findall(r"'(\w+)':", text))
    params = registry.create_model("schmidt2018.tiny").params
    given = set(_keys(original.network_spec(params, directory))) | set(original.sim_spec(params, 1))
    assert given <= defined, sorted(given - defined)


# --- the driver, on a fixture copy of the reference's interface ----------------------------------
FAKE = textwrap.dedent("""\
    import json
    import os

    from config import base_path, data_path

    CALLS = []


    class Simulation:
        def __init__(self, sim_spec):
            self.T, self.label = sim_spec["t_sim"], "simlabel"
            self.data_dir = os.path.join(data_path, self.label)

        def simulate(self):
            rec = os.path.join(self.data_dir, "recordings")
            os.makedirs(rec)
            with open(os.path.join(base_path, "layout.json")) as f:
                layout = json.load(f)
            with open(os.path.join(rec, "network_gids.txt"), "w") as f:
                f.writelines(f"{a},{p},{g0},{g1}\\n" for a, p, g0, g1 in layout)
            last = layout[-1][3]
            with open(os.path.join(rec, "simlabel-spikes-9999-0.dat"), "w") as f:
                f.write("# NEST\\nsender\\ttime_ms\\n1\\t50.0\\n3\\t150.0\\n%d\\t299.9\\n" % last)
            with open(os.path.join(rec, "simlabel_logfile_0"), "w") as f:
                json.dump({"time_prepare": 0.1, "time_network_local": 1.0, "time_network_global": 2.0,
                           "time_simulate": 3.0, "local_spike_counter": 3}, f)


    class MultiAreaModel:
        def __init__(self, network_spec, theory=False, simulation=False, sim_spec=None):
            CALLS.append({"network_spec": network_spec, "theory": theory, "simulation": simulation,
                          "sim_spec": sim_spec, "cwd": os.getcwd(), "base_path": base_path})
            self.label = "netlabel"
            self.simulation = Simulation(sim_spec)
    """)


MODULES = ("multiarea_model", "multiarea_model.simulation", "config")
FAKE_NEST = textwrap.dedent("""\
    class nest:  # the reference's handle on NEST: what the driver asks of it
        class ll_api:
            pass

        @staticmethod
        def GetKernelStatus(key):
            return {"num_connections": 17}[key]
    """)


@pytest.fixture
def fake_code(tmp_path, monkeypatch):
    """A copy of the reference's interface whose layout is the zoo's tiny populations (ids from 1)."""
    model = registry.create_model("schmidt2018.tiny")
    net = model.simulated_network()
    layout, first = [], 1
    for name, size in zip(net.names, net.sizes):
        area, pop = name.split("-")
        layout.append((area, pop, first, first + int(size) - 1))
        first += int(size)
    code = tmp_path / "code"
    (code / "multiarea_model").mkdir(parents=True)
    (code / "multiarea_model" / "__init__.py").write_text(FAKE)
    (code / "multiarea_model" / "simulation.py").write_text(FAKE_NEST)
    (code / "layout.json").write_text(json.dumps(layout))
    monkeypatch.setattr(sys, "path", list(sys.path))
    for name in MODULES:
        monkeypatch.delitem(sys.modules, name, raising=False)
    yield code, layout
    for name in MODULES:
        sys.modules.pop(name, None)


def test_the_driver_runs_a_scratch_copy_and_maps_spikes_to_the_zoos_populations(fake_code, tmp_path):
    code, layout = fake_code
    before = sorted(p.name for p in code.iterdir())
    result = original.simulate(code, "tiny", seed=3)
    call, = sys.modules["multiarea_model"].CALLS
    assert call["simulation"] and not call["theory"] and call["sim_spec"]["rng_seed"] == 3
    assert call["cwd"] == call["base_path"] != str(code)  # run from a copy: its data pipeline writes into it
    assert sorted(p.name for p in code.iterdir()) == before  # the fetched code is left as it was
    assert result["window_ms"] == (100.0, 300.0) and result["facts"]["t_sim_ms"] == 300.0
    assert result["facts"]["connections_nest"] == 17 and np.Inf == np.inf  # read from, and shimmed for, its NEST
    assert sys.modules["multiarea_model.simulation"].nest.ll_api.sli_func("memory_thisjob") > 0
    populations = result["populations"]
    assert len(populations) == 254 and list(populations)[:2] == ["V1-23E", "V1-23I"]
    assert all(size == last - first + 1 for (_, _, first, last), (_, _, size, _) in zip(layout, populations.values()))
    times, ids, _, _ = populations["V1-23E"]
    assert list(ids) == [0, 2] and list(times) == [50.0, 150.0]
    segment = io.segment_from_spikes(populations, *result["window_ms"])
    trains = io.trains_by_population(segment)
    assert [len(t) for t in trains["V1-23E"][:3]] == [0, 0, 1]  # the warm-up's spike is left out
    assert np.allclose(io.times_ms(trains["TH-6I"][-1]), [299.9])


def test_populations_other_than_the_zoos_are_an_error(fake_code):
    code, layout = fake_code
    (code / "layout.json").write_text(json.dumps(layout[:-1]))
    with pytest.raises(RuntimeError, match="other populations than the zoo's tiny"):
        original.simulate(code, "tiny", seed=1)
