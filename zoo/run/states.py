"""Membrane potential and conductances of a few cells per population (``python -m zoo.run --record``).

The cells are drawn from the master seed (stream ``record/<population>``), so a seed records the
same cells on every backend. A variable is recorded in every recorded population whose cell type
can record it; one that none can is a one-line error before anything is simulated. The samples
come back as Neo AnalogSignals of the recorded window, one per population and variable, a channel
per cell, annotated with ``source_population`` and, per channel, ``source_index``.
"""

import numpy as np

from ..errors import ZooError


def record(network, variables, cells_per_population, streams):
    """Start recording `variables` of `cells_per_population` cells of each recorded population;
    returns what :func:`collect` reads back: [(population name, cell indices, view, variables)]."""
    plan = []
    for name in network.recorded:
        population = network.populations[name]
        here = [v for v in variables if v in population.celltype.recordable]
        if not here:
            continue
        count = min(cells_per_population, population.size)
        cells = np.sort(streams.generator(f"record/{name}").choice(population.size, count, replace=False))
        view = population[cells]
        view.record(here)
        plan.append((name, cells, view, here))
    missing = [v for v in variables if not any(v in here for *_, here in plan)]
    if missing:
        recordable = sorted({v for name in network.recorded for v in network.populations[name].celltype.recordable
                             if v != "spikes"})
        raise ZooError(f"no recorded population can record {', '.join(missing)}; they record: {', '.join(recordable)}")
    return plan


def collect(plan, t_start_ms, t_stop_ms):
    """The recorded samples in [t_start, t_stop) ms as annotated AnalogSignals."""
    import quantities as pq

    signals = []
    for name, cells, view, variables in plan:
        recorded = view.get_data(variables, clear=False).segments[-1]
        for signal in recorded.analogsignals:
            window = signal.time_slice(t_start_ms * pq.ms, t_stop_ms * pq.ms)
            window.name = f"{name} {signal.name}"
            window.annotations.clear()
            window.annotate(source_population=name, variable=signal.name)
            window.array_annotations = {"source_index": cells.astype(np.int64)}
            signals.append(window)
    return signals
