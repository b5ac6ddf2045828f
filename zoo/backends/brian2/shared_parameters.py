"""Cell parameters that are equal across a population become one shared value in Brian2.

PyNN's Brian2 backend declares every cell parameter (``tau_m``, ``c_m``, ``v_rest``, ...) as a
per-neuron variable. Brian2 then evaluates everything that depends on them inside the loop over
neurons: for an ``IF_curr_exp`` population the exact integrator computes about a dozen ``exp()``
per neuron per step. A parameter declared ``(shared, constant)`` is a single value, and Brian2
hoists those terms out of the loop; measured on rostami2020 this cut the state update from 3.85
to about 0.3 s per biological second.

:func:`install` patches ``pyNN.brian2.cells.BaseNeuronGroup`` so that a parameter whose value is
the same for every cell when the population is created is declared shared. Heterogeneous
parameters stay per neuron, and so do ``i_inj`` (written per cell by current sources) and any
parameter the reset code assigns. Setting a shared parameter later to values that differ across
cells turns it back into a per-neuron parameter, as long as the simulation has not started (the
code Brian2 generates at the first run fixes the choice); after that, a one-line ZooError says so.
Uniform values can be set at any time, and reading a shared parameter gives one value per cell,
as stock PyNN does.
"""

import copy
import functools
import re

import numpy as np

from ...errors import ZooError
from ..patching import Patches

__all__ = ["install", "uninstall", "is_installed", "shared_parameters"]

_patches = Patches()
_PER_NEURON_ALWAYS = {"i_inj"}
_NOT_GIVEN = object()  # an argument the caller left out (stock defaults apply)


def install():
    """Patch PyNN's Brian2 neuron groups and parameter setters (idempotent; imports Brian2)."""
    if _patches:
        return
    cells, populations = _pynn_modules()

    _patches.wrap(cells.BaseNeuronGroup, "__init__", _sharing_init)
    for owner in (populations.Population, populations.PopulationView):
        _patches.wrap(owner, "_set_parameters", _checked_set)
        _patches.wrap(owner, "_get_native_parameters", _per_cell_get)


def uninstall():
    _patches.undo()


def _pynn_modules():
    # importlib, not attribute access: pyNN.brian2 rebinds the name `cells` to its standard models
    import importlib

    return importlib.import_module("pyNN.brian2.cells"), importlib.import_module("pyNN.brian2.populations")


def is_installed():
    return bool(_patches)


def shared_parameters(group):
    """Names of the parameters of a Brian2 group that are held as one shared value."""
    from brian2.equations.equations import PARAMETER

    return sorted(eq.varname for eq in group.equations.values() if eq.type == PARAMETER and "shared" in eq.flags)


def _is_shared(group, name):
    """True if `name` is a parameter that the equations of the Brian2 `group` declare shared (one
    value); other scalars (a spike source's constants) are left to PyNN as stock."""
    from brian2.equations.equations import PARAMETER

    equations = getattr(group, "equations", None)
    if equations is None or name not in equations.names:
        return False
    equation = equations[name]
    return equation.type == PARAMETER and "shared" in equation.flags


def _uniform(value):
    array = np.asarray(value)
    return array.ndim == 0 or array.size == 0 or bool(np.all(array == array.flat[0]))


def _first(value):
    return value if np.ndim(value) == 0 else value[0]


def _sharing_init(stock_init):
    @functools.wraps(stock_init)
    def __init__(self, n, equations, threshold, reset=_NOT_GIVEN, refractory=_NOT_GIVEN, method=None, **parameters):
        import brian2
        from brian2.equations.equations import PARAMETER, SingleEquation

        kwargs = {"method": method}
        if reset is not _NOT_GIVEN:  # None included: "no reset" (e.g. HH_cond_exp), not the default reset
            kwargs["reset"] = reset
        if refractory is not _NOT_GIVEN:
            kwargs["refractory"] = refractory
        equations = brian2.Equations(str(equations)) if isinstance(equations, str) else equations
        assigned = set(re.findall(r"(\w+)\s*[+\-*/]?=", reset)) if isinstance(reset, str) else set()
        shared = {name for name, value in parameters.items()
                  if name in equations and equations[name].type == PARAMETER and _uniform(value)
                  and name not in _PER_NEURON_ALWAYS | assigned}
        if shared:
            equations = brian2.Equations([
                SingleEquation(eq.type, eq.varname, eq.dim, var_type=eq.var_type, expr=eq.expr,
                               flags=sorted(set(eq.flags) | {"shared", "constant"}))
                if eq.varname in shared else eq
                for eq in equations.values()])
            parameters = {name: _first(value) if name in shared else value for name, value in parameters.items()}
        stock_init(self, n, equations, threshold, **kwargs, **parameters)
    return __init__


def _per_cell_get(stock_get):
    """Read shared parameters as one value per cell, as stock PyNN returns per-neuron ones."""
    @functools.wraps(stock_get)
    def _get_native_parameters(self, *names):
        from brian2 import Quantity

        group = self.brian2_group
        shared = [name for name in names if _is_shared(group, name)]
        parameter_space = stock_get(self, *(name for name in names if name not in shared))
        for name in shared:
            variable = group.variables[name]  # read raw: some groups show it as a property of their own
            parameter_space.update(**{name: Quantity(np.full(self.size, variable.get_value()[0]), dim=variable.dim)})
        return parameter_space
    return _get_native_parameters


def _checked_set(stock_set):
    @functools.wraps(stock_set)
    def _set_parameters(self, parameter_space):
        group = self.brian2_group
        evaluated = copy.deepcopy(parameter_space)  # the stock setter evaluates the original itself
        evaluated.evaluate(simplify=False)
        scalars = []
        for name, value in evaluated.items():
            if not _is_shared(group, name):
                continue
            same = _uniform(value) and (self.size == len(group) or np.all(np.asarray(_first(value)) == np.asarray(getattr(group, name))))
            if same:
                scalars.append(name)
            elif _has_run():
                raise ZooError(
                    f"population '{self.label}': {name} was the same for every cell until the simulation started, "
                    f"so Brian2 holds one shared value; set per-cell values before the first run")
            else:
                _unshare(group, name)  # per cell from now on, as stock PyNN keeps it
        for name in scalars:
            parameter_space.pop(name)
            setattr(group, name, _first(evaluated[name]))
        return stock_set(self, parameter_space)
    return _set_parameters


def _has_run():
    from pyNN.brian2 import simulator

    return bool(simulator.state.running)


def _unshare(group, name):
    """Turn the shared parameter `name` of `group` back into a per-neuron one (before any run)."""
    import brian2
    from brian2.equations.equations import SingleEquation

    variable = group.variables[name]
    value = variable.get_value()[0]
    del group.variables._variables[name]
    group.variables.indices.pop(name, None)
    group.variables.add_array(name, dimensions=variable.dim, size=len(group), dtype=variable.dtype,
                              constant=True, scalar=False)
    group.variables[name].set_value(np.full(len(group), value))
    group.equations = brian2.Equations([
        SingleEquation(eq.type, eq.varname, eq.dim, var_type=eq.var_type, expr=eq.expr,
                       flags=[flag for flag in eq.flags if flag != "shared"]) if eq.varname == name else eq
        for eq in group.equations.values()])
