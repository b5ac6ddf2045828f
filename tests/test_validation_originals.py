"""The original code as a third arm: fetched like a data set (pinned commit, checksums, cache, a
one-line error without network), run unmodified through the model's driver, its spikes read as the
zoo's. Downloads are served from 127.0.0.1; the driver runs on a fixture copy of the example's
interface (four modules, a few lines each), never on the real code, which takes minutes."""

import functools
import hashlib
import http.server
import json
import socket
import sys
import textwrap
import threading

import numpy as np
import pytest

from zoo import datasets, io, originals, registry
from zoo.errors import ZooError
from zoo.validation import originals as arm

CODE = {"run.py": b"print('original')\n", "params.py": b"N = 10\n"}


@pytest.fixture
def fake(monkeypatch):
    """Original code 'fakemodel': two files, upstream under example/."""
    code = datasets.Dataset(
        name="fakemodel", description="test", repository="https://github.com/example/code", commit="1" * 40,
        licence="GPL", citation="none", kind="original code", root_variable=originals.ENV_ROOT,
        files={name: datasets.DataFile(f"example/{name}", hashlib.sha256(data).hexdigest(), len(data))
               for name, data in CODE.items()},
    )
    monkeypatch.setitem(originals.ORIGINALS, "fakemodel", code)
    return code


