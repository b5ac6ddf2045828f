"""A neuron type defined once, as plain data, for realisation on every backend.

A :class:`NeuronType` names its parameters and state variables with units, gives each state
variable's drift (and optionally an Ornstein-Uhlenbeck-style noise term), named subexpressions
the drifts may use, the spike condition, the reset, the refractory period and which variables
stop during it, the conductances that incoming excitatory and inhibitory spikes increment, and
whether PyNN current sources can inject into it (then the drifts read the injected current as
``I_stim``, in pA). Expressions use a subset shared by Brian2 and NESTML: names of parameters,
state variables and subexpressions, the unit names below (a number times a unit is a constant
with that unit, e.g. ``13 * mV``), numbers, + - * / **, parentheses, exp() and sqrt();
comparisons in the spike condition.

Units: every quantity is declared in one of ``mV, ms, nS, pF, pA`` or ``1`` (dimensionless), and
subexpressions may also be rates (``1/ms``). They form a consistent system (nS * mV = pA,
pA / pF = mV / ms), so expressions need no conversion factors. Users pass parameter values in these
declared units on both backends; synaptic weights stay in PyNN's units (uS for conductances), as
for the standard cell types.

Numerics, identical on both backends, with the simulation time step dt; every variable is updated
from the state at the start of the step (subexpressions evaluated on it too):

- ``method="euler"`` (default): explicit Euler-Maruyama,

      x <- x + dt * drift(x) + amplitude * sqrt(dt / tau) * N(0, 1)

  for a variable with ``noise = {x: (amplitude, tau)}``, i.e. dx/dt = drift + amplitude / sqrt(tau) * xi(t)
  with white noise xi;
- ``method="exponential_euler"``: each drift must be linear in its own variable,
  drift = A + B x with A and B depending on the other variables only (checked numerically here;
  subexpressions in it must not depend on x); then x <- -A/B + (x + A/B) exp(B dt), exact for a
  linear equation with frozen coefficients and stable for stiff gates (Hodgkin-Huxley at
  dt = 0.1 ms, where Euler diverges). A variable whose drift does not contain it takes an Euler
  step (B = 0). The update of Brian2's ``exponential_euler``; no noise, no frozen variables.

Refractoriness lasts round(t_ref / dt) steps counted from the spike step:
frozen variables keep their reset values in the steps after the spike and evolve again from
step round(t_ref / dt) after it (Brian2's ``(unless refractory)`` semantics).
"""

import dataclasses
import hashlib
import json
import math
import re

from ..errors import ZooError

