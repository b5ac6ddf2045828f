"""One delay per projection on Brian2 where every synapse of the projection has the same delay.

``pyNN.brian2`` gives every Synapses object a delay per synapse: 8 B per synapse, and Brian2's
spike queue keeps another 4 B int per synapse, although in most published models a projection
has one delay (rostami2020: 88 MB of its 496 MB at full size). Brian2 stores a delay given when
the Synapses object is created as one number.

:func:`install` creates a projection's Synapses with its one delay when the delay is known to be
the same for every synapse: a ``StaticSynapse`` with a single delay value, connected by one of
PyNN's connectors that take delays from the synapse type (not a list or file with a delay
column). PyNN's getters read the delay back per synapse as before; a setter that gives all
synapses one delay sets it, and one that gives them different delays first gives each synapse a
delay of its own (:func:`.synapses.give_each_synapse_its_delay`), as stock PyNN holds them.
"""

import contextlib
import functools

import numpy as np

from ..patching import Patches
from .synapses import give_each_synapse_its_delay, shared_delay, synapses_of, whole

__all__ = ["install", "uninstall", "is_installed"]

_patches = Patches()
_per_synapse = set()  # ids of Synapses objects whose `delay` reads one value per synapse just now


def install():
    """Patch ``pyNN.brian2``'s Projection and Connection and ``brian2.Synapses.delay``."""
    if _patches:
        return
    import brian2
    from pyNN.brian2.projections import Connection, Projection

    _patches.wrap(Projection, "__init__", _creating_one_delay)
    _patches.wrap(Projection, "_convergent_connect", _leaving_out_the_delay)
    _patches.wrap(Projection, "_get_attributes_as_list", _reading_per_synapse(synapses_of))
    _patches.wrap(Projection, "_get_attributes_as_arrays", _reading_per_synapse(synapses_of))
    _patches.wrap(Projection, "_set_attributes", _setting_one_delay)
    _patches.wrap(Connection, "_get", _reading_per_synapse(lambda connection: [connection._syn_obj]))
    _patches.wrap(Connection, "_set", _setting_one_connection_delay)
    _patches.wrap(brian2.Synapses, "delay", _per_synapse_when_read_by_pynn)


def uninstall():
    _patches.undo()


def is_installed():
    return bool(_patches)


# -- creating ------------------------------------------------------------------

def _creating_one_delay(stock_init):
    @functools.wraps(stock_init)
    def __init__(self, presynaptic_population, postsynaptic_population, connector, *args, **kwargs):
        from pyNN.brian2 import projections

        synapse_type = args[0] if args else kwargs.get("synapse_type")
        delay = self._zoo_one_delay = _one_delay(connector, synapse_type, projections.simulator.state.dt)
        if delay is None:
            return stock_init(self, presynaptic_population, postsynaptic_population, connector,
                              *args, **kwargs)
        brian2 = projections.brian2
        projections.brian2 = _Brian2WithDelay(brian2, delay)
        try:
            return stock_init(self, presynaptic_population, postsynaptic_population, connector,
                              *args, **kwargs)
        finally:
            projections.brian2 = brian2
    return __init__


class _Brian2WithDelay:
    """The brian2 module, as ``pyNN.brian2.projections`` sees it while a projection is created:
    its Synapses objects get one delay."""

    def __init__(self, brian2, delay):
        self._brian2, self._delay = brian2, delay

    def __getattr__(self, name):
        return getattr(self._brian2, name)

    def Synapses(self, *args, **kwargs):
        return self._brian2.Synapses(*args, delay=self._delay, **kwargs)


