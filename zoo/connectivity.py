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
    rows = _Rows(_capacity(n_pre, n_post, p, allow_autapses), dtype)
    for pre, post in _bernoulli_blocks(rng, n_pre, n_post, p, allow_autapses):
        rows.append(pre, post)
    return rows.array()


def _capacity(n_pre, n_post, p, allow_autapses):
    """Rows to allocate for a draw: exceeded with probability ~1e-9 (then the array doubles)."""
    pairs = n_pre * n_post - (0 if allow_autapses else min(n_pre, n_post))
    expected = max(pairs, 0) * p
    return int(min(max(pairs, 0), expected + 6 * np.sqrt(expected) + 16))


def _bernoulli_blocks(rng, n_pre, n_post, p, allow_autapses):
    """The connections of :func:`bernoulli_pairs` as (pre, post) int64 arrays, block after block.

    The arrays are buffers reused by the next block: use them before asking for it.
    """
    if not 0 <= p <= 1:
        raise ValueError(f"connection probability must lie in [0, 1], got {p}")
    diagonal = 0 if allow_autapses else min(n_pre, n_post)
    pairs = n_pre * n_post - diagonal
    if pairs <= 0 or p == 0:
        return
    per_log = 1.0 / np.log1p(-p) if p < 1 else -0.0  # p = 1: every step is 1
    # buffers reused block after block: fresh arrays cost page faults on every block
    block = min(_BLOCK, _capacity(n_pre, n_post, p, allow_autapses))
    draws, position, row = np.empty(block), np.empty(block, np.int64), np.empty(block, np.int64)
    last = -1  # the last connection's place among the pairs without autapses
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
        # pair place -> (pre, post), without np.divmod (slower)
        pre = np.floor_divide(found, n_post, out=row[:new])
        found -= pre * n_post
        yield pre, found
        if new < block:
            return


class _Rows:
    """An (n, 2) array filled block by block; grows (at least doubles) if it runs out of room."""

    def __init__(self, capacity, dtype):
        self.rows, self.count = np.empty((capacity, 2), dtype), 0

    def append(self, pre, post):
        n = len(pre)
        if self.count + n > len(self.rows):
            grown = np.empty((max(2 * len(self.rows), self.count + n), 2), self.rows.dtype)
            grown[:self.count] = self.rows[:self.count]
            self.rows = grown
        part = self.rows[self.count:self.count + n]
        np.copyto(part[:, 0], pre, casting="unsafe")
        np.copyto(part[:, 1], post, casting="unsafe")
        self.count += n

    def array(self):
        return self.rows[:self.count]


def pair_rows(pre, post, dtype=np.int32):
    """(pre, post) as one (n, 2) array of `dtype` rows, the layout of a PyNN connection list
    (int32: Brian2's index type), written once (no int64 stack to convert)."""
    rows = np.empty((len(pre), 2), dtype)
    rows[:, 0], rows[:, 1] = pre, post
    return rows


def stable_order(indices):
    """``np.argsort(indices, kind="stable")`` (a stable order is unique).

    Non-negative indices below 2**32 are sorted as unsigned 16-bit digits, low digit first:
    NumPy radix-sorts those, 2-4x faster than a stable sort of int32 or int16.
    """
    if not indices.size or indices.min() < 0 or indices.max() >= 2**32:
        return np.argsort(indices, kind="stable")
    order = np.argsort((indices & 0xFFFF).astype(np.uint16), kind="stable")
    if indices.max() > 0xFFFF:
        order = order[np.argsort((indices[order] >> 16).astype(np.uint16), kind="stable")]
    return order


def source_order(pre, post):
    """The stable order of connections (pre, post) by source, then target: a radix sort by target,
    then by source (what a Brian2 Synapses object is built in, and NEST sorts its connections by)."""
    order = stable_order(post)
    return order[stable_order(pre[order])]


def pairs_in_source_order(pre, post, n_pre, n_post, dtype=np.int32):
    """The pairs (pre, post) sorted by source, then target, as `dtype` arrays, and whether no pair
    repeats: the rows :func:`source_order` orders, for a list whose rows carry no values of their own.

    Each pair is one key pre * n_post + post (32 bits where they fit), and the keys are sorted as
    plain integers (NumPy's vectorised sort, ~5x faster than two radix passes and two gathers).
    Equal keys are equal pairs, so the order among repeats needs no stability.
    """
    key_type = np.uint32 if n_pre * n_post <= 2**32 else np.uint64
    keys = pre.astype(key_type)
    keys *= key_type(n_post)
    keys += post.astype(key_type, copy=False)
    keys.sort()
    distinct = not np.any(keys[1:] == keys[:-1])
    sources = keys // key_type(n_post)
    keys -= sources * key_type(n_post)
    # indices below 2**31 read the same as signed integers of the width of the key
    as_indices = (lambda a: a.view(dtype)) if np.dtype(dtype).itemsize == keys.itemsize else (lambda a: a.astype(dtype))
    return as_indices(sources), as_indices(keys), distinct


TARGET_BLOCKS = 64  # blocks of target cells drawn from streams of their own: whole blocks per process up to 64


