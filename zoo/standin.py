"""A recording stand-in for a PyNN module: a model's build run without a simulator.

:func:`build` runs a model's own ``build`` on :class:`StandIn`, which accepts what a model asks of
PyNN and records it in a :class:`Usage`: every population (cell type, which parameters vary across
cells, initialised variables), projection (connector, number of listed connections, synapse type,
receptor type) and current source. Nothing is simulated and no simulator is imported. The backend
wing checks the usage against what each simulator supports (``zoo/backends/capabilities.py``);
with ``keep=True`` the usage also holds the population and connector objects themselves, from
which a network can be written out without a simulator (``zoo.export.sonata``).
"""

import dataclasses
import logging

import numpy as np

from . import hooks, inputs
from .errors import ZooError
from .neurons import description


class _Anything:
    """Accepts any attribute access, call or indexing a model might do on a simulator object."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _Anything()

    def __call__(self, *args, **kwargs):
        return _Anything()

    def __getitem__(self, key):
        return _Anything()

    def __iter__(self):
        return iter(())

    def __len__(self):
        return 0


class _Population(_Anything):
    def __init__(self, usage, size, celltype, label):
        self.size, self.celltype, self.label = int(size), celltype, label
        self._usage = usage
        self._entry = usage.add_population(label, self.size, celltype)
        if usage.keep:
            self._entry["object"] = self

    def __len__(self):
        return self.size

    def __getitem__(self, key):
        return _View(self, key)

    @property
    def local_cells(self):
        """The cells this process holds (ids are the indices): all of them, or none in a pass made
        for one of several processes (see :func:`build`)."""
        return np.arange(self.size if self._usage.holds_cells else 0)

    def id_to_index(self, ids):
        return np.asarray(ids)

    def initialize(self, **values):
        self._entry["initialized"].update(dict.fromkeys(values, True))

    def set(self, **values):
        for name, value in values.items():
            array = np.asarray(value) if not np.isscalar(value) else None
            if array is not None and array.size > 1 and not np.all(array == array.flat[0]):
                self._entry["heterogeneous"].add(name)

    def record(self, *args, **kwargs):
        return None


class _View(_Anything):
    def __init__(self, parent, selector, label=None):
        self.parent, self.celltype = parent, parent.celltype
        self.label = label or parent.label
        self.cells = np.arange(parent.size)[selector]  # indices in the parent
        self.size = int(self.cells.size)

    def __len__(self):
        return self.size

    def __getitem__(self, key):
        return _View(self.parent, self.cells[key])


class _CurrentSource(_Anything):
    def __init__(self, usage, kind, kwargs):
        self._usage, self._kind = usage, kind
        usage.sources.append({"kind": kind, "targets": []})

    def inject_into(self, cells):
        label = getattr(cells, "label", None) or getattr(getattr(cells, "parent", None), "label", None)
        self._usage.sources[-1]["targets"].append(label)


@dataclasses.dataclass
class Usage:
    """What a model's build asked of the simulator (see the module docstring)."""

    populations: list = dataclasses.field(default_factory=list)
    projections: list = dataclasses.field(default_factory=list)
    sources: list = dataclasses.field(default_factory=list)
    problems: list = dataclasses.field(default_factory=list)  # why the dry pass was incomplete
    keep: bool = False  # hold the population and connector objects ("object", "objects")
    min_delay: float = None  # the run's min_delay (ms), where the caller knows it
    holds_cells: bool = True  # whether a population says it holds its cells (see build)

    def add_population(self, label, size, celltype):
        entry = {"label": label, "size": size, "cell_type": type(celltype).__name__, "celltype": celltype,
                 "heterogeneous": set(), "initialized": {}, "receptors": []}
        space = getattr(celltype, "parameter_space", None)
        if space is not None:
            for name in space.keys():
                try:
                    if not space[name].is_homogeneous:
                        entry["heterogeneous"].add(name)
                except (AttributeError, TypeError):
                    pass
        receptors = getattr(celltype, "post_synaptic_receptors", None) or {}
        entry["receptors"] = sorted({type(r).__name__ for r in receptors.values()})
        self.populations.append(entry)
        return entry


def _standard_classes():
    from pyNN import connectors, random
    from pyNN.standardmodels import cells, electrodes, receptors, synapses

    found = {}
    for module in (cells, synapses, electrodes, receptors, connectors, random):
        for name, obj in vars(module).items():
            if isinstance(obj, type) and not name.startswith("_"):
                found[name] = obj
    return found


def _synapse_base():
    from pyNN.models import BaseSynapseType

    return BaseSynapseType


