"""What the benchmarks against original code measure of their own process and machine.

CPU seconds and peak resident memory come from ``getrusage``; the Cython module count tells a
Brian2 run that compiled from one that found its cache warm.
"""

import os
import platform
import resource
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
