"""Visible progress for long builds and simulations, on the 'zoo' logger (stderr in the CLI)."""

import logging
import resource
import time

log = logging.getLogger("zoo")


def step(message, *args):
    """Announce a step of a long build (models call this; the CLI shows it on stderr)."""
    log.info(message, *args)


def peak_memory_bytes():
    """Peak resident memory of this process so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def simulate(backend, total_ms, every_s=2.0):
    """Run the backend's simulator for `total_ms`, logging progress with an ETA every `every_s`.

    NEST runs in chunks (a chunk costs NEST almost nothing); Brian2 runs in one call with its
    own progress report, because every Brian2 ``run`` call re-prepares the whole network.
    """
    if backend.name == "brian2":
        return _simulate_brian2(backend.sim, total_ms, every_s)
    return _simulate_in_chunks(backend.sim, total_ms, backend.timestep, every_s=every_s)


def _simulate_brian2(sim, total_ms, every_s):
    from brian2 import second

    network = sim.simulator.state.network
    plain_run = network.run
    began = time.perf_counter()
    last = [-every_s]

    def report(elapsed, completed, start, duration):
        # A run may come in stretches (zoo.brian2_current_sources): count from the first one, and
        # say it at most every `every_s` seconds.
        done = min(1.0, float((start + completed * duration) / second) * 1000.0 / total_ms)
        elapsed = time.perf_counter() - began
        if elapsed - last[0] < every_s and done < 1.0:
            return
        last[0] = elapsed
        eta = elapsed * (1 - done) / done if done > 0 else float("nan")
        log.info("simulated %8.1f / %.1f ms (%3.0f%%), %.1f s elapsed, ~%.0f s left", done * total_ms, total_ms, 100 * done, elapsed, eta)

    network.run = lambda duration, **kw: plain_run(duration, report=report, report_period=every_s * second, **kw)
    try:
        sim.run(total_ms)
    finally:
        del network.run
    return time.perf_counter() - began


def _simulate_in_chunks(sim, total_ms, dt_ms, chunks=20, every_s=2.0):
    """Run `sim` for `total_ms` in about `chunks` steps; log progress at most every `every_s`."""
    steps = int(round(total_ms / dt_ms))
    chunk_steps = max(1, -(-steps // chunks))
    start, done, last = time.perf_counter(), 0, -every_s
    while done < steps:
        advance = min(chunk_steps, steps - done)
        sim.run(advance * dt_ms)
        done += advance
        elapsed = time.perf_counter() - start
        if elapsed - last < every_s and done < steps:
            continue
        last = elapsed
        eta = elapsed * (steps - done) / done
        log.info("simulated %8.1f / %.1f ms (%3.0f%%), %.1f s elapsed, ~%.0f s left", done * dt_ms, total_ms, 100 * done / steps, elapsed, eta)
    return time.perf_counter() - start
