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
    with pytest.raises(ZooError, match="no original code that runs here|unknown"):
        originals.original("fore2020")


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
        arm.require(registry.create_model("fore2020.tiny"))
    with pytest.raises(ZooError, match="runs the variants default"):
        arm.require(registry.create_model("rostami2020.tiny"))
