"""Injected faults: a model built wrong on purpose, to show that the validation can tell.

A fault never edits a model's code. Either it wraps the PyNN module that ``model.build(sim, ...)``
receives (:class:`FaultySim`), intercepting ``sim.Projection(..., label=NAME)`` and
``sim.Population(..., label=NAME)`` to change what a simulator would be handed, or it changes a
model parameter through ``params.replace``. Kinds:

====================  ====================================================  ======
kind                  effect                                                value
====================  ====================================================  ======
scale_weight          weights of the matching projections x value           factor
drop_projection       the matching projections carry zero weight            -
set_delay             delays of the matching projections set to value       ms
scale_cell_parameter  cell `parameter` of the matching populations x value  factor
scale_parameter       model `parameter` x value, through params.replace     factor
====================  ====================================================  ======

A dropped projection keeps its connections at zero weight, which acts as if it were left out:
an empty projection is an error on Brian2 ("Synapses object ... does not do anything").
`targets` are glob patterns over projection or population labels, or over pathways ``A_to_B``
between labelled populations (see :class:`FaultySim`). A weight or delay given in a connection
list's column is changed there; a wrong delay widens the simulator's delay range to fit it. A
fault that matches nothing raises ZooError when the model is built: a fault that silently does
nothing would make an undetected fault look like a weak check.
"""

import copy
import dataclasses
import fnmatch

import numpy as np

from zoo.errors import ZooError
from zoo.seeds import SeedStreams

KINDS = ("scale_weight", "drop_projection", "set_delay", "scale_cell_parameter", "scale_parameter")


@dataclasses.dataclass(frozen=True)
class Fault:
    name: str
    kind: str
    targets: tuple = ("*",)
    parameter: str = ""
    value: float = 1.0
    description: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ZooError(f"unknown fault kind '{self.kind}'; known: {', '.join(KINDS)}")
        if self.kind in ("scale_cell_parameter", "scale_parameter") and not self.parameter:
            raise ZooError(f"fault {self.name}: kind {self.kind} needs a parameter")

    def as_dict(self):
        return {**dataclasses.asdict(self), "targets": list(self.targets)}

    @classmethod
    def from_dict(cls, data):
        return cls(**{**data, "targets": tuple(data.get("targets", ("*",)))})

    def matches(self, label):
        return label is not None and any(fnmatch.fnmatchcase(label, pattern) for pattern in self.targets)


def _with_parameters(model_type, **changes):
    """A copy of a PyNN cell or synapse type with parameters replaced (functions of the old value)."""
    changed = copy.deepcopy(model_type)
    space = changed.parameter_space
    space.update(**{name: change(space[name]) for name, change in changes.items()})
    return changed


CONNECTION_KINDS = {"scale_weight": "weight", "drop_projection": "weight", "set_delay": "delay"}


