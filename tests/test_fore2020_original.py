"""fore2020's original code (trfore/chatmodel run_simulation.py) as a third arm: the driver loads
the script, seeds it, adds a GoC monitor, stops it before its analysis and reads its spikes. Run
on a fixture copy of the script's interface (Brian2, NumPy target, a few neurons, 20-ms trials);
the real script takes minutes and is checked only where it was fetched (NOT RUN otherwise)."""

import json
import textwrap

import numpy as np
import pytest

from zoo import io, originals, registry
from zoo.models.fore2020 import original
from zoo.validation import originals as arm

# Its interface: seed(CHAT_SEED_TRIAL) first, its sizes and trials from the environment, groups
# GrC and GoC (with g_e_tot_GoC), synapses GrC_M from the active MFs, one GrC SpikeMonitor read
# into `spikes` after each run, store/restore/run from inside trial_sim, then the analysis.
FIXTURE = textwrap.dedent("""\
    from brian2 import *
    import numpy as np
    import scipy.sparse
    import os

    def trial_sim(Condition):
        seed(int(os.getenv("CHAT_SEED_TRIAL", 451)))
        prefs.codegen.target = "numpy"
        runtime = 20
        nmf = int(os.getenv("CHAT_NUM_MF", 315))
        nGrC = int(os.getenv("CHAT_NUM_GRC", 4096))
        nGoC = int(os.getenv("CHAT_NUM_GOC", 27))
        active_indices = [1, 3]
        mf_input = SpikeGeneratorGroup(nmf, [1, 3], [5, 5] * ms)
        GrC = NeuronGroup(nGrC, "dv/dt = -v / (10*ms) : 1", threshold="v > 1", reset="v = 0", method="euler")
        GoC = NeuronGroup(nGoC, '''dv/dt = 1 / (4*ms) : 1
                                   g_e_tot_GoC : siemens''', threshold="v > 1", reset="v = 0", method="euler")
        GoC.v = "i * 0.1"
        GrC_M = Synapses(mf_input, GrC, on_pre="v += 2")
        GrC_M.connect(i=[1, 1, 3, 0], j=[0, 2, 2, 1])  # GrC 1 only from an inactive MF
        M = SpikeMonitor(GrC)
        store(Condition)
        spikes = []
        for trial in range(int(os.getenv("CHAT_NUM_TRIAL", 100))):
            restore(Condition)
            run(runtime * ms)
            spikes.append(M.spike_trains())
        scipy.sparse.csr_matrix(np.zeros((1, 1)))
        raise AssertionError("the analysis ran")
    """)


@pytest.fixture
def chat_dir(tmp_path):
    import brian2

    directory = tmp_path / "chatmodel"
    directory.mkdir()
    (directory / original.SCRIPT).write_text(FIXTURE)
    target = brian2.prefs.codegen.target
    yield directory
    brian2.prefs.codegen.target = target


def test_the_driver_seeds_brian2_with_the_runs_seed_and_reads_grc_and_goc_spikes_per_trial(chat_dir):
    params = registry.create_model("fore2020.reference_quirks_10").params
    result = original.simulate(chat_dir, "reference_quirks_10", seed=7)
    facts = result["facts"]
    assert facts["seeds"]["brian2.seed"] == [{"asked": 451, "given": 7}] and facts["condition"] == "Control"
    assert facts["active_mf"] == [1, 3] and result["window_ms"] == (0.0, params.n_trials * 2000.0)
    grc_t, grc_i, n_grc, labels = result["populations"]["GrC"]
    assert n_grc == params.N_grc and list(labels["active_inputs"][:4]) == [1, 0, 2, 0]
    assert labels["active_inputs"].sum() == 3
    # GrCs 0 and 2 fire once per trial, one step after the MF spike at 5 ms; trial k at k x 2 s
    assert sorted(set(grc_i)) == [0, 2] and len(grc_t) == 2 * params.n_trials
    assert np.allclose(np.sort(grc_t)[::2] - np.arange(params.n_trials) * 2000.0, 5.1, atol=0.15)
    goc_t, goc_i, n_goc, _ = result["populations"]["GoC"]
    assert n_goc == params.N_goc
    per_trial = np.bincount((goc_t // 2000).astype(int), minlength=params.n_trials)
    assert len(set(per_trial)) == 1 and per_trial[0] >= params.N_goc  # restored each trial: the same spikes
    assert np.all(goc_t % 2000.0 < 20.0)  # its 20-ms trials


def test_a_run_writes_the_zoos_results_with_its_observables(chat_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(arm, "require", lambda model: chat_dir)
    spec = arm.OriginalSpec("fore2020", "reference_quirks_10", 2)
    path = arm.run_dir(tmp_path, spec)
    arm.run_here(spec, path)
    summary = json.loads((path / "summary.json").read_text())
    observed, params = summary["observables"], registry.create_model("fore2020.reference_quirks_10").params
    assert observed["GrC_with_active_input"] == 2 and observed["n_trials"] == params.n_trials
    # two GrC spikes per trial over 4096 GrCs x 10 trials x 2 s (its stimulus at 5 ms: none in the 1000-1060 ms window)
    assert observed["GrC_rate_hz"] == pytest.approx(2 / params.N_grc / 2.0) and observed["GrC_responsive"] == 0
    trains = io.trains_by_population(io.load_segment(path / "spikes.nix")[0])
    assert [t.annotations["active_inputs"] for t in trains["GrC"][:3]] == [1, 0, 2]
    prov = json.loads((path / "provenance.json").read_text())
    assert prov["code"]["commit"] == originals.original("fore2020").commit and prov["seed"] == 2


def test_only_two_second_trials_at_a_tenth_of_a_millisecond_are_its_protocol():
    params = registry.create_model("fore2020.reference_quirks_10").params
    assert original.environment(params) == {"CHAT_NUM_TRIAL": "10", "CHAT_NUM_MF": "315", "CHAT_NUM_GRC": "4096",
                                            "CHAT_NUM_GOC": "27"}
    with pytest.raises(ValueError, match="2000-ms trials at dt 0.1 ms"):
        original.environment(params.replace(dt=0.05))


def test_the_fetched_script_still_has_the_names_the_driver_reads():
    """Where this machine has fetched chatmodel (python -m zoo.originals fore2020)."""
    directory = originals.cache_root() / "fore2020"
    if not directory.is_dir():
        pytest.skip(f"the original code of fore2020 was not fetched on this machine ({directory})")
    text = (originals.require("fore2020", download=False) / original.SCRIPT).read_text()
    for name in ('seed(int(os.getenv("CHAT_SEED_TRIAL", 451)))', "def trial_sim(Condition)", "g_e_tot_GoC",
                 "spikes.append(spike_trains)", "GrC_M.connect", "active_indices", "scipy.sparse.csr_matrix",
                 'os.getenv("CHAT_NUM_TRIAL", 100)', "runtime = 2000"):
        assert name in text, name
