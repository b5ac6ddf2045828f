"""Model parameters as plain, frozen data with declared units.

A model's parameters are a frozen dataclass (a *bundle*) of frozen dataclass *groups*
(neuron, network, stimulus, protocol ...). Every field is declared with :func:`param`,
which records its unit, meaning and source. Field names are unique across a bundle's
groups, so ``params.replace(Q=50)`` finds the right group; variants, ``create_model``
overrides and the CLI's ``--set Q=50`` all go through :meth:`ParamBundle.replace`.

Values are given as Quantities (``tau_m_E=15 * pq.ms``, converted to the declared unit) or as
bare numbers, which mean the declared unit (the table: ``python -m zoo.run MODEL --params``). A bare
number that is far from the default but close to it in PyNN's unit of the same dimension (0.25 for
a capacitance declared in pF: 0.25 nF = 250 pF) is taken as given, with a warning that says so.
"""

import dataclasses
import logging
import math
import re

import quantities as pq

from .errors import ZooError, unknown
from .units import pynn_unit

log = logging.getLogger("zoo")

DIMENSIONLESS = "1"


def param(default, unit, doc, source=""):
    """Declare a parameter: its default, unit ('1' for dimensionless), meaning and source."""
    return dataclasses.field(default=default, metadata={"unit": unit, "doc": doc, "source": source})


def require(condition, message):
    """Raise ZooError(message) unless `condition`: the one-line check of impossible values."""
    if not condition:
        raise ZooError(message)


@dataclasses.dataclass(frozen=True)
class ParamBundle:
    """Base class of a model's parameter bundle; subclasses declare group fields only."""

    def __getattr__(self, name):
        # Called only when normal lookup fails: look the name up in the groups.
        if name.startswith("_"):
            raise AttributeError(name)
        for group in self._groups():
            if name in {f.name for f in dataclasses.fields(group)}:
                return getattr(group, name)
        raise AttributeError(f"{type(self).__name__} has no parameter '{name}'")

    def _groups(self):
        return [getattr(self, f.name) for f in dataclasses.fields(self)]

    def fields(self):
        """Map parameter name -> (group attribute name, dataclasses.Field)."""
        found = {}
        for gfield in dataclasses.fields(self):
            for f in dataclasses.fields(getattr(self, gfield.name)):
                found[f.name] = (gfield.name, f)
        return found

    def replace(self, **changes):
        """Return a copy with `changes` applied; unknown names and wrong types raise ZooError."""
        known = self.fields()
        per_group = {}
        for name, value in changes.items():
            if name not in known:
                raise unknown("parameter", name, known)
            group, f = known[name]
            value = _in_declared_unit(name, value, f.metadata["unit"])
            value = _coerce(name, value, f.default)
            _warn_if_a_pynn_unit_was_meant(name, value, f.default, f.metadata["unit"])
            per_group.setdefault(group, {})[name] = value
        new_groups = {}
        for group, values in per_group.items():
            try:
                new_groups[group] = dataclasses.replace(getattr(self, group), **values)
            except (TypeError, ValueError) as err:
                raise ZooError(f"invalid parameters {values}: {err}") from None
        return dataclasses.replace(self, **new_groups)

    def values(self):
        """Flat dict name -> value."""
        return {name: getattr(self, name) for name in self.fields()}

    def table(self):
        """Rows (name, value, unit, meaning, source) for provenance and model cards."""
        return [
            {
                "name": name,
                "value": _plain(getattr(self, name)),
                "unit": f.metadata["unit"],
                "meaning": f.metadata["doc"],
                "source": f.metadata["source"],
            }
            for name, (_, f) in self.fields().items()
        ]

    def parse_assignment(self, text):
        """Parse 'name=value[unit]' into (name, typed value in the declared unit)."""
        if "=" not in text:
            raise ZooError(f"--set expects name=value, got '{text}'")
        name, raw = (s.strip() for s in text.split("=", 1))
        known = self.fields()
        if name not in known:
            raise unknown("parameter", name, known)
        f = known[name][1]
        return name, _parse_value(name, raw, f.default, f.metadata["unit"])


