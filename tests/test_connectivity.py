"""zoo.connectivity.bernoulli: the statistics of NEST's pairwise_bernoulli, drawn reproducibly."""

import numpy as np
import pytest

from zoo import connectivity
from zoo.seeds import SeedStreams


def _draw(seed=3, n_pre=300, n_post=200, p=0.2, **kw):
    return connectivity.bernoulli(np.random.default_rng(seed), n_pre, n_post, p, **kw)


def test_count_is_binomial_within_five_sigma():
    pre, post = _draw()
    n, p = 300 * 200, 0.2
    assert abs(pre.size - n * p) < 5 * np.sqrt(n * p * (1 - p))


def test_no_multapses_and_indices_in_range():
    pre, post = _draw()
    assert len(set(zip(pre.tolist(), post.tolist()))) == pre.size
    assert pre.min() >= 0 and pre.max() < 300 and post.max() < 200


def test_autapses_excluded_only_when_asked():
    pre, post = _draw(n_pre=200, p=0.5, allow_autapses=False)
    assert not np.any(pre == post)
    pre, post = _draw(n_pre=200, p=0.5)
    assert np.any(pre == post)
    pre, post = _draw(n_pre=50, n_post=50, p=1.0, allow_autapses=False)
    assert pre.size == 50 * 49 and not np.any(pre == post)
    pre, post = _draw(n_pre=60, n_post=50, p=1.0, allow_autapses=False)
    assert pre.size == 60 * 50 - 50 and not np.any(pre == post)


def test_reproducible_and_independent_of_block_size(monkeypatch):
    first = _draw()
    monkeypatch.setattr(connectivity, "_BLOCK", 1000)
    second = _draw()
    assert all(np.array_equal(a, b) for a, b in zip(first, second))
    assert not np.array_equal(_draw(seed=4)[0][:100], first[0][:100])


def test_in_degrees_have_binomial_spread():
    pre, post = _draw(n_pre=1000, n_post=500, p=0.1)
    indegree = np.bincount(post, minlength=500)
    assert indegree.mean() == pytest.approx(100, abs=5 * np.sqrt(90 / 500))
    assert indegree.var() == pytest.approx(90, rel=0.35)


def test_bad_probability():
    with pytest.raises(ValueError):
        _draw(p=1.5)


@pytest.mark.parametrize("block", [100, 1 << 20])
def test_steps_between_connected_pairs_come_from_consecutive_uniforms(monkeypatch, block):
    """The network for a seed is fixed: the pairs without autapses, pre-major, are skipped by
    floor(log(1 - U) / log(1 - p)) + 1 for consecutive uniforms U."""
    monkeypatch.setattr(connectivity, "_BLOCK", block)
    steps = np.floor(np.log(1.0 - np.random.default_rng(5).random(20000)) / np.log1p(-0.3)) + 1
    position = np.cumsum(steps).astype(int) - 1
    all_pairs = [(i, j) for i in range(300) for j in range(200) if i != j]
    expected = np.array([all_pairs[k] for k in position[position < len(all_pairs)]])
    drawn = _draw(seed=5, p=0.3, allow_autapses=False)
    assert np.array_equal(np.column_stack(drawn), expected)


@pytest.mark.parametrize("n_pre, n_post, autapses", [(3, 4, True), (4, 4, False), (5, 3, False), (3, 5, False)])
def test_every_pair_connected_with_p_and_independently_of_its_neighbour(n_pre, n_post, autapses):
    """Over many draws each allowed pair is connected with frequency p, two consecutive pairs
    together with p**2, and no pair twice or out of order (5 sigma)."""
    rng, p, draws = np.random.default_rng(0), 0.3, 8000
    counts, both = np.zeros((n_pre, n_post)), 0
    allowed = np.ones((n_pre, n_post), dtype=bool)
    if not autapses:
        np.fill_diagonal(allowed, False)
    first, second = np.argwhere(allowed)[:2]
    for _ in range(draws):
        pre, post = connectivity.bernoulli(rng, n_pre, n_post, p, allow_autapses=autapses)
        assert np.all(np.diff(pre * n_post + post) > 0)
        connected = np.zeros((n_pre, n_post), dtype=bool)
        connected[pre, post] = True
        counts += connected
        both += connected[tuple(first)] and connected[tuple(second)]
    assert not counts[~allowed].any()
    assert np.all(np.abs(counts[allowed] / draws - p) < 5 * np.sqrt(p * (1 - p) / draws))
    assert abs(both / draws - p**2) < 5 * np.sqrt(p**2 * (1 - p**2) / draws)