def residue_blocks(first, size, count):
    """A population's cells dealt into `count` blocks by their index in the whole network: block b
    holds the cells i with (first + i) % count == b, where `first` is the network index of cell 0.

    A simulator that deals a network's cells out in turn over P processes (NEST: node ids round
    robin over its virtual processes) gives each process whole blocks when P divides `count`, so a
    draw made block by block, each block from its own stream, lets a process draw only its own
    cells' connections and still get the network every split gets.
    Returns (start, length) int64 arrays: block b is cells start[b], start[b] + count, ...,
    length[b] of them (0 for a block the population does not reach).
    """
    start = (np.arange(count, dtype=np.int64) - first) % count
    length = np.maximum(0, -(-(size - start) // count))
    return start, length


def blocks_holding(indices, count=TARGET_BLOCKS, first=0):
    """The blocks of :func:`residue_blocks` that hold the cells `indices` (sorted, unique)."""
    return np.unique((first + np.asarray(indices, np.int64)) % count)


def block_targets(block, size, count=TARGET_BLOCKS, first=0):
    """Indices of the cells of block `block` (:func:`residue_blocks`), in increasing order."""
    start, length = residue_blocks(first, size, count)
    return start[block] + count * np.arange(length[block], dtype=np.int64)


def bernoulli_block_counts(rng, size, pool, p, count=TARGET_BLOCKS):
    """Connections onto each block of a population of `size` targets (:func:`residue_blocks`),
    where every target has `pool` candidate sources, each connected with probability `p`:
    Binomial(cells in the block x pool, p) per block, from `rng` (one value per block)."""
    _, length = residue_blocks(0, size, count)
    return rng.binomial(length * int(pool), p)


def uniform_pairs(rng, connections, targets, pool):
    """`connections` distinct pairs (target, place among its `pool` candidates) drawn uniformly from
    the `targets` x `pool` pairs, ordered by target, then place.

    Given their number, the connections of independent Bernoulli trials over a set of pairs are a
    uniformly random subset of it, so :func:`bernoulli_block_counts` followed by this is the
    pairwise Bernoulli law, drawn block by block. Returns (target index into `targets`, place)
    integer arrays (int32 where the pairs can be numbered in 31 bits).
    """
    pairs = int(targets) * int(pool)
    if not 0 <= connections <= pairs:
        raise ValueError(f"cannot choose {connections} of {pairs} pairs")
    chosen = rng.choice(pairs, size=int(connections), replace=False, shuffle=False)
    if pairs <= 2**31:
        chosen = chosen.astype(np.int32)  # sorts and divides faster; the values are the same
    chosen.sort()
    if not pool:
        return chosen, chosen
    which = chosen // int(pool)  # not np.divmod (slower)
    chosen -= which * int(pool)
    return which, chosen


def fixed_in_degree(rng, n_pre, targets, k, allow_autapses=True):
    """Every target gets exactly `k` sources drawn uniformly *with replacement* (multapses allowed).

    `targets`: their number n_post (the targets 0..n_post-1), or their indices. With
    ``allow_autapses=False`` (pre and post the same population) target j draws from the other
    n_pre - 1 cells: an index drawn from 0..n_pre-2 is shifted up by one from j on. This is
    ``np.random.choice(pool, k)`` with the own index removed from the pool, as in ntwk's
    ``random_connections``. Returns (pre, post) int64 index arrays, target after target.
    """
    targets = np.arange(targets, dtype=np.int64) if np.ndim(targets) == 0 else np.asarray(targets, np.int64)
    pool = n_pre if allow_autapses else n_pre - 1
    if k < 0 or (k > 0 and pool < 1):
        raise ValueError(f"cannot draw {k} sources per target from {pool} cells")
    pre = rng.integers(0, pool, size=(targets.size, k), dtype=np.int64)
    if not allow_autapses:
        pre += pre >= targets[:, None]
    return pre.ravel(), np.repeat(targets, k)


def blocks_to_draw(held=None, count=TARGET_BLOCKS):
    """The blocks of :func:`residue_blocks` a process draws: all of them, or (`held`: the sorted
    indices of the cells it holds) those holding its cells."""
    return np.arange(count) if held is None else blocks_holding(held, count)


def bernoulli_by_block(rngs, counts, n_post, pool, held=None, count=TARGET_BLOCKS):
    """Pairwise Bernoulli connections onto `n_post` targets, each with `pool` candidate sources,
    drawn block by block of targets (:func:`residue_blocks`): block b gets ``counts[b]`` of them
    (:func:`bernoulli_block_counts`), placed by :func:`uniform_pairs` from ``rngs[b]``, for the
    blocks in `rngs` (see :func:`blocks_to_draw`). With `held` (sorted target indices), only the
    rows onto those are kept.
    Returns (place among the candidates, post) int64 arrays, block after block, each block's by
    target, then place.
    """
    parts = []
    for block, rng in rngs.items():
        targets = block_targets(block, n_post, count)
        which, place = uniform_pairs(rng, counts[block], targets.size, pool)
        parts.append(rows_onto(place.astype(np.int64), targets[which], held))
    return _joined(parts)


def fixed_in_degree_by_block(rngs, n_pre, n_post, k, allow_autapses=True, held=None, count=TARGET_BLOCKS):
    """:func:`fixed_in_degree` onto `n_post` targets, drawn block by block of them
    (:func:`residue_blocks`, `count` blocks): the cells of block b draw their sources from
    ``rngs[b]``, for the blocks in `rngs` (see :func:`blocks_to_draw`), so each block's draw is
    the same whichever blocks a process draws. With `held` (sorted target indices), only the rows
    onto those are kept.
    Returns (pre, post) int64 arrays, block after block, each block's target after target.
    """
    parts = []
    for block, rng in rngs.items():
        pre, post = fixed_in_degree(rng, n_pre, block_targets(block, n_post, count), k, allow_autapses)
        parts.append(rows_onto(pre, post, held))
    return _joined(parts)


def rows_onto(pre, post, held, by=None):
    """The rows (pre, post) whose cell `by` (default: post) is among the sorted `held` (None: all)."""
    if held is None:
        return pre, post
    keep = np.isin(post if by is None else by, held)
    return pre[keep], post[keep]


def _joined(parts):
    """The (pre, post) parts of a draw as two int64 arrays, one part after the other."""
    if not parts:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate([pre for pre, _ in parts]), np.concatenate([post for _, post in parts])
