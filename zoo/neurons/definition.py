"""A neuron type defined once, as plain data, for realisation on every backend.

A :class:`NeuronType` names its parameters and state variables with units, gives each state
variable's drift (and optionally an Ornstein-Uhlenbeck-style noise term), the spike condition,
the reset, the refractory period and which variables stop during it, and the conductances that
incoming excitatory and inhibitory spikes increment. Expressions use a subset shared by Brian2
and NESTML: names of parameters and state variables, numbers, + - * / **, parentheses, exp() and
sqrt(); comparisons in the spike condition.

Units: every quantity is declared in one of ``mV, ms, nS, pF, pA`` or ``1`` (dimensionless). They
form a consistent system (nS * mV = pA, pA / pF = mV / ms), so expressions need no conversion
factors. Users pass parameter values in these declared units on both backends; synaptic weights
stay in PyNN's units (uS for conductances), as for the standard cell types.

Numerics, identical on both backends: explicit Euler-Maruyama with the simulation time step dt,
all drifts evaluated on the state at the start of the step,

    x <- x + dt * drift(x) + amplitude * sqrt(dt / tau) * N(0, 1)

for a variable with ``noise = {x: (amplitude, tau)}``, i.e. dx/dt = drift + amplitude / sqrt(tau) * xi(t)
with white noise xi. Refractoriness lasts round(t_ref / dt) steps counted from the spike step:
frozen variables keep their reset values in the steps after the spike and evolve again from
step round(t_ref / dt) after it (Brian2's ``(unless refractory)`` semantics).
"""

import dataclasses
import hashlib
import json
import re

from ..errors import ZooError

UNITS = ("mV", "ms", "nS", "pF", "pA", "1")
RECEPTORS = ("excitatory", "inhibitory")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_ALLOWED_FUNCTIONS = {"exp", "sqrt"}
# Names that one of the backends reserves (Brian2: t, dt, xi, i, N, lastspike, not_refractory;
# NESTML: e, t, inf; PyNN.nest ignores y_0, y_1, tau_minus, ...).
_RESERVED = {"t", "dt", "xi", "i", "N", "e", "inf", "lastspike", "not_refractory", "y_0", "y_1", "tau_minus",
             "refr_steps", "refr_count", "weight", "spikes", "exc_spikes", "inh_spikes"}


@dataclasses.dataclass(frozen=True)
class Parameter:
    """A parameter: name, default value, unit (one of UNITS) and meaning."""

    name: str
    default: float
    unit: str
    doc: str = ""


@dataclasses.dataclass(frozen=True)
class StateVariable:
    """A state variable: name, initial value, unit, drift expression (d name / dt) and meaning."""

    name: str
    initial: float
    unit: str
    drift: str
    doc: str = ""


@dataclasses.dataclass(frozen=True)
class NeuronType:
    """A point-neuron type defined once; see the module docstring for the semantics.

    name: model name on the simulators (letters, digits, underscores)
    parameters, state: tuples of Parameter and StateVariable
    threshold: spike condition, e.g. "V_m > V_th"
    reset: ((variable, expression), ...) applied at a spike, in order
    refractory: name of the parameter holding the refractory period (ms)
    frozen: state variables that do not evolve while refractory
    receptors: {"excitatory": conductance variable, "inhibitory": conductance variable}; a spike of
        weight w (PyNN uS) adds |w| to the variable, as PyNN's IF_cond_exp does
    noise: {variable: (amplitude parameter, time-scale parameter)}; see the module docstring
    """

    name: str
    doc: str
    parameters: tuple
    state: tuple
    threshold: str
    reset: tuple
    refractory: str
    frozen: tuple = ()
    receptors: tuple = ()
    noise: tuple = ()

    def __post_init__(self):
        names = [p.name for p in self.parameters] + [s.name for s in self.state]
        _check(_NAME.match(self.name) is not None, f"neuron type name '{self.name}' must be an identifier")
        _check(len(set(names)) == len(names), f"{self.name}: parameter and state names must be unique")
        for name in names:
            usable = _NAME.match(name) is not None and name not in _RESERVED and not name.startswith(("zoo_", "d__"))
            _check(usable, f"{self.name}: '{name}' is not a usable name")
        for item in self.parameters + self.state:
            _check(item.unit in UNITS, f"{self.name}: unit '{item.unit}' of {item.name} is not one of {', '.join(UNITS)}")
        known = set(names)
        for text in [s.drift for s in self.state] + [self.threshold] + [e for _, e in self.reset]:
            _check_expression(self.name, text, known)
        state_names = {s.name for s in self.state}
        parameter_units = {p.name: p.unit for p in self.parameters}
        _check(parameter_units.get(self.refractory) == "ms", f"{self.name}: refractory must name a parameter in ms")
        for var, _ in self.reset:
            _check(var in state_names, f"{self.name}: reset assigns '{var}', which is not a state variable")
        for var in self.frozen:
            _check(var in state_names, f"{self.name}: frozen variable '{var}' is not a state variable")
        for receptor, var in self.receptors:
            _check(receptor in RECEPTORS, f"{self.name}: receptor '{receptor}' must be one of {', '.join(RECEPTORS)}")
            _check(var in state_names and self.unit(var) == "nS", f"{self.name}: receptor variable '{var}' must be a state in nS")
        for var, (amplitude, tau) in self.noise:
            _check(var in state_names, f"{self.name}: noisy variable '{var}' is not a state variable")
            _check(parameter_units.get(amplitude) == self.unit(var), f"{self.name}: noise amplitude of {var} must be a parameter in {self.unit(var)}")
            _check(parameter_units.get(tau) == "ms", f"{self.name}: noise time scale of {var} must be a parameter in ms")

    # --- lookups ---------------------------------------------------------------------------------
    def unit(self, name):
        for item in self.parameters + self.state:
            if item.name == name:
                return item.unit
        raise KeyError(name)

    @property
    def defaults(self):
        return {p.name: p.default for p in self.parameters}

    @property
    def initial_values(self):
        return {s.name: s.initial for s in self.state}

    @property
    def receptor_variables(self):
        return dict(self.receptors)

    @property
    def noise_terms(self):
        return dict(self.noise)

    def digest(self):
        """SHA-256 of the definition: the cache key of compiled code (with the simulator version)."""
        text = json.dumps(dataclasses.asdict(self), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    def replace(self, **changes):
        return dataclasses.replace(self, **changes)


def _check(condition, message):
    if not condition:
        raise ZooError(message)


_TOKEN = re.compile(r"\s*(?:(\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(\*\*|[-+*/(),<>=!]=?|and|or))")


def _check_expression(model, text, known):
    """Reject anything outside the shared expression subset (one-line ZooError)."""
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ZooError(f"{model}: cannot read expression '{text}' at '{text[position:]}'")
        name = match.group(2)
        if name is not None and name not in known and name not in _ALLOWED_FUNCTIONS | {"and", "or"}:
            raise ZooError(f"{model}: expression '{text}' uses unknown name '{name}'")
        position = match.end()