def test_empty_populations_give_no_pairs():
    for n_pre, n_post in ((0, 5), (5, 0)):
        pre, post = _draw(n_pre=n_pre, n_post=n_post)
        assert pre.size == post.size == 0


def test_pairs_are_the_columns_of_the_same_draw():
    pairs = connectivity.bernoulli_pairs(np.random.default_rng(3), 300, 200, 0.2, dtype=np.int32)
    pre, post = _draw(dtype=np.int32)
    assert pairs.shape == (pre.size, 2) and pairs.dtype == np.int32
    assert np.array_equal(pairs[:, 0], pre) and np.array_equal(pairs[:, 1], post)


def test_lists_grow_when_the_draw_exceeds_the_room_set_aside(monkeypatch):
    expected = connectivity.bernoulli_pairs(np.random.default_rng(8), 50, 40, 0.3, dtype=np.int32)
    monkeypatch.setattr(connectivity, "_capacity", lambda *args: 3)
    monkeypatch.setattr(connectivity, "_BLOCK", 64)  # blocks larger than the room
    np.testing.assert_array_equal(connectivity.bernoulli_pairs(np.random.default_rng(8), 50, 40, 0.3, dtype=np.int32),
                                  expected)


@pytest.mark.parametrize("first,size", [(0, 10), (7, 200), (130, 3), (64, 64)])
def test_residue_blocks_deal_every_cell_into_the_block_of_its_network_index(first, size):
    start, length = connectivity.residue_blocks(first, size, 64)
    cells = np.concatenate([start[b] + 64 * np.arange(length[b]) for b in range(64)])
    assert np.array_equal(np.sort(cells), np.arange(size))
    for b in range(64):
        assert np.all((first + start[b] + 64 * np.arange(length[b])) % 64 == b)


def test_blocks_holding_and_block_targets_invert_each_other():
    cells = np.array([0, 5, 64, 69, 130])
    assert connectivity.blocks_holding(cells).tolist() == [0, 2, 5]
    assert connectivity.block_targets(5, 200).tolist() == [5, 69, 133, 197]
    assert connectivity.block_targets(63, 60).size == 0


def test_uniform_pairs_are_distinct_sorted_and_in_range():
    which, place = connectivity.uniform_pairs(np.random.default_rng(1), 500, 30, 40)
    key = which * 40 + place
    assert key.size == 500 and np.all(np.diff(key) > 0)
    assert which.min() >= 0 and which.max() < 30 and place.min() >= 0 and place.max() < 40
    assert [a.size for a in connectivity.uniform_pairs(np.random.default_rng(1), 0, 30, 0)] == [0, 0]
    with pytest.raises(ValueError, match="cannot choose"):
        connectivity.uniform_pairs(np.random.default_rng(1), 1201, 30, 40)


def test_block_counts_then_uniform_pairs_are_pairwise_bernoulli():
    """Drawn block by block, each pair is connected with probability p, independently: the
    in-degrees are Binomial(pool, p) (mean and variance), and so are the out-degrees."""
    size, pool, p = 640, 400, 0.1
    rng = np.random.default_rng(5)
    counts = connectivity.bernoulli_block_counts(rng, size, pool, p)
    assert counts.shape == (64,)
    in_degree, out_degree = np.zeros(size), np.zeros(pool)
    for block in range(64):
        targets = connectivity.block_targets(block, size)
        which, place = connectivity.uniform_pairs(rng, counts[block], targets.size, pool)
        np.add.at(in_degree, targets[which], 1)
        np.add.at(out_degree, place, 1)
    for degree, trials in ((in_degree, pool), (out_degree, size)):
        mean, var = trials * p, trials * p * (1 - p)
        assert abs(degree.mean() - mean) < 4 * np.sqrt(var / degree.size)
        # the sample variance of n values has SD ~ var sqrt(2 / n) (near-normal values)
        assert abs(degree.var(ddof=1) - var) < 4 * var * np.sqrt(2 / degree.size)


