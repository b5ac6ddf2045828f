"""What the benchmarks against original code measure of their own process and machine.

CPU seconds and peak resident memory come from ``getrusage``; the Cython module count tells a
Brian2 run that compiled from one that found its cache warm.
"""

import os
import platform
import resource
import sys
import time
from pathlib import Path

import numpy as np


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Clock:
    """Wall and CPU seconds of the block: ``with Clock() as c: ...`` then ``c.wall``, ``c.cpu``."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), cpu_seconds()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, cpu_seconds() - self.cpu
        return False


def claim_output(path, default=None):
    """The results file to write, checked before anything runs: never an existing file.

    An explicit `path` that exists ends the benchmark here with one line; a `default` name that
    exists gets the next free suffix (``-b``, ``-c``...). The folder is made. So a finished
    benchmark is never lost to, nor overwrites, a results file.
    """
    if path is None and default is None:
        return None
    if path is not None:
        path = Path(path)
        if path.exists():
            sys.exit(f"error: {path} exists; choose another --out (nothing was run)")
    else:
        default = Path(default)
        path, letter = default, ord("b")
        while path.exists():
            path = default.with_name(f"{default.stem}-{chr(letter)}{default.suffix}")
            letter += 1
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        sys.exit(f"error: cannot make the folder for {path}: {error.strerror} (nothing was run)")
    return path


def pages_environment(pages):
    """The environment for a benchmark's child process on "ordinary" or "huge" memory pages
    (glibc's ``malloc.hugetlb`` tunable, which ``python -m zoo.run`` switches on for itself:
    zoo/run/huge_pages.py); so that both sides of a comparison run on the same pages."""
    from zoo.run import huge_pages

    return huge_pages.environment(os.environ, pages)


def peak_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def cython_modules():
    directory = Path.home() / ".cython" / "brian_extensions"
    return len(list(directory.glob("*.so"))) if directory.is_dir() else 0


def fmt(value, digits=2):
    return "-" if value is None else f"{value:.{digits}f}"


def machine_info():
    info = {"platform": platform.platform(), "python": platform.python_version(), "cores": os.cpu_count()}
    try:
        info["cpu"] = next(l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                           if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    info["load_average_at_start"] = os.getloadavg()
    try:
        import brian2
        import pyNN

        info["versions"] = {"brian2": brian2.__version__, "pyNN": pyNN.__version__, "numpy": np.__version__}
    except Exception:  # noqa: BLE001 (a parent without the simulators still reports)
        pass
    return info


TIMED = ("build_cpu_s", "build_s", "simulate_cpu_s", "simulate_s", "simulate_cpu_per_bio_s", "simulate_per_bio_s",
         "after_cpu_s", "after_s", "peak_bytes", "setup_cpu_s", "process_wall_s")


def run_rounds(configs, rounds, run_one, describe, skip=None):
    """Run each config `rounds` times, each in its own process, as ``run_one(config, round_no)``.

    The order alternates from round to round, so that no config always runs first on a machine
    that warms up or gets busier. A result with an "error" is recorded apart and reported in one
    line; the others are printed with ``describe(result)``. ``skip(config, round_no)`` leaves runs
    out (e.g. a slow original run only once). Returns (results, {label: error}).
    """
    results, errors = [], {}
    for round_no in range(rounds):
        order = list(configs) if round_no % 2 == 0 else list(reversed(configs))
        for config in order:
            if skip is not None and skip(config, round_no):
                continue
            result = run_one(config, round_no)
            if "error" in result:
                errors[str(config)] = result["error"]
                print(f"  round {round_no} {config}: FAILED: {result['error']}", file=sys.stderr, flush=True)
                continue
            results.append(result)
            print(f"  round {round_no} {config}: {describe(result)}", file=sys.stderr, flush=True)
    return results, errors


def best(results):
    """One config's rounds combined: each timing and memory figure at its minimum over the rounds
    (the least disturbed run), the number of rounds, and the round-to-round spread (max/min - 1)
    of build and simulate CPU time."""
    out = dict(results[0])
    for result in results[1:]:
        for key in TIMED:
            if key in out and key in result:
                out[key] = min(out[key], result[key])
    out["rounds"] = len(results)
    for key in ("build_cpu_s", "simulate_cpu_per_bio_s"):
        values = [r[key] for r in results if r.get(key) is not None]
        if values:
            out[key + "_spread"] = (max(values) - min(values)) / min(values) if min(values) else 0.0
    return out


def best_per_config(results, configs, key="config"):
    """{config: best(its rounds)} for each config with at least one result, in the given order."""
    table = {}
    for config in configs:
        mine = [r for r in results if r[key] == config]
        if mine:
            table[config] = best(mine)
    return table
