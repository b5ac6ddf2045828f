"""zoo.datasets: cache lookup, checksums, and the download path against a local HTTP server.

Download tests serve a small data set made here from http.server on 127.0.0.1; nothing leaves
the machine. The last tests check the real manifest against the shared copy of the multi-area
data, when this machine has it.
"""

import functools
import hashlib
import http.server
import socket
import threading
from pathlib import Path

import pytest

from zoo import datasets
from zoo.errors import ZooError

SHARED_MULTIAREA = Path("/work/shared/data/multiarea")
CONTENT = b"published numbers\n1 2 3\n"


@pytest.fixture
def testset(monkeypatch):
    """A one-file data set 'testset' whose file 'tables/numbers.txt' is upstream 'up/numbers.txt'."""
    ds = datasets.Dataset(
        name="testset", description="test", repository="https://github.com/example/data", commit="0" * 40,
        licence="CC0", citation="none",
        files={"tables/numbers.txt": datasets.DataFile("up/numbers.txt", hashlib.sha256(CONTENT).hexdigest(), len(CONTENT))},
    )
    monkeypatch.setitem(datasets.DATASETS, "testset", ds)
    return ds


@pytest.fixture
def server(tmp_path):
    """Serve tmp_path/served over HTTP on 127.0.0.1; yields (base URL, served directory, request log)."""
    served = tmp_path / "served"
    (served / "up").mkdir(parents=True)
    requests = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            requests.append(self.path)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(served)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", served, requests
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def _closed_port():
    """A port on 127.0.0.1 with nothing listening (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_root_comes_from_argument_then_environment_then_home(monkeypatch, tmp_path):
    monkeypatch.delenv("ZOO_DATA_DIR", raising=False)
    assert datasets.data_root() == Path("~/.cache/zoo").expanduser()
    monkeypatch.setenv("ZOO_DATA_DIR", str(tmp_path))
    assert datasets.data_root() == tmp_path
    assert datasets.data_root(tmp_path / "other") == tmp_path / "other"


def test_present_file_is_used_without_network(testset, tmp_path):
    target = tmp_path / "testset" / "tables" / "numbers.txt"
    target.parent.mkdir(parents=True)
    target.write_bytes(CONTENT)
    paths = datasets.require("testset", ["tables/numbers.txt"], root=tmp_path, base_url=f"http://127.0.0.1:{_closed_port()}/")
    assert paths == {"tables/numbers.txt": target}


def test_present_file_with_other_content_is_refused(testset, tmp_path):
    target = tmp_path / "testset" / "tables" / "numbers.txt"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"edited")
    with pytest.raises(ZooError, match="is not the published file.*delete it to download it again"):
        datasets.require("testset", ["tables/numbers.txt"], root=tmp_path)


def test_download_verifies_and_caches(testset, server, tmp_path):
    url, served, requests = server
    (served / "up" / "numbers.txt").write_bytes(CONTENT)
    root = tmp_path / "cache"
    paths = datasets.require("testset", ["tables/numbers.txt"], root=root, base_url=url)
    assert paths["tables/numbers.txt"].read_bytes() == CONTENT
    assert requests == ["/up/numbers.txt"]
    datasets.require("testset", ["tables/numbers.txt"], root=root, base_url=url)
    assert len(requests) == 1  # the second call reads the cache
    assert [p.name for p in (root / "testset" / "tables").iterdir()] == ["numbers.txt"]


def test_download_with_wrong_checksum_is_discarded(testset, server, tmp_path):
    url, served, _ = server
    (served / "up" / "numbers.txt").write_bytes(CONTENT + b"tampered")
    with pytest.raises(ZooError, match="checksum mismatch for tables/numbers.txt.*the download was discarded") as err:
        datasets.require("testset", ["tables/numbers.txt"], root=tmp_path / "cache", base_url=url)
    assert "\n" not in str(err.value)
    directory = tmp_path / "cache" / "testset" / "tables"
    assert not directory.exists() or not list(directory.iterdir())  # no file, no partial download


def test_file_missing_on_the_server(testset, server, tmp_path):
    url, _, _ = server
    with pytest.raises(ZooError, match=r"the server has no tables/numbers.txt of data set 'testset' \(HTTP 404"):
        datasets.require("testset", ["tables/numbers.txt"], root=tmp_path / "cache", base_url=url)


def test_no_network_says_which_files_to_put_where(testset, tmp_path):
    root = tmp_path / "cache"
    with pytest.raises(ZooError) as err:
        datasets.require("testset", ["tables/numbers.txt"], root=root, base_url=f"http://127.0.0.1:{_closed_port()}/")
    message = str(err.value)
    assert "\n" not in message
    assert "cannot download data set 'testset'" in message and "without network, copy tables/numbers.txt" in message
    assert "(upstream up/numbers.txt)" in message and "https://github.com/example/data" in message
    assert f"into {root / 'testset'}/" in message and "ZOO_DATA_DIR" in message
    assert not root.exists()  # nothing is created when the server cannot be reached


def test_download_can_be_forbidden(testset, tmp_path):
    with pytest.raises(ZooError, match="is not available here: without network, copy tables/numbers.txt"):
        datasets.require("testset", ["tables/numbers.txt"], root=tmp_path, download=False)


def test_unknown_data_set_and_file(testset, tmp_path):
    with pytest.raises(ZooError, match="unknown data set 'nosuch'"):
        datasets.require("nosuch", [], root=tmp_path)
    with pytest.raises(ZooError, match="unknown file of data set 'testset' 'tables/number.txt'.*did you mean"):
        datasets.require("testset", ["tables/number.txt"], root=tmp_path)


def test_upstream_urls_are_pinned_to_a_commit():
    ds = datasets.dataset("multiarea")
    assert len(ds.commit) == 40 and ds.commit.startswith("355d940")
    assert ds.base_url == f"https://raw.githubusercontent.com/INM-6/multi-area-model/{ds.commit}/"
    assert ds.files["K_prime_original.npy"].upstream == "figures/SchueckerSchmidt2017/K_prime_original.npy"


@pytest.mark.skipif(not SHARED_MULTIAREA.is_dir(), reason=f"shared copy of the multi-area data not found at {SHARED_MULTIAREA}")
def test_manifest_matches_the_shared_copy():
    """Every file of the manifest is in the shared copy with the recorded checksum and size."""
    ds = datasets.dataset("multiarea")
    paths = datasets.require("multiarea", list(ds.files), root=SHARED_MULTIAREA.parent, download=False)
    for name, path in paths.items():
        assert path.stat().st_size == ds.files[name].size, name
    local = {str(p.relative_to(SHARED_MULTIAREA)) for p in SHARED_MULTIAREA.rglob("*") if p.is_file()}
    # Only the README and the file generated by the upstream pipeline are not upstream files.
    assert local - set(ds.files) == {"README.txt", "viscortex_processed_data.generated.json"}
