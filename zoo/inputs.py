"""Input spikes: time-varying Poisson trains drawn in NumPy on the simulation grid and replayed
identically on every backend (:func:`poisson_trains`, :func:`spike_source`, :func:`private_trains`),
and private stationary Poisson drive from the simulators' own generators (:func:`private_poisson`).

A rate profile nu(t) is sampled at the start of each time step; in step k every train spikes
independently with probability nu(t_k) dt (a Bernoulli-discretised inhomogeneous Poisson process,
as in ``ntwk``'s ``stim/poisson_generator.py``). So at most one spike falls in a step, which
Brian2's SpikeGeneratorGroup requires. Spike times are ``k * dt`` in floating point; both backends
put them in step k (Brian2 floors ``t / dt`` after a tiny shift, NEST's grid spike generators round).
Steps before ``first_step`` (default 2, i.e. 0.2 ms at dt = 0.1 ms) carry no spikes, as when stock
PyNN-NEST, which moves every time min_delay earlier, replayed them.

The draws come from a NumPy Generator (``streams.generator(name)`` of the master seed), in blocks
of steps, so memory stays bounded and the result does not depend on the block size.
"""

import numpy as np

from . import connectivity, hooks
from .errors import ZooError

_BLOCK_DRAWS = 4_000_000  # uniform draws per block (~32 MB)
# A backend may realise private_poisson or private_trains with fewer sources than cells when each
# of its sources sends a train of its own to every target (NEST's poisson_generator). It then sets this
# attribute on the projection: the network is still one source per cell, and reading the
# connectivity back (zoo.backends.fingerprint) takes cell j's source to be source j.
PRIVATE_SOURCES = "zoo_private_sources"


def rate_table(profile, t_stop_ms, dt_ms):
    """Rates [Hz] at the start of every step k*dt in [0, t_stop) of `profile`.

    `profile` is a callable of time in ms (vectorised over arrays), or a table
    ``(times_ms, rates_hz)`` read as piecewise linear and held constant outside its range.
    """
    steps = int(round(t_stop_ms / dt_ms))
    times = np.arange(steps) * dt_ms
    if callable(profile):
        rates = np.broadcast_to(np.asarray(profile(times), dtype=float), times.shape).copy()
    else:
        table_t, table_r = (np.asarray(column, dtype=float) for column in profile)
        if table_t.ndim != 1 or table_t.shape != table_r.shape or table_t.size == 0:
            raise ZooError("a rate table needs equally long, non-empty lists of times and rates")
        if np.any(np.diff(table_t) <= 0):
            raise ZooError("the times of a rate table must increase")
        rates = np.interp(times, table_t, table_r)
    if np.any(rates < 0) or not np.all(np.isfinite(rates)):
        raise ZooError("input rates must be finite and not negative")
    if np.any(rates * dt_ms / 1000.0 > 1):
        raise ZooError(f"input rate {rates.max():g} Hz exceeds one spike per step of {dt_ms:g} ms")
    return rates


