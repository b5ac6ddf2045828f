"""Visible progress for long builds and simulations, on the 'zoo' logger (stderr in the CLI)."""

import logging
import resource

log = logging.getLogger("zoo")


def step(message, *args):
    """Announce a step of a long build (models call this; the CLI shows it on stderr)."""
    log.info(message, *args)


def simulated(done_ms, total_ms, elapsed_s):
    """Say how far a simulation has come, with the time it has taken and an estimate of what is left."""
    fraction = done_ms / total_ms if total_ms > 0 else 1.0
    left = f"~{elapsed_s * (1 - fraction) / fraction:.0f} s left" if fraction > 0 else "time left unknown yet"
    log.info("simulated %8.1f / %.1f ms (%3.0f%%), %.1f s elapsed, %s", done_ms, total_ms, 100 * fraction, elapsed_s, left)


def peak_memory_bytes():
    """Peak resident memory of this process so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