def _in_declared_unit(name, value, unit):
    """A Quantity as plain numbers in the parameter's declared `unit`; anything else as it is."""
    if not isinstance(value, pq.Quantity):
        return value
    try:
        magnitude = value.rescale("dimensionless" if unit == DIMENSIONLESS else unit).magnitude
    except ValueError:
        raise ZooError(f"parameter {name}: {value} is not in a unit compatible with '{unit}'") from None
    numbers = [int(v) if float(v).is_integer() else float(v) for v in magnitude.ravel()]  # ints where whole:
    return tuple(numbers) if magnitude.ndim else numbers[0]  # a count given as 800 * pq.dimensionless


def _warn_if_a_pynn_unit_was_meant(name, value, default, unit):
    """Warn where a bare number reads like PyNN's unit of the declared unit's dimension."""
    pynn = pynn_unit(unit) if unit != DIMENSIONLESS else None
    if pynn is None or pynn == unit or not isinstance(value, float) or not isinstance(default, float) \
            or value == 0 or default == 0:
        return
    factor = float(pq.Quantity(1.0, pynn).rescale(unit).magnitude)
    given, meant = abs(value / default), abs(value * factor / default)
    if not 0.01 <= given <= 100 and 0.1 <= meant <= 10:
        log.warning("parameter %s = %g is taken in its declared unit, %s; in PyNN's %s it would be %g %s, near the "
                    "default %g %s: give a Quantity (e.g. %g * pq.%s) or the value in %s",
                    name, value, unit, pynn, value * factor, unit, default, unit, value, pynn, unit)


def _plain(value):
    return list(value) if isinstance(value, tuple) else value


def _coerce(name, value, default):
    """Check a Python value against the type of the field's default."""
    kind = type(default)
    if kind is bool:
        ok = isinstance(value, bool)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = _finite(name, value) if ok else value
    elif kind is tuple:
        ok = isinstance(value, (tuple, list))
        value = tuple(_finite(name, v) if isinstance(v, float) else v for v in value) if ok else value
    else:
        ok = isinstance(value, kind)
    if not ok:
        raise ZooError(f"parameter {name} must be {kind.__name__}, got {value!r}")
    return value


def _finite(name, value):
    """`value` as a float; infinity and NaN are no parameter values (1e400 reads as infinity)."""
    try:
        value = float(value)
    except OverflowError:  # an int beyond float's range
        value = math.inf
    if not math.isfinite(value):
        raise ZooError(f"parameter {name} must be a finite number, got {value!r}")
    return value


_NUMBER = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


def _parse_scalar(name, raw, unit, integer):
    match = _NUMBER.match(raw)
    if not match:
        raise ZooError(f"parameter {name}: '{raw}' is not a number")
    number, given_unit = match.groups()
    value = float(number)
    if not math.isfinite(value):
        raise ZooError(f"parameter {name}: '{raw}' is not a finite number")
    if given_unit:
        target = "dimensionless" if unit == DIMENSIONLESS else unit
        try:
            value = float(pq.Quantity(value, given_unit).rescale(target).magnitude)
        except (LookupError, ValueError, AttributeError):
            raise ZooError(f"parameter {name}: unit '{given_unit}' is not compatible with '{unit}'") from None
        if not math.isfinite(value):
            raise ZooError(f"parameter {name}: '{raw}' is not a finite number")
    if integer:
        if value != int(value):
            raise ZooError(f"parameter {name} must be an integer, got '{raw}'")
        return int(value)
    return value


def _parse_value(name, raw, default, unit):
    """Parse a CLI string into the type of `default`, converting units to `unit`."""
    if isinstance(default, bool):
        lowered = raw.lower()
        if lowered not in ("true", "false", "1", "0", "yes", "no"):
            raise ZooError(f"parameter {name} must be true or false, got '{raw}'")
        return lowered in ("true", "1", "yes")
    if isinstance(default, tuple):
        if raw.lower() in ("", "none", "()"):
            return ()
        integer = all(isinstance(v, int) for v in default) if default else False
        return tuple(_parse_scalar(name, part, unit, integer) for part in raw.split(","))
    if isinstance(default, str):
        return raw
    return _parse_scalar(name, raw, unit, isinstance(default, int))
