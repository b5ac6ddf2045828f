"""The sheet: cell positions, axon ellipses, their orientation, and the connection lists (NumPy only).

Positions are in um on a square sheet [0, L) x [0, L). E cells sit on PyNN's ``Grid2D`` (spacing
L / n_side, first cell at half a spacing from the corner, x-major order as PyNN fills it);
interneurons are drawn uniformly (or on a jittered grid) from the stream 'positions/I'.

An axon is an ellipse (cx, cy, a, b, phi) [C: interneuron_placement.py's ``Pickle``]. With foci
F1,2 = c -/+ f (cos phi, sin phi), f = sqrt(a^2 - b^2), a point p is inside when
|p - F1| + |p - F2| <= 2a [I]. The circular control is the circle of equal area, r = sqrt(a b).

Orientation by entropy [I: ``create_interneuron_sheet_entropy_max_orientation``]: for each
interneuron, every orientation of a scan over [0, pi) (or [0, 2 pi) when the ellipse is shifted off
the soma) is scored by the Shannon entropy of the histogram of the preferred directions of the E
cells it would enclose; the highest wins, ties broken at random (stream 'axons/orientation').
"""

import dataclasses

import numpy as np
from pyNN.space import Grid2D


@dataclasses.dataclass(frozen=True)
class Axons:
    """Axon ellipses of one condition: centres, semi-axes and orientations (um, rad)."""

    cx: np.ndarray
    cy: np.ndarray
    a: float
    b: float
    phi: np.ndarray

    @property
    def area(self):
        return np.pi * self.a * self.b


def e_grid(params):
    """The ``Grid2D`` structure of the E cells, and their (x, y) positions in um."""
    p = params
    dx = p.L / p.n_side
    grid = Grid2D(aspect_ratio=1.0, dx=dx, dy=dx, x0=dx / 2, y0=dx / 2, z=0.0)
    positions = grid.generate_positions(p.n_side**2)
    return grid, positions[0], positions[1]


def interneuron_positions(params, rng):
    """(x, y) of the N_I interneurons in um: uniform on the sheet, or a jittered square grid."""
    p = params
    if p.I_placement == "uniform":
        xy = rng.uniform(0.0, p.L, (2, p.N_I))
        return xy[0], xy[1]
    side = int(round(np.sqrt(p.N_I)))
    spacing = p.L / side
    ix, iy = np.indices((side, side)).reshape(2, -1).astype(float)
    jitter = rng.uniform(-0.5, 0.5, (2, p.N_I)) * spacing
    return (ix + 0.5) * spacing + jitter[0], (iy + 0.5) * spacing + jitter[1]


def displacement(x0, y0, x1, y1, L, periodic):
    """(dx, dy) from (x0, y0) to (x1, y1), broadcast; the shortest image on a torus of side L."""
    dx, dy = np.subtract(x1, x0), np.subtract(y1, y0)
    if periodic:
        dx, dy = dx - L * np.round(dx / L), dy - L * np.round(dy / L)
    return dx, dy


def inside_ellipse(dx, dy, a, b, phi):
    """True where the point at displacement (dx, dy) from an ellipse's centre lies inside it
    (on the border counts as inside): sum of the distances to the foci <= 2a."""
    f = np.sqrt(max(a * a - b * b, 0.0))
    ux, uy = np.cos(phi), np.sin(phi)
    d1 = np.hypot(dx + f * ux, dy + f * uy)
    d2 = np.hypot(dx - f * ux, dy - f * uy)
    return d1 + d2 <= 2 * a * (1 + 1e-12)


def centres(ix, iy, phi, offset):
    """Ellipse centres: the somata shifted by `offset` along each orientation."""
    return ix + offset * np.cos(phi), iy + offset * np.sin(phi)


def membership(axons, ex, ey, L, periodic):
    """Boolean (N_I, N_E) matrix: E cell j inside the axon of interneuron i."""
    dx, dy = displacement(axons.cx[:, None], axons.cy[:, None], ex[None, :], ey[None, :], L, periodic)
    return inside_ellipse(dx, dy, axons.a, axons.b, axons.phi[:, None])


def direction_entropy(angles, bins):
    """Shannon entropy (nats) of the histogram of `angles` (rad) in `bins` equal bins over [0, 2 pi)."""
    if len(angles) == 0:
        return 0.0
    counts = np.bincount((np.mod(angles, 2 * np.pi) / (2 * np.pi) * bins).astype(int) % bins, minlength=bins)
    p = counts[counts > 0] / len(angles)
    return float(-np.sum(p * np.log(p)))