def bernoulli_steps(rng, rates_hz, n_trains, dt_ms, first_step=2):
    """(train index, step index) of every spike of `n_trains` independent trains, ordered by step.

    In step k (k >= first_step) each train spikes with probability rates_hz[k] * dt.
    """
    probability = np.asarray(rates_hz, dtype=float) * dt_ms / 1000.0
    steps_per_block = max(1, _BLOCK_DRAWS // max(n_trains, 1))
    trains, steps = [], []
    for first in range(0, probability.size, steps_per_block):
        block = probability[first : first + steps_per_block]
        step, train = np.nonzero(rng.random((block.size, n_trains), dtype=np.float32) < block[:, None])
        keep = step + first >= first_step
        trains.append(train[keep])
        steps.append(step[keep] + first)
    if not trains:
        return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    return np.concatenate(trains).astype(np.int64), np.concatenate(steps).astype(np.int64)


def spike_trains(trains, steps, n_trains, dt_ms):
    """Per-train arrays of spike times [ms] = step * dt, sorted, from (train, step) arrays ordered
    by step (as :func:`bernoulli_steps` returns them)."""
    small = trains.astype(np.int16) if n_trains <= np.iinfo(np.int16).max else trains  # radix sort
    order = np.argsort(small, kind="stable")
    bounds = np.searchsorted(trains[order], np.arange(n_trains + 1))
    times = steps[order] * dt_ms
    return [times[bounds[k] : bounds[k + 1]] for k in range(n_trains)]


def poisson_trains(rng, profile, n_trains, t_stop_ms, dt_ms, first_step=2):
    """`n_trains` independent inhomogeneous Poisson trains (list of time arrays in ms) of `profile`."""
    rates = rate_table(profile, t_stop_ms, dt_ms)
    trains, steps = bernoulli_steps(rng, rates, n_trains, dt_ms, first_step)
    return spike_trains(trains, steps, n_trains, dt_ms)


def trains_by_block(rngs, size, draw, held=None):
    """One train per cell of a population of `size`, drawn block by block of cells
    (zoo.connectivity.residue_blocks): ``draw(rng, cells)`` gives the trains of a block's cells from
    its own stream ``rngs[block]``, for the blocks in `rngs` (see
    :func:`zoo.connectivity.blocks_to_draw`). With `held` (sorted indices of the cells a process
    holds) only their trains are kept; the others are empty."""
    kept = None if held is None else set(held.tolist())
    trains = [np.empty(0)] * size
    for block, rng in rngs.items():
        cells = connectivity.block_targets(block, size)
        if not cells.size:
            continue
        for cell, train in zip(cells, draw(rng, cells)):
            if kept is None or cell in kept:
                trains[cell] = train
    return trains


def spike_source(sim, trains, label, size=None):
    """A PyNN SpikeSourceArray population that replays `trains` (lists of times in ms).

    A spike at time t changes the target's conductance at t + delay and its membrane from the
    next step on (NEST's meaning of a SpikeSourceArray time, which is also ntwk's timing for
    delay = dt). PyNN 0.13 hands the times over one Sequence at a time (seconds for thousands of
    trains); in a zoo session the backend sets them in one call instead, and on NEST without
    PyNN's parrot neurons (:mod:`zoo.hooks`; ``zoo/backends/*/inputs.py`` say how and why).

    `trains` may instead be a function that draws them for `size` sources: given the sorted
    indices of the sources this process holds, it returns all `size` trains, those of the others
    empty, so that each MPI rank draws only its own (:func:`trains_held`).
    """
    realised = hooks.realisation(sim, "spike_source")
    if realised is not None:
        return realised(sim, trains, label, size)
    from pyNN.parameters import Sequence

    population = sim.Population(source_count(trains, size), sim.SpikeSourceArray(), label=label)
    population.set(spike_times=[Sequence(t) for t in trains_held(trains, population)])
    return population


def source_count(trains, size=None):
    """How many sources :func:`spike_source` creates for `trains` (a list, or a function and `size`)."""
    if callable(trains):
        if size is None:
            raise ZooError("spike trains drawn per process need the number of sources (size)")
        return int(size)
    return len(trains)


def trains_held(trains, population):
    """The trains of :func:`spike_source`'s `population`: `trains` itself, or what it draws for the
    sources this process holds (all of them in one process)."""
    from .network import local_indices

    return trains(local_indices(population)) if callable(trains) else trains


def private_trains(sim, cells, trains, weight, delay_ms, receptor_type, label, projection_label=None):
    """Replay a train of its own to every cell of `cells`, connected to it alone.

    Returns (sources, projection). `trains` holds one train per cell, as :func:`spike_source`
    takes them (a list, or a function that draws those of the cells this process holds); `weight`
    (PyNN units) and `delay_ms` are one value each. Plainly, the sources are :func:`spike_source`'s
    SpikeSourceArray, source j connected to cell j. In a zoo session on NEST one device keeps the
    trains and hands each cell its own, where the session was opened for them (the model's
    ``building_blocks``; ``zoo/backends/nest/inputs.py``); a realisation that cannot returns None.
    """
    realised = hooks.realisation(sim, "private_trains")
    made = realised(sim, cells, trains, weight, delay_ms, receptor_type, label, projection_label) if realised else None
    if made is not None:
        return made
    sources = spike_source(sim, trains, label, size=cells.size)
    index = np.arange(cells.size)
    projection = sim.Projection(
        sources, cells, sim.FromListConnector(connectivity.pair_rows(index, index)),
        sim.StaticSynapse(weight=weight, delay=delay_ms), receptor_type=receptor_type, label=projection_label or label,
    )
    return sources, projection


def private_poisson(sim, cells, rates_hz, weight, delay_ms, receptor_type, label):
    """Independent Poisson input to every cell of `cells`: one source per cell, connected to it alone.

    Returns (sources, projection). `rates_hz` and `weight` (PyNN units) are scalars or one value per
    cell. The sources are PyNN's SpikeSourcePoisson; in a zoo session on NEST they deliver straight
    to their targets, without the parrot neuron PyNN puts behind each, and one source serves all
    cells of equal rate, drawing a train for each (``zoo/backends/nest/inputs.py``).
    """
    shared = hooks.realisation(sim, "private_poisson")
    if shared is not None:
        return shared(sim, cells, rates_hz, weight, delay_ms, receptor_type, label)
    realised = hooks.realisation(sim, "poisson_source")
    celltype = (realised(sim) if realised else sim.SpikeSourcePoisson)(rate=rates_hz)
    n = cells.size
    sources = sim.Population(n, celltype, label=label)
    index = np.arange(n)
    table = np.column_stack((index, index, np.broadcast_to(np.asarray(weight, dtype=float), (n,))))
    projection = sim.Projection(
        sources, cells, sim.FromListConnector(table, column_names=["weight"]), sim.StaticSynapse(delay=delay_ms),
        receptor_type=receptor_type, label=label,
    )
    return sources, projection