@pytest.fixture
def server(tmp_path):
    served = tmp_path / "served"
    (served / "example").mkdir(parents=True)
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(type("Quiet", (http.server.SimpleHTTPRequestHandler,),
                                                 {"log_message": lambda *a: None}), directory=str(served)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", served
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def _closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_cache_root_comes_from_argument_then_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(originals.ENV_ROOT, str(tmp_path / "o"))
    assert originals.cache_root() == tmp_path / "o" and originals.cache_root(tmp_path / "x") == tmp_path / "x"
    monkeypatch.delenv(originals.ENV_ROOT)
    monkeypatch.setenv("ZOO_CACHE_DIR", str(tmp_path / "c"))
    assert originals.cache_root() == tmp_path / "c" / "originals"


def test_download_verifies_and_caches(fake, server, tmp_path):
    url, served = server
    for name, data in CODE.items():
        (served / "example" / name).write_bytes(data)
    directory = originals.require("fakemodel", root=tmp_path / "cache", base_url=url)
    assert directory == tmp_path / "cache" / "fakemodel"
    assert {p.name: p.read_bytes() for p in directory.iterdir()} == CODE
    for name in CODE:  # the cache serves a second call, with the server gone
        (served / "example" / name).unlink()
    assert originals.require("fakemodel", root=tmp_path / "cache", base_url=url) == directory


def test_code_with_another_checksum_is_refused(fake, server, tmp_path):
    url, served = server
    (served / "example" / "run.py").write_bytes(b"print('changed')\n")
    (served / "example" / "params.py").write_bytes(CODE["params.py"])
    with pytest.raises(ZooError, match="checksum mismatch for run.py of original code 'fakemodel'"):
        originals.require("fakemodel", root=tmp_path / "cache", base_url=url)
    assert not (tmp_path / "cache" / "fakemodel" / "run.py").exists()


def test_no_network_is_one_line_saying_what_to_copy_where(fake, tmp_path):
    with pytest.raises(ZooError) as err:
        originals.require("fakemodel", root=tmp_path / "cache", base_url=f"http://127.0.0.1:{_closed_port()}/")
    message = str(err.value)
    assert "\n" not in message and "cannot download original code 'fakemodel'" in message
    assert "https://github.com/example/code at commit 1111111" in message and originals.ENV_ROOT in message


def test_rostami2020_is_pinned_to_the_v3_10_tag():
    code = originals.original("rostami2020")
    assert len(code.commit) == 40 and code.base_url == f"https://raw.githubusercontent.com/nest/nest-simulator/{code.commit}/"
    assert all(f.upstream.startswith("pynest/examples/EI_clustered_network/") for f in code.files.values())
    with pytest.raises(ZooError, match="unknown model with original code here 'peng2021'"):
        originals.original("peng2021")


def test_the_cached_rostami2020_code_matches_the_manifest():
    """Where this machine has fetched the example (python -m zoo.validation ... --original-seeds N)."""
    directory = originals.cache_root() / "rostami2020"
    if not directory.is_dir():
        pytest.skip(f"the original code of rostami2020 was not fetched on this machine ({directory})")
    assert originals.require("rostami2020", download=False) == directory


# --- the driver, on a fixture copy of the example's interface -----------------------------------
FIXTURE = {
    "network_params.py": "net_dict = {'N_E': 8, 'N_I': 4, 'n_clusters': 2}\n",
    "sim_params.py": "sim_dict = {'warmup': 100.0, 'simtime': 50.0, 'randseed': 55, 'n_vp': 4}\n",
    "stimulus_params.py": "stim_dict = {}\n",
    "network.py": textwrap.dedent("""\
        import json
        import numpy as np

        class ClusteredNetwork:
            def __init__(self, sim_dict, net_dict, stim_dict):
                self.sim_dict = sim_dict

            def get_simulation(self):
                with open(__file__ + ".called", "w") as f:
                    json.dump(self.sim_dict, f)
                # after the warm-up, ids from 0: E 0-7 (clusters of 4), I 8-11 (clusters of 2)
                spikes = np.array([[1.0, 2.5, 3.0, 49.9], [0.0, 5.0, 8.0, 11.0]])
                return {"e_rate": 1.0, "i_rate": 2.0, "spiketimes": spikes}
        """),
}


@pytest.fixture
def code_dir(tmp_path, monkeypatch):
    directory = tmp_path / "code"
    directory.mkdir()
    for name, text in FIXTURE.items():
        (directory / name).write_text(text)
    monkeypatch.setattr(sys, "path", list(sys.path))
    for name in ("network", "network_params", "sim_params", "stimulus_params"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    yield directory
    for name in ("network", "network_params", "sim_params", "stimulus_params"):
        sys.modules.pop(name, None)


def test_the_driver_passes_only_seed_and_threads_and_maps_ids_to_the_zoos_populations(code_dir):
    from zoo.models.rostami2020 import original

    result = original.simulate(code_dir, "default", seed=7, threads=1)
    called = json.loads((code_dir / "network.py.called").read_text())
    assert called == {"warmup": 100.0, "simtime": 50.0, "randseed": 7, "n_vp": 1}  # the rest as the example has it
    e_times, e_ids, n_e, e_labels = result["populations"]["E"]
    i_times, i_ids, n_i, i_labels = result["populations"]["I"]
    assert (n_e, n_i) == (8, 4) and list(e_ids) == [0, 5] and list(i_ids) == [0, 3]
    assert list(e_times) == [101.0, 102.5] and list(i_times) == [103.0, 149.9]  # the zoo's clock: warm-up included
    assert list(e_labels["cluster"]) == [0, 0, 0, 0, 1, 1, 1, 1] and list(i_labels["cluster"]) == [0, 0, 1, 1]
    assert result["window_ms"] == (100.0, 150.0)


def test_spikes_from_arrays_make_a_segment_like_the_zoos(code_dir):
    from zoo.models.rostami2020 import original

    result = original.simulate(code_dir, "default", seed=1)
    segment = io.segment_from_spikes(result["populations"], *result["window_ms"])
    trains = io.trains_by_population(segment)
    assert [len(trains["E"]), len(trains["I"])] == [8, 4]
    assert [t.annotations["cluster"] for t in trains["I"]] == [0, 0, 1, 1]
    assert [list(io.times_ms(t)) for t in trains["E"]][:6] == [[101.0], [], [], [], [], [102.5]]
    assert list(io.times_ms(trains["I"][3])) == [149.9]
    start, stop = io.segment_window(segment)
    assert (float(start), float(stop)) == (100.0, 150.0)


def test_a_run_writes_what_the_zoos_measures_read_and_is_reused_only_unchanged(code_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(arm, "require", lambda model: code_dir)
    spec = arm.OriginalSpec("rostami2020", "default", 3)
    path = arm.run_dir(tmp_path, spec)
    arm.run_here(spec, path)
    prov = json.loads((path / "provenance.json").read_text())
    assert prov["code"]["commit"] == originals.original("rostami2020").commit and prov["seed"] == 3
    summary = json.loads((path / "summary.json").read_text())
    assert "observables" in summary
    segment = io.load_segment(path / "spikes.nix")[0]
    assert len(io.trains_by_population(segment)["E"]) == 8
    driver = arm.driver(registry.create_model("rostami2020"))
    digest = arm.driver_digest(driver)
    assert arm._reuse_problem(path, spec, digest) is None
    assert "seed" in arm._reuse_problem(path, arm.OriginalSpec("rostami2020", "default", 4), digest)
    assert "driver_sha" in arm._reuse_problem(path, spec, "0" * 12)


def test_models_without_original_code_here_say_so_in_one_line():
    with pytest.raises(ZooError, match="has no original code that runs here"):
        arm.require(registry.create_model("peng2021.tiny"))
    with pytest.raises(ZooError, match="runs the variants default"):
        arm.require(registry.create_model("rostami2020.tiny"))
    with pytest.raises(ZooError, match="runs the variants reference_quirks, reference_quirks_10, gabazine_quirks_10, muscarine_quirks_10, not 'tiny'"):
        arm.require(registry.create_model("fore2020.tiny"))


# --- an original in two repositories (ntwk and its plot_tools submodule) -----------------------
SUB = {"tool.py": b"def plot(): pass\n"}


@pytest.fixture
def two_parts(fake, monkeypatch):
    """'fakemodel' with a submodule: upstream sub/tool.py of another repository, lib/tool.py here."""
    sub = datasets.Dataset(
        name="fakemodel", description="test submodule", repository="https://github.com/example/sub", commit="2" * 40,
        licence="MIT", citation="", kind="original code", root_variable=originals.ENV_ROOT,
        files={f"lib/{name}": datasets.DataFile(f"sub/{name}", hashlib.sha256(data).hexdigest(), len(data))
               for name, data in SUB.items()},
    )
    monkeypatch.setitem(originals.SUBMODULES, "fakemodel", (sub,))
    return sub


def _serve_all(served, sub_data=SUB["tool.py"]):
    for name, data in CODE.items():
        (served / "example" / name).write_bytes(data)
    (served / "sub").mkdir(exist_ok=True)
    (served / "sub" / "tool.py").write_bytes(sub_data)


def test_a_submodule_is_fetched_into_its_folder_and_checked(two_parts, server, tmp_path):
    url, served = server
    _serve_all(served)
    directory = originals.require("fakemodel", root=tmp_path / "cache", base_url=url)
    assert (directory / "lib" / "tool.py").read_bytes() == SUB["tool.py"] and (directory / "run.py").is_file()
    (directory / "lib" / "tool.py").write_bytes(b"changed\n")
    with pytest.raises(ZooError, match="is not the published file: lib/tool.py has SHA-256"):
        originals.require("fakemodel", root=tmp_path / "cache", base_url=url)


def test_a_submodule_with_another_checksum_is_refused(two_parts, server, tmp_path):
    url, served = server
    _serve_all(served, sub_data=b"def plot(): return 1\n")
    with pytest.raises(ZooError, match="checksum mismatch for lib/tool.py of original code 'fakemodel'"):
        originals.require("fakemodel", root=tmp_path / "cache", base_url=url)


def test_without_network_a_missing_submodule_names_its_own_repository(two_parts, tmp_path):
    cache = tmp_path / "cache" / "fakemodel"
    cache.mkdir(parents=True)
    for name, data in CODE.items():  # the main repository's files are there, the submodule's are not
        (cache / name).write_bytes(data)
    with pytest.raises(ZooError) as err:
        originals.require("fakemodel", root=tmp_path / "cache", base_url=f"http://127.0.0.1:{_closed_port()}/")
    message = str(err.value)
    assert "\n" not in message and "lib/tool.py (upstream sub/tool.py)" in message
    assert "https://github.com/example/sub at commit 2222222" in message and "run.py" not in message


def test_zerlaut2018_pins_ntwk_and_its_submodule_in_one_place():
    main, sub = originals.parts("zerlaut2018")
    assert main.repository.endswith("yzerlaut/neural_network_dynamics") and sub.repository.endswith("yzerlaut/plot_tools")
    for part in (main, sub):
        assert len(part.commit) == 40 and all(len(f.sha256) == 64 and f.size >= 0 for f in part.files.values())
    assert {"README.md", "ntwk/__init__.py", "ntwk/stim/poisson_generator.py"} <= set(main.files)
    assert any(name.startswith("ntwk/configs/") for name in main.files)  # `import ntwk` imports that folder
    assert all(name.startswith("utils/plot_tools/") and not f.upstream.startswith("utils/") for name, f in sub.files.items())
    assert originals.original("fore2020").files["run_simulation.py"].upstream == "run_simulation.py"


def test_a_missing_extra_import_of_the_original_is_one_line_before_any_run(monkeypatch):
    real = arm.importlib.util.find_spec
    monkeypatch.setattr(arm.importlib.util, "find_spec", lambda name: None if name == "sklearn" else real(name))
    with pytest.raises(ZooError, match="imports sklearn, which the zoo does not install: pip install scikit-learn"):
        arm.require(registry.create_model("zerlaut2018.const4"))


# --- the zerlaut2018 driver, on a fixture copy of ntwk's interface ------------------------------
NTWK_FIXTURE = textwrap.dedent("""\
    import numpy as np

    CALLS = []
    ms = 1e-3  # Brian2's unit: monitor times are in seconds
    arange = np.arange


    class prefs:
        class codegen:
            target = "fixture"


    class Monitor:
        def __init__(self, t, i):
            self.t, self.i = np.asarray(t), np.asarray(i)


    class build:
        @staticmethod
        def populations(Model, POPULATIONS, AFFERENT_POPULATIONS=(), with_raster=False):
            CALLS.append(("populations", dict(Model), list(POPULATIONS), list(AFFERENT_POPULATIONS), with_raster))
            return {"NEURONS": [{"name": p, "N": Model["N_" + p]} for p in POPULATIONS], "Model": Model}

        @staticmethod
        def recurrent_connections(NTWK, SEED=1):
            CALLS.append(("recurrent_connections", SEED))

        @staticmethod
        def initialize_to_rest(NTWK):
            CALLS.append(("initialize_to_rest",))


    class stim:
        @staticmethod
        def construct_feedforward_input(NTWK, target_pop, afferent_pop, t, rate_array, SEED=1):
            CALLS.append(("construct_feedforward_input", target_pop, afferent_pop, np.asarray(t), np.asarray(rate_array), SEED))

        @staticmethod
        def construct_fixed_afference(NTWK, afferent_pop, TARGET_POPS, t, rate_array=None, SEED=1):
            CALLS.append(("construct_fixed_afference", afferent_pop, list(TARGET_POPS), np.asarray(rate_array), SEED))


    def collect_and_run(NTWK):
        CALLS.append(("collect_and_run",))
        # Exc cells 0 and 5 spike during the warm-up and after it; Inh cell 1 once
        NTWK["RASTER"] = [Monitor([0.0012, 0.5, 0.9999], [0, 5, 0]), Monitor([0.4501], [1])]
    """)


@pytest.fixture
def ntwk_dir(tmp_path, monkeypatch):
    directory = tmp_path / "ntwk-code"
    (directory / "ntwk").mkdir(parents=True)
    (directory / "ntwk" / "__init__.py").write_text(NTWK_FIXTURE)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.delitem(sys.modules, "ntwk", raising=False)
    yield directory
    sys.modules.pop("ntwk", None)


def _calls(name):
    return [call for call in sys.modules["ntwk"].CALLS if call[0] == name]


def test_the_zerlaut2018_driver_gives_ntwk_the_variants_parameters_and_seeds(ntwk_dir):
    from zoo.models.zerlaut2018 import original

    params = registry.create_model("zerlaut2018.tiny").params
    result = original.simulate(ntwk_dir, "tiny", seed=7)
    (_, model, pops, afferent, raster), = _calls("populations")
    assert pops == ["Exc", "Inh"] and afferent == ["AffExc"] and raster
    assert (model["N_Exc"], model["N_Inh"], model["N_AffExc"]) == (params.N_E, params.N_I, params.N_aff)
    assert model["p_Exc_Exc"] == model["p_Exc_Inh"] == params.p_E and model["p_Inh_Inh"] == params.p_I
    assert model["p_AffExc_Exc"] == params.p_aff and model["Q_Inh_Exc"] == params.Q_I and model["Q_AffExc_Inh"] == params.Q_aff
    assert (model["Erev_Exc"], model["Erev_Inh"], model["Tsyn_Exc"]) == (params.Erev_E, params.Erev_I, params.Tsyn_E)
    assert (model["Exc_deltaV"], model["Inh_deltaV"], model["Exc_b"], model["Inh_b"]) == (
        params.deltaV_E, params.deltaV_I, params.b_E, 0.0)
    assert model["tstop"] == params.warmup + params.simtime and model["dt"] == params.dt
    assert _calls("recurrent_connections") == [("recurrent_connections", 7)]
    feeds = _calls("construct_feedforward_input")
    assert [(c[1], c[2], c[5]) for c in feeds] == [("Exc", "AffExc", 17), ("Inh", "AffExc", 17)]
    t, rate = feeds[0][3], feeds[0][4]
    assert len(t) == round(model["tstop"] / model["dt"]) and np.allclose(rate, params.faff(t))
    assert not _calls("construct_fixed_afference") and _calls("initialize_to_rest") and _calls("collect_and_run")
    assert result["facts"]["seeds"] == {"recurrent_connections": 7, "afferents": 17, "numpy_seed_feedforward": 61,
                                        "numpy_seed_fixed_afference": 29}
    e_times, e_ids, n_e, _ = result["populations"]["E"]
    assert n_e == params.N_E and np.allclose(e_times, [1.2, 500.0, 999.9]) and list(e_ids) == [0, 5, 0]
    assert result["window_ms"] == (params.warmup, params.warmup + params.simtime)
    segment = io.segment_from_spikes(result["populations"], *result["window_ms"])
    trains = io.trains_by_population(segment)
    assert [len(trains["E"]), len(trains["I"])] == [params.N_E, params.N_I]
    assert [len(trains["E"][i]) for i in (0, 5)] == [1, 1] and np.allclose(io.times_ms(trains["E"][0]), [999.9])
    assert np.allclose(io.times_ms(trains["I"][1]), [450.1])  # the warm-up's spike (1.2 ms) is left out


def test_the_shared_variants_use_ntwks_shared_afferents(ntwk_dir):
    from zoo.models.zerlaut2018 import original

    params = registry.create_model("zerlaut2018.shared_const8").params
    original.simulate(ntwk_dir, "shared_const8", seed=2)
    (_, afferent, targets, rate, seed), = _calls("construct_fixed_afference")
    assert (afferent, targets, seed) == ("AffExc", ["Exc", "Inh"], 12) and np.allclose(rate, params.Faff_base)
    assert not _calls("construct_feedforward_input")


def test_ntwk_cannot_be_told_another_detection_threshold():
    from zoo.models.zerlaut2018 import original

    params = registry.create_model("zerlaut2018.const4").params
    assert original.ntwk_model(params, 1)["Exc_Vthre"] == params.Vthre
    with pytest.raises(ValueError, match="Vthre \\+ 5 deltaV"):
        original.ntwk_model(params.replace(detection_slopes=4.0), 1)


def test_the_report_says_what_the_original_is_compared_on():
    from types import SimpleNamespace

    from zoo.validation import checks

    def row(statistic, population, backends, rule=checks.RULE, status="pass"):
        return SimpleNamespace(check=checks.Check(f"{statistic}-{population}", "m", "v", statistic, population, rule, backends),
                               status=status)

    labels = ("nest", "brian2")
    comparisons = [row("rate_hz", "E", labels), row("rate_hz", "I", labels), row("cluster_rates", "", labels),
                   row("rate_hz", "E", labels, rule="paired_t"), row("E_meanfield_rate_hz", "", labels, status="constant"),
                   row("rate_hz", "E", ("nest", arm.ARM)), row("rate_hz", "I", ("brian2", arm.ARM), status="insufficient seeds"),
                   row("E_meanfield_rate_hz", "", ("nest", arm.ARM), status="constant")]
    found = arm.coverage(comparisons, labels)
    assert found["compared"] == {"firing rate (spikes/s)": ["E", "I"]}
    assert found["not_measured"] == {"cluster rates": ["(model)"]}
    assert any("paired" in text for text in found["never"]) and any("connectivity" in text for text in found["never"])
    from zoo.validation.report import coverage_text

    text = coverage_text({"original_coverage": found})
    assert "compared on: firing rate (spikes/s) (E, I)" in text and "Not measured from its runs: cluster rates" in text
    assert coverage_text({}) == ""
    many = [f"A{i:02d}" for i in range(20)]
    text = coverage_text({"original_coverage": {"compared": {"rate": many, "cv": many[:-2], "lvr": many[:3]},
                                                "not_measured": {}, "zoo": {"rate": many, "cv": many}, "never": []}})
    assert "rate (all 20 populations of the zoo arms' rows)" in text and "lvr (A00, A01, A02)" in text
    assert "cv (18 populations: the zoo arms' 20 less A18, A19)" in text
    text = coverage_text({"original_coverage": {"compared": {"rate": many}, "not_measured": {},
                                                "zoo": {"rate": many[1:]}, "never": []}})
    assert "rate (20 populations: the zoo arms' 19 and A00, whose zoo rows cannot fail)" in text


@pytest.mark.slow
def test_ntwk_itself_runs_the_tiny_variant_through_the_arm(tmp_path):
    """ntwk at 800 + 200 cells, 1 s (~30 s CPU with a warm Cython cache, ~1.5 min cold)."""
    directory = originals.cache_root() / "zerlaut2018"
    if not directory.is_dir():
        pytest.skip(f"ntwk was not fetched on this machine ({directory}; python -m zoo.originals zerlaut2018)")
    model = registry.create_model("zerlaut2018.tiny")
    try:
        arm.require(model)
    except ZooError as err:
        pytest.skip(str(err))
    spec = arm.OriginalSpec("zerlaut2018", "tiny", 1)
    path = arm.run_dir(tmp_path, spec)
    arm.run_here(spec, path)
    prov = json.loads((path / "provenance.json").read_text())
    assert prov["facts"]["seeds"]["recurrent_connections"] == 1 and prov["facts"]["seeds"]["afferents"] == 11
    trains = io.trains_by_population(io.load_segment(path / "spikes.nix")[0])
    assert [len(trains["E"]), len(trains["I"])] == [model.params.N_E, model.params.N_I]
    seconds = model.params.simtime / 1000.0
    rates = {pop: sum(len(t) for t in cells) / len(cells) / seconds for pop, cells in trains.items()}
    assert 0 < rates["E"] < rates["I"]  # FS cells fire faster than RS cells, as in every zoo run of this network