def candidate_orientations(n, offset):
    """Orientations scanned: n over [0, pi) for a centred ellipse (phi and phi + pi are the same
    ellipse), 2n over [0, 2 pi) for one shifted off the soma."""
    return np.arange(n) * np.pi / n if offset == 0 else np.arange(2 * n) * np.pi / n


def entropy_orientations(ix, iy, ex, ey, pref, a, b, offset, L, periodic, n, bins, rng):
    """Per interneuron, the orientation whose ellipse encloses the most diverse preferred directions.

    Returns (orientations, best entropy per interneuron). Ties (e.g. in a region of one direction,
    where every orientation scores 0) are broken at random.
    """
    angles = candidate_orientations(n, offset)
    reach = a + offset
    best_phi, best_entropy = np.empty(ix.size), np.empty(ix.size)
    for i in range(ix.size):
        dx, dy = displacement(ix[i], iy[i], ex, ey, L, periodic)
        near = np.flatnonzero(np.hypot(dx, dy) <= reach * (1 + 1e-12))
        scores = np.empty(angles.size)
        for k, phi in enumerate(angles):
            inside = inside_ellipse(dx[near] - offset * np.cos(phi), dy[near] - offset * np.sin(phi), a, b, phi)
            scores[k] = direction_entropy(pref[near[inside]], bins)
        top = np.flatnonzero(scores >= scores.max() - 1e-12)
        choice = top[rng.integers(top.size)] if top.size > 1 else top[0]
        best_phi[i], best_entropy[i] = angles[choice], scores[choice]
    return best_phi, best_entropy


def polar_axons(params, ix, iy, ex, ey, pref, rng):
    """The polar condition's ellipses, oriented by params.orientation_rule."""
    p = params
    if p.orientation_rule == "entropy":
        phi, _ = entropy_orientations(ix, iy, ex, ey, pref, p.axon_a, p.axon_b, p.axon_offset, p.L, p.periodic,
                                      p.n_orientations, p.entropy_bins, rng)
    else:
        phi = rng.uniform(0.0, np.pi if p.axon_offset == 0 else 2 * np.pi, ix.size)
    cx, cy = centres(ix, iy, phi, p.axon_offset)
    return Axons(np.mod(cx, p.L) if p.periodic else cx, np.mod(cy, p.L) if p.periodic else cy, p.axon_a, p.axon_b, phi)


def circular_axons(params, ix, iy):
    """The circular control: circles of the polar ellipses' area, r = sqrt(a b), on the somata."""
    r = float(np.sqrt(params.axon_a * params.axon_b))
    return Axons(np.asarray(ix, float), np.asarray(iy, float), r, r, np.zeros(len(ix)))


def i_to_e_pairs(axons, ex, ey, L, periodic, p_contact, rng):
    """(pre I, post E) index arrays of the I -> E synapses onto the E cells at (ex, ey): E somata
    inside the axon, thinned to `p_contact` (one uniform number per enclosed pair, in pair order),
    ordered by pre then post."""
    pre, post = np.nonzero(membership(axons, ex, ey, L, periodic))
    if p_contact < 1:
        keep = rng.random(pre.size) < p_contact
        pre, post = pre[keep], post[keep]
    return pre.astype(np.int64), post.astype(np.int64)


def dendrite_pairs(ix, iy, ex, ey, r_dend, L, periodic):
    """(pre E, post I) index arrays: E somata within r_dend of the interneurons at (ix, iy), ordered
    by pre."""
    dx, dy = displacement(ex[:, None], ey[:, None], ix[None, :], iy[None, :], L, periodic)
    pre, post = np.nonzero(np.hypot(dx, dy) <= r_dend)
    return pre.astype(np.int64), post.astype(np.int64)


def inhibitory_weights(pre, counts, g, normalise):
    """I -> E weights (same unit as g) of the synapses from interneurons `pre`: g each, or
    g * mean count / count of its interneuron (`counts`: its synapses onto every E cell), so that
    every interneuron of a condition has the same total conductance."""
    if not normalise or pre.size == 0:
        return np.full(pre.size, float(g))
    return g * counts[counts > 0].mean() / counts[pre]


def pairs_within(x0, y0, x1, y1, distance, L, periodic):
    """Number of (a, b) pairs with a from set 0 and b from set 1 closer than `distance`."""
    dx, dy = displacement(np.asarray(x0)[:, None], np.asarray(y0)[:, None], np.asarray(x1)[None, :],
                          np.asarray(y1)[None, :], L, periodic)
    return int(np.count_nonzero(np.hypot(dx, dy) <= distance))
