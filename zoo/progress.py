"""Visible progress for long builds and simulations, on the 'zoo' logger (stderr in the CLI).

Progress points are also where long work may be stopped: the checks given to :func:`checked` are
called at each (the CLI's signal handling raises there a signal that compiled code swallowed).
"""

import contextlib
import logging
import resource
import time

log = logging.getLogger("zoo")
_checks = []


@contextlib.contextmanager
def checked(check):
    """Call `check()` at every progress point inside the block; it may raise to stop the work."""
    _checks.append(check)
    try:
        yield
    finally:
        _checks.remove(check)


def _check():
    for check in list(_checks):
        check()


def step(message, *args):
    """Announce a step of a long build (models call this; the CLI shows it on stderr)."""
    _check()
    log.info(message, *args)


def simulated(done_ms, total_ms, elapsed_s):
    """Say how far a simulation has come, with the time it has taken and an estimate of what is left."""
    _check()
    fraction = done_ms / total_ms if total_ms > 0 else 1.0
    left = f"~{elapsed_s * (1 - fraction) / fraction:.0f} s left" if fraction > 0 else "time left unknown yet"
    log.info("simulated %8.1f / %.1f ms (%3.0f%%), %.1f s elapsed, %s", done_ms, total_ms, 100 * fraction, elapsed_s, left)


def peak_memory_bytes():
    """Peak resident memory of this process so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class Laps:
    """Wall and CPU seconds (user + system) of the steps of a run: ``lap(name)`` ends a step (and
    returns its times), ``since_start()`` gives the times since the first."""

    def __init__(self):
        self.laps = {}
        self._start = self._last = (time.perf_counter(), _cpu_seconds())

    def lap(self, name):
        now = (time.perf_counter(), _cpu_seconds())
        self.laps[name] = _between(self._last, now)
        self._last = now
        return self.laps[name]

    def since_start(self):
        return _between(self._start, (time.perf_counter(), _cpu_seconds()))


def _cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _between(start, end):
    return {"wall": round(end[0] - start[0], 2), "cpu": round(end[1] - start[1], 2)}
