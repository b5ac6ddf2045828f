"""zoo.connectivity.bernoulli: the statistics of NEST's pairwise_bernoulli, drawn reproducibly."""

import numpy as np
import pytest

from zoo import connectivity


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


def test_reproducible_and_independent_of_block_size(monkeypatch):
    first = _draw()
    monkeypatch.setattr(connectivity, "_BLOCK_DRAWS", 1000)
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


@pytest.mark.parametrize("block", [1000, 2_000_000])
def test_pair_connected_exactly_when_its_uniform_draw_is_below_p(monkeypatch, block):
    """The network for a seed is fixed: one uniform per pair, targets outer, sources inner."""
    monkeypatch.setattr(connectivity, "_BLOCK_DRAWS", block)
    post, pre = np.nonzero(np.random.default_rng(5).random((200, 300)) < 0.3)
    keep = pre != post
    drawn = _draw(seed=5, p=0.3, allow_autapses=False)
    assert np.array_equal(drawn[0], pre[keep]) and np.array_equal(drawn[1], post[keep])


def test_empty_populations_give_no_pairs():
    for n_pre, n_post in ((0, 5), (5, 0)):
        pre, post = _draw(n_pre=n_pre, n_post=n_post)
        assert pre.size == post.size == 0
