"""PyNN 0.13's own test suite, from its source distribution, run stock and with the zoo's changes.

The suite is fetched once with pip (``pip download --no-binary :all: PyNN==0.13.0``) into
``$ZOO_CACHE_DIR/pynn-sdist`` (default ``~/.cache/zoo/pynn-sdist``) and checked against the
SHA-256 of the release. Each group of tests runs in its own pytest process, from a folder that is
not the source distribution (whose own copy of pyNN must not be imported), with the plugin
``pynn_suite_plugin`` installing the zoo's changes ("zoo") or not ("stock"), which writes the
outcome of every test into a JSON file.

Groups: one per backend (its system scenarios, ``test/system/test_<backend>.py`` and its unit tests)
and ``mock``: PyNN's unit tests of projections, connectors, populations and the rest, which run on
PyNN's mock simulator with the changes of both backends installed (``nest/batch.py`` wraps
``pyNN.connectors.FromListConnector.connect`` itself).

Run by hand: ``python tests/pynn_suite.py`` prints the outcome of every group in both arms.
"""

import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "0.13.0"
SDIST_SHA256 = "da2821e45055a88de6cf34896067eaaebcabbfdfb7883dd147353e7b78617815"  # PyPI's PyNN-0.13.0.tar.gz
HERE = Path(__file__).resolve().parent


def cache_dir():
    root = os.environ.get("ZOO_CACHE_DIR")
    return (Path(root) if root else Path.home() / ".cache" / "zoo") / "pynn-sdist"


class Unavailable(Exception):
    """The source distribution cannot be had here (no network, no pip index): say why in one line."""


def test_folder():
    """The ``test/`` folder of PyNN's source distribution, fetched and unpacked on first use."""
    folder = cache_dir() / f"pynn-{VERSION}" / "test"
    if folder.is_dir():
        return folder
    cache_dir().mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir()) as tmp:
        done = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-binary", ":all:", "--no-deps",
                               f"PyNN=={VERSION}", "-d", tmp], capture_output=True, text=True)
        archives = list(Path(tmp).glob("*.tar.gz"))
        if done.returncode or not archives:
            last = (done.stderr.strip().splitlines() or ["no archive"])[-1]
            raise Unavailable(f"pip could not download PyNN {VERSION}'s source distribution ({last})")
        digest = hashlib.sha256(archives[0].read_bytes()).hexdigest()
        if digest != SDIST_SHA256:
            raise Unavailable(f"{archives[0].name} has SHA-256 {digest}, not the release's {SDIST_SHA256}")
        with tarfile.open(archives[0]) as archive:
            archive.extractall(tmp, filter="data")
        unpacked = next(p for p in Path(tmp).iterdir() if p.is_dir() and p.name.lower().startswith("pynn"))
        unpacked.rename(cache_dir() / f"pynn-{VERSION}")
    return folder


def selection(group, test):
    """pytest arguments selecting `group`'s tests under the sdist's `test` folder."""
    system, units = test / "system", test / "unittests"
    # -k applies to every path given: "brian" keeps unittests/test_brian.py, "serialization" the NEST-only
    # test_serialization.py.
    if group == "nest":
        return [str(system / "scenarios"), str(system / "test_nest.py"), str(system / "test_serialization.py"),
                str(units / "test_nest.py"), "-k", "nest or serialization"]
    if group == "brian2":
        return [str(system / "scenarios"), str(system / "test_brian2.py"), str(units / "test_brian.py"), "-k", "brian"]
    if group == "mock":
        return [str(units), "--ignore", str(units / "test_nest.py"), "--ignore", str(units / "test_brian.py"),
                "--ignore", str(units / "test_neuron.py")]
    raise ValueError(f"unknown group {group!r}")


GROUPS = ("nest", "brian2", "mock")


def start(group, arm, out_dir, only=None, collect_only=False):
    """Start `group`'s tests in arm "stock" or "zoo" (`only`: just the tests with these ids;
    `collect_only`: none, only what would run); returns (process, path of the outcomes file)."""
    workdir = Path(out_dir) / f"{group}-{arm}{'-collected' if collect_only else '-only' if only is not None else ''}"
    workdir.mkdir(parents=True, exist_ok=True)  # PyNN's tests write files into it: one per run side by side
    found = workdir / "outcomes.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])),
           "PYNN_SUITE_BACKENDS": "nest,brian2" if group == "mock" else group, "PYNN_SUITE_ARM": arm,
           "PYNN_SUITE_OUTCOMES": str(found), "ZOO_BRIAN2_CODEGEN": os.environ.get("ZOO_BRIAN2_CODEGEN", "numpy")}
    env.pop("PYNN_SUITE_ONLY", None)
    if only is not None:
        (workdir / "only.json").write_text(json.dumps(sorted(only)))
        env["PYNN_SUITE_ONLY"] = str(workdir / "only.json")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "pynn_suite_plugin",
               "-o", "addopts=", *(["--collect-only"] if collect_only else []), *selection(group, test_folder())]
    process = subprocess.Popen(command, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return process, found


def finish(group, arm, started):
    """{test id: (outcome, first line of its message)} of a run :func:`start` started."""
    process, found = started
    output, _ = process.communicate()
    if not found.exists():
        raise RuntimeError(f"PyNN's {group} tests ({arm}) wrote no outcomes:\n{output[-3000:]}")
    return {test: tuple(outcome) for test, outcome in json.loads(found.read_text()).items()}


def run_group(group, out_dir):
    """{arm: outcomes} of `group` run whole, stock and with the zoo's changes, side by side."""
    started = {arm: start(group, arm, out_dir) for arm in ("stock", "zoo")}
    return {arm: finish(group, arm, run) for arm, run in started.items()}


def check_group(group, out_dir):
    """What :func:`run_group` decides, for half the time: `group` runs whole with the zoo's changes,
    and stock only collects its tests (the same ids?) and runs those that did not pass changed.
    Returns {"collected": stock's test ids, "zoo": outcomes, "stock": outcomes of those rerun}."""
    collecting = start(group, "stock", out_dir, collect_only=True)
    changed = finish(group, "zoo", start(group, "zoo", out_dir))
    collected = set(finish(group, "stock", collecting))
    again = {test for test, (outcome, _) in changed.items() if outcome != "passed"}
    stock = finish(group, "stock", start(group, "stock", out_dir, only=again)) if again else {}
    return {"collected": collected, "zoo": changed, "stock": stock}


if __name__ == "__main__":
    from collections import Counter

    with tempfile.TemporaryDirectory() as out:
        for name in GROUPS:
            result = run_group(name, out)
            print(name, {arm: dict(Counter(o for o, _ in res.values())) for arm, res in result.items()})
            for test_id in sorted(set(result["stock"]) | set(result["zoo"])):
                a, b = result["stock"].get(test_id, ("absent", "")), result["zoo"].get(test_id, ("absent", ""))
                if a[0] != b[0]:
                    print(f"  {a[0]} -> {b[0]}: {test_id}: {b[1] or a[1]}")