def _one_delay(connector, synapse_type, dt_ms):
    """The delay all synapses of the projection will have, rounded to the time step as PyNN
    rounds delays (a Brian2 quantity); None where it is not certain to be one value."""
    from brian2 import ms
    from pyNN import connectors
    from pyNN.brian2.standardmodels.synapses import StaticSynapse

    from_synapse_type = (connectors.AllToAllConnector, connectors.OneToOneConnector,
                         connectors.FixedProbabilityConnector, connectors.FixedNumberPreConnector,
                         connectors.FixedNumberPostConnector, connectors.FixedTotalNumberConnector,
                         connectors.DistanceDependentProbabilityConnector,
                         connectors.DisplacementDependentProbabilityConnector,
                         connectors.IndexBasedProbabilityConnector, connectors.ArrayConnector,
                         connectors.FromListConnector)
    if type(synapse_type) is not StaticSynapse or not isinstance(connector, from_synapse_type):
        return None
    if "delay" in (getattr(connector, "column_names", None) or ()):
        return None
    if not synapse_type.parameter_space["delay"].is_homogeneous:
        return None
    native = synapse_type.native_parameters
    native.shape = (1,)
    native.evaluate(simplify=True)
    step = dt_ms * ms
    return np.round(native["delay"] / step) * step


def _leaving_out_the_delay(stock_convergent_connect):
    """The connector's delays go nowhere where the Synapses objects have the projection's one
    delay (they are that delay: it came from the same synapse type). Called once per target."""
    @functools.wraps(stock_convergent_connect)
    def _convergent_connect(self, presynaptic_indices, postsynaptic_index, location_selector=None,
                            **connection_parameters):
        if getattr(self, "_zoo_one_delay", None) is not None:
            connection_parameters.pop("delay", None)
        return stock_convergent_connect(self, presynaptic_indices, postsynaptic_index,
                                        location_selector=location_selector, **connection_parameters)
    return _convergent_connect


# -- reading -------------------------------------------------------------------

def _reading_per_synapse(synapses_of):
    """Wrap a PyNN getter so that it reads the delay of every synapse, as it reads other values."""
    def wrap(stock_getter):
        @functools.wraps(stock_getter)
        def getter(self, *args, **kwargs):
            with _delay_per_synapse(synapses_of(self)):
                return stock_getter(self, *args, **kwargs)
        return getter
    return wrap


@contextlib.contextmanager
def _delay_per_synapse(synapses):
    ids = {id(whole(syn_obj)) for syn_obj in synapses if shared_delay(syn_obj) is not None}
    _per_synapse.update(ids)
    try:
        yield
    finally:
        _per_synapse.difference_update(ids)


def _per_synapse_when_read_by_pynn(stock_property):
    def get(self):
        if id(self) in _per_synapse:
            return np.full(len(self), 1.0) * shared_delay(self)
        return stock_property.fget(self)
    return property(get, stock_property.fset, stock_property.fdel, stock_property.__doc__)


# -- writing -------------------------------------------------------------------

def _setting_one_delay(stock_set_attributes):
    @functools.wraps(stock_set_attributes)
    def _set_attributes(self, connection_parameters):
        shared = [syn_obj for syn_obj in synapses_of(self) if shared_delay(syn_obj) is not None]
        if not shared or "delay" not in connection_parameters.keys():
            return stock_set_attributes(self, connection_parameters)
        delay = connection_parameters["delay"]
        if not delay.is_homogeneous:  # different delays: each synapse gets its own, as in stock PyNN
            for syn_obj in shared:
                give_each_synapse_its_delay(syn_obj, self._simulator.state.network)
            return stock_set_attributes(self, connection_parameters)
        from pyNN.parameters import ParameterSpace

        value = delay.evaluate(simplify=True)
        for syn_obj in shared:
            syn_obj.delay = value
        rest = {name: value for name, value in connection_parameters.items() if name != "delay"}
        if rest:
            stock_set_attributes(self, ParameterSpace(rest, shape=connection_parameters.shape))
        return None
    return _set_attributes


def _setting_one_connection_delay(stock_set):
    @functools.wraps(stock_set)
    def _set(self, attr_name, value):
        if attr_name == "delay" and shared_delay(self._syn_obj) is not None:
            give_each_synapse_its_delay(self._syn_obj, self.projection._simulator.state.network)
        return stock_set(self, attr_name, value)
    return _set
