"""Injected faults: a model built wrong on purpose, to show that the validation can tell.

A fault never edits a model's code. Either it wraps the PyNN module that ``model.build(sim, streams)``
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
`targets` are glob patterns over projection or population labels. A fault that matches nothing
raises ZooError when the model is built: a fault that silently does nothing would make an
undetected fault look like a weak check.
"""

import copy
import dataclasses
import fnmatch

from zoo.errors import ZooError

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


class FaultySim:
    """The PyNN module `sim`, except that Projection and Population apply `fault` to matching labels."""

    def __init__(self, sim, fault):
        self._sim = sim
        self._fault = fault
        self.matched = []

    def __getattr__(self, name):
        return getattr(self._sim, name)

    def Projection(self, presynaptic, postsynaptic, connector, synapse_type=None, *args, **kwargs):
        fault, label = self._fault, kwargs.get("label")
        if fault.kind in ("scale_weight", "drop_projection", "set_delay") and fault.matches(label):
            self.matched.append(label)
            synapse_type = synapse_type if synapse_type is not None else self._sim.StaticSynapse()
            if fault.kind == "scale_weight":
                synapse_type = _with_parameters(synapse_type, weight=lambda w: w * fault.value)
            elif fault.kind == "set_delay":
                synapse_type = _with_parameters(synapse_type, delay=lambda d: d * 0 + fault.value)
            else:  # zero weight: an empty projection is an error on Brian2 ("Synapses ... does not do anything")
                synapse_type = _with_parameters(synapse_type, weight=lambda w: w * 0.0)
        return self._sim.Projection(presynaptic, postsynaptic, connector, synapse_type, *args, **kwargs)

    def Population(self, size, cellclass, *args, **kwargs):
        fault, label = self._fault, kwargs.get("label")
        if fault.kind == "scale_cell_parameter" and fault.matches(label):
            self.matched.append(label)
            cellclass = _with_parameters(cellclass, **{fault.parameter: lambda v: v * fault.value})
        return self._sim.Population(size, cellclass, *args, **kwargs)


def inject(model, fault):
    """A model like `model` but with `fault`: same class behaviour, same name, variant and module."""
    if fault.kind == "scale_parameter":
        old = getattr(model.params, fault.parameter)
        return type(model)(model.params.replace(**{fault.parameter: type(old)(old * fault.value)}), variant=model.variant_name)
    cls = type(model)

    def build(self, sim, streams):
        faulty = FaultySim(sim, fault)
        network = cls.build(self, faulty, streams)
        if not faulty.matched:
            raise ZooError(f"fault '{fault.name}' matched no {'population' if 'cell' in fault.kind else 'projection'} "
                           f"of {self.name} (targets {', '.join(fault.targets)})")
        return network

    faulty_cls = type(cls.__name__, (cls,), {"build": build, "__module__": cls.__module__, "fault": fault})
    return faulty_cls(model.params, variant=model.variant_name)


def default_faults(model, streams):
    """Four faults derived from a model's structure, so every model gets them without edits.

    - ``exc_weight_x1.2``: recurrent excitatory weights of the largest population x 1.2;
    - ``tau_m_x1.2``: membrane time constant of the largest population x 1.2 (cells only: the
      drive and weights the model derived from tau_m stay as they were, as in a backend bug);
    - ``drop_<projection>``: the inhibitory projection onto the largest population with the
      fewest synapses is left out;
    - ``delay_0.5ms``: every synaptic delay 0.5 ms.
    """
    structure = model.structure(streams)
    largest = max(structure.populations, key=lambda p: p.size).name
    excitatory = [p.name for p in structure.projections if p.receptor == "excitatory" and p.pre == p.post == largest]
    inhibitory = [p for p in structure.projections if p.receptor == "inhibitory" and p.post == largest and p.synapses > 0]
    faults = []
    if excitatory:
        faults.append(Fault("exc_weight_x1.2", "scale_weight", tuple(excitatory), value=1.2,
                            description=f"weights of {', '.join(excitatory)} x 1.2"))
    faults.append(Fault("tau_m_x1.2", "scale_cell_parameter", (largest,), "tau_m", 1.2,
                        description=f"tau_m of population {largest} x 1.2 (drive and weights unchanged)"))
    if inhibitory:
        smallest = min(inhibitory, key=lambda p: p.synapses).name
        faults.append(Fault(f"drop_{smallest}", "drop_projection", (smallest,),
                            description=f"projection {smallest} left out"))
    faults.append(Fault("delay_0.5ms", "set_delay", ("*",), value=0.5, description="every synaptic delay 0.5 ms"))
    return faults
