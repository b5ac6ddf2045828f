"""A NeuronType on Brian2: a PyNN (pyNN.brian2) cell type built from the definition's equations.

The equations become Brian2 equations with the declared units in SI (subexpressions as Brian2
subexpressions), integrated with the definition's method on PyNN's clock: ``"euler"``, Brian2's
method of that name (Euler-Maruyama where a noise term is present), or ``"exponential_euler"``, the
update of Brian2's method of that name written out by :func:`exponential_euler` as NESTML runs it
(all variables from the start-of-step state; tests/test_neurons.py checks both against NumPy
recursions). Refractoriness uses Brian2's ``refractory=<parameter>`` and
``(unless refractory)`` on the frozen variables. Parameters keep the definition's units for the user
(translated to SI here); incoming spikes add the weight (uS, PyNN's unit) to the receptor's
conductance. An injectable type reads PyNN's injected current ``i_inj`` as ``I_stim``.
"""

from pyNN.brian2.cells import BaseNeuronGroup
from pyNN.standardmodels import StandardCellType, build_translations

import brian2

from ...neurons.definition import INJECTED, linear_parts, substitute

_SI_UNIT = {"mV": "volt", "ms": "second", "nS": "siemens", "pF": "farad", "pA": "amp", "1": "1", "1/ms": "hertz"}
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
    for e in neuron.subexpressions:
        lines.append(f"{e.name} = {e.expression} : {_SI_UNIT[e.unit]}")
    for p in neuron.parameters:
        lines.append(f"{p.name} : {_SI_UNIT[p.unit]}")
    if neuron.injectable:
        lines += [f"{INJECTED} = i_inj : amp", "i_inj : amp"]  # PyNN's current sources add to i_inj
    return "\n".join(lines)


def exponential_euler(neuron):
    """Brian2 abstract code of one exponential-Euler step of `neuron`: the statements NESTML runs
    (definition.linear_parts; subexpressions computed once per step as temporaries), where Brian2's
    own ``exponential_euler`` expands every rate function into each coefficient."""
    code, once = [], {}
    for e in neuron.subexpressions:  # Brian2 would recompute a subexpression before every statement that reads it
        code.append(f"_zoo_s_{e.name} = {_read_once(e.expression, once)}")
        once[e.name] = f"_zoo_s_{e.name}"
    for s in neuron.state:
        a, b, linear = linear_parts(neuron, s)
        a, b = _read_once(a, once), _read_once(b, once)
        if not linear:
            code.append(f"_{s.name} = {s.name} + dt * ({_read_once(s.drift, once)})")
            continue
        code += [f"_zoo_a_{s.name} = {a}", f"_zoo_b_{s.name} = {substitute(b, 'zoo_A', f'_zoo_a_{s.name}')}",
                 f"_zoo_ba_{s.name} = _zoo_a_{s.name} / _zoo_b_{s.name}",
                 f"_{s.name} = ({s.name} + _zoo_ba_{s.name}) * exp(_zoo_b_{s.name} * dt) - _zoo_ba_{s.name}"]
    code += [f"{s.name} = _{s.name}" for s in neuron.state]
    return "\n".join(code)


def _read_once(text, once):
    """`text` reading the step's temporaries in place of the subexpressions they hold."""
    for name, temporary in once.items():
        text = substitute(text, name, temporary)
    return text


def _method(neuron):
    if neuron.method == "euler":
        return "euler"
    code = exponential_euler(neuron)
    return lambda equations, variables=None, method_options=None: code


def cell_type(neuron):
    """The PyNN (pyNN.brian2) cell-type class of `neuron`."""
    eqs = brian2.Equations(equations(neuron))
    reset = "\n".join(f"{var} = {expression}" for var, expression in neuron.reset) or None

    class Group(BaseNeuronGroup):
        def __init__(self, n, equations, **parameters):
            BaseNeuronGroup.__init__(self, n, equations, neuron.threshold, reset=reset,
                                     refractory=neuron.refractory, method=_method(neuron), **parameters)

    state_units = {s.name: s.unit for s in neuron.state}
    attributes = {
        "__doc__": neuron.doc,
        "default_parameters": dict(neuron.defaults),
        "default_initial_values": dict(neuron.initial_values),
        "recordable": ["spikes"] + list(state_units),
        "units": {name: ("dimensionless" if unit == "1" else unit) for name, unit in state_units.items()},
        "receptor_types": tuple(r for r, _ in neuron.receptors),
        "conductance_based": bool(neuron.receptors),
        "injectable": neuron.injectable,
        "translations": build_translations(*((p.name, p.name, _SCALE[p.unit]) for p in neuron.parameters)),
        "state_variable_translations": build_translations(*((s.name, s.name, _SCALE[s.unit]) for s in neuron.state)),
        "eqs": eqs,
        "brian2_model": Group,
        "post_synaptic_variables": dict(neuron.receptors),
        "zoo_definition": neuron,
    }
    return type(neuron.name, (StandardCellType,), attributes)
