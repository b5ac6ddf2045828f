"""The command line restarts itself once on glibc's huge-page tunable, where that can help and
was not declined; provenance says which way a run went; the spikes do not depend on it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from zoo.io import load_segment
from zoo.run import huge_pages

ROOT = Path(__file__).resolve().parents[1]
TINY = ["rostami2020.tiny", "--sim", "nest", "--threads", "1", "--duration", "200", "--no-plots", "--quiet"]
ABLE = {"glibc": (2, 35), "kernel_mode": "madvise"}


def test_wanted_where_glibc_and_the_kernel_can_and_nobody_declined():
    assert huge_pages.wanted({}, **ABLE)
    assert huge_pages.wanted({"GLIBC_TUNABLES": "glibc.malloc.arena_max=2"}, glibc=(2, 39), kernel_mode="always")


@pytest.mark.parametrize("environ, glibc, kernel_mode", [
    ({"ZOO_HUGE_PAGES": "0"}, (2, 35), "madvise"),                  # declined
    ({"GLIBC_TUNABLES": "glibc.malloc.hugetlb=0"}, (2, 35), "madvise"),  # the user's own choice
    ({"GLIBC_TUNABLES": "glibc.malloc.hugetlb=1"}, (2, 35), "madvise"),  # already restarted
    ({}, (2, 34), "madvise"),                                        # glibc without the tunable
    ({}, None, "madvise"),                                           # another C library
    ({}, (2, 35), "never"),                                          # switched off in the kernel
])
def test_not_wanted(environ, glibc, kernel_mode):
    assert not huge_pages.wanted(environ, glibc=glibc, kernel_mode=kernel_mode)


def test_the_tunable_joins_what_glibc_tunables_holds():
    assert huge_pages.environment({})["GLIBC_TUNABLES"] == "glibc.malloc.hugetlb=1"
    joined = huge_pages.environment({"GLIBC_TUNABLES": "glibc.malloc.arena_max=2", "X": "1"})
    assert joined == {"GLIBC_TUNABLES": "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1", "X": "1"}
    assert huge_pages.in_use(joined) and not huge_pages.in_use({"GLIBC_TUNABLES": "glibc.malloc.hugetlb=0"})


def _run(out, **env):
    environ = {k: v for k, v in os.environ.items() if k not in ("GLIBC_TUNABLES", "ZOO_HUGE_PAGES")}
    done = subprocess.run([sys.executable, "-m", "zoo.run", *TINY, "--out", str(out)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**environ, **env})
    assert done.returncode == 0, done.stderr
    return json.loads((out / "provenance.json").read_text())["host"]["malloc_huge_pages"]


def _spikes(out):
    trains = load_segment(out / "spikes.nix")[0].spiketrains
    return {(st.annotations["source_population"], st.annotations["source_index"]): st.magnitude.tolist()
            for st in trains}


def test_a_run_restarts_on_huge_pages_unless_declined_with_the_same_spikes(tmp_path, note):
    expected = huge_pages.wanted({})
    if not expected:
        note(f"NOT RUN (the restart): this machine cannot use glibc's huge pages "
              f"(glibc {huge_pages._glibc_version()}, kernel mode {huge_pages._kernel_mode()}); the declined run is checked")
    assert _run(tmp_path / "on") is expected
    assert _run(tmp_path / "off", ZOO_HUGE_PAGES="0") is False
    assert _spikes(tmp_path / "on") == _spikes(tmp_path / "off")


def test_a_validation_run_restarts_on_huge_pages_too(tmp_path, monkeypatch):
    from zoo.validation import runs
    from zoo.validation.runs import RunSpec

    monkeypatch.delenv("GLIBC_TUNABLES", raising=False)
    monkeypatch.delenv("ZOO_HUGE_PAGES", raising=False)
    spec = RunSpec("rostami2020", "tiny", (("simtime", 50.0),), "nest", 1)
    done = runs.ensure_runs([spec], tmp_path / "runs", jobs=1)[spec]
    host = json.loads((done.path / "provenance.json").read_text())["host"]
    assert host["malloc_huge_pages"] is huge_pages.wanted({})