UNITS = ("mV", "ms", "nS", "pF", "pA", "1")
UNIT_NAMES = ("mV", "ms", "nS", "pF", "pA")  # usable as constants in expressions
RATE = "1/ms"  # a further unit for subexpressions
METHODS = ("euler", "exponential_euler")
INJECTED = "I_stim"  # the injected current (pA) in the drifts of an injectable type
RECEPTORS = ("excitatory", "inhibitory")
_LATER_FIELDS = {"subexpressions": (), "method": "euler", "injectable": False}  # added after the first definitions
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_ALLOWED_FUNCTIONS = {"exp", "sqrt"}
# Names that one of the backends reserves (Brian2: t, dt, xi, i, N, lastspike, not_refractory;
# NESTML: e, t, inf; PyNN.nest ignores y_0, y_1, tau_minus, ...).
_RESERVED = {"t", "dt", "xi", "i", "N", "e", "inf", "lastspike", "not_refractory", "y_0", "y_1", "tau_minus",
             "refr_steps", "refr_count", "weight", "spikes", "exc_spikes", "inh_spikes", "i_inj", INJECTED,
             *UNIT_NAMES}


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
class Subexpression:
    """A named expression the drifts may use (evaluated on the state at the start of a step)."""

    name: str
    unit: str
    expression: str
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
    subexpressions: tuple of Subexpression, in the order they may use each other
    method: "euler" or "exponential_euler" (module docstring)
    injectable: PyNN current sources inject into the cell; the drifts read the current as I_stim (pA)
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
    subexpressions: tuple = ()
    method: str = "euler"
    injectable: bool = False

    def __post_init__(self):
        names = [p.name for p in self.parameters] + [s.name for s in self.state] + [e.name for e in self.subexpressions]
        _check(_NAME.match(self.name) is not None, f"neuron type name '{self.name}' must be an identifier")
        _check(len(set(names)) == len(names), f"{self.name}: parameter and state names must be unique")
        for name in names:
            usable = _NAME.match(name) is not None and name not in _RESERVED and not name.startswith(("zoo_", "d__"))
            _check(usable, f"{self.name}: '{name}' is not a usable name")
        for item in self.parameters + self.state:
            _check(item.unit in UNITS, f"{self.name}: unit '{item.unit}' of {item.name} is not one of {', '.join(UNITS)}")
        for item in self.subexpressions:
            _check(item.unit in UNITS + (RATE,), f"{self.name}: unit '{item.unit}' of {item.name} is not one of {', '.join(UNITS + (RATE,))}")
        known = {p.name for p in self.parameters} | {s.name for s in self.state} | ({INJECTED} if self.injectable else set())
        for item in self.subexpressions:
            _check_expression(self.name, item.expression, known)
            known.add(item.name)  # later subexpressions may use earlier ones
        for text in [s.drift for s in self.state] + [self.threshold] + [e for _, e in self.reset]:
            _check_expression(self.name, text, known)
        _check(self.method in METHODS, f"{self.name}: method '{self.method}' is not one of {', '.join(METHODS)}")
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
        if self.method == "exponential_euler":
            _check(not self.noise, f"{self.name}: exponential_euler takes no noise terms (use method='euler')")
            _check(not self.frozen, f"{self.name}: exponential_euler takes no frozen variables (use method='euler')")
            for s in self.state:
                depends = [e.name for e in self.subexpressions if e.name in self.uses(s.drift) and s.name in self.uses(e.expression)]
                _check(not depends, f"{self.name}: the drift of {s.name} uses {depends[0] if depends else ''}, which depends on "
                                    f"{s.name} (exponential_euler needs the coefficients free of it)")
                _check(_is_linear(self, s), f"{self.name}: the drift of {s.name} is not linear in {s.name} (exponential_euler)")

    # --- lookups ---------------------------------------------------------------------------------
    def unit(self, name):
        for item in self.parameters + self.state + self.subexpressions:
            if item.name == name:
                return item.unit
        raise KeyError(name)

    def uses(self, text):
        """Names in `text` and, through the subexpressions it uses, in theirs."""
        found = set(_names(text))
        expressions = {e.name: e.expression for e in self.subexpressions}
        todo = [n for n in found if n in expressions]
        while todo:
            new = set(_names(expressions[todo.pop()])) - found
            found |= new
            todo += [n for n in new if n in expressions]
        return found

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
        data = dataclasses.asdict(self)
        for name, default in _LATER_FIELDS.items():  # as before they existed: earlier definitions keep their digest
            if data[name] == default:
                del data[name]
        text = json.dumps(data, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    def replace(self, **changes):
        return dataclasses.replace(self, **changes)


def _check(condition, message):
    if not condition:
        raise ZooError(message)


def linear_parts(neuron, state):
    """(A, B, linear) of `state` for exponential Euler, as expressions of the shared subset:
    A = drift(x = 0), B = (drift(x = 1 unit) - A) / unit (exact for a drift linear in x; the name
    zoo_A in B stands for the value of A, computed first). `linear` is False when the drift does not
    contain x (an Euler step; B = 0)."""
    unit = "" if state.unit == "1" else f" * {state.unit}"
    a = substitute(state.drift, state.name, "0.0" + unit)
    b = f"({substitute(state.drift, state.name, '1.0' + unit)} - zoo_A)" + ("" if state.unit == "1" else f" / (1.0 * {state.unit})")
    return a, b, state.name in neuron.uses(state.drift)


def substitute(text, name, value):
    """`text` with the name `name` (whole names only) replaced by `(value)`."""
    return re.sub(rf"(?<![A-Za-z0-9_.]){re.escape(name)}(?![A-Za-z0-9_])", f"({value})", text)


def _names(text):
    return [m.group(2) for m in _TOKEN.finditer(text) if m.group(2) is not None]


def _evaluate(neuron, text, values):
    """`text` evaluated in Python on `values` (name -> float in the declared units; subexpressions
    are computed from them). Unit names are 1: the declared units form a consistent system."""
    namespace = {"exp": math.exp, "sqrt": math.sqrt, **{u: 1.0 for u in UNIT_NAMES}, **values}
    for item in neuron.subexpressions:
        namespace[item.name] = eval(item.expression, {"__builtins__": {}}, namespace)  # checked subset only
    return eval(text, {"__builtins__": {}}, namespace)


def _is_linear(neuron, state):
    """drift(x) - drift(0) is proportional to x at a few arbitrary points (others fixed)."""
    import random

    rng = random.Random(0)
    for _ in range(3):
        values = {p.name: p.default for p in neuron.parameters}
        values.update({s.name: s.initial + rng.uniform(-1.0, 1.0) for s in neuron.state})
        values[INJECTED] = rng.uniform(-100.0, 100.0)
        try:
            drift = [_evaluate(neuron, state.drift, {**values, state.name: x}) for x in (0.0, 1.0, 3.0)]
        except (ArithmeticError, ValueError) as err:
            raise ZooError(f"{neuron.name}: cannot evaluate the drift of {state.name} near its initial state ({err})") from None
        slope = drift[1] - drift[0]
        if not math.isclose(drift[2] - drift[0], 3.0 * slope, rel_tol=1e-9, abs_tol=1e-12 * (1.0 + abs(drift[0]))):
            return False
    return True


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
        if name is not None and name not in known and name not in _ALLOWED_FUNCTIONS | {"and", "or", *UNIT_NAMES}:
            raise ZooError(f"{model}: expression '{text}' uses unknown name '{name}'")
        position = match.end()
