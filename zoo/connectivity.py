"""Connectivity drawn with NumPy from the master seed, so every backend gets the same network.

Drawing outside the simulator makes the connectome independent of the backend and of NEST's
thread count; the simulator then only receives explicit (pre, post) lists.
"""

import numpy as np

_BLOCK = 1 << 16  # connections per block: the block's buffers (512 kB each) stay in the CPU cache


def bernoulli(rng, n_pre, n_post, p, allow_autapses=True, dtype=np.int64):
    """Pairwise Bernoulli(p) connections, no multapses; NEST's 'pairwise_bernoulli'.

    Every (pre, post) pair is connected independently with probability `p`. With
    ``allow_autapses=False`` (pre and post the same population) the pairs i == i are left out.
    Returns (pre, post) index arrays of `dtype`, ordered by pre, then post: the columns of
    :func:`bernoulli_pairs`.
    """
    pairs = bernoulli_pairs(rng, n_pre, n_post, p, allow_autapses, dtype)
    return pairs[:, 0], pairs[:, 1]


def bernoulli_pairs(rng, n_pre, n_post, p, allow_autapses=True, dtype=np.int64):
    """:func:`bernoulli` as one (n, 2) array of (pre, post) rows, the layout of a PyNN connection list.

    The pairs are enumerated pre-major and the connected ones found by skipping: the steps from
    one connected pair to the next are Geometric(p), drawn by inversion from consecutive
    uniforms U as floor(log(1 - U) / log(1 - p)) + 1. This is the same distribution as one trial
    per pair at the cost of one random number per connection (Batagelj & Brandes 2005, Phys Rev
    E 71:036113). The draw is the same whatever the block size: the blocks take consecutive
    numbers from one stream.
    """
    if not 0 <= p <= 1:
        raise ValueError(f"connection probability must lie in [0, 1], got {p}")
    diagonal = 0 if allow_autapses else min(n_pre, n_post)
    pairs = n_pre * n_post - diagonal
    if pairs <= 0 or p == 0:
        return np.empty((0, 2), dtype)
    per_log = 1.0 / np.log1p(-p) if p < 1 else -0.0  # p = 1: every step is 1
    expected = pairs * p
    capacity = int(min(pairs, expected + 6 * np.sqrt(expected) + 16))  # exceeded: 1 in 10**9
    rows = np.empty((capacity, 2), dtype)
    # buffers reused block after block: fresh arrays cost page faults on every block
    block = min(_BLOCK, capacity)
    draws, position, row = np.empty(block), np.empty(block, np.int64), np.empty(block, np.int64)
    count, last = 0, -1  # connections so far; the last one's place among the pairs without autapses
    while True:
        rng.random(out=draws)
        np.subtract(1.0, draws, out=draws)  # (0, 1]: the logarithm is finite
        np.log(draws, out=draws)
        np.multiply(draws, per_log, out=draws)
        np.minimum(draws, pairs, out=draws)  # a step past the end is as good as any: no overflow
        np.copyto(position, draws, casting="unsafe")  # floor, as the values are >= 0
        position += 1
        np.cumsum(position, out=position)
        position += last
        new = int(np.searchsorted(position, pairs))
        found = position[:new]
        if new:
            last = int(found[-1])
        if diagonal:  # skip the pairs i == i: the k-th lies before every place >= k * n_post
            skipped = np.floor_divide(found, n_post, out=row[:new])
            skipped += 1
            np.minimum(skipped, diagonal, out=skipped)
            found += skipped
        if count + new > len(rows):
            rows = np.concatenate((rows, np.empty_like(rows)))
        # pair place -> (pre, post); slower as one np.divmod into the two strided columns
        pre = np.floor_divide(found, n_post, out=row[:new])
        np.copyto(rows[count:count + new, 0], pre, casting="unsafe")
        pre *= n_post
        found -= pre
        np.copyto(rows[count:count + new, 1], found, casting="unsafe")
        count += new
        if new < block:
            return rows[:count]


def same_group(pairs, pre_group, post_group):
    """For each (pre, post) row of `pairs`, whether ``pre_group[pre] == post_group[post]``
    (e.g. both cells in one cluster): a boolean array.

    Looked up in blocks of rows: the lookups of all rows at once would be two transients as large
    as the result, written to fresh memory.
    """
    same = np.empty(len(pairs), bool)
    if not len(pairs):
        return same
    # the labels in the smallest integer type that holds them: lookups that stay in the cache
    labels = [np.asarray(group) for group in (pre_group, post_group)]
    if all(group.dtype.kind in "iu" for group in labels):
        dtype = np.result_type(*(np.min_scalar_type(bound) for group in labels for bound in (group.min(), group.max())))
    else:
        dtype = np.result_type(*labels)
    pre_group, post_group = (group.astype(dtype, copy=False) for group in labels)
    block = min(_BLOCK, len(pairs))
    pre_values, post_values = np.empty(block, dtype), np.empty(block, dtype)
    for start in range(0, len(pairs), block):
        rows = pairs[start:start + block]
        n = len(rows)
        np.take(pre_group, rows[:, 0], out=pre_values[:n])
        np.take(post_group, rows[:, 1], out=post_values[:n])
        np.equal(pre_values[:n], post_values[:n], out=same[start:start + n])
    return same


def rows_where(pairs, keep):
    """The rows of an (n, 2) array where the boolean `keep` is true, as a new (m, 2) array.

    A row of two 4-byte indices is selected as one 8-byte item: NumPy's boolean indexing is
    several times slower on the 2-D array, and selecting each column allocates twice.
    """
    if pairs.dtype.itemsize != 4 or not pairs.flags.c_contiguous:
        return pairs[keep]
    return pairs.view(np.int64)[:, 0][keep].view(pairs.dtype).reshape(-1, 2)


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