class FaultySim:
    """The PyNN module `sim`, except that Projection, Population and PopulationView apply `fault`.

    Populations are matched by label, labelled PopulationViews included (schmidt2018's 254
    populations are views of one). A projection is matched by its label, or else pathway by pathway:
    its connections from population (or view) A to B count as ``A_to_B``, so a fault can change part
    of a projection that merges several pathways, if its connector is a FromListConnector. Where a
    FromListConnector gives the weight or delay in a column, the column is changed too.
    """

    def __init__(self, sim, fault):
        self._sim = sim
        self.__wrapped__ = sim  # the zoo's building blocks realise themselves as on `sim` (zoo.hooks)
        self._fault = fault
        self.matched = []
        self._views = {}  # id(grandparent population) -> [(view label, its cells' indices there)]

    def __getattr__(self, name):
        return getattr(self._sim, name)

    def Projection(self, presynaptic, postsynaptic, connector, synapse_type=None, *args, **kwargs):
        fault, label = self._fault, kwargs.get("label")
        if fault.kind in CONNECTION_KINDS:
            synapse_type = synapse_type if synapse_type is not None else self._sim.StaticSynapse()
            rows = True if fault.matches(label) else self._matching_rows(presynaptic, postsynaptic, connector, label)
            if rows is True:
                self.matched.append(label)
                synapse_type, connector = self._changed(synapse_type, connector)
            elif rows is not None:
                self.matched.append(f"{label} ({int(rows.sum())} connections)")
                synapse_type, connector = self._changed(synapse_type, connector, rows)
        return self._sim.Projection(presynaptic, postsynaptic, connector, synapse_type, *args, **kwargs)

    def Population(self, size, cellclass, *args, **kwargs):
        fault, label = self._fault, kwargs.get("label")
        if fault.kind == "scale_cell_parameter" and fault.matches(label):
            self.matched.append(label)
            cellclass = _with_parameters(cellclass, **{fault.parameter: lambda v: v * fault.value})
        return self._sim.Population(size, cellclass, *args, **kwargs)

    def PopulationView(self, parent, selector, label=None):
        view = self._sim.PopulationView(parent, selector, label=label)
        if label is not None:
            cells = view.index_in_grandparent(np.arange(view.size))
            self._views.setdefault(id(view.grandparent), []).append((label, cells))
            fault = self._fault
            if fault.kind == "scale_cell_parameter" and fault.matches(label):
                self.matched.append(label)
                view.set(**{fault.parameter: np.asarray(view.get(fault.parameter)) * fault.value})
        return view

    def _change(self, values):
        fault = self._fault
        if fault.kind == "scale_weight":
            return values * fault.value
        if fault.kind == "drop_projection":
            return values * 0.0
        return values * 0 + fault.value

    def _changed(self, synapse_type, connector, rows=None):
        """(synapse type, connector) with the fault applied to every connection, or to `rows` of a
        FromListConnector's list."""
        name = CONNECTION_KINDS[self._fault.kind]
        if rows is None:
            synapse_type = _with_parameters(synapse_type, **{name: self._change})
        if isinstance(connector, self._sim.FromListConnector) and (rows is not None or name in connector.column_names):
            conn_list, columns = np.array(connector.conn_list, dtype=float), list(connector.column_names)
            if name not in columns:  # the synapse type's value, as a column to change part of
                value = synapse_type.parameter_space[name]
                if not value.is_homogeneous:
                    raise ZooError(f"fault '{self._fault.name}': the {name}s of part of a projection can only be "
                                   f"changed where they are one value or a column of the list")
                conn_list = np.column_stack((conn_list, np.full(len(conn_list), value.evaluate(simplify=True))))
                columns.append(name)
            selected = slice(None) if rows is None else rows
            column = 2 + columns.index(name)
            conn_list[selected, column] = self._change(conn_list[selected, column])
            connector = self._sim.FromListConnector(conn_list, column_names=columns)
        return synapse_type, connector

    def _matching_rows(self, presynaptic, postsynaptic, connector, label):
        """Where the projection runs along matching pathways ``A_to_B``: None (nowhere), True (all of
        it), or a boolean per row of its FromListConnector."""
        pre_names, pre_codes = self._populations_of(presynaptic)
        post_names, post_codes = self._populations_of(postsynaptic)
        # one more row and column, all False, for cells of no labelled population (code -1)
        matching = np.zeros((len(pre_names) + 1, len(post_names) + 1), dtype=bool)
        for a, pre in enumerate(pre_names):
            for b, post in enumerate(post_names):
                matching[a, b] = self._fault.matches(f"{pre}_to_{post}")
        if not matching.any():
            return None
        if matching[np.ix_(np.unique(pre_codes), np.unique(post_codes))].all():
            return True
        if not isinstance(connector, self._sim.FromListConnector):
            raise ZooError(f"fault '{self._fault.name}' matches part of projection {label}, whose connector "
                           f"({type(connector).__name__}) cannot be changed in part; only a FromListConnector's can")
        conn_list = np.asarray(connector.conn_list)
        rows = matching[pre_codes[conn_list[:, 0].astype(np.intp)], post_codes[conn_list[:, 1].astype(np.intp)]]
        return rows if rows.any() else None

    def _populations_of(self, population):
        """(labels, for each cell of `population` the index of its label or -1): the labelled views
        of its grandparent if it has any, else its own label."""
        grandparent = getattr(population, "grandparent", population)
        views = self._views.get(id(grandparent))
        if not views:
            labels = [population.label] if population.label else []
            return labels, np.full(population.size, 0 if labels else -1, dtype=np.intp)
        codes = np.full(grandparent.size, -1, dtype=np.intp)
        for code, (_, cells) in enumerate(views):
            codes[cells] = code
        if population is not grandparent:
            codes = codes[population.index_in_grandparent(np.arange(population.size))]
        return [name for name, _ in views], codes


