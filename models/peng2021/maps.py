"""Input maps: the preferred head direction of every E cell, as a function of its position.

Perlin (spec 3.4; the authors used the ``noise`` package, [C]): the noise value
n = pnoise2(x / s, y / s, octaves, base = map_seed) is sampled at every E cell and mapped onto a
direction [A]. Perlin noise is not uniformly distributed (it piles up near 0), so it is mapped
through a distribution function F, phi = 2 pi F(n), either

- ``rank`` (default): F is the empirical distribution of this map, phi = 2 pi (rank + 1/2) / N_E.
  Every direction is equally common in every map, whatever its scale; a map much smoother than
  the sheet becomes a ramp that still spans all directions (the gradient never vanishes);
- ``cdf``: F is the distribution of pnoise2 itself (tabulated once from 2^18 samples of base 0).
  Directions are equally common over many maps, and a map much smoother than the sheet tends to
  one direction everywhere: the "uniform map" limit of spec 4.2 (b).

Either way the lattice spacing s sets the correlation length.

Pinwheel (supplement; the authors' precomputed maps are not available, [A]): a square lattice of
pinwheel centres spaced ``pinwheel_spacing`` apart; a cell takes the direction around its nearest
centre, phi = (-1)^(m+n) atan2(y - y_n, x - x_m) + pi m for centre (m, n). Neighbouring pinwheels
have opposite handedness and the offsets pi m make the map continuous across the borders between
centres. ``map_seed`` draws the lattice's offset and a global rotation.

Both functions take positions in um and return angles in [0, 2 pi).
"""

import numpy as np

from zoo.errors import ZooError
from zoo.seeds import SeedStreams

PERLIN_PACKAGE = "noise==1.2.2"
INSTALL_HINT = (f"the Perlin input map needs the 'noise' package: pip install '{PERLIN_PACKAGE}' "
                "(builds with a C compiler), or pip install -e '.[peng2021]'; or use --variant pinwheel")


def _pnoise2():
    try:
        from noise import pnoise2
    except ImportError:
        raise ZooError(INSTALL_HINT) from None
    return pnoise2


def perlin_values(x_um, y_um, scale_um, octaves=1, base=0):
    """Raw Perlin noise pnoise2(x / s, y / s, octaves, base) at each position."""
    pnoise2 = _pnoise2()
    return np.array([pnoise2(float(x) / scale_um, float(y) / scale_um, octaves=int(octaves), base=int(base))
                     for x, y in zip(np.ravel(x_um), np.ravel(y_um))])


def rank_to_angle(values):
    """Directions 2 pi (rank + 1/2) / n: every direction equally common, order of `values` kept."""
    values = np.asarray(values, dtype=float)
    ranks = np.empty(values.size, dtype=np.int64)
    ranks[np.argsort(values, kind="stable")] = np.arange(values.size)
    return 2 * np.pi * (ranks + 0.5) / values.size


def perlin_map(x_um, y_um, scale_um, octaves=1, base=0, transform="rank"):
    """Preferred directions (rad, [0, 2 pi)) of cells at (x, y) on a Perlin map."""
    values = perlin_values(x_um, y_um, scale_um, octaves, base)
    if transform == "rank":
        return rank_to_angle(values)
    table = _perlin_quantiles(int(octaves))
    return np.mod(2 * np.pi * np.interp(values, table, np.linspace(0.0, 1.0, table.size)), 2 * np.pi)


_QUANTILES = {}


def _perlin_quantiles(octaves, samples=2**18, points=1025):
    """Quantiles of pnoise2 (base 0) at `points` equally spaced probabilities, from a fixed sample:
    positions drawn uniformly over 256 x 256 lattice units (the noise repeats after 256)."""
    if octaves not in _QUANTILES:
        xy = np.random.default_rng(0).uniform(0.0, 256.0, (2, samples))
        values = perlin_values(xy[0], xy[1], 1.0, octaves, 0)
        _QUANTILES[octaves] = np.quantile(values, np.linspace(0.0, 1.0, points))
    return _QUANTILES[octaves]


def pinwheel_map(x_um, y_um, spacing_um, rng):
    """Preferred directions (rad, [0, 2 pi)) on a lattice of alternating pinwheels (module docstring)."""
    x0, y0 = rng.uniform(0, spacing_um, 2)
    rotation = rng.uniform(0, 2 * np.pi)
    x, y = np.asarray(x_um, float) - x0, np.asarray(y_um, float) - y0
    m, n = np.round(x / spacing_um), np.round(y / spacing_um)
    handedness = np.where((m + n) % 2 == 0, 1.0, -1.0)
    angle = handedness * np.arctan2(y - n * spacing_um, x - m * spacing_um) + np.pi * m + rotation
    return np.mod(angle, 2 * np.pi)


def input_map(params, x_um, y_um):
    """The model's map (params.map_kind) at the E cells. It depends on map_seed, not on the master
    seed: the pinwheel offset and rotation come from stream 'map/pinwheel' of SeedStreams(map_seed)."""
    p = params
    if p.map_kind == "perlin":
        return perlin_map(x_um, y_um, p.perlin_scale, p.perlin_octaves, p.map_seed, p.map_transform)
    return pinwheel_map(x_um, y_um, p.pinwheel_spacing, SeedStreams(p.map_seed).generator("map/pinwheel"))


def correlation_length(x_um, y_um, phi, bin_um, max_um):
    """(distances, C(d)): mean cos(phi_i - phi_j) of cell pairs at distance d (bins of `bin_um`).

    The spatial autocorrelation of the unit vectors e^{i phi}; the distance at which it falls to
    1/e is the map's correlation length (:func:`e_folding_distance`).
    """
    x, y, phi = (np.asarray(v, float) for v in (x_um, y_um, phi))
    edges = np.arange(0.0, max_um + bin_um, bin_um)
    total, count = np.zeros(edges.size - 1), np.zeros(edges.size - 1)
    z = np.exp(1j * phi)
    for k in range(x.size):
        d = np.hypot(x - x[k], y - y[k])
        inside = (d < max_um)
        which = np.digitize(d[inside], edges) - 1
        np.add.at(total, which, np.real(z[inside] * np.conj(z[k])))
        np.add.at(count, which, 1)
    with np.errstate(invalid="ignore"):
        return 0.5 * (edges[:-1] + edges[1:]), total / count


def e_folding_distance(distances, correlation):
    """First distance at which the correlation falls below 1/e (linear interpolation); inf if never."""
    below = np.flatnonzero(correlation < 1 / np.e)
    if below.size == 0:
        return float("inf")
    k = below[0]
    if k == 0:
        return float(distances[0])
    d0, d1, c0, c1 = distances[k - 1], distances[k], correlation[k - 1], correlation[k]
    return float(d0 + (c0 - 1 / np.e) / (c0 - c1) * (d1 - d0))
