"""benchmarks/fetch_original.py: an original's code comes at its pinned commit, every file checked by
SHA-256, from a cache; a wrong or missing file is a one-line error (the benchmark then says NOT RUN)."""

import hashlib
import io
import sys
import urllib.error
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import fetch_original  # noqa: E402
from zoo import datasets  # noqa: E402

DATA = b"print('hello')\n"
LISTING = {"repositories": {"r": {"url": "https://github.com/owner/repo", "commit": "0" * 40}},
           "files": {"pkg/a.py": {"repository": "r", "upstream": "src/a.py",
                                  "sha256": hashlib.sha256(DATA).hexdigest(), "size": len(DATA)}}}


@pytest.fixture
def listing(monkeypatch):
    monkeypatch.setattr(fetch_original, "manifest", lambda model: LISTING)


def _serve(monkeypatch, payload, seen):
    def urlopen(url, timeout):
        seen.append(url)
        if isinstance(payload, Exception):
            raise payload
        return io.BytesIO(payload)

    monkeypatch.setattr(datasets.urllib.request, "urlopen", urlopen)


def test_a_file_is_fetched_at_the_pinned_commit_and_checked(listing, monkeypatch, tmp_path):
    seen = []
    _serve(monkeypatch, DATA, seen)
    folder = fetch_original.require("m", root=tmp_path)
    assert (folder / "pkg" / "a.py").read_bytes() == DATA
    assert seen == ["https://raw.githubusercontent.com/owner/repo/" + "0" * 40 + "/src/a.py"]
    fetch_original.require("m", root=tmp_path)  # cached: no second download
    assert len(seen) == 1


def test_a_download_with_another_checksum_is_refused_and_not_saved(listing, monkeypatch, tmp_path):
    _serve(monkeypatch, b"print('other')\n", [])
    with pytest.raises(fetch_original.OriginalError, match="checksum mismatch for pkg/a.py of original code 'm'"):
        fetch_original.require("m", root=tmp_path)
    assert not (tmp_path / "m" / "pkg" / "a.py").exists()


def test_a_changed_cached_file_is_refused(listing, tmp_path):
    path = tmp_path / "m" / "pkg" / "a.py"
    path.parent.mkdir(parents=True)
    path.write_bytes(DATA.replace(b"hello", b"jello"))
    with pytest.raises(fetch_original.OriginalError, match="is not the published file: pkg/a.py has SHA-256"):
        fetch_original.require("m", root=tmp_path)


def test_without_network_the_error_is_one_line_and_says_what_to_copy(listing, monkeypatch, tmp_path):
    _serve(monkeypatch, urllib.error.URLError("Name or service not known"), [])
    with pytest.raises(fetch_original.OriginalError) as error:
        fetch_original.require("m", root=tmp_path)
    text = str(error.value)
    assert "\n" not in text and "https://github.com/owner/repo at commit 0000000" in text and str(tmp_path / "m") in text
    assert "ZOO_ORIGINALS_DIR" in text


def test_the_zerlaut2018_listing_pins_full_commits_and_checksums():
    real = fetch_original.manifest("zerlaut2018")
    assert all(len(repo["commit"]) == 40 for repo in real["repositories"].values())
    assert real["files"] and all(len(entry["sha256"]) == 64 for entry in real["files"].values())
    assert "README.md" in real["files"] and "ntwk/__init__.py" in real["files"]