class StandIn:
    """Stands in for a PyNN simulator module during :func:`build`."""

    def __init__(self, usage):
        self._usage = usage
        self._classes = _standard_classes()
        self._current_sources = {"DCSource", "ACSource", "StepCurrentSource", "NoisyCurrentSource"}

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if name in self._current_sources:
            return lambda *args, **kwargs: _CurrentSource(self._usage, name, kwargs)
        cls = self._classes.get(name)
        if cls is None:
            return _Anything()

        if issubclass(cls, _synapse_base()):
            # A synapse type's default delay is the backend's minimum delay: give it the grid step.
            cls = type(name, (cls,), {"_get_minimum_delay": lambda self: 0.1})

        def create(*args, **kwargs):
            try:
                return cls(*args, **kwargs)
            except Exception as err:  # an abstract class PyNN cannot build without a backend
                self._usage.problems.append(f"{name}: {err}")
                stand_in = _Anything()
                stand_in.__class__ = type(name, (_Anything,), {})
                return stand_in

        return create

    def Population(self, size, cellclass, cellparams=None, structure=None, initial_values=None, label=None, **kwargs):
        if isinstance(cellclass, type):
            cellclass = cellclass(**(cellparams or {}))
        population = _Population(self._usage, size, cellclass, label)
        if initial_values:
            population.initialize(**initial_values)
        return population

    def Projection(self, presynaptic, postsynaptic, connector, synapse_type=None, source=None, receptor_type=None,
                   space=None, label=None, **kwargs):
        listed = None
        conn_list = getattr(connector, "conn_list", None)
        if conn_list is not None:
            listed = int(len(conn_list))
        entry = {
            "label": label,
            "pre": getattr(presynaptic, "label", None),
            "post": getattr(postsynaptic, "label", None),
            "connector": type(connector).__name__,
            "listed_connections": listed,
            "synapse_type": type(synapse_type).__name__ if synapse_type is not None else "StaticSynapse",
            "receptor_type": receptor_type,
            "shortest_delay": _shortest_delay(connector, synapse_type),
        }
        if self._usage.keep:
            entry["objects"] = (presynaptic, postsynaptic, connector, synapse_type)
        self._usage.projections.append(entry)
        return _Anything()

    def PopulationView(self, parent, selector, label=None):
        return _View(parent, selector, label)

    def Assembly(self, *populations, **kwargs):
        return _Anything()


def _shortest_delay(connector, synapse_type):
    """The shortest delay (ms) a projection asks for: its listed delays where its connector lists
    them, else its synapse type's delay where that is one number; None where neither says."""
    conn_list, columns = getattr(connector, "conn_list", None), list(getattr(connector, "column_names", None) or ())
    if conn_list is not None and "delay" in columns and len(conn_list):
        return float(np.min(np.asarray(conn_list)[:, 2 + columns.index("delay")]))
    try:
        delay = synapse_type.parameter_space["delay"]
        return float(delay.base_value) if delay.is_homogeneous else None
    except (AttributeError, KeyError, TypeError, ValueError):
        return None


def _spike_source(sim, trains, label, size=None):
    """zoo.inputs.spike_source on the stand-in: the times are kept only where the objects are."""
    population = sim.Population(inputs.source_count(trains, size), sim.SpikeSourceArray(), label=label)
    if sim._usage.keep:  # otherwise nothing reads the times, and trains still to be drawn are not drawn
        population._entry["spike_times"] = inputs.trains_held(trains, population)
    return population


def build(model, drawn=None, keep=False, holds_cells=True):
    """Usage of `model` built on the stand-in, from a preview of `drawn` (what ``model.draw``
    gave; drawn for master seed 1 when None), so that a real build that follows gets what this pass
    drew without drawing it again. `keep`: hold the populations and connectors themselves too.
    `holds_cells=False`: a pass for one of several processes, whose populations hold none of their
    cells, so that a model drawing only its own cells' connections draws none here. Which cells a
    process holds is known only once the simulator has made them (NEST deals node ids, which count
    every node made before), and the build draws that share itself.
    The build's progress messages are not repeated here. A build the stand-in cannot follow ends
    the pass early; the reason is kept in ``usage.problems``.
    """
    from .seeds import SeedStreams

    streams = SeedStreams(drawn.master_seed if drawn is not None else 1)  # a fresh copy: the run's record stays untouched
    drawn = (drawn if drawn is not None else model.draw(streams)).preview()
    usage = Usage(keep=keep, holds_cells=holds_cells)
    probe = StandIn(usage)
    hooks.provide(probe, {"spike_source": _spike_source, "cell_type": description})  # as a stand-in sees them
    progress = logging.getLogger("zoo")
    level = progress.level
    progress.setLevel(max(level, logging.WARNING))
    try:
        model.build(probe, streams, drawn)
    except ZooError:
        raise  # the model's own one-line error (missing data, bad parameters): the real build would say the same
    except Exception as err:  # the stand-in is not a simulator: say so instead of failing the run
        usage.problems.append(f"the dry pass stopped: {type(err).__name__}: {err}")
    finally:
        progress.setLevel(level)
        hooks.withdraw(probe)
    return usage


