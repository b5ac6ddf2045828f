"""Connectivity drawn with NumPy from the master seed, so every backend gets the same network.

Drawing outside the simulator makes the connectome independent of the backend and of NEST's
thread count; the simulator then only receives explicit (pre, post) lists.
"""

import numpy as np

_BLOCK_DRAWS = 2_000_000  # uniform draws per block: bounds the transient at ~16 MB whatever the size


def bernoulli(rng, n_pre, n_post, p, allow_autapses=True, dtype=np.int64):
    """Pairwise Bernoulli(p) connections, no multapses; NEST's 'pairwise_bernoulli'.

    Every (pre, post) pair is connected independently with probability `p`. With
    ``allow_autapses=False`` (pre and post the same population) the pairs i == i are left out.
    Returns (pre, post) index arrays of `dtype`, ordered by post, then pre. The draw is the same
    whatever the block size: NumPy fills consecutive blocks from one stream.
    """
    if not 0 <= p <= 1:
        raise ValueError(f"connection probability must lie in [0, 1], got {p}")
    rows_per_block = max(1, min(n_post, _BLOCK_DRAWS // max(n_pre, 1)))
    uniform = np.empty((rows_per_block, n_pre))  # reused: a fresh block per step costs page faults
    below = np.empty(uniform.shape, dtype=bool)
    pre_parts, post_parts = [np.empty(0, dtype)], [np.empty(0, dtype)]
    for first in range(0, n_post, rows_per_block):
        rows = min(rows_per_block, n_post - first)
        rng.random(out=uniform[:rows])
        np.less(uniform[:rows], p, out=below[:rows])
        # flat indices and one divmod: 1.5x faster than np.nonzero on the 2-D mask
        post, pre = np.divmod(np.flatnonzero(below[:rows]), max(n_pre, 1))
        post += first
        if not allow_autapses:
            keep = pre != post
            pre, post = pre[keep], post[keep]
        pre_parts.append(pre.astype(dtype))
        post_parts.append(post.astype(dtype))
    return np.concatenate(pre_parts), np.concatenate(post_parts)


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