def test_bernoulli_by_block_is_the_same_draw_for_any_blocks_asked_for():
    """The blocks a process holds draw what the whole draw gives them, and every row lies in range
    without repeats."""
    streams = SeedStreams(4)
    n_post, pool, p = 700, 90, 0.05
    counts = connectivity.bernoulli_block_counts(streams.generator("connectivity/test"), n_post, pool, p)

    def drawn(held=None):
        rngs = streams.generators("connectivity/test", connectivity.TARGET_BLOCKS, connectivity.blocks_to_draw(held))
        return connectivity.bernoulli_by_block(rngs, counts, n_post, pool, held=held)

    place, post = drawn()
    assert place.size == counts.sum() and 0 <= place.min() and place.max() < pool and post.max() < n_post
    assert np.unique(place * n_post + post).size == place.size
    for held in (np.arange(3, n_post, 8), np.array([5, 69, 600])):
        part_place, part_post = drawn(held)
        mine = np.isin(post, held)
        np.testing.assert_array_equal(part_place, place[mine])
        np.testing.assert_array_equal(part_post, post[mine])


@pytest.mark.parametrize("high", [50, 70_000, 2**31 - 1])
def test_stable_order_is_numpys_stable_argsort(high):
    """One 16-bit radix pass below 2**16, two above; ties keep their order either way."""
    indices = np.random.default_rng(2).integers(0, high, 20_000).astype(np.int32)
    assert np.array_equal(connectivity.stable_order(indices), np.argsort(indices, kind="stable"))


def test_source_order_sorts_by_source_then_target_keeping_repeats_in_order():
    rng = np.random.default_rng(3)
    pre, post = rng.integers(0, 300, 5000), rng.integers(0, 70_000, 5000)
    order = connectivity.source_order(pre, post)
    assert np.array_equal(order, np.argsort(pre * 70_000 + post, kind="stable"))


@pytest.mark.parametrize("n_pre, n_post", [(300, 70_000), (70_000, 70_000)])  # 32- and 64-bit keys
@pytest.mark.parametrize("repeats", [False, True])
def test_pairs_in_source_order_are_the_source_ordered_rows(n_pre, n_post, repeats):
    rng = np.random.default_rng(4)
    pre, post = rng.integers(0, n_pre, 5000).astype(np.int32), rng.integers(0, n_post, 5000).astype(np.int32)
    if repeats:
        pre[:10], post[:10] = pre[10:20], post[10:20]
    else:
        _, first = np.unique(pre.astype(np.int64) * n_post + post, return_index=True)
        pre, post = pre[np.sort(first)], post[np.sort(first)]
    sources, targets, distinct = connectivity.pairs_in_source_order(pre, post, n_pre, n_post)
    order = connectivity.source_order(pre, post)
    assert sources.dtype == targets.dtype == np.int32
    assert np.array_equal(sources, pre[order]) and np.array_equal(targets, post[order])
    assert distinct is not repeats


def test_fixed_in_degree_by_block_is_the_same_draw_for_any_blocks_asked_for():
    """Every target gets k sources; the blocks a process holds draw what the whole draw gives them."""
    n_pre, n_post, k = 300, 1000, 20
    streams = SeedStreams(5)

    def drawn(held=None):
        rngs = streams.generators("connectivity/test", connectivity.TARGET_BLOCKS, connectivity.blocks_to_draw(held))
        return connectivity.fixed_in_degree_by_block(rngs, n_pre, n_post, k, allow_autapses=False, held=held)

    pre, post = drawn()
    assert np.all(np.bincount(post, minlength=n_post) == k) and not np.any(pre == post)
    for held in (np.arange(3, n_post, 8), np.array([5, 69, 700])):
        part_pre, part_post = drawn(held)
        mine = np.isin(post, held)
        assert np.array_equal(part_pre, pre[mine]) and np.array_equal(part_post, post[mine])