def inject(model, fault):
    """A model like `model` but with `fault`: same class behaviour, same name, variant and module."""
    if fault.kind == "scale_parameter":
        old = getattr(model.params, fault.parameter)
        return type(model)(model.params.replace(**{fault.parameter: type(old)(old * fault.value)}), variant=model.variant_name)
    cls = type(model)

    def build(self, sim, streams, drawn=None):
        faulty = FaultySim(sim, fault)
        network = cls.build(self, faulty, streams, drawn)
        if not faulty.matched:
            raise ZooError(f"fault '{fault.name}' matched no {'population' if 'cell' in fault.kind else 'projection'} "
                           f"of {self.name} (targets {', '.join(fault.targets)})")
        return network

    def own_simulation_settings(self):
        settings = cls.own_simulation_settings(self)
        if fault.kind == "set_delay":  # the simulator must accept the wrong delay
            settings = {**settings, "min_delay": min(settings.get("min_delay", fault.value), fault.value),
                        "max_delay": max(settings.get("max_delay", fault.value), fault.value)}
        return settings

    faulty_cls = type(cls.__name__, (cls,), {"build": build, "own_simulation_settings": own_simulation_settings,
                                             "__module__": cls.__module__, "fault": fault})
    return faulty_cls(model.params, variant=model.variant_name)


def default_faults(model, streams):
    """Four faults derived from a model's structure, so every model gets them without edits.

    - ``exc_weight_x1.2``: recurrent excitatory weights of the largest population x 1.2;
    - ``tau_m_x1.2``: membrane time constant of the largest population x 1.2 (cells only: the
      drive and weights the model derived from tau_m stay as they were, as in a backend bug);
      for a cell type without tau_m its capacitance x 1.2 instead (``C_m_x1.2`` or ``cm_x1.2``);
    - ``drop_<projection>``: the inhibitory projection onto the largest population with the
      fewest synapses is left out;
    - ``delay_0.5ms``: every synaptic delay 0.5 ms.
    """
    structure = model.structure(model.draw(streams))
    largest = max(structure.populations, key=lambda p: p.size).name
    excitatory = [p.name for p in structure.projections if p.receptor == "excitatory" and p.pre == p.post == largest]
    inhibitory = [p for p in structure.projections if p.receptor == "inhibitory" and p.post == largest and p.synapses > 0]
    faults = []
    if excitatory:
        faults.append(Fault("exc_weight_x1.2", "scale_weight", tuple(excitatory), value=1.2,
                            description=f"weights of {', '.join(excitatory)} x 1.2"))
    cell_type = next(p.cell_type for p in structure.populations if p.name == largest)
    parameter = _time_constant_parameter(cell_type)
    if parameter:
        effect = "" if parameter == "tau_m" else "membrane time constant x 1.2, "
        faults.append(Fault(f"{parameter}_x1.2", "scale_cell_parameter", (largest,), parameter, 1.2,
                            description=f"{parameter} of population {largest} x 1.2 ({effect}drive and weights unchanged)"))
    if inhibitory:
        smallest = min(inhibitory, key=lambda p: p.synapses).name
        faults.append(Fault(f"drop_{smallest}", "drop_projection", (smallest,),
                            description=f"projection {smallest} left out"))
    faults.append(Fault("delay_0.5ms", "set_delay", ("*",), value=0.5, description="every synaptic delay 0.5 ms"))
    return faults


def _time_constant_parameter(cell_type):
    """The parameter of cell type `cell_type` (a PyNN standard or zoo.neurons type name) that scales the
    membrane time constant alone: tau_m, else the capacitance (tau_m = C_m / g_L); None if neither."""
    from pyNN.standardmodels import cells

    from zoo.neurons import NeuronType, library

    standard = getattr(cells, cell_type, None)
    if isinstance(standard, type):
        names = set(standard.default_parameters)
    else:
        names = {p.name for neuron in vars(library).values() if isinstance(neuron, NeuronType)
                 and neuron.name == cell_type for p in neuron.parameters}
    return next((name for name in ("tau_m", "C_m", "cm") if name in names), None)


def select_faults(model, names=None):
    """The default faults of `model`, or those of them named in `names`."""
    found = default_faults(model, SeedStreams(1))
    if names:
        unknown = set(names) - {f.name for f in found}
        if unknown:
            raise ZooError(f"unknown fault(s) {', '.join(sorted(unknown))}; known: {', '.join(f.name for f in found)}")
        found = [f for f in found if f.name in names]
    return found
