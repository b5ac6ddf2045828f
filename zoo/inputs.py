"""Input spikes: time-varying Poisson trains drawn in NumPy on the simulation grid and replayed
identically on every backend (:func:`poisson_trains`, :func:`spike_source`), and private stationary
Poisson drive from the simulators' own generators (:func:`private_poisson`).

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

from .errors import ZooError

_BLOCK_DRAWS = 4_000_000  # uniform draws per block (~32 MB)


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


def spike_source(sim, trains, label):
    """A PyNN SpikeSourceArray population that replays `trains` (lists of times in ms).

    A spike at time t changes the target's conductance at t + delay and its membrane from the
    next step on, on both backends (NEST's meaning of a SpikeSourceArray time, which is also
    ntwk's timing for delay = dt).

    PyNN 0.13 hands the times over one Sequence at a time (seconds for thousands of trains, and
    tens of seconds on a loaded machine); on NEST and Brian2 the population is created empty and
    its times are set in one call:

    - NEST: the times themselves on spike generators connected straight to the targets. PyNN puts a
      parrot neuron behind every spike generator (and sets t - min_delay on the generator); a
      replayed train is the same for every target, so the parrot changes nothing but the cost:
      5000 parrots relaying ~7 M afferent spikes took a fifth of zerlaut2018's simulation time;
    - Brian2: (index, time - dt) arrays of the SpikeGeneratorGroup. Brian2 delivers a spike of step
      k after the state update of step k + delay, one step later than NEST; emitting it one step
      earlier makes the conductance traces identical (tests/test_inputs.py).

    Any other PyNN backend goes through PyNN's own path; a stand-in for a simulator (such as
    zoo.capabilities' dry pass) gets the population without its times.
    """
    from pyNN.parameters import Sequence

    module = getattr(sim, "__name__", "")
    if not module.startswith("pyNN."):
        return sim.Population(len(trains), sim.SpikeSourceArray(), label=label)
    if module not in ("pyNN.nest", "pyNN.brian2"):
        return sim.Population(len(trains), sim.SpikeSourceArray(spike_times=[Sequence(t) for t in trains]), label=label)
    if module == "pyNN.nest":
        import nest

        population = sim.Population(len(trains), _nest_spike_generators(sim)(), label=label)
        population.node_collection.set(precise_times=False)
        nest.SetStatus(population.node_collection, [{"spike_times": np.asarray(t, dtype=float)} for t in trains])
    else:
        population = sim.Population(len(trains), sim.SpikeSourceArray(), label=label)
        from brian2 import second

        indices = np.repeat(np.arange(len(trains)), [len(t) for t in trains])
        times = np.concatenate([np.asarray(t, dtype=float) for t in trains]) if trains else np.array([])
        dt = sim.state.dt  # ms
        population.brian2_group.set_spikes(indices, (times - dt) / 1000.0 * second)
    return population


def _nest_spike_generators(sim):
    """pyNN.nest's SpikeSourceArray as bare spike generators: no parrot neurons, times as given.

    A spike generator sends the same train to all its targets and can be recorded, so without
    parrots the targets see the same spikes at the same times. It cannot be the source of a plastic
    synapse, and all its connections, recorder included, must use one synapse model (NEST's rules
    for devices). PyNN turns ``precise_times`` on for every spike generator; the times here are grid
    times, set as such. (Stock PyNN's ``t - min_delay`` on a precise generator put one spike in six
    a step late: ``k * 0.1 - 0.1`` is often a hair above the grid point.)
    """
    from pyNN.standardmodels import build_translations

    return _without_parrots(sim.SpikeSourceArray, translations=build_translations(("spike_times", "spike_times")))


def _without_parrots(source_type, **attributes):
    """A pyNN.nest spike-source type whose devices connect to their targets directly."""
    return type(source_type.__name__, (source_type,), {"__doc__": source_type.__doc__, "uses_parrot": False, **attributes})


def private_poisson(sim, cells, rates_hz, weight, delay_ms, receptor_type, label):
    """Independent Poisson input to every cell of `cells`: one source per cell, connected to it alone.

    Returns (sources, projection). `rates_hz` and `weight` (PyNN units) are scalars or one value per
    cell. On NEST the sources are bare ``poisson_generator`` nodes: a generator draws an independent
    train for each of its targets, so with one target per source the parrot neuron PyNN puts behind
    it changes nothing but the cost: it relays every input spike once more, through NEST's spike
    exchange rather than the generator's direct delivery. The other side of that: spikes recorded
    from these sources would be a further independent train, not the one delivered, and a second
    projection from them would get trains of its own; neither is done here. On Brian2 (and a
    stand-in) the sources are PyNN's SpikeSourcePoisson.
    """
    n = cells.size
    if getattr(sim, "__name__", "") == "pyNN.nest":
        celltype = _without_parrots(sim.SpikeSourcePoisson)(rate=rates_hz)
    else:
        celltype = sim.SpikeSourcePoisson(rate=rates_hz)
    sources = sim.Population(n, celltype, label=label)
    index = np.arange(n)
    table = np.column_stack((index, index, np.broadcast_to(np.asarray(weight, dtype=float), (n,))))
    projection = sim.Projection(
        sources, cells, sim.FromListConnector(table, column_names=["weight"]), sim.StaticSynapse(delay=delay_ms),
        receptor_type=receptor_type, label=label,
    )
    return sources, projection
