"""Connectivity drawn with NumPy from the master seed, so every backend gets the same network.

Drawing outside the simulator makes the connectome independent of the backend and of NEST's
thread count; the simulator then only receives explicit (pre, post) lists.
"""

import numpy as np

_BLOCK_DRAWS = 8_000_000  # random draws per block: bounds the temporary memory at ~64 MB


def bernoulli(rng, n_pre, n_post, p, allow_autapses=True):
    """Pairwise Bernoulli(p) connections, no multapses; NEST's 'pairwise_bernoulli'.

    Every (pre, post) pair is connected independently with probability `p`. With
    ``allow_autapses=False`` (pre and post the same population) the pairs i == i are left out.
    Returns (pre, post) index arrays ordered by post, then pre.

    The pairs are numbered post * n_pre + pre and the connected ones found by their gaps, which
    are geometric(p): work and memory grow with the number of synapses, not with n_pre * n_post
    (a uniform draw per pair cost a third of rostami2020's build at 4x scale). The gaps come from
    one stream in blocks, so the draw does not depend on the block size.
    """
    if not 0 <= p <= 1:
        raise ValueError(f"connection probability must lie in [0, 1], got {p}")
    total = n_pre * n_post
    if p == 0 or total == 0:
        positions = np.empty(0, dtype=np.int64)
    else:
        parts, last = [], -1
        while True:
            expected = (total - 1 - last) * p
            size = int(min(_BLOCK_DRAWS, expected + 6 * np.sqrt(expected) + 64))
            found = last + np.cumsum(rng.geometric(p, size=size), dtype=np.int64)
            inside = found[found < total]
            parts.append(inside)
            if inside.size < size:
                break
            last = int(inside[-1])
        positions = np.concatenate(parts)
    post, pre = np.divmod(positions, max(n_pre, 1))
    if not allow_autapses:
        keep = pre != post
        pre, post = pre[keep], post[keep]
    return pre, post


def fixed_in_degree(rng, n_pre, n_post, k, allow_autapses=True):
    """Every target gets exactly `k` sources drawn uniformly *with replacement* (multapses allowed).

    With ``allow_autapses=False`` (pre and post the same population) target j draws from the
    other n_pre - 1 cells: an index drawn from 0..n_pre-2 is shifted up by one from j on. This is
    ``np.random.choice(pool, k)`` with the own index removed from the pool, as in ntwk's
    ``random_connections``. Returns (pre, post) index arrays ordered by post.
    """
    pool = n_pre if allow_autapses else n_pre - 1
    if k < 0 or (k > 0 and pool < 1):
        raise ValueError(f"cannot draw {k} sources per target from {pool} cells")
    pre = rng.integers(0, pool, size=(n_post, k), dtype=np.int64)
    post = np.repeat(np.arange(n_post, dtype=np.int64), k)
    if not allow_autapses:
        pre += pre >= np.arange(n_post)[:, None]
    return pre.ravel(), post
