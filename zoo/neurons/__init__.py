"""Neuron types beyond PyNN's standard set, defined once and realised on NEST and Brian2.

Define a type as plain data (:class:`NeuronType`: parameters with units, state variables with
their drift, optional noise and subexpressions, spike condition, reset, refractoriness, receptor
conductances, the integrator: forward Euler or exponential Euler, whether current sources inject
into it), then
in a model's ``build(sim, streams)``::

    from zoo.neurons import cell_type, LIF_COND_EXP_OU
    GrC = cell_type(LIF_COND_EXP_OU, sim)
    cells = sim.Population(4096, GrC(C_m=3.1, g_L=0.2, sigma_n=0.05), label="GrC")

The class behaves like a standard PyNN cell type (Population, Projection with receptor
"excitatory"/"inhibitory", record, initialize). On Brian2 it is built from the equations; on NEST
from NESTML generated from the same definition and compiled once per definition and NEST version
(cached under $ZOO_CACHE_DIR, default ~/.cache/zoo). See zoo/neurons/definition.py for the format
and numerics, zoo/backends/nest/extension.py for how the pip NEST wheel is made to accept the module.
"""

from .. import hooks
from ..errors import ZooError
from .definition import NeuronType, Parameter, StateVariable, Subexpression
from .library import ADEX_COND_EXP, HH_COND_EXP_TRAUB, LIF_COND_EXP_OU


def cell_type(neuron, sim):
    """The PyNN cell-type class realising `neuron` on the PyNN module `sim` (already set up).

    A zoo session provides the realisation (:mod:`zoo.hooks`): NESTML on NEST, Brian2 equations on
    Brian2. Without one (stock PyNN, or a simulator the zoo does not cover) there is none to give.
    """
    if not isinstance(neuron, NeuronType):
        raise ZooError(f"cell_type expects a zoo.neurons.NeuronType, got {type(neuron).__name__}")
    realised = hooks.realisation(sim, "cell_type")
    if realised is None:
        name = getattr(sim, "__name__", repr(sim))
        raise ZooError(f"custom neuron type {neuron.name} needs a zoo session on NEST or Brian2 "
                       f"(zoo.backends.setup), not {name}")
    return realised(neuron)


def description(neuron):
    """A simulator-free PyNN cell-type class of `neuron` (parameters and state only, cannot run)."""
    from pyNN.models import BaseCellType

    return type(neuron.name, (BaseCellType,), {
        "__doc__": neuron.doc,
        "default_parameters": dict(neuron.defaults),
        "default_initial_values": dict(neuron.initial_values),
        "recordable": ["spikes"] + [s.name for s in neuron.state],
        "receptor_types": tuple(r for r, _ in neuron.receptors),
        "conductance_based": bool(neuron.receptors),
        "zoo_definition": neuron,
    })


__all__ = ["NeuronType", "Parameter", "StateVariable", "Subexpression", "ADEX_COND_EXP", "HH_COND_EXP_TRAUB", "LIF_COND_EXP_OU", "cell_type", "description"]
