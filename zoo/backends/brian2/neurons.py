"""A NeuronType on Brian2: a PyNN (pyNN.brian2) cell type built from the definition's equations.

The equations become Brian2 equations with the declared units in SI, integrated with
``method="euler"`` (Euler-Maruyama where a noise term is present) on PyNN's clock; refractoriness
uses Brian2's ``refractory=<parameter>`` and ``(unless refractory)`` on the frozen variables.
Parameters keep the definition's units for the user (translated to SI here); incoming spikes add
the weight (uS, PyNN's unit) to the receptor's conductance.
"""

from pyNN.brian2.cells import BaseNeuronGroup
from pyNN.standardmodels import StandardCellType, build_translations

import brian2

_SI_UNIT = {"mV": "volt", "ms": "second", "nS": "siemens", "pF": "farad", "pA": "amp", "1": "1"}
_SCALE = {"mV": brian2.mV, "ms": brian2.ms, "nS": brian2.nS, "pF": brian2.pF, "pA": brian2.pA, "1": 1.0}


def equations(neuron):
    """Brian2 equation text of `neuron`: one line per state variable and parameter."""
    noise = neuron.noise_terms
    lines = []
    for s in neuron.state:
        rhs = s.drift
        if s.name in noise:
            amplitude, tau = noise[s.name]
            rhs = f"{rhs} + {amplitude} * sqrt(1 / {tau}) * xi_{s.name}"
        flag = " (unless refractory)" if s.name in neuron.frozen else ""
        unit = _SI_UNIT[s.unit]
        lines.append(f"d{s.name}/dt = {rhs} : {unit}{flag}")
    for p in neuron.parameters:
        lines.append(f"{p.name} : {_SI_UNIT[p.unit]}")
    return "\n".join(lines)


def cell_type(neuron):
    """The PyNN (pyNN.brian2) cell-type class of `neuron`."""
    eqs = brian2.Equations(equations(neuron))
    reset = "\n".join(f"{var} = {expression}" for var, expression in neuron.reset)

    class Group(BaseNeuronGroup):
        def __init__(self, n, equations, **parameters):
            BaseNeuronGroup.__init__(self, n, equations, neuron.threshold, reset=reset,
                                     refractory=neuron.refractory, method="euler", **parameters)

    state_units = {s.name: s.unit for s in neuron.state}
    attributes = {
        "__doc__": neuron.doc,
        "default_parameters": dict(neuron.defaults),
        "default_initial_values": dict(neuron.initial_values),
        "recordable": ["spikes"] + list(state_units),
        "units": {name: ("dimensionless" if unit == "1" else unit) for name, unit in state_units.items()},
        "receptor_types": tuple(r for r, _ in neuron.receptors),
        "conductance_based": bool(neuron.receptors),
        "injectable": False,
        "translations": build_translations(*((p.name, p.name, _SCALE[p.unit]) for p in neuron.parameters)),
        "state_variable_translations": build_translations(*((s.name, s.name, _SCALE[s.unit]) for s in neuron.state)),
        "eqs": eqs,
        "brian2_model": Group,
        "post_synaptic_variables": dict(neuron.receptors),
        "zoo_definition": neuron,
    }
    return type(neuron.name, (StandardCellType,), attributes)
