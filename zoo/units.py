"""Conversion of parameters from the units models declare to PyNN's units, in one place.

PyNN's units: ms, mV, nA, nF, uS, Hz. Models declare the units of their papers (pA, pF, nS ...).
"""

import functools

import quantities as pq

PYNN_UNITS = {
    "time": "ms",
    "voltage": "mV",
    "current": "nA",
    "capacitance": "nF",
    "conductance": "uS",
    "frequency": "Hz",
}

_DIMENSION_OF = {pq.Quantity(1.0, u).simplified.dimensionality.string: dim for dim, u in PYNN_UNITS.items()}


def to_pynn(value, unit):
    """Express `value` given in `unit` in PyNN's unit of the same dimension (scalars or arrays)."""
    quantity = pq.Quantity(value, unit)
    dimension = _DIMENSION_OF.get(quantity.simplified.dimensionality.string)
    if dimension is None:
        raise ValueError(f"no PyNN unit for '{unit}'")
    converted = quantity.rescale(PYNN_UNITS[dimension]).magnitude
    return float(converted) if converted.ndim == 0 else converted


@functools.lru_cache(maxsize=None)
def pynn_unit(unit):
    """PyNN's unit of the dimension of `unit` ('pF' -> 'nF'), or None where PyNN has none."""
    try:
        dimension = _DIMENSION_OF.get(pq.Quantity(1.0, unit).simplified.dimensionality.string)
    except Exception:  # noqa: BLE001 - quantities raises what its parser meets ('-', 'mm**2/um' ...)
        return None
    return None if dimension is None else PYNN_UNITS[dimension]
