"""Visible progress for long builds and simulations, on the 'zoo' logger (stderr in the CLI).

Progress points are also where long work may be stopped: the checks given to :func:`checked` are
called at each (the CLI's signal handling raises there a signal that compiled code swallowed).
"""

import contextlib
import logging
import resource

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
